"""Staple service-level targets by item LTV class × ZPM cell, from a small configuration file (SPEC §6.5).

The class gives the base target (``ReplenishmentPolicy.service_level_by_ltv_class``: 高 98 %, 中 95 %, 低 90 %
by default); the item's ZPM cell moves it by a configured number of points (a winner short of stock is
protected more, a dead-stock risk less); explicit class × cell overrides win; everything stays within the
policy's ``[min_service_level, max_service_level]``::

    target = clip(class_level[class] + cell_adjustment[cell], min, max)      (or the override, clipped)

The defaults live in ``service_levels.toml`` beside this module; ``LTVZAIKO_SERVICE_LEVELS_FILE`` points at
another file of the same form. :meth:`ServiceLevelTargets.table` lists the resulting 3 × 8 matrix.
"""
from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd

from ..portfolio.zpm import ZPM_CELLS
from .config import ReplenishmentPolicy
from .errors import ReplenishmentInputError
from .service_levels import LTV_CLASS_ALIASES, service_level_by_ltv_class

ENV_FILE = "LTVZAIKO_SERVICE_LEVELS_FILE"
DEFAULT_FILE = Path(__file__).with_name("service_levels.toml")
CELL_NAMES: Mapping[str, str] = MappingProxyType({c.cell: c.code for c in ZPM_CELLS})
"""ZPM cell code (``ZL-PH-MH``) → cell name (``protect``)."""
_CLASS_JA = {v: k for k, v in LTV_CLASS_ALIASES.items()}


def _cell_name(cell: str) -> str:
    key = str(cell).strip()
    name = CELL_NAMES.get(key.upper(), key.lower())
    if name not in CELL_NAMES.values():
        raise ReplenishmentInputError(f"unknown ZPM cell {cell!r}: use a name ({', '.join(CELL_NAMES.values())}) "
                                      f"or a code ({', '.join(CELL_NAMES)})")
    return name


def _class_key(label: str) -> str:
    key = str(label).strip()
    return LTV_CLASS_ALIASES.get(key, key.lower())


@dataclass(frozen=True)
class ServiceLevelTargets:
    """ZPM-cell adjustments and class × cell overrides of the staple service-level targets.

    Attributes:
        cell_adjustment: ZPM cell (name or code) → points added to the LTV class's target (0.01 = +1 point).
        overrides: ``(ltv class, ZPM cell)`` → exact target; wins over class + adjustment.
        source: where the settings were read from (for logs and error messages).
    """

    cell_adjustment: Mapping[str, float] = field(default_factory=dict)
    overrides: Mapping[tuple[str, str], float] = field(default_factory=dict)
    source: str = "defaults"

    def __post_init__(self) -> None:
        adj = {}
        for cell, value in dict(self.cell_adjustment).items():
            value = float(value)
            if not -1 < value < 1:
                raise ReplenishmentInputError(f"{self.source}: adjustment of ZPM cell {cell!r} must be in (-1, 1) "
                                              f"(0.01 = one point), got {value}")
            adj[_cell_name(cell)] = value
        over = {}
        for (cls, cell), value in dict(self.overrides).items():
            value = float(value)
            if not 0 < value < 1:
                raise ReplenishmentInputError(f"{self.source}: override {cls}.{cell} must be in (0, 1), got {value}")
            over[(_class_key(cls), _cell_name(cell))] = value
        object.__setattr__(self, "cell_adjustment", MappingProxyType(adj))
        object.__setattr__(self, "overrides", MappingProxyType(over))

    @classmethod
    def from_file(cls, path: str | Path) -> ServiceLevelTargets:
        """Read a TOML file with ``[zpm_cell_adjustment]`` (cell = points) and ``[override]``
        (``"<class>.<cell>" = target``) tables, as ``service_levels.toml`` beside this module."""
        path = Path(path)
        try:
            doc = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ReplenishmentInputError(f"cannot read service-level targets from {path}: {exc}") from None
        unknown = set(doc) - {"zpm_cell_adjustment", "override"}
        if unknown:
            raise ReplenishmentInputError(f"{path}: unknown table(s) {sorted(unknown)}; expected "
                                          "[zpm_cell_adjustment] and [override]")
        overrides = {}
        for key, value in doc.get("override", {}).items():
            cls_label, sep, cell = str(key).partition(".")
            if not sep:
                raise ReplenishmentInputError(f"{path}: override key {key!r} must read '<class>.<cell>', "
                                              "e.g. 'high.protect'")
            overrides[(cls_label, cell)] = value
        return cls(doc.get("zpm_cell_adjustment", {}), overrides, source=str(path))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ServiceLevelTargets:
        """The file named by ``LTVZAIKO_SERVICE_LEVELS_FILE``, else the shipped ``service_levels.toml``."""
        env = os.environ if env is None else env
        return cls.from_file(env.get(ENV_FILE) or DEFAULT_FILE)

    def targets(self, ltv_class, zpm_cell, policy: ReplenishmentPolicy | None = None) -> np.ndarray:
        """Target per row for arrays of LTV classes (high/mid/low or 高/中/低; missing = the policy's
        ``base_service_level``) and ZPM cells (code or name; missing = no adjustment)."""
        policy = policy or ReplenishmentPolicy()
        classes = pd.Series(list(ltv_class), dtype="object")
        cells = pd.Series(list(zpm_cell), dtype="object")
        if len(classes) != len(cells):
            raise ReplenishmentInputError("ltv_class and zpm_cell must have the same length")
        base = np.asarray(service_level_by_ltv_class(classes.where(classes.notna(), None).tolist(),
                                                     policy.service_level_by_ltv_class,
                                                     default=policy.base_service_level), dtype=float).reshape(-1)
        codes, labels = pd.factorize(cells)
        names = [_cell_name(v) for v in labels]
        adj_per = np.array([self.cell_adjustment.get(n, 0.0) for n in names] + [0.0])
        level = base + adj_per[codes]
        if self.overrides:
            keys = zip(classes.map(lambda c: _class_key(c) if isinstance(c, str) else None),
                       [names[c] if c >= 0 else None for c in codes])
            over = np.array([self.overrides.get(k, np.nan) for k in keys], dtype=float)
            level = np.where(np.isnan(over), level, over)
        return np.clip(level, policy.min_service_level, policy.max_service_level)

    def table(self, policy: ReplenishmentPolicy | None = None) -> pd.DataFrame:
        """The resolved matrix: one row per ZPM cell, one column per LTV class (高, 中, 低)."""
        policy = policy or ReplenishmentPolicy()
        classes = [c for c in ("high", "mid", "low") if c in policy.service_level_by_ltv_class] or \
            list(policy.service_level_by_ltv_class)
        rows = []
        for cell in ZPM_CELLS:
            levels = self.targets(classes, [cell.cell] * len(classes), policy)
            rows.append({"zpm_cell": cell.cell, "cell_name": cell.code, "cell_name_ja": cell.name_ja,
                         **{_CLASS_JA.get(c, c): float(v) for c, v in zip(classes, levels)}})
        return pd.DataFrame(rows)
