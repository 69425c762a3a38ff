"""Run an expectation suite on a data frame and turn the result into a plain, loggable verdict."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class RuleFailure:
    rule: str
    column: str | None
    unexpected_count: int | None
    examples: list


@dataclass
class Verdict:
    suite: str
    subject: str
    rows: int
    success: bool
    failures: list[RuleFailure] = field(default_factory=list)

    def message(self) -> str:
        if self.success:
            return f"{self.subject}: all {self.suite} rules passed on {self.rows} rows"
        parts = [f"{f.rule}({f.column or ''}) failed: {f.unexpected_count} rows, e.g. {f.examples[:3]}"
                 for f in self.failures]
        return f"{self.subject}: {len(self.failures)} {self.suite} rule(s) failed on {self.rows} rows: " + "; ".join(parts)


def validate_frame(df: pd.DataFrame, suite_name: str, expectations: list, subject: str) -> Verdict:
    import great_expectations as gx

    context = gx.get_context(mode="ephemeral")
    batch_def = (context.data_sources.add_pandas(name="landing")
                 .add_dataframe_asset(name=suite_name)
                 .add_batch_definition_whole_dataframe(name="file"))
    suite = context.suites.add(gx.ExpectationSuite(name=suite_name))
    for exp in expectations:
        suite.add_expectation(exp)
    validation = context.validation_definitions.add(
        gx.ValidationDefinition(name=f"{suite_name}_validation", data=batch_def, suite=suite))
    result = validation.run(batch_parameters={"dataframe": df}, result_format="SUMMARY")
    failures = []
    for r in result.results:
        if r.success:
            continue
        cfg = r.expectation_config
        res = r.result or {}
        failures.append(RuleFailure(
            rule=cfg.type,
            column=cfg.kwargs.get("column") or (",".join(cfg.kwargs.get("column_list", [])) or None),
            unexpected_count=res.get("unexpected_count"),
            examples=list(res.get("partial_unexpected_list") or res.get("observed_value") or [])[:5],
        ))
    return Verdict(suite=suite_name, subject=subject, rows=len(df), success=bool(result.success), failures=failures)
