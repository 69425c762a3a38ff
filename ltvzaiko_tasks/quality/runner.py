"""Run expectation suites on data frames and turn results into plain verdicts.

One ephemeral GX context per :class:`SuiteRunner`, reused for every file of a task: creating a
context costs far more than validating a day's file.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..ingest.errors import RuleViolation


@dataclass
class Verdict:
    suite: str
    subject: str
    rows: int
    success: bool
    violations: list[RuleViolation] = field(default_factory=list)
    unexpected_rows: int = 0
    """Distinct rows breaking at least one row-level rule (upper bound: sum over rules)."""

    def message(self) -> str:
        if self.success:
            return f"{self.subject}: all {self.suite} rules passed on {self.rows} rows"
        return (f"{self.subject}: {len(self.violations)} {self.suite} rule(s) failed on {self.rows} rows: "
                + "; ".join(str(v) for v in self.violations))


def _rule_name(cfg) -> str:
    """``type(column)`` (plus its row condition), or the rule id an expectation declares in ``meta["rule"]``."""
    named = (cfg.meta or {}).get("rule")
    if named:
        return str(named)
    col = cfg.kwargs.get("column")
    cols = cfg.kwargs.get("column_list") or [c for c in (cfg.kwargs.get("column_A"), cfg.kwargs.get("column_B")) if c]
    target = col or (",".join(cols) if cols else "")
    name = f"{cfg.type}({target})" if target else cfg.type
    cond = cfg.kwargs.get("row_condition")
    return f"{name} where {_condition_text(cond)}" if cond else name


def _condition_text(cond) -> str:
    """A GX row condition as ``column == 'value'`` (GX keeps conditions as dicts in the configuration)."""
    if isinstance(cond, dict):
        if "pass_through_filter" in cond:
            return str(cond["pass_through_filter"])
        if {"column", "operator", "parameter"} <= set(cond):
            return f"{cond['column'].get('name')} {cond['operator']} {cond['parameter']!r}"
    return str(cond)


class SuiteRunner:
    def __init__(self, data_docs_dir: Path | None = None):
        import great_expectations as gx

        self._gx = gx
        self.context = gx.get_context(mode="ephemeral")
        self._asset = self.context.data_sources.add_pandas(name="landing").add_dataframe_asset(name="frames")
        self._batch = self._asset.add_batch_definition_whole_dataframe(name="frame")
        self._n = 0
        self.data_docs_dir = data_docs_dir
        if data_docs_dir is not None:
            self.context.add_data_docs_site(
                site_name="ltvzaiko",
                site_config={"class_name": "SiteBuilder",
                             "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                                               "base_directory": str(data_docs_dir)},
                             "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"}},
            )

    def validate(self, df: pd.DataFrame, suite_name: str, expectations: list, subject: str,
                 redact_columns: tuple[str, ...] = ()) -> Verdict:
        """Run ``expectations`` on ``df``. Example values of rules on ``redact_columns`` (personal data) are
        never reported."""
        gx = self._gx
        self._n += 1
        suite = self.context.suites.add(gx.ExpectationSuite(name=f"{suite_name}__{self._n}"))
        for exp in expectations:
            suite.add_expectation(exp)
        validation = self.context.validation_definitions.add(
            gx.ValidationDefinition(name=f"{suite_name}__{self._n}", data=self._batch, suite=suite))
        # Most files pass: check them cheaply first, and compute counts and examples only for a file that fails
        # (about half the cost per file, measured on the EC suite).
        result = validation.run(batch_parameters={"dataframe": df}, result_format="BOOLEAN_ONLY")
        if not result.success:
            result = validation.run(batch_parameters={"dataframe": df}, result_format="SUMMARY")
        violations = []
        unexpected = 0
        for r in result.results:
            if r.success:
                continue
            res = r.result or {}
            count = res.get("unexpected_count")
            unexpected += count or 0
            examples = res.get("partial_unexpected_list")
            if examples is None and "observed_value" in res:
                examples = [res["observed_value"]]
            kw = r.expectation_config.kwargs
            share = _observed_share(r.expectation_config, res)
            if share is not None:  # a rule on a share of rows: the share says more than example rows
                examples = [share]
            if examples and {kw.get("column"), *(kw.get("column_list") or ())} & set(redact_columns):
                examples = ["<redacted: personal data>"]
            described = getattr(r.expectation_config, "description", None)
            violations.append(RuleViolation(rule=_rule_name(r.expectation_config),
                                            detail=f"{subject} breaks {r.expectation_config.type}"
                                                   + (f" ({described})" if described else ""),
                                            count=count, examples=[_short(e) for e in (examples or [])][:5]))
        return Verdict(suite=suite_name, subject=subject, rows=len(df), success=bool(result.success),
                       violations=violations, unexpected_rows=min(unexpected, len(df)))


def _observed_share(cfg, res: dict) -> str | None:
    """For a rule on the share of rows that are (``meta["observed"] == "expected_share"``) or are not
    (``"unexpected_share"``) in its value set: the observed share, e.g. ``"observed share 27.5 %"``."""
    kind = (cfg.meta or {}).get("observed")
    pct = res.get("unexpected_percent")
    if kind not in ("expected_share", "unexpected_share") or pct is None:
        return None
    share = pct if kind == "unexpected_share" else 100.0 - pct
    return f"observed share {share:.1f} %"


def _short(value, limit: int = 120):
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"
