"""Ground truth, written beside (never inside) the landing zone, for evaluation only.

``<truth>/``
  ``world.json``            scale, seed, dates and every behavioural parameter
  ``calendar.csv``          true day factors per channel and their parts (weekday, season, events, payday)
  ``products.csv``          true popularity, premium score, elasticity, size/colour share, lifecycle, buy error
  ``suppliers.csv``         declared vs true lead times
  ``locations.csv``         store traffic and walk-in rates
  ``customers.csv``         true BG/NBD parameters, spend, channels, state at the end and future purchases
  ``campaigns.csv``         true effect sizes and expected units with and without each campaign
  ``daily.csv``             expected, wished, sold and lost units per day × channel
  ``demand/<date>/demand_<yyyymmdd>.csv``  demand per location × SKU incl. unmet demand
"""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd

from .calendar import CHANNELS
from .catalog import CATEGORIES, NEVER
from .customers import expected_purchases
from .extracts.common import ymd
from .files import write_bytes, write_csv, write_csv_chunks
from .rng import stream
from .simulator import DayResult, World, WorldState
from .suppliers import ORIGINS

DEMAND_COLUMNS = ("location_code", "sku_code", "expected_units", "demand_units", "sold_units", "unmet_units",
                  "substituted_units", "lost_units", "on_hand_open")
CUSTOMER_COLUMNS = ("world_customer_id", "customer_key", "member_card_id", "ec_customer_id", "mall_location_code",
                    "mall_buyer_id", "acquired_on", "pre_existing", "tier", "lambda_per_year", "p_dropout",
                    "basket_extra_items", "expected_spend_per_trip_jpy", "pref_store", "pref_ec", "pref_mall",
                    "primary_channel", "home_store_code", "is_member", "card_capture_rate", "link_consent",
                    "repeat_purchases_before_start", "purchases_in_window", "last_purchase_on", "alive_at_end",
                    "dropped_out_on", "expected_purchases_next_365d", "future_purchases_next_365d")
FUTURE_DAYS = 365
CUSTOMER_CHUNK = 50_000
_PHASES = ("during", "dip")
_MEASURES = ("target_with", "target_without", "same_category_with", "same_category_without", "all_with",
             "all_without")


