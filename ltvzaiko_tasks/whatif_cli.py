"""The ``ltvzaiko what-if`` command (registered in :mod:`ltvzaiko_tasks.cli`); the work is in
:mod:`ltvzaiko_tasks.whatif` and :mod:`ltvzaiko_tasks.replenishment.scenarios`."""
from __future__ import annotations

from datetime import date
from typing import Optional

import typer


def _check_date(value: Optional[str]) -> Optional[str]:
    from .cli import _check_date as check  # the CLI's own date check (imported when the command runs)

    return check(value)


def what_if_command(
    sku: list[str] = typer.Option(..., "--sku", help="SKU code(s): repeat --sku or separate with commas."),
    location: list[str] = typer.Option([], "--location", help="Only these locations (repeat or comma-separated)."),
    service_level: Optional[float] = typer.Option(None, min=0.5, max=0.999, help="Cycle service level, e.g. 0.98."),
    lead_time_days: Optional[float] = typer.Option(None, min=0, help="Mean supplier lead time in days."),
    review_period_days: Optional[float] = typer.Option(None, min=1, help="Days between reviews (R)."),
    reorder_point_delta: float = typer.Option(0.0, help="Units added to the reorder point (negative lowers it)."),
    order_cost_jpy: float = typer.Option(1000.0, min=0, help="Cost of one order line, JPY."),
    on: Optional[str] = typer.Option(None, "--date", help="As-of date of the order list (default: the latest).",
                                     callback=_check_date),
    schema: str = typer.Option("marts", help="Schema to read replenishment_order_list from."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
) -> None:
    """What if the service level, lead time, review period or reorder point changed? Safety stock, inventory
    cost (holding + ordering) and stock-out risk of the chosen SKUs, baseline vs scenario (シナリオ分析)."""
    import psycopg

    from .cli import console, fail
    from .replenishment import ReplenishmentInputError
    from .replenishment.scenarios import Scenario
    from .warehouse.connection import resolve_target
    from .warehouse.embedded import WarehouseError
    from .whatif import WhatIfError, print_tables, run_what_if, to_json

    split = lambda values: [v.strip() for item in values for v in item.split(",") if v.strip()]  # noqa: E731
    try:
        scenario = Scenario(service_level, lead_time_days, review_period_days, reorder_point_delta)
        result = run_what_if(resolve_target().url, split(sku), scenario, date.fromisoformat(on) if on else None,
                             schema, split(location), order_cost_jpy)
    except (WhatIfError, WarehouseError, ReplenishmentInputError) as exc:
        fail(str(exc))
    except psycopg.Error as exc:
        fail(f"could not read the order list: {exc}".strip())
    if as_json:
        print(to_json(result))
    else:
        print_tables(result, console)
