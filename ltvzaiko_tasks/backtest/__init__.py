"""Policy backtest (SPEC §6.6): replay the simulated world day by day with a policy making the orders.

    from ltvzaiko_tasks.backtest import BacktestConfig, run_backtest
    report = run_backtest(BacktestConfig(scale="small", seed=1, days=340))
    report["policies"]["ltvzaiko"]["gross_profit_jpy"]

Three policies replay the same world (``World.step``, the world's own demand process) from the same
starting state, seed and purchase budget: ``conventional`` (the world's buyer: moving-average forecast,
fixed safety factor, no customer value), ``ltvzaiko`` (what the pipeline does, from the retailer's own
knowledge and records only) and ``oracle`` (the same ordering rule with perfect foresight of true demand).
See docs/backtest.md.
"""
from .budget import OpenToBuy
from .config import BacktestConfig, LtvzaikoPolicyConfig
from .knowledge import RetailerKnowledge
from .metrics import MetricsRecorder, TruthValuation
from .observations import RecordingPolicy, RetailerHistory
from .policies import LtvzaikoPolicy, OraclePolicy
from .runner import build_world, run_backtest, strip_timing

__all__ = [
    "BacktestConfig", "LtvzaikoPolicyConfig", "RetailerKnowledge", "RetailerHistory", "RecordingPolicy",
    "LtvzaikoPolicy", "OraclePolicy", "OpenToBuy", "MetricsRecorder", "TruthValuation", "run_backtest",
    "build_world", "strip_timing",
]
