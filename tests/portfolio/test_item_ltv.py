"""Item LTV contribution (SPEC §6.2): hand examples, a brute-force reference, invariants, thresholds."""
from __future__ import annotations

import doctest
import importlib

import numpy as np
import pandas as pd
import pytest

from ltvzaiko_tasks.portfolio import (CLASS_CRITERIA, ItemLtvConfig, classify_item_ltv, item_ltv_contribution,
                                      item_ltv_contribution_by_grain)

D = pd.Timestamp("2026-01-01")


def day(n: int) -> pd.Timestamp:
    return D + pd.Timedelta(days=n)


@pytest.mark.parametrize("module", ["item_ltv", "zpm"])
def test_docstring_examples(module):
    result = doctest.testmod(importlib.import_module(f"ltvzaiko_tasks.portfolio.{module}"))
    assert result.attempted > 0 and result.failed == 0


def hand_lines() -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = [
        # customer, sku, style, day, net, gross profit, units
        ("c1", "A1", "A", 0, 6000, 3000, 2),
        ("c1", "B1", "B", 0, 2000, 800, 1),
        ("c1", "A2", "A", 10, 2000, 1000, 1),
        ("c2", "A1", "A", 3, 3000, 1500, 1),
        ("c2", "B1", "B", 3, 1000, 400, 1),
        ("c2", "B1", "B", 5, -1000, -400, -1),  # c2 returns B1: net 0, not a buyer of B1
        ("c3", "B1", "B", 20, 4000, 1600, 4),
        (None, "A1", "A", 4, 3000, 1500, 1),   # anonymous
    ]
    lines = pd.DataFrame(rows, columns=["customer_key", "sku_id", "style_id", "d", "net_sales_jpy",
                                        "gross_profit_jpy", "units"])
    lines["sales_date"] = [day(n) for n in lines.pop("d")]
    scores = pd.DataFrame({"clv": [10_000.0, 4_000.0, 1_000.0], "segment": ["high", "mid", "low"]},
                          index=["c1", "c2", "c3"])
    return lines, scores


