"""Tiny worlds for the backtest tests: short shared history, a short replay, the fast forecaster."""
from __future__ import annotations

from datetime import date

import pytest

from ltvzaiko_tasks.backtest import BacktestConfig, LtvzaikoPolicyConfig

FAST = LtvzaikoPolicyConfig(forecaster="moving_average")


def tiny_config(days: int = 40, warmup: int = 60, seed: int = 5, **kw) -> BacktestConfig:
    """From 1 April 2024: 60 days of history, then the replay (SS 2024 ends on 1 September = day 153)."""
    return BacktestConfig(scale="tiny", seed=seed, start=date(2024, 4, 1), warmup_days=warmup, days=days,
                          ltvzaiko=kw.pop("ltvzaiko", FAST), **kw)


@pytest.fixture(scope="module")
def tiny_report():
    from ltvzaiko_tasks.backtest import run_backtest
    return run_backtest(tiny_config())
