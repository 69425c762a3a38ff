"""The simulated world's demand as a forecasting problem: what the retailer saw, and the truth of a hold-out.

:func:`world_holdout` runs the world (``ltvzaiko_tasks.world``) day by day with its own buyer, exactly as the
landing-zone generator does, and records per location × SKU and day what the warehouse's
``int_demand_daily`` holds — units sold, the stock-out flag (nothing on hand at close), the shelf price and
the campaigns in force — for every pair the day's stock file lists. After ``history_days`` it records the
world's **true demand** instead: the units shoppers wished for as their first choice, met or not (stock-outs
do not hide demand there), and the true expected demand (the mean of the process).

The forecast origin is the last history day. Features for the hold-out days are what the pipeline would know
then: the shelf price at the origin carried forward, the campaigns announced by the origin and the item
lifecycle features from the product master's dates (``stages.forecast_inputs.lifecycle_features``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd


@dataclass
class WorldHoldout:
    history: pd.DataFrame
    """``series_id, ds, y, censored, style_id, location_id`` + the pipeline's exogenous features (float32)."""
    seasonal: pd.Series
    """Per series id: the SKU is seasonal (True) or a staple."""
    style: pd.Series
    """Per series id: ``location * n_styles + style`` (the style × location series the SKU belongs to)."""
    future: pd.DataFrame
    """``series_id, ds`` + the features known at the origin, for every active series and hold-out day."""
    truth: pd.DataFrame
    """``series_id, ds, demand, expected`` of the hold-out: wished-for units and true mean demand."""
    origin: pd.Timestamp
    simulate_s: float
    n_locations: int
    n_skus: int


def _promo(world, ctx, day: int, origin: int | None, locs: np.ndarray, styles: np.ndarray):
    """Promotion flag and largest discount (%) per (location, style) pair on ``day``; with ``origin``, only the
    campaigns announced by then."""
    campaigns = world.campaigns.campaigns
    offer = ctx.effects.offer[locs, styles]
    pct = np.zeros(len(locs))
    has = offer >= 0
    if has.any():
        disc = np.array([c.spec.discount for c in campaigns]) * 100
        known = np.array([origin is None or c.announce_day <= origin for c in campaigns])
        ok = has & known[np.maximum(offer, 0)]
        pct = np.where(ok, disc[np.maximum(offer, 0)], 0.0)
        has = ok
    # a points campaign covers its targeted styles at its locations, as the campaign master says
    flag = has.copy()
    for c in world.campaigns.relevant(day):
        if c.is_active(day) and c.spec.mechanism == "points" and (origin is None or c.announce_day <= origin):
            flag |= np.isin(locs, c.locations) & c.target[styles]
    return flag.astype(float), pct