def test_hand_example_sku():
    lines, scores = hand_lines()
    cfg = ItemLtvConfig(repeat_window_days=None, min_buyers=1)
    out = item_ltv_contribution(lines, scores, cfg, as_of=day(30))
    # c1's 10,000 is split 8,000 / 2,000 / 2,000 of 10,000 yen over A1 / B1 / A2 (0.6 / 0.2 / 0.2);
    # c2 only bought A1 (B1 returned): all 4,000 to A1; c3 only B1: 1,000.
    assert out.loc["A1", "clv_contribution_jpy"] == pytest.approx(6_000 + 4_000)
    assert out.loc["B1", "clv_contribution_jpy"] == pytest.approx(2_000 + 1_000)
    assert out.loc["A2", "clv_contribution_jpy"] == pytest.approx(2_000)
    assert out["clv_share"].sum() == pytest.approx(1.0)
    assert out.loc["A1", "net_sales_jpy"] == 12_000 and out.loc["A1", "identified_net_sales_jpy"] == 9_000
    assert out.loc["A1", "anonymous_sales_share"] == pytest.approx(0.25)
    assert out.loc["A1", "gross_margin_rate"] == pytest.approx(0.5)
    assert out.loc["B1", "units"] == 5
    assert list(out["buyers"]) == [2, 1, 2]                     # A1, A2, B1 (c2 returned B1)
    assert out.loc["A1", "clv_of_buyers_jpy"] == 14_000
    assert out.loc["A1", "high_ltv_buyers"] == 1 and out.loc["A1", "high_ltv_buyer_share"] == 0.5
    # baseline = the buyer-weighted average item: high-LTV buyers 1 + 1 + 1 over buyers 2 + 1 + 2 (A1, A2, B1)
    # = 0.6; A1: 0.5 / 0.6, A2: 1 / 0.6 (not against c1's share of the customers, 1/3)
    assert out.attrs["totals"]["baseline_high_ltv_buyer_share"] == pytest.approx(0.6)
    assert out.attrs["totals"]["high_ltv_share_of_buyers"] == pytest.approx(1 / 3)
    assert out.loc["A1", "high_ltv_buyer_lift"] == pytest.approx(0.5 / 0.6)
    assert out.loc["A2", "high_ltv_buyer_lift"] == pytest.approx(1 / 0.6)
    # repeat (no window): A1 buyers c1 (day 0 -> bought day 10) and c2 (day 3 -> nothing after; the return
    # on day 5 is not a purchase): 1/2. B1: c1 yes, c3 no. A2: c1 day 10 -> no.
    assert out.loc["A1", "repeat_rate"] == 0.5 and out.loc["B1", "repeat_rate"] == 0.5
    assert out.loc["A2", "repeat_rate"] == 0.0
    # gateway: first purchase days c1 0 {A1, B1}, c2 3 {A1, B1 (later returned: not a buyer)}, c3 20 {B1}
    assert out.loc["A1", "gateway_buyers"] == 2 and out.loc["B1", "gateway_buyers"] == 2
    assert out.loc["A2", "gateway_buyers"] == 0 and np.isnan(out.loc["A2", "gateway_repeat_rate"])
    assert out.loc["A1", "gateway_repeat_rate"] == 0.5                      # c1 came back, c2 did not
    # new customers c1, c2, c3; only c1 came back: baseline 1/3 -> A1 lift 1.5, B1 (c1, c3) 1.5
    assert out.loc["A1", "gateway_repeat_lift"] == pytest.approx(1.5)
    totals = out.attrs["totals"]
    assert totals["clv_of_buyers_jpy"] == 15_000 == pytest.approx(totals["clv_attributed_jpy"])
    assert totals["anonymous_sales_share"] == pytest.approx(3000 / 20_000)
    assert totals["buyers"] == 3 and totals["unscored_buyers"] == 0
    # classes: A1 carries 10/15 > 50 % -> head -> 高; lifts >= 1.5 with min_buyers 1 make the rest 高 too
    assert out.loc["A1", "ltv_class_reason"] == "clv_share+gateway_repeat"
    assert out.loc["A2", "ltv_class"] == "高" and out.loc["A2", "ltv_class_reason"] == "high_ltv_buyers"


def test_hand_example_classes_by_pareto_only():
    lines, scores = hand_lines()
    cfg = ItemLtvConfig(min_buyers=100, high_cumulative_share=0.5, mid_cumulative_share=0.8)
    out = item_ltv_contribution(lines, scores, cfg, as_of=day(30))
    # ranked A1 10,000 (0 before), B1 3,000 (10/15 before), A2 2,000 (13/15 before)
    assert list(out.loc[["A1", "B1", "A2"], "clv_rank"]) == [1, 2, 3]
    assert out.loc["A1", "ltv_class"] == "高" and out.loc["B1", "ltv_class"] == "中"
    assert out.loc["A2", "ltv_class"] == "低" and out.loc["A2", "ltv_class_reason"] == ""
    assert out.loc["A2", "clv_cumulative_share"] == pytest.approx(1.0)


def test_repeat_window_measures_only_buyers_with_the_whole_window():
    lines, scores = hand_lines()
    out = item_ltv_contribution(lines, scores, ItemLtvConfig(repeat_window_days=7), as_of=day(14))
    # as of day 14 with a 7-day window: purchases on days 0..7 are measured (c1 day 0, c2 day 3);
    # c1's next purchase (day 10) is 10 days later: not within 7 days.
    assert out.loc["A1", "repeat_eligible_buyers"] == 2 and out.loc["A1", "repeat_buyers"] == 0
    assert out.loc["A2", "repeat_eligible_buyers"] == 0 and np.isnan(out.loc["A2", "repeat_rate"])
    assert out.loc["B1", "buyers"] == 1                        # c3's day-20 line is after the as-of day
    wide = item_ltv_contribution(lines, scores, ItemLtvConfig(repeat_window_days=10), as_of=day(20))
    assert wide.loc["A1", "repeat_eligible_buyers"] == 2 and wide.loc["A1", "repeat_buyers"] == 1


