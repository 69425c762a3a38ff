"""What the forecast stage feeds the forecaster: demand history with known-in-advance features, the same
features for the forecast days, and the series' segments.

**Features known in advance** (declared in :data:`EXOGENOUS`, passed to ``DemandForecaster`` as
``ForecastConfig(exogenous=...)``, so history and future carry the same columns):

* ``price_jpy`` — the shelf price (売価, tax-exclusive, markdowns included) from the product status of the
  day; for forecast days the price at the forecast origin (a price is known until it changes);
* ``planned_discount_rate`` — ``1 − shelf price ÷ list price × (1 − campaign discount)``: markdown and the
  announced campaign discount together. Not ``int_demand_daily.discount_rate``, which is realised (it is
  computed from the day's sales where there were sales, so it would tell the model whether it sold);
* ``promo_flag`` / ``promo_discount_pct`` — a campaign covers the SKU at the location that day (販促) and
  its largest discount. For forecast days they come from the announced campaign calendar
  (``intermediate.int_campaign_days``), matched exactly as ``int_demand_daily`` matches them (the dbt
  macros ``campaign_covers`` / ``campaign_at_location``; a warehouse test checks the two agree);
* ``days_since_launch`` / ``season_progress`` / ``days_to_season_end`` — where the item stands in its life
  (商品ライフサイクル) on the target date, from the product master's launch date and season dates
  (``intermediate.dim_sku``; set up months before the season, so known in advance): a seasonal item's
  demand rises after launch and falls towards season end, which lags and rolling means only see afterwards.
  Staples have no season: their season columns are missing. See :func:`lifecycle_features`.

:func:`leaking_features` is the guard: it changes a day's outcomes (units, stock-outs) and reports every
feature that moves with them, i.e. that is computed from what the forecast is meant to predict.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import numpy as np
import pandas as pd
import psycopg

from ..warehouse.frames import read_frame

SERIES_SEP = "|"
LIFECYCLE = ("days_since_launch", "season_progress", "days_to_season_end")
"""Known-in-advance item lifecycle features (from the product master's dates, see :func:`lifecycle_features`)."""
EXOGENOUS = ("price_jpy", "planned_discount_rate", "promo_flag", "promo_discount_pct", *LIFECYCLE)
"""Known-in-advance features of the pipeline's forecaster (price, discount rate, campaign flags, lifecycle)."""
HIERARCHY = ("style_id", "location_id")
"""Group labels: new SKUs and locations borrow demand levels from their style and location."""
OUTCOME_COLUMNS = ("units", "stockout_flag", "on_hand_units", "sold_net_sales_jpy")
"""What a day's actuals are: a feature must never move with them."""

HISTORY_SQL = ("select sku_id, location_id, style_id, sales_date, units_sold as units, "
               "stockout_flag::int as stockout_flag, selling_price_jpy, list_price_jpy, promo_flag::int as promo_flag, "
               "promo_discount_pct from intermediate.int_demand_daily where sales_date between %s and %s")
ACTIVE_SQL = ("select sku_id, location_id, style_id, category, channel, on_hand_units, selling_price_jpy, "
              "list_price_jpy from intermediate.int_demand_daily where sales_date = %s")
ITEM_DATES_SQL = ("select sku_id, launch_date, season_start, season_end from intermediate.dim_sku "
                  "where not is_unknown")
CAMPAIGN_DAYS_SQL = ("select campaign_id, channel, sales_date, array_to_string(location_ids, ';') as location_ids, "
                     "target_level, target_code, discount_pct from intermediate.int_campaign_days "
                     "where sales_date between %s and %s")
_IDS = {"sku_id": "category", "location_id": "category", "style_id": "category", "sales_date": "category"}
"""Ids as categoricals: a year of medium-scale history is 17 M rows, and a Python string per cell would cost
gigabytes."""


# ------------------------------------------------------------------------------------------ pure parts
def _as_bool(col: pd.Series) -> pd.Series:
    """Booleans as they arrive: bool, 0/1, or PostgreSQL's CSV spelling 't'/'f' (never truthy strings)."""
    if not (pd.api.types.is_bool_dtype(col) or pd.api.types.is_numeric_dtype(col)):
        return col.astype(str).str.lower().isin(["t", "true", "1"])
    return col.fillna(0).astype(bool)


def to_dates(col: pd.Series) -> pd.Series:
    """Dates as ``datetime64``; a categorical of date strings (how the history is read) is parsed once per
    distinct day."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        cats = pd.to_datetime(pd.Series(col.cat.categories.astype(str)))
        return pd.Series(cats.to_numpy()[col.cat.codes.to_numpy()], index=col.index)
    return pd.to_datetime(col)


def _str_categorical(col) -> pd.Categorical:
    """``col`` as a categorical of strings; a categorical column keeps its codes (no string per row)."""
    col = pd.Series(col)
    if isinstance(col.dtype, pd.CategoricalDtype):
        cats = col.cat.categories
        values = col.array
        if cats.astype(str).equals(cats):
            return pd.Categorical(values)
        return pd.Categorical.from_codes(values.codes, categories=cats.astype(str))
    return pd.Categorical(col.astype(str))


def series_ids(sku: pd.Series, location: pd.Series) -> pd.Categorical:
    """``sku|location`` per row, built once per distinct pair (a categorical: cheap on millions of rows)."""
    sku, location = _str_categorical(sku), _str_categorical(location)
    n_loc = max(len(location.categories), 1)
    codes, pairs = pd.factorize(sku.codes.astype(np.int64) * n_loc + location.codes)
    labels = (np.asarray(sku.categories, dtype=object)[pairs // n_loc] + SERIES_SEP
              + np.asarray(location.categories, dtype=object)[pairs % n_loc])
    return pd.Categorical.from_codes(codes, categories=pd.Index(labels))


def split_series(ids) -> tuple[pd.Series, pd.Series]:
    keys = pd.Series(np.asarray(ids, dtype=object)).str.split(SERIES_SEP, n=1, expand=True)
    return keys[0], keys[1]


def planned_discount_rate(price: pd.Series, list_price: pd.Series, promo_discount_pct: pd.Series) -> np.ndarray:
    """``1 − price ÷ list price × (1 − campaign discount %)`` clipped to [0, 1]; 0 without a list price."""
    price = pd.to_numeric(price, errors="coerce").to_numpy(float)
    listed = pd.to_numeric(list_price, errors="coerce").to_numpy(float)
    promo = pd.to_numeric(promo_discount_pct, errors="coerce").fillna(0).to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        paid = np.where(listed > 0, price / listed, 1.0) * (1 - promo / 100.0)
    return np.clip(np.nan_to_num(1 - paid, nan=0.0), 0.0, 1.0)


_EPOCH = np.datetime64("1970-01-01", "D")


def _day_numbers(values) -> np.ndarray:
    """Dates (strings, datetimes, NaT/None) as day numbers since 1970 in float64, NaN where missing."""
    days = pd.to_datetime(pd.Series(values)).to_numpy("datetime64[ns]").astype("datetime64[D]")
    return np.where(np.isnat(days), np.nan, (days - _EPOCH).astype(np.float64))


def _lifecycle_from_days(day, launch, start, end) -> dict[str, np.ndarray]:
    """:func:`lifecycle_features` on day numbers (float arrays, NaN = unknown), computed in float32 (day
    numbers are exact there) to keep millions of rows light."""
    day, launch, start, end = (np.asarray(a, dtype=np.float32) for a in (day, launch, start, end))
    with np.errstate(invalid="ignore", divide="ignore"):
        length = end - start + 1.0
        progress = np.where(length > 0, (day - start) / length, np.nan)
        return {"days_since_launch": (day - launch).astype(np.float32), "season_progress": progress.astype(np.float32),
                "days_to_season_end": (end - day).astype(np.float32)}


def lifecycle_features(ds, launch, season_start, season_end) -> dict[str, np.ndarray]:
    """Where each item stands in its life on ``ds`` (all four arrays aligned; dates or NaT):

    * ``days_since_launch`` = ds − launch date (negative before launch);
    * ``season_progress`` = (ds − season start) ÷ (season end − season start + 1 day): 0 on the first day of
      the season, just under 1 on its last, above 1 for leftovers listed after the season;
    * ``days_to_season_end`` = season end − ds.

    Missing (NaN) where the date they need is missing (staples have no season). Pure and vectorised.

    >>> f = lifecycle_features(["2025-03-11"], ["2025-03-01"], ["2025-03-01"], ["2025-03-20"])
    >>> float(f["days_since_launch"][0]), float(f["season_progress"][0]), float(f["days_to_season_end"][0])
    (10.0, 0.5, 9.0)
    """
    return _lifecycle_from_days(*(_day_numbers(v) for v in (ds, launch, season_start, season_end)))


def _lifecycle_columns(sku: pd.Series, day: np.ndarray, items: pd.DataFrame | None) -> dict[str, np.ndarray]:
    """The lifecycle features of rows (``sku``, ``day`` as day numbers): the master's dates are looked up once
    per distinct SKU, so millions of rows cost three float32 columns and no date arrays."""
    cat = sku if isinstance(sku.dtype, pd.CategoricalDtype) else sku.astype(str).astype("category")
    codes = cat.cat.codes.to_numpy()
    n_cat = len(cat.cat.categories)
    table = {c: np.full(n_cat + 1, np.nan, dtype=np.float32) for c in ("launch_date", "season_start", "season_end")}
    if items is not None and not items.empty:
        master = items.assign(sku_id=items["sku_id"].astype(str)).drop_duplicates("sku_id").set_index("sku_id")
        master = master.reindex(pd.Index(cat.cat.categories.astype(str)))
        for c in table:
            if c in master:
                table[c][:n_cat] = _day_numbers(master[c].to_numpy())
    at = np.where(codes >= 0, codes, n_cat)  # unknown SKUs read the NaN row
    return _lifecycle_from_days(day, table["launch_date"][at], table["season_start"][at], table["season_end"][at])


def to_long_history(demand: pd.DataFrame, items: pd.DataFrame | None = None) -> pd.DataFrame:
    """``int_demand_daily`` rows → the forecaster's long table ``series_id, ds, y, censored`` + features,
    sorted by day, then series (so the history up to any day is a slice of it, which costs no copy).

    Stock-out days (nothing on hand at close) are ``censored``: their sales are a lower bound, not demand.
    Returns are not demand either: ``y`` is units sold before returns. ``items`` (``sku_id, launch_date,
    season_start, season_end``, from ``dim_sku``) gives the lifecycle features; without it they are missing.

    Memory: a year at medium scale is 17 M rows, so each column is built once, already in the final order
    (no sorted copy of the whole frame) and numeric features are float32."""
    series = series_ids(demand["sku_id"], demand["location_id"])
    ds = to_dates(demand["sales_date"]).to_numpy("datetime64[ns]")
    day = (ds.astype("datetime64[D]") - _EPOCH).astype(np.int64)
    order = np.lexsort((series.codes, day))  # by day, then series: a backtest's "history up to a cutoff" is a slice
    price = pd.to_numeric(demand["selling_price_jpy"], errors="coerce").to_numpy(np.float32)[order]
    promo_pct = pd.to_numeric(demand["promo_discount_pct"], errors="coerce").fillna(0).to_numpy(np.float32)[order]
    list_price = pd.to_numeric(demand["list_price_jpy"], errors="coerce").to_numpy(np.float32)[order]
    codes = series.codes[order]
    out = pd.DataFrame({
        "series_id": pd.Categorical.from_codes(codes, categories=series.categories),
        "ds": ds[order],
        "y": pd.to_numeric(demand["units"]).to_numpy(np.float64)[order].clip(min=0),
        "censored": _as_bool(demand["stockout_flag"]).to_numpy()[order],
        "style_id": _str_categorical(demand["style_id"])[order],
        "location_id": _str_categorical(demand["location_id"])[order],
        "list_price_jpy": list_price,
        "planned_discount_rate": planned_discount_rate(pd.Series(price), pd.Series(list_price),
                                                       pd.Series(promo_pct)).astype(np.float32),
        "promo_flag": _as_bool(demand["promo_flag"]).to_numpy(np.float32)[order],
        "promo_discount_pct": promo_pct,
    })
    # a SKU with no price on a day keeps its last known price (the features must not be missing by accident)
    out.insert(6, "price_jpy", pd.Series(price).groupby(codes).ffill().fillna(0.0).to_numpy(np.float32))
    for name, values in _lifecycle_columns(_take(demand["sku_id"], order), day[order].astype(np.float32),
                                           items).items():
        out[name] = values
    return out


def _take(col: pd.Series, order: np.ndarray) -> pd.Series:
    """``col`` in ``order`` (a categorical stays categorical: codes are reordered, not strings)."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        return pd.Series(pd.Categorical.from_codes(col.cat.codes.to_numpy()[order], dtype=col.dtype))
    return pd.Series(col.to_numpy()[order])


def campaign_cover(series: pd.DataFrame, campaign_days: pd.DataFrame) -> pd.DataFrame:
    """Campaign days covering each series: ``series`` has ``sku_id, location_id, style_id, category,
    channel``; ``campaign_days`` is ``int_campaign_days`` (``location_ids`` as ``;``-separated text).
    Returns ``sku_id, location_id, sales_date, promo_flag, promo_discount_pct`` for covered days only.

    Mirrors the dbt macros ``campaign_covers`` (target all / category / style / SKU) and
    ``campaign_at_location`` (no location list: every location of the channel), as equality joins so only
    matching pairs are ever built."""
    cols = ["sku_id", "location_id", "sales_date", "promo_flag", "promo_discount_pct"]
    if series.empty or campaign_days.empty:
        return pd.DataFrame(columns=cols)
    series = series[["sku_id", "location_id", "style_id", "category", "channel"]].astype(str)
    days = campaign_days.assign(
        discount_pct=pd.to_numeric(campaign_days["discount_pct"], errors="coerce").fillna(0.0),
        location_id=campaign_days["location_ids"].astype(object).where(
            campaign_days["location_ids"].notna() & campaign_days["location_ids"].astype(str).ne(""))
        .map(lambda v: v.split(";") if isinstance(v, str) else [None]),
    ).explode("location_id")
    parts = []
    for level, key in (("all", None), ("category", "category"), ("style", "style_id"), ("sku", "sku_id")):
        c = days[days["target_level"].astype(str) == level]
        if key:
            c = c.assign(**{key: c["target_code"].astype(str)})
        for located in (True, False):
            cc = c[c["location_id"].notna() == located]
            if cc.empty:
                continue
            on = ["channel"] + ([key] if key else []) + (["location_id"] if located else [])
            cc = cc[on + ["sales_date", "discount_pct"]].astype({k: str for k in on})
            parts.append(series.merge(cc, on=on, how="inner")[["sku_id", "location_id", "sales_date",
                                                                 "discount_pct"]])
    if not parts or all(p.empty for p in parts):
        return pd.DataFrame(columns=cols)
    out = (pd.concat(parts, ignore_index=True)
           .groupby(["sku_id", "location_id", "sales_date"], as_index=False)["discount_pct"].max()
           .rename(columns={"discount_pct": "promo_discount_pct"}))
    out["promo_flag"] = True
    out["sales_date"] = pd.to_datetime(out["sales_date"])
    return out[cols]


def future_features(active: pd.DataFrame, campaign_days: pd.DataFrame, dates,
                    items: pd.DataFrame | None = None) -> pd.DataFrame:
    """The forecaster's ``future`` table: every active series × forecast date with the features known at
    the origin — its current shelf price and list price, the announced campaigns of each date and the
    lifecycle features from ``items`` (see :func:`to_long_history`)."""
    dates = pd.DatetimeIndex(pd.to_datetime(list(dates)))
    active = active.reset_index(drop=True)
    grid = active.loc[active.index.repeat(len(dates))].reset_index(drop=True)
    grid["sales_date"] = np.tile(dates.to_numpy(), len(active))
    promo = campaign_cover(active, campaign_days)
    grid = grid.astype({"sku_id": str, "location_id": str}).merge(promo, on=["sku_id", "location_id", "sales_date"],
                                                                   how="left")
    grid["promo_flag"] = _as_bool(grid["promo_flag"].astype("boolean").fillna(False))
    grid["promo_discount_pct"] = pd.to_numeric(grid["promo_discount_pct"], errors="coerce").fillna(0.0)
    price = pd.to_numeric(grid["selling_price_jpy"], errors="coerce")
    return pd.DataFrame({
        "series_id": series_ids(grid["sku_id"], grid["location_id"]).astype(str),
        "ds": grid["sales_date"].to_numpy(),
        "style_id": grid["style_id"].astype(str).to_numpy(),
        "location_id": grid["location_id"].astype(str).to_numpy(),
        "price_jpy": price.fillna(0.0).to_numpy(float),
        "planned_discount_rate": planned_discount_rate(price, grid["list_price_jpy"], grid["promo_discount_pct"]),
        "promo_flag": grid["promo_flag"].astype(float).to_numpy(),
        "promo_discount_pct": grid["promo_discount_pct"].astype(float).to_numpy(),
        **_lifecycle_columns(grid["sku_id"], _day_numbers(grid["sales_date"].to_numpy()), items),
    })


def prices_as_of_cutoff(future: pd.DataFrame, train: pd.DataFrame) -> pd.DataFrame:
    """For a backtest window: what production would have known at the cutoff — each series' last shelf price
    carried forward (a markdown inside the window is not known in advance), with the window's campaigns."""
    last = train.sort_values("ds").groupby("series_id", observed=True).last()
    out = future.copy()
    out["price_jpy"] = out["series_id"].map(last["price_jpy"]).astype(float).fillna(out["price_jpy"]).to_numpy()
    listed = out["series_id"].map(last["list_price_jpy"]).astype(float).fillna(out["list_price_jpy"])
    out["planned_discount_rate"] = planned_discount_rate(out["price_jpy"], listed, out["promo_discount_pct"])
    return out


def leaking_features(build: Callable[[pd.DataFrame], pd.DataFrame], demand: pd.DataFrame,
                     features=EXOGENOUS, outcomes=OUTCOME_COLUMNS, seed: int = 0) -> list[str]:
    """The ``features`` that ``build(demand)`` computes from a day's outcomes (what the forecast predicts).

    Every outcome column of ``demand`` is replaced by a random draw and the history rebuilt; a feature whose
    value changes on any row moved with the outcomes, so it cannot be known in advance. An empty list means
    every feature passed."""
    rng = np.random.default_rng(seed)
    shaken = demand.copy()
    for col in outcomes:
        if col not in shaken.columns:
            continue
        if pd.api.types.is_bool_dtype(shaken[col]) or set(pd.unique(shaken[col].astype(str))) <= {"0", "1", "t", "f",
                                                                                                   "True", "False"}:
            shaken[col] = rng.integers(0, 2, len(shaken))
        else:
            shaken[col] = rng.integers(0, 50, len(shaken))
    key = ["series_id", "ds"]
    a = build(demand).sort_values(key, ignore_index=True)
    b = build(shaken).sort_values(key, ignore_index=True)
    return [f for f in features
            if not np.array_equal(a[f].to_numpy(float), b[f].to_numpy(float), equal_nan=True)]


# --------------------------------------------------------------------------------------------- reads
def read_history(conn: psycopg.Connection, as_of: date, history_days: int) -> pd.DataFrame:
    """``int_demand_daily`` rows of the ``history_days`` up to ``as_of``."""
    start = as_of - timedelta(days=history_days)
    return read_frame(conn, HISTORY_SQL, (start, as_of), dtypes=_IDS)


def read_active(conn: psycopg.Connection, day: date) -> pd.DataFrame:
    """The series the warehouse lists on ``day`` (in the stock file or sold): the ones to forecast."""
    out = read_frame(conn, ACTIVE_SQL, (day,), dtypes={"sku_id": "string", "location_id": "string",
                                                       "style_id": "string", "category": "string", "channel": "string"})
    if out.empty:
        return pd.DataFrame(columns=["sku_id", "location_id", "style_id", "category", "channel", "on_hand_units",
                                     "selling_price_jpy", "list_price_jpy"])
    return out


def read_item_dates(conn: psycopg.Connection) -> pd.DataFrame:
    """Per SKU of the master: launch date, season start and end (the lifecycle features' inputs)."""
    out = read_frame(conn, ITEM_DATES_SQL, None, dtypes={"sku_id": "string"})
    if out.empty:
        return pd.DataFrame(columns=["sku_id", "launch_date", "season_start", "season_end"])
    return out


def read_campaign_days(conn: psycopg.Connection, first: date, last: date) -> pd.DataFrame:
    out = read_frame(conn, CAMPAIGN_DAYS_SQL, (first, last),
                     dtypes={"campaign_id": "string", "channel": "string", "location_ids": "string",
                             "target_level": "string", "target_code": "string"})
    if out.empty:
        return pd.DataFrame(columns=["campaign_id", "channel", "sales_date", "location_ids", "target_level",
                                     "target_code", "discount_pct"])
    out["sales_date"] = pd.to_datetime(out["sales_date"])
    return out


def _exists(conn: psycopg.Connection, relation: str) -> bool:
    return conn.execute("select to_regclass(%s) is not null", (relation,)).fetchone()[0]


def read_segments(conn: psycopg.Connection, as_of: date) -> pd.DataFrame:
    """Per SKU: item type (staple / seasonal) and the latest LTV class (高/中/低) of ``models.item_value`` up
    to ``as_of`` — the item-value stage may run beside this one, so its output of today may not exist yet.
    Missing labels are ``unknown``."""
    items = read_frame(conn, "select sku_id, coalesce(item_type, 'unknown') as item_type from intermediate.dim_sku",
                       dtypes={"sku_id": "string", "item_type": "string"})
    if items.empty:
        items = pd.DataFrame(columns=["sku_id", "item_type"])
    if _exists(conn, "models.item_value"):
        ltv = read_frame(conn, "select distinct on (sku_id) sku_id, ltv_class from models.item_value "
                               "where as_of_date <= %s order by sku_id, as_of_date desc", (as_of,),
                         dtypes={"sku_id": "string", "ltv_class": "string"})
        if not ltv.empty:
            items = items.merge(ltv, on="sku_id", how="outer")
    if "ltv_class" not in items.columns:
        items["ltv_class"] = "unknown"
    return items.fillna({"item_type": "unknown", "ltv_class": "unknown"})[["sku_id", "item_type", "ltv_class"]]
