"""The forecast-accuracy section reads the overall rows of mart_forecast_accuracy for its charts and headline
table, and the breakdown rows (horizon bucket, item type, LTV class) for its second table."""
from __future__ import annotations

from datetime import datetime, timezone

from ltvzaiko_tasks.report.data import FORECAST_ACCURACY, ReportData
from ltvzaiko_tasks.report.sections.forecast import forecast_section

from .marts_fixture import AS_OF, mart_frames


def _section(frame):
    data = ReportData(as_of=AS_OF, schema="marts", generated_at=datetime(2025, 5, 16, tzinfo=timezone.utc),
                      columns={FORECAST_ACCURACY: list(frame.columns)}, frames={FORECAST_ACCURACY: frame})
    return forecast_section(data)


def test_breakdown_rows_are_tabled_not_charted():
    frame = mart_frames()[FORECAST_ACCURACY]
    html = _section(frame).body
    assert "Backtest by days ahead and segment" in html
    assert "8-14" in html and "商品LTVクラス" in html and "不明" in html  # LTV class 'unknown' labelled
    assert "fc-20250501-ab12cd34" in html and "MASE" in html
    # the 14-day grain is charted and tabled beside the daily WAPE
    assert "WAPE of 14-day totals by as-of date" in html and "WAPE (14-day totals)" in html and "20.0%" in html
    # several rows per as-of date and model: charting them all would put many points on one date and fail
    assert frame.groupby(["as_of_date", "model"]).size().max() > 1


def test_a_mart_without_the_breakdown_columns_still_renders():
    frame = mart_frames()[FORECAST_ACCURACY]
    old = frame[(frame["segment_type"] == "all") & (frame["horizon_bucket"] == "all")]
    old = old.drop(columns=["segment_type", "segment", "horizon_bucket", "horizon_from", "horizon_to", "mase",
                            "model_version", "wape_14d"])
    html = _section(old).body
    assert "Backtest at the as-of date" in html and "Backtest by days ahead and segment" not in html
    assert "WAPE of 14-day totals by as-of date" not in html