def _iso_dates(world: World, days) -> list[str]:
    """ISO dates of day indices; empty for "never"."""
    return ["" if abs(x) >= NEVER // 2 else world.date_of(int(x)).isoformat() for x in np.asarray(days).tolist()]


class TruthWriter:
    def __init__(self, world: World, root: Path):
        self.world, self.root = world, Path(root)
        self.files: list[Path] = []
        self.campaign_acc = {c.index: {p: np.zeros(len(_MEASURES)) for p in _PHASES} for c in world.campaigns.campaigns}
        self.campaign_realised = {c.index: np.zeros(2) for c in world.campaigns.campaigns}  # sold, wished
        self.daily: list[tuple] = []
        self.first_day: int | None = None
        self.last_day: int | None = None

    def _csv(self, name: str, columns) -> None:
        self.files.append(write_csv(self.root / name, columns))

    # ------------------------------------------------------------------------------------ static
    def write_static(self) -> None:
        w = self.world
        cat, sup, net, cfg = w.catalog, w.suppliers, w.network, w.config
        meta = {
            "scale": dataclasses.asdict(cfg.scale), "seed": cfg.seed, "start": cfg.start.isoformat(), "days": cfg.days,
            "horizon_days": cfg.horizon, "params": dataclasses.asdict(w.params),
            "n_styles": cat.n_styles, "n_skus": cat.n_skus_total, "n_locations": net.n,
            "n_customers": len(w.population),
            "n_campaigns": len(w.campaigns), "consumption_tax_rate": 0.10,
            "notes": "Ground truth of the simulated world; evaluation only, never an input of the pipeline.",
        }
        self.files.append(write_bytes(self.root / "world.json",
                                      (json.dumps(meta, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()))
        s = cat.sku_style
        buy_error = cat.buy_error ** w.params.supply.buyer_error_sigma
        date = lambda d: _iso_dates(w, d)  # noqa: E731
        self._csv("products.csv", {
            "sku_code": cat.sku_code, "style_code": cat.style_code[s],
            "category": np.array([c.code for c in CATEGORIES], dtype=object)[cat.category[s]],
            "item_type": np.where(cat.seasonal[s], "seasonal", "staple"), "season": cat.season_label[s],
            "style_popularity": np.round(cat.popularity[s], 6), "premium_score": np.round(cat.premium[s], 6),
            "campaign_elasticity": np.round(cat.elasticity[s], 6), "share_in_style": np.round(cat.sku_share, 6),
            "launch_date": date(cat.launch_day[s]), "off_sale_date": date(cat.end_day[s]),
            "markdown1_date": date(cat.md1_day[s]), "markdown2_date": date(cat.md2_day[s]),
            "buy_error_factor": np.round(np.where(cat.seasonal[s], buy_error[s], 1.0), 6),
            "locations_carrying": net.carried[:, s].sum(axis=0),
        })
        self._csv("suppliers.csv", {
            "supplier_code": sup.code, "origin": np.array(ORIGINS, dtype=object)[sup.origin],
            "declared_lead_time_mean_days": sup.declared_mean, "declared_lead_time_sd_days": sup.declared_sd,
            "true_lead_time_mean_days": np.round(sup.true_mean, 3), "true_lead_time_sd_days": np.round(sup.true_sd, 3),
        })
        self._csv("locations.csv", {
            "location_code": net.code, "channel": np.array(CHANNELS, dtype=object)[net.channel],
            "traffic": np.round(net.traffic, 6), "walk_in_trips_per_day": np.round(w.demand.anon_rate, 6),
            "styles_carried": net.carried.sum(axis=1),
        })

    # ------------------------------------------------------------------------------------ per day
    def record_day(self, r: DayResult) -> None:
        w = self.world
        cat, net = w.catalog, w.network
        self.first_day = r.day if self.first_day is None else self.first_day
        self.last_day = r.day
        dt = r.demand
        expected = r.expected_style_units[dt.loc, cat.sku_style[dt.sku]] * cat.sku_share[dt.sku]
        cols = {"location_code": net.code[dt.loc], "sku_code": cat.sku_code[dt.sku],
                "expected_units": np.round(expected, 5), "demand_units": dt.demand, "sold_units": dt.sold,
                "unmet_units": dt.unmet, "substituted_units": dt.substituted,
                "lost_units": dt.unmet - dt.substituted, "on_hand_open": dt.on_hand_open}
        self.files.append(write_csv(self.root / "demand" / r.date.isoformat() / f"demand_{ymd(r.date)}.csv", cols))
        # campaigns: expected units with and without each campaign
        line_loc = r.orders.loc[r.lines.order]
        line_style = cat.sku_style[r.lines.sku]
        dem_style = cat.sku_style[dt.sku]
        E = r.expected_style_units
        for c_idx, W in r.counterfactual_style_units.items():
            c = w.campaigns.campaigns[c_idx]
            phase = "during" if c.is_active(r.day) else "dip"
            same = np.isin(cat.category, np.unique(cat.category[c.target])) & ~c.target
            El, Wl = E[c.locations], W[c.locations]
            self.campaign_acc[c_idx][phase] += np.array([
                El[:, c.target].sum(), Wl[:, c.target].sum(), El[:, same].sum(), Wl[:, same].sum(), El.sum(), Wl.sum()])
            if phase == "during":
                m = np.isin(line_loc, c.locations) & c.target[line_style]
                md = np.isin(dt.loc, c.locations) & c.target[dem_style]
                self.campaign_realised[c_idx] += [r.lines.qty[m].sum(), dt.demand[md].sum()]
        # daily totals per channel
        ch_dt = net.channel[dt.loc]
        exp_ch = np.bincount(net.channel, weights=E.sum(axis=1), minlength=3)
        orders_ch = np.bincount(r.orders.channel, minlength=3)
        for ch in range(3):
            m = ch_dt == ch
            self.daily.append((r.date.isoformat(), CHANNELS[ch], round(float(exp_ch[ch]), 3), int(dt.demand[m].sum()),
                               int(dt.sold[m].sum()), int((dt.unmet - dt.substituted)[m].sum()), int(orders_ch[ch])))

    # ------------------------------------------------------------------------------------ at the end
    def finish(self, state: WorldState) -> None:
        w = self.world
        self._write_calendar()
        self._write_campaigns()
        cols = ("date", "channel", "expected_units", "demand_units", "sold_units", "lost_units", "orders")
        self._csv("daily.csv", pd.DataFrame(self.daily, columns=cols))
        self._write_customers(state)

    def _write_calendar(self) -> None:
        w = self.world
        cal = w.calendar
        idx = np.arange(cal.index(self.first_day), cal.index(self.last_day) + 1)
        cols = {"date": [cal.dates[i].isoformat() for i in idx], "weekday": cal.weekday[idx],
                "holiday": [cal.holiday[i] for i in idx], "event": [cal.event[i] for i in idx],
                "payday": np.where(cal.payday[idx], "true", "false")}
        for part, arr in (("factor", cal.factors), ("weekday", cal.weekday_part), ("season", cal.season_part),
                          ("event", cal.event_part)):
            for ch, name in enumerate(CHANNELS):
                cols[f"{part}_{name}"] = np.round(arr[ch, idx], 6)
        self._csv("calendar.csv", cols)

    def _write_campaigns(self) -> None:
        w = self.world
        rows = []
        for c in w.campaigns.campaigns:
            if c.start_day > self.last_day:
                continue
            s = c.spec
            acc = self.campaign_acc[c.index]
            d, p = acc["during"], acc["dip"]
            base = d[1]
            rows.append({
                "campaign_code": c.code, "campaign_name": s.name, "mechanism": s.mechanism,
                "channels": ";".join(s.channels), "location_codes": ";".join(w.network.code[c.locations].tolist()),
                "start_date": w.date_of(c.start_day).isoformat(), "end_date": w.date_of(c.end_day).isoformat(),
                "complete": "true" if c.end_day + s.dip_days <= self.last_day else "false",
                "discount_pct": int(round(s.discount * 100)), "points_multiplier": s.points_multiplier,
                "n_target_styles": int(c.target.sum()),
                "true_traffic_uplift": round(s.traffic_uplift, 6),
                "true_item_multiplier_mean": round(float(c.item_multiplier[c.target].mean()) if c.target.any()
                                                   else 1.0, 6),
                "eligibility": round(c.eligibility, 6), "pull_forward_share": round(s.pull_forward, 6),
                "dip_days": s.dip_days,
                "expected_target_units": round(d[0], 3), "expected_target_units_baseline": round(base, 3),
                "uplift_units": round(d[0] - base, 3),
                "uplift_pct": round(100 * (d[0] / base - 1), 3) if base > 0 else "",
                "dip_target_units": round(p[0], 3), "dip_target_units_baseline": round(p[1], 3),
                "post_campaign_dip_units": round(p[1] - p[0], 3),
                "cannibalised_units": round(d[3] - d[2], 3),
                "net_incremental_units": round((d[4] - d[5]) + (p[4] - p[5]), 3),
                "realised_target_units_sold": int(self.campaign_realised[c.index][0]),
                "realised_target_units_wished": int(self.campaign_realised[c.index][1]),
            })
        self._csv("campaigns.csv", pd.DataFrame(rows))

    def _write_customers(self, state: WorldState) -> None:
        w = self.world
        pop, net, cs = w.population, w.network, state.customers
        n = pop.n_born(self.last_day)
        # spend: items per trip × average tax-inclusive price of what each tier buys (last day's assortment)
        ctx = w.demand.context(self.last_day, campaigns=False)
        probs = w.demand.choice_probabilities(ctx).mean(axis=0)  # [tier, style]
        tier_price = probs @ ctx.shelf_price / np.maximum(probs.sum(axis=1), 1e-12)
        rng = stream(w.seed, "future", self.last_day)
        alive = cs.alive[:n]
        lam, p = pop.lam[:n], pop.p[:n]
        future = np.where(alive, np.minimum(rng.poisson(lam * FUTURE_DAYS), rng.geometric(p)), 0)
        expected = np.where(alive, expected_purchases(lam, p, FUTURE_DAYS), 0.0)
        spend = (1 + pop.basket_m[:n]) * tier_price[pop.tier[:n]]
        date = lambda d: _iso_dates(w, d)  # noqa: E731

        def chunk(idx: np.ndarray) -> dict:
            reg = cs.registered[idx]
            key = np.full(len(idx), "", dtype=object)
            key[reg] = pop.customer_key(idx[reg])
            card = np.full(len(idx), "", dtype=object)
            card[cs.has_card[idx]] = pop.member_card_id(idx[cs.has_card[idx]])
            ec = np.full(len(idx), "", dtype=object)
            ec[cs.has_ec[idx]] = pop.ec_customer_id(idx[cs.has_ec[idx]])
            mall_ids = np.empty(len(idx), dtype=object)
            for k in ("ichiba", "bazaar", "plaza"):
                m = net.mall_key[pop.mall_loc[idx]] == k
                mall_ids[m] = pop.mall_buyer_id(idx[m], k)
            flag = lambda b: np.where(b, "true", "false")  # noqa: E731
            return {
                "world_customer_id": [f"W{i + 1:08d}" for i in idx.tolist()], "customer_key": key,
                "member_card_id": card, "ec_customer_id": ec, "mall_location_code": net.code[pop.mall_loc[idx]],
                "mall_buyer_id": mall_ids, "acquired_on": date(pop.birth_day[idx]),
                "pre_existing": flag(pop.birth_day[idx] < 0), "tier": pop.tier[idx],
                "lambda_per_year": np.round(pop.lam[idx] * 365, 6), "p_dropout": np.round(pop.p[idx], 6),
                "basket_extra_items": np.round(pop.basket_m[idx], 6),
                "expected_spend_per_trip_jpy": np.round(spend[idx], 1),
                "pref_store": np.round(pop.pref[idx, 0], 6), "pref_ec": np.round(pop.pref[idx, 1], 6),
                "pref_mall": np.round(pop.pref[idx, 2], 6),
                "primary_channel": np.array(CHANNELS, dtype=object)[pop.primary[idx]],
                "home_store_code": net.code[pop.home_store[idx]], "is_member": flag(pop.is_member[idx]),
                "card_capture_rate": np.round(pop.capture[idx], 6), "link_consent": flag(pop.consent[idx]),
                "repeat_purchases_before_start": pop.pre_purchases[idx],
                "purchases_in_window": cs.purchases[idx], "last_purchase_on": date(cs.last_purchase_day[idx]),
                "alive_at_end": flag(alive[idx]), "dropped_out_on": date(cs.death_day[idx]),
                "expected_purchases_next_365d": np.round(expected[idx], 6),
                "future_purchases_next_365d": future[idx],
            }

        chunks = (chunk(np.arange(a, min(n, a + CUSTOMER_CHUNK))) for a in range(0, n, CUSTOMER_CHUNK))
        self.files.append(write_csv_chunks(self.root / "customers.csv", CUSTOMER_COLUMNS, chunks))

