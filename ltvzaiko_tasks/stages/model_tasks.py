"""The DAG's model tasks: one call each, connecting to the warehouse and running a stage for the run's
last business date (the as-of date of every model output)."""
from __future__ import annotations

from datetime import date

import psycopg

from ..warehouse.connection import resolve_target
from .run_context import RunWindow


def _as_of(window: RunWindow) -> date:
    return date.fromisoformat(str(window.last_date))


def _run(fn, window: RunWindow) -> dict:
    with psycopg.connect(resolve_target().url) as conn:
        return fn(conn, _as_of(window))


def run_customer_value(window: RunWindow) -> dict:
    from .customer_value_stage import score_customer_value

    return _run(score_customer_value, window)


def run_item_value(window: RunWindow) -> dict:
    from .item_value_stage import value_items

    return _run(value_items, window)


def run_forecast(window: RunWindow) -> dict:
    from .forecast_stage import forecast_demand

    return _run(forecast_demand, window)


def run_orders(window: RunWindow) -> dict:
    from .orders_stage import recommend_replenishment

    return _run(recommend_replenishment, window)