def test_first_purchase_dates_from_the_customer_master():
    lines, scores = hand_lines()
    first = pd.Series({"c1": day(-100)})        # c1 was a customer long before these lines
    out = item_ltv_contribution(lines, scores, ItemLtvConfig(repeat_window_days=None), as_of=day(30),
                                first_purchase_dates=first)
    assert out.loc["A1", "gateway_buyers"] == 1                # only c2 now
    assert out.attrs["totals"]["new_customers_measured"] == 2  # c2 and c3


def test_unscored_buyers_count_with_zero_value():
    lines, scores = hand_lines()
    out = item_ltv_contribution(lines, scores.drop(index="c3"), as_of=day(30))
    assert out.attrs["totals"]["unscored_buyers"] == 1
    assert out.loc["B1", "clv_contribution_jpy"] == pytest.approx(2_000)
    assert out.attrs["totals"]["clv_attributed_jpy"] == pytest.approx(14_000)


# -- a brute-force reference on random data -------------------------------------------------------------

def random_lines(seed: int, n_customers: int = 60, n_items: int = 12, n_lines: int = 600):
    rng = np.random.default_rng(seed)
    cust = rng.integers(0, n_customers, n_lines)
    item = rng.integers(0, n_items, n_lines)
    net = rng.choice([500.0, 1000.0, 3000.0], n_lines) * np.where(rng.random(n_lines) < 0.1, -1, 1)
    lines = pd.DataFrame({
        "customer_key": np.where(rng.random(n_lines) < 0.1, None, np.char.add("c", cust.astype(str))).astype(object),
        "sku_id": np.char.add("s", item.astype(str)),
        "style_id": np.char.add("t", (item // 3).astype(str)),
        "sales_date": D + pd.to_timedelta(rng.integers(0, 120, n_lines), unit="D"),
        "net_sales_jpy": net,
        "gross_profit_jpy": net * 0.4,
        "units": np.sign(net),
    })
    keys = [f"c{i}" for i in range(n_customers)]
    clv = rng.gamma(1.0, 5000.0, n_customers)
    scores = pd.DataFrame({"clv": clv, "segment": np.where(clv > np.quantile(clv, 0.7), "high", "low")},
                          index=keys)
    return lines, scores


def reference(lines: pd.DataFrame, scores: pd.DataFrame, item_col: str, window: int | None, as_of) -> pd.DataFrame:
    """Straightforward per-customer loops over the definitions in the module docstring."""
    lines = lines[lines["sales_date"] <= as_of]
    ident = lines[lines["customer_key"].notna()]
    pair_net = ident.groupby(["customer_key", item_col])["net_sales_jpy"].sum()
    purchases = ident[ident["net_sales_jpy"] > 0]
    days = {c: sorted(set(g["sales_date"])) for c, g in purchases.groupby("customer_key")}
    first_day = {c: d[0] for c, d in days.items()}
    pair_first = purchases.groupby(["customer_key", item_col])["sales_date"].min()
    buyers = {k: v for k, v in pair_net.items() if v > 0}
    cust_total: dict = {}
    for (c, _), v in buyers.items():
        cust_total[c] = cust_total.get(c, 0.0) + v
    clv = scores["clv"].to_dict()
    high = set(scores.index[scores["segment"] == "high"])
    # the buyer-weighted average item: high-LTV buyers over buyers, summed over all items
    base_high = np.mean([c in high for c, _ in buyers])
    win = pd.Timedelta(days=window) if window is not None else None

    def came_back(c, d):
        later = [x for x in days[c] if x > d]
        if win is None:
            return True, bool(later)
        if d + win > as_of:
            return False, False
        return True, bool(later) and later[0] <= d + win

    new_stats = [came_back(c, first_day[c]) for c in days]
    base_gateway = sum(r for e, r in new_stats) / sum(e for e, r in new_stats)
    rows = {}
    for item in sorted(lines[item_col].unique()):
        its = [(c, v) for (c, i), v in buyers.items() if i == item]
        rep = [came_back(c, pair_first[(c, item)]) for c, _ in its]
        gw = [c for c, _ in its if pair_first[(c, item)] == first_day[c]]
        gw_rep = [came_back(c, first_day[c]) for c in gw]
        n_gw_el = sum(e for e, _ in gw_rep)
        rows[item] = {
            "buyers": len(its),
            "clv_contribution_jpy": sum(clv.get(c, 0.0) * v / cust_total[c] for c, v in its),
            "clv_of_buyers_jpy": sum(clv.get(c, 0.0) for c, _ in its),
            "high_ltv_buyer_lift": (np.mean([c in high for c, _ in its]) / base_high) if its else np.nan,
            "repeat_eligible_buyers": sum(e for e, _ in rep),
            "repeat_buyers": sum(r for _, r in rep),
            "gateway_buyers": len(gw),
            "gateway_eligible_buyers": n_gw_el,
            "gateway_repeat_lift": (sum(r for _, r in gw_rep) / n_gw_el / base_gateway) if n_gw_el else np.nan,
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def loyal_heavy_buyers(n_items: int = 10, loyal: int = 40, one_off_per_item: int = 60, special_only: int = 120):
    """The textbook case of the lift baseline: heavy buyers buy everything.

    ``loyal`` high-LTV customers (CLV 10,000) buy every one of ``n_items`` items; every item also has
    ``one_off_per_item`` low-LTV customers (CLV 500) who bought only it; item ``I0`` has, besides,
    ``special_only`` high-LTV customers who bought nothing else: the one item whose buyers really are more
    valuable than the average item's.
    """
    rows, clv, segment = [], {}, {}
    items = [f"I{i}" for i in range(n_items)]
    for c in range(loyal):
        key = f"loyal{c}"
        clv[key], segment[key] = 10_000.0, "high"
        rows += [(key, item, 1000.0) for item in items]
    for item in items:
        for c in range(one_off_per_item):
            key = f"{item}-once{c}"
            clv[key], segment[key] = 500.0, "low"
            rows.append((key, item, 1000.0))
    for c in range(special_only):
        key = f"special{c}"
        clv[key], segment[key] = 10_000.0, "high"
        rows.append((key, "I0", 1000.0))
    lines = pd.DataFrame(rows, columns=["customer_key", "sku_id", "net_sales_jpy"])
    lines["sales_date"] = D
    scores = pd.DataFrame({"clv": pd.Series(clv), "segment": pd.Series(segment)})
    return lines, scores


def test_high_ltv_lift_is_against_the_average_item_not_the_average_customer():
    lines, scores = loyal_heavy_buyers()
    out = item_ltv_contribution(lines, scores, gross_profit_col=None, units_col=None)
    # 160 high-LTV customers of 760 buyers (21 %), but 40 of every ordinary item's 100 buyers (0.4) are high:
    # the loyal heavy buyers are in every item's buyers. Against the share among customers every item's lift
    # would be 1.9 (>= 1.5: all 高). Against the average item (520 high-LTV buyers over 1,120 buyers = 0.464),
    # an ordinary item is average (0.86) and only I0 (160 of 220 buyers: 0.727) stands out (1.57).
    totals = out.attrs["totals"]
    assert totals["high_ltv_share_of_buyers"] == pytest.approx(160 / 760)
    assert totals["baseline_high_ltv_buyer_share"] == pytest.approx(520 / 1120)
    ordinary = out.drop(index="I0")
    assert ordinary["high_ltv_buyer_lift"].to_numpy() == pytest.approx(0.4 / (520 / 1120))
    assert out.loc["I0", "high_ltv_buyer_lift"] == pytest.approx((160 / 220) / (520 / 1120))

    # the old definition (per-customer baseline) classified every item 高 through the lift rule
    old_lift = out["high_ltv_buyer_share"] / totals["high_ltv_share_of_buyers"]
    old = classify_item_ltv(out.assign(high_ltv_buyer_lift=old_lift))
    assert (old["ltv_class"] == "高").all()
    assert old["ltv_class_reason"].str.contains("high_ltv_buyers").all()

    # the new one: I0 is 高 (it carries 67 % of the value and its buyers are really more valuable); the ordinary
    # items (3.7 % each) by the value they carry alone: those starting below 80 % of the value 中, the rest 低
    assert out.loc["I0", "ltv_class"] == "高"
    assert out.loc["I0", "ltv_class_reason"] == "clv_share+high_ltv_buyers"
    assert not ordinary["ltv_class_reason"].str.contains("high_ltv_buyers").any()
    assert ordinary["ltv_class"].value_counts().to_dict() == {"中": 4, "低": 5}

    # with the value curve switched off, the lift alone: I0 only
    lift_only = item_ltv_contribution(lines, scores, ItemLtvConfig(high_cumulative_share=0, mid_cumulative_share=0),
                                      gross_profit_col=None, units_col=None)
    assert list(lift_only.index[lift_only["ltv_class"] == "高"]) == ["I0"]
    assert (lift_only.drop(index="I0")["ltv_class"] == "低").all()


@pytest.mark.parametrize("seed,window", [(0, None), (1, 30), (2, 45)])
@pytest.mark.parametrize("item_col", ["sku_id", "style_id"])
def test_matches_a_brute_force_reference(seed, window, item_col):
    lines, scores = random_lines(seed)
    as_of = D + pd.Timedelta(days=110)
    cfg = ItemLtvConfig(repeat_window_days=window)
    out = item_ltv_contribution(lines, scores, cfg, item_col=item_col, as_of=as_of)
    ref = reference(lines, scores, item_col, window, as_of)
    cols = list(ref.columns)
    pd.testing.assert_frame_equal(out[cols].astype(float), ref.loc[out.index, cols].astype(float),
                                  check_names=False, rtol=1e-9)


@pytest.mark.parametrize("seed", [3, 4, 5])
def test_contributions_add_up_to_the_value_of_the_buyers(seed):
    lines, scores = random_lines(seed, n_customers=200, n_items=30, n_lines=2_000)
    both = item_ltv_contribution_by_grain(lines, scores)
    for grain, part in both.groupby("grain"):
        totals = both.attrs["totals"][grain]
        assert part["clv_contribution_jpy"].sum() == pytest.approx(totals["clv_of_buyers_jpy"], rel=1e-12)
        assert part["clv_share"].sum() == pytest.approx(1.0)
        # every buyer's value is attributed once, and never more than the buyer has
        assert np.all(part["clv_contribution_jpy"] <= part["clv_of_buyers_jpy"] + 1e-9)
        assert part["net_sales_jpy"].sum() == pytest.approx(lines["net_sales_jpy"].sum())
        assert totals["anonymous_sales_share"] == pytest.approx(
            lines.loc[lines["customer_key"].isna(), "net_sales_jpy"].sum() / lines["net_sales_jpy"].sum())


def test_style_contribution_is_the_sum_of_its_skus_without_returns():
    lines, scores = random_lines(6, n_customers=200, n_items=30, n_lines=2_000)
    lines = lines[lines["net_sales_jpy"] > 0]
    both = item_ltv_contribution_by_grain(lines, scores)
    sku = both[both["grain"] == "sku"].set_index("item_id")
    style = both[both["grain"] == "style"].set_index("item_id")
    style_of = lines.drop_duplicates("sku_id").set_index("sku_id")["style_id"]
    summed = sku["clv_contribution_jpy"].groupby(style_of.reindex(sku.index)).sum()
    pd.testing.assert_series_equal(summed, style["clv_contribution_jpy"], check_names=False, rtol=1e-12)
    assert list(both.columns[:2]) == ["grain", "item_id"]


@pytest.mark.parametrize("seed", [7, 8])
def test_classes_partition_the_items(seed):
    lines, scores = random_lines(seed, n_customers=300, n_items=40, n_lines=3_000)
    out = item_ltv_contribution(lines, scores, ItemLtvConfig(min_buyers=5))
    assert out["ltv_class"].isin(["高", "中", "低"]).all()
    assert out["ltv_class"].value_counts().sum() == len(out) == lines["sku_id"].nunique()
    assert set(out["ltv_class"]) == {"高", "中", "低"}
    for reason in out["ltv_class_reason"]:
        assert set(filter(None, reason.split("+"))) <= set(CLASS_CRITERIA)
    assert ((out["ltv_class"] == "低") == (out["ltv_class_reason"] == "")).all()


RANK = {"高": 2, "中": 1, "低": 0}


@pytest.mark.parametrize("field,values,direction", [
    ("high_cumulative_share", [0.0, 0.2, 0.4, 0.6], +1),
    ("mid_cumulative_share", [0.6, 0.7, 0.9, 1.0], +1),
    ("high_lift", [1.2, 1.4, 2.0, 5.0], -1),
    ("mid_lift", [0.5, 0.9, 1.1, 1.2], -1),
    ("min_buyers", [1, 5, 20, 100], -1),
])
def test_thresholds_move_items_monotonically(field, values, direction):
    lines, scores = random_lines(9, n_customers=300, n_items=40, n_lines=3_000)
    metrics = item_ltv_contribution(lines, scores, ItemLtvConfig(min_buyers=5))
    base = dict(high_cumulative_share=0.4, mid_cumulative_share=0.7, high_lift=1.2, mid_lift=1.0, min_buyers=5)
    previous = None
    moved = 0
    for value in values:
        cfg = ItemLtvConfig(**{**base, field: value})
        rank = classify_item_ltv(metrics, cfg)["ltv_class"].map(RANK).to_numpy()
        if previous is not None:
            step = (rank - previous) * direction
            assert np.all(step >= 0), f"{field}={value} moved an item the wrong way"
            moved += int(np.count_nonzero(step))
        previous = rank
    assert moved > 0   # the threshold does something on this data


def test_bad_input_is_refused():
    lines, scores = hand_lines()
    with pytest.raises(ValueError, match="lack column"):
        item_ltv_contribution(lines.drop(columns="net_sales_jpy"), scores)
    with pytest.raises(ValueError, match="customer_scores"):
        item_ltv_contribution(lines, scores.drop(columns="segment"))
    with pytest.raises(ValueError, match="have no 'sku_id'"):
        item_ltv_contribution(lines.assign(sku_id=[None] + list(lines["sku_id"][1:])), scores)
    with pytest.raises(ValueError, match=">= 0"):
        item_ltv_contribution(lines, scores.assign(clv=-1.0))
    with pytest.raises(ValueError, match="keys .* match"):
        item_ltv_contribution(lines, scores.set_axis([1, 2, 3]))
    with pytest.raises(ValueError, match="one row per customer"):
        item_ltv_contribution(lines, scores.set_axis(["c1", "c1", "c3"]))
    with pytest.raises(ValueError, match="mid_cumulative_share"):
        ItemLtvConfig(high_cumulative_share=0.9, mid_cumulative_share=0.8)
    with pytest.raises(ValueError, match="mid_lift"):
        ItemLtvConfig(high_lift=1.0, mid_lift=1.2)
    with pytest.raises(ValueError, match="repeat_window_days"):
        ItemLtvConfig(repeat_window_days=0)
