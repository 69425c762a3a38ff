"""Statistical sanity: what the truth says is recoverable from the generated files, within stated tolerances.

The worlds come from conftest: a few products and stores with many shoppers (so each day has thousands of
units) and ample stock (so censoring does not blur the signal).
"""
import numpy as np
import pandas as pd
import pytest

from .helpers import ec_records, read_csv, sales_units, source_frames

WEEKDAY_TOLERANCE = 0.06
"""Each weekday's share of a week's store sales within 6 % (relative) of the truth's weekday factor."""
EC_WEEKDAY_TOLERANCE = 0.10
"""EC has a sixth of the store volume: its weekday profile within 10 %."""
UPLIFT_TOLERANCE = 0.15
"""Campaign item uplift recovered by difference-in-differences within 15 % of the true multiplier."""
REPEAT_TOLERANCE = 0.05
"""Total repeat purchases within 5 % of the BG/NBD expectation; repeat rate within 2 points."""


def _detrend(x: pd.Series) -> pd.Series:
    return x / x.rolling(7, center=True).mean()


def test_weekday_and_calendar_seasonality_are_recovered(seasonality_world):
    w = seasonality_world
    sold = sales_units(w.out)
    sold = sold[sold.qty > 0]
    loc = read_csv(w.out / "locations" / w.dates[0] / "locations.csv").set_index("location_code").channel
    sold["channel"] = sold.location_code.map(loc)
    units = sold.groupby(["business_date", "channel"]).qty.sum().unstack(fill_value=0)
    cal = read_csv(w.truth_dir / "calendar.csv").set_index("date")
    wd = pd.to_datetime(units.index).day_of_week
    profiles = {}
    for ch in ("store", "ec"):
        obs = _detrend(units[ch].astype(float))
        true = _detrend(cal[f"factor_{ch}"].astype(float).reindex(units.index))
        profiles[ch] = obs.groupby(wd).mean(), true.groupby(wd).mean()
        if ch == "store":  # ~700 units a day: the daily series itself follows the calendar (payday, holidays)
            ok = obs.notna() & true.notna()
            assert np.corrcoef(obs[ok], true[ok])[0, 1] > 0.9
    obs_wd, true_wd = profiles["store"]
    assert obs_wd.to_numpy() == pytest.approx(true_wd.to_numpy(), rel=WEEKDAY_TOLERANCE)
    assert obs_wd[5] > 1.25 * obs_wd[1]  # Saturday vs Tuesday
    obs_wd, true_wd = profiles["ec"]       # ~120 units a day: only the weekly profile, looser
    assert obs_wd.to_numpy() == pytest.approx(true_wd.to_numpy(), rel=EC_WEEKDAY_TOLERANCE)
    assert obs_wd[6] > obs_wd[4]          # EC: Sunday above Friday
    # Golden Week: 2025-05-03..06 are holidays; store sales above the Saturdays around them
    gw = units.loc[["2025-05-03", "2025-05-04", "2025-05-05", "2025-05-06"], "store"].mean()
    assert gw > units.loc[["2025-04-19", "2025-04-26", "2025-05-17"], "store"].mean()


def _campaign_frames(w):
    truth = read_csv(w.truth_dir / "campaigns.csv").iloc[0]
    camp = read_csv(w.out / "campaigns" / w.dates[-1] / "campaigns.csv")
    targets = set(camp.target_code)
    products = read_csv(w.out / "product_master" / w.dates[-1] / "products.csv")
    target_skus = set(products[products.style_code.isin(targets)].sku_code)
    sold = sales_units(w.out)
    sold = sold[(sold.qty > 0) & ~sold.location_code.str.startswith("M")]  # store + EC campaign
    sold["target"] = sold.sku_code.isin(target_skus)
    daily = sold.groupby(["business_date", "target"]).qty.sum().unstack(fill_value=0)
    return truth, daily


def test_campaign_uplift_is_recovered(campaign_world):
    truth, daily = _campaign_frames(campaign_world)
    start, end = truth.start_date, truth.end_date
    before = daily.loc[(daily.index < start) & (daily.index >= "2025-10-06")].sum()
    during = daily.loc[(daily.index >= start) & (daily.index <= end)].sum()
    did = (during[True] / before[True]) / (during[False] / before[False])
    true_mult = float(truth.true_item_multiplier_mean)
    assert true_mult > 1.5
    assert did == pytest.approx(true_mult, rel=UPLIFT_TOLERANCE)
    # total uplift of the targeted styles (item + traffic) against the truth's counterfactual
    base, expected = float(truth.expected_target_units_baseline), float(truth.expected_target_units)
    assert during[True] == pytest.approx(expected, rel=0.08)
    assert during[True] / base - 1 == pytest.approx(float(truth.uplift_pct) / 100, rel=UPLIFT_TOLERANCE)
    assert float(truth.cannibalised_units) > 0   # other styles of the targeted categories lose share