def world_holdout(scale: str = "medium", seed: int = 1, start: str | date = "2024-04-01", history_days: int = 365,
                  horizon: int = 28, progress=None) -> WorldHoldout:
    """Simulate ``history_days + horizon`` days of the world and split them at the origin (see module doc)."""
    import time

    from ..world import ConventionalPolicy, World, WorldConfig, get_scale
    from ..world.extracts.stock import listed_pairs

    start_d = date.fromisoformat(start) if isinstance(start, str) else start
    t0 = time.perf_counter()
    world = World.build(WorldConfig(get_scale(scale), int(seed), start_d, history_days + horizon))
    state, policy = world.initial_state(), ConventionalPolicy(world)
    cat, net = world.catalog, world.network
    K = cat.n_skus_total
    style_of = cat.sku_style
    parts, truth_parts, active = [], [], None
    for day in range(history_days + horizon):
        in_holdout = day >= history_days
        expected = world.expected_demand(state) if in_holdout else None
        res = world.step(state, policy, truth=in_holdout)
        if not in_holdout:
            loc, sku = listed_pairs(world, state.on_hand, day)
            sold = np.zeros((net.n, K), dtype=np.int32)
            np.add.at(sold, (res.orders.loc[res.lines.order], res.lines.sku), res.lines.qty)
            flag, pct = _promo(world, res.ctx, day, None, loc, style_of[sku])
            parts.append(pd.DataFrame({
                "loc": loc.astype(np.int16), "sku": sku.astype(np.int16), "day": np.int16(day),
                "y": sold[loc, sku].astype(np.float32), "censored": state.on_hand[loc, sku] == 0,
                "price_jpy": res.ctx.price_excl[style_of[sku]].astype(np.float32),
                "promo_flag": flag.astype(np.float32), "promo_discount_pct": pct.astype(np.float32)}))
            if day == history_days - 1:
                active = (loc, sku, res.ctx.price_excl[style_of[sku]].astype(float))
        else:
            dem = np.zeros((net.n, K), dtype=np.float32)
            d = res.demand
            dem[d.loc, d.sku] = d.demand
            a_loc, a_sku, _ = active
            truth_parts.append(pd.DataFrame({"loc": a_loc, "sku": a_sku, "day": day, "demand": dem[a_loc, a_sku],
                                             "expected": expected[a_loc, a_sku].astype(np.float32)}))
        if progress:
            progress(1)
    simulate_s = time.perf_counter() - t0
    origin = pd.Timestamp(start_d) + pd.Timedelta(days=history_days - 1)
    raw = pd.concat(parts, ignore_index=True)
    del parts
    sku = raw["sku"].to_numpy(np.int64)
    list_price = cat.list_price[style_of[sku]].astype(float)
    history = pd.DataFrame({
        "series_id": raw["loc"].to_numpy(np.int64) * K + sku,
        "ds": pd.Timestamp(start_d) + pd.to_timedelta(raw["day"].to_numpy(np.int64), unit="D"),
        "y": raw["y"].to_numpy(np.float32), "censored": raw["censored"].to_numpy(),
        "style_id": style_of[sku].astype(np.int32), "location_id": raw["loc"].to_numpy(np.int32),
        "price_jpy": raw["price_jpy"].to_numpy(np.float32),
        "planned_discount_rate": _discount(raw["price_jpy"].to_numpy(float), list_price,
                                           raw["promo_discount_pct"].to_numpy(float)).astype(np.float32),
        "promo_flag": raw["promo_flag"].to_numpy(np.float32),
        "promo_discount_pct": raw["promo_discount_pct"].to_numpy(np.float32),
    })
    item_dates = _master_dates(cat, start_d)
    for name, values in _lifecycle(history["ds"].to_numpy(), sku, item_dates).items():
        history[name] = values
    ids = np.unique(history["series_id"].to_numpy())
    seasonal = pd.Series(cat.seasonal[style_of[ids % K]].astype(bool), index=ids)
    style = pd.Series((ids // K) * cat.n_styles + style_of[ids % K], index=ids)
    del raw, sku, list_price
    a_loc, a_sku, a_price = active
    future_parts = []
    for h in range(1, horizon + 1):
        day = history_days - 1 + h
        ctx = world.demand.context(day)
        flag, pct = _promo(world, ctx, day, history_days - 1, a_loc, style_of[a_sku])
        lp = cat.list_price[style_of[a_sku]].astype(float)
        future_parts.append(pd.DataFrame({
            "series_id": a_loc.astype(np.int64) * K + a_sku, "ds": origin + pd.Timedelta(days=h),
            "style_id": style_of[a_sku].astype(np.int64), "location_id": a_loc.astype(np.int64),
            "price_jpy": a_price, "planned_discount_rate": _discount(a_price, lp, pct), "promo_flag": flag,
            "promo_discount_pct": pct}))
    future = pd.concat(future_parts, ignore_index=True)
    for name, values in _lifecycle(future["ds"].to_numpy(), (future["series_id"].to_numpy() % K),
                                   item_dates).items():
        future[name] = values
    truth = pd.concat(truth_parts, ignore_index=True)
    truth = pd.DataFrame({"series_id": truth["loc"].to_numpy(np.int64) * K + truth["sku"].to_numpy(np.int64),
                          "ds": pd.Timestamp(start_d) + pd.to_timedelta(truth["day"].to_numpy(np.int64), unit="D"),
                          "demand": truth["demand"].to_numpy(float), "expected": truth["expected"].to_numpy(float)})
    return WorldHoldout(history=history, seasonal=seasonal, style=style, future=future, truth=truth, origin=origin,
                        simulate_s=simulate_s, n_locations=net.n, n_skus=K)


def _master_dates(cat, start_d: date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per SKU, the product master's launch date, season start and season end (``world.extracts.masters``:
    seasons only for seasonal items, the season's last day = the day before the item leaves the floor)."""
    style = cat.sku_style
    base = np.datetime64(start_d, "D")
    never = 10 ** 6  # the catalogue's "no end" sentinel is far beyond any simulated day

    def as_dates(days, ok):
        return np.where(ok, base + np.minimum(days, never).astype("timedelta64[D]"), np.datetime64("NaT"))

    seasonal = cat.seasonal[style]
    launch = as_dates(cat.launch_day[style], np.ones(len(style), bool))
    return launch, as_dates(cat.launch_day[style], seasonal), as_dates(cat.end_day[style] - 1, seasonal)


def _lifecycle(ds: np.ndarray, sku: np.ndarray, item_dates) -> dict[str, np.ndarray]:
    from ..stages.forecast_inputs import lifecycle_features

    return lifecycle_features(ds, *(d[sku] for d in item_dates))


def _discount(price, list_price, promo_pct) -> np.ndarray:
    """The pipeline's planned discount rate (``stages.forecast_inputs.planned_discount_rate``)."""
    from ..stages.forecast_inputs import planned_discount_rate

    return planned_discount_rate(pd.Series(price), pd.Series(list_price), pd.Series(promo_pct))
