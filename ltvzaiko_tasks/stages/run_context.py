"""What a DAG run works on: which business dates, which landing zone."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from ..settings import load_settings

JST = ZoneInfo("Asia/Tokyo")


@dataclass(frozen=True)
class RunWindow:
    landing_dir: Path
    dates: list[str]
    """Business dates (YYYY-MM-DD) this run loads, in order."""

    @property
    def last_date(self) -> str:
        return self.dates[-1]


def _parse(d: str) -> date:
    try:
        return date.fromisoformat(d)
    except ValueError:
        raise ValueError(f"business date {d!r} is not YYYY-MM-DD") from None


def date_range(first: str, last: str) -> list[str]:
    a, b = _parse(first), _parse(last)
    if b < a:
        raise ValueError(f"date range ends ({last}) before it starts ({first})")
    return [(a + timedelta(days=i)).isoformat() for i in range((b - a).days + 1)]


def resolve_window(conf: dict | None, logical_date: datetime | None) -> RunWindow:
    """The business dates of a run.

    A manual or CLI run passes ``business_date`` (one day) or ``date_from``/``date_to`` (a backfill window
    loaded in one run) in the run's conf. A scheduled run processes the JST day before its logical date:
    the run that fires at 06:00 JST on the 2nd loads the extracts of the 1st.
    """
    conf = conf or {}
    settings = load_settings()
    landing = Path(conf.get("landing_dir") or settings.landing_dir)
    if conf.get("date_from") or conf.get("date_to"):
        dates = date_range(conf.get("date_from") or conf["date_to"], conf.get("date_to") or conf["date_from"])
    elif conf.get("business_date"):
        dates = [_parse(conf["business_date"]).isoformat()]
    elif logical_date is not None:
        dates = [(logical_date.astimezone(JST).date() - timedelta(days=1)).isoformat()]
    else:
        raise ValueError("no business date: pass business_date or date_from/date_to in the run conf")
    return RunWindow(landing_dir=landing, dates=dates)