def test_post_campaign_dip_is_visible(campaign_world):
    truth, daily = _campaign_frames(campaign_world)
    end = pd.Timestamp(truth.end_date)
    dip_days = pd.date_range(end + pd.Timedelta(days=1), periods=7).strftime("%Y-%m-%d")
    before = daily.loc[(daily.index < truth.start_date) & (daily.index >= "2025-10-06")].sum()
    dip = daily.loc[daily.index.isin(dip_days)].sum()
    did = (dip[True] / before[True]) / (dip[False] / before[False])
    assert float(truth.post_campaign_dip_units) > 0
    assert did < 0.93
    # the truth's own dip ratio on the targeted styles agrees in direction and size
    true_ratio = float(truth.dip_target_units) / float(truth.dip_target_units_baseline)
    assert true_ratio < 0.95


def _transactions_by_world_customer(w) -> pd.DataFrame:
    truth = read_csv(w.truth_dir / "customers.csv")
    card = truth[truth.member_card_id != ""].set_index("member_card_id").world_customer_id
    ec = truth[truth.ec_customer_id != ""].set_index("ec_customer_id").world_customer_id
    mall = truth.set_index(["mall_location_code", "mall_buyer_id"]).world_customer_id
    rows = []
    pos = source_frames(w.out, "store_pos")
    pos = pos[(pos.quantity.astype(int) > 0) & (pos.member_card_id != "")].drop_duplicates("receipt_no")
    rows.append(pd.DataFrame({"w": pos.member_card_id.map(card), "date": pos.business_date}))
    orders = [(r["customer_id"], r["business_date"]) for r in ec_records(w.out) if r["record_type"] == "order"]
    rows.append(pd.DataFrame({"w": [ec[c] for c, _ in orders], "date": [d for _, d in orders]}))
    for key, loc, no, buyer, status, sale in (("ichiba", "M01", "注文番号", "購入者ID", "注文ステータス", "発送済"),
                                             ("bazaar", "M02", "注文番号", "購入者ID", "注文ステータス", "出荷済み"),
                                             ("plaza", "M03", "注文ID", "顧客ID", "ステータス", "注文確定")):
        m = source_frames(w.out, f"mall_{key}", encoding="cp932")
        m = m[m[status] == sale].drop_duplicates(no)
        ids = mall.reindex(pd.MultiIndex.from_arrays([[loc] * len(m), m[buyer]])).to_numpy()
        rows.append(pd.DataFrame({"w": ids, "date": m.business_date.to_numpy()}))
    tx = pd.concat(rows, ignore_index=True)
    assert tx.w.notna().all()
    return truth, tx


def test_every_purchase_of_an_identifiable_customer_is_in_the_files(bgnbd_world):
    """With cards always shown and mall ids linked, per-customer counts from the files equal the truth."""
    truth, tx = _transactions_by_world_customer(bgnbd_world)
    counts = tx.groupby("w").size()
    t = truth.set_index("world_customer_id").purchases_in_window.astype(int)
    assert counts.reindex(t.index, fill_value=0).equals(t)
    # and the landing zone alone links them: registered customers' mall orders resolve through customer_links
    links = source_frames(bgnbd_world.out, "customer_links")
    assert len(links) > 100


def test_repeat_purchases_follow_the_bgnbd_process(bgnbd_world):
    """Customers acquired in the window: observed repeat purchases vs E[X] = (1 - exp(-p Λ)) / p."""
    w = bgnbd_world
    truth, tx = _transactions_by_world_customer(w)
    cal = read_csv(w.truth_dir / "calendar.csv")
    dates = list(cal.date)
    factors = cal[["factor_store", "factor_ec", "factor_mall"]].astype(float).to_numpy()
    cum = np.vstack([np.zeros(3), np.cumsum(factors, axis=0)])      # cum[k] = sum of factors of days < k
    new = truth[truth.pre_existing == "false"].copy()
    acq = new.acquired_on.map({d: i for i, d in enumerate(dates)}).astype(int).to_numpy()
    exposure = (cum[-1][None, :] - cum[acq + 1]) * new[["pref_store", "pref_ec", "pref_mall"]].astype(float).to_numpy()
    lam_day = new.lambda_per_year.astype(float).to_numpy() / 365
    big_lambda = lam_day * exposure.sum(axis=1)
    p = new.p_dropout.astype(float).to_numpy()
    expected_repeats = (-np.expm1(-p * big_lambda) / p).sum()
    expected_repeat_rate = (-np.expm1(-big_lambda)).mean()
    counts = tx.groupby("w").size().reindex(new.world_customer_id, fill_value=0).to_numpy()
    assert (counts >= 1).mean() > 0.97   # the acquisition purchase is in the files (unless all was out of stock)
    observed_repeats = (counts - 1).sum()
    assert len(new) > 5_000
    assert observed_repeats == pytest.approx(expected_repeats, rel=REPEAT_TOLERANCE)
    assert (counts >= 2).mean() == pytest.approx(expected_repeat_rate, abs=0.02)
    # heterogeneity: the most active decile by true λ repeats far more than the least active
    order = np.argsort(lam_day)
    dec = len(order) // 10
    assert (counts[order[-dec:]] - 1).mean() > 5 * max((counts[order[:dec]] - 1).mean(), 0.01)
