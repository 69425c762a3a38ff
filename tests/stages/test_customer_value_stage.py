"""The customer value stage: pure scoring on a transaction log, and COPY in/out of the real warehouse."""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import psycopg
import pytest

from ltvzaiko_tasks.ltv import LtvConfig
from ltvzaiko_tasks.stages.customer_value_stage import compute_customer_value
from ltvzaiko_tasks.warehouse.frames import read_frame, replace_rows

AS_OF = date(2025, 12, 31)


def _history(n_customers=600, weeks=52, seed=3) -> pd.DataFrame:
    """Customers with gamma-distributed weekly purchase rates, some lapsing halfway: a BG/NBD-like log."""
    rng = np.random.default_rng(seed)
    rows = []
    start = AS_OF - timedelta(weeks=weeks)
    for c in range(n_customers):
        rate = rng.gamma(0.8, 1 / 4)  # purchases per week
        lapse = weeks if rng.random() > 0.3 else rng.integers(1, weeks)
        first = int(rng.integers(0, weeks // 2))
        for w in range(first, weeks):
            if w > lapse:
                break
            if w == first or rng.random() < rate:
                d = start + timedelta(weeks=w, days=int(rng.integers(0, 7)))
                if d <= AS_OF:
                    net = float(rng.gamma(4, 1500))
                    rows.append((f"C{c:05d}", d.isoformat(), net, net * 0.45))
    return pd.DataFrame(rows, columns=["customer_key", "sales_date", "net_sales_jpy", "gross_profit_jpy"])


def test_scores_every_customer_and_ranks_frequent_buyers_higher():
    hist = _history()
    res = compute_customer_value(hist, AS_OF)
    assert res.status == "scored"
    s = res.scores.set_index("customer_key")
    assert set(s.index) == set(hist["customer_key"])
    assert (s["clv_jpy"] >= 0).all() and s["p_alive"].between(0, 1).all()
    assert res.fit["margin_rate"] == pytest.approx(0.45)
    # customers buying often and recently are worth more than one-off buyers
    often = s[s["frequency"] >= 5]["clv_jpy"].mean()
    once = s[s["frequency"] == 0]["clv_jpy"].mean()
    assert often > 3 * once
    # segments by CLV rank: high 20 %, mid 30 %, low 50 %
    shares = s["segment"].value_counts(normalize=True)
    assert shares["high"] == pytest.approx(0.2, abs=0.01) and shares["low"] == pytest.approx(0.5, abs=0.01)
    assert s.loc[s["segment"] == "high", "clv_jpy"].min() >= s.loc[s["segment"] == "low", "clv_jpy"].max()
    # the hold-out check ran: predicted purchases in the last 8 weeks close to the actual ones
    assert res.fit["holdout"] is not None and "error" not in res.fit["holdout"]


def test_too_little_history_is_explained_not_scored():
    hist = _history(n_customers=15, weeks=4)
    res = compute_customer_value(hist, AS_OF)
    assert res.status == "insufficient_history"
    assert res.scores.empty and "repeat customers" in res.fit["message"]


def test_frames_round_trip_and_replace_one_slice(warehouse):
    cols = {"as_of_date": "date not null", "customer_key": "text not null", "clv_jpy": "double precision",
            "segment": "text"}
    df = pd.DataFrame({"as_of_date": ["2025-01-01"] * 3, "customer_key": ["a", "b,\"quoted\"", "日本"],
                       "clv_jpy": [1.5, 2.0, None], "segment": ["high", "low", "mid"]})
    with psycopg.connect(warehouse.url) as conn:
        conn.execute("drop table if exists zz_frames_test.t")
        replace_rows(conn, "t", df, cols, {"as_of_date": "2025-01-01"}, schema="zz_frames_test")
        replace_rows(conn, "t", df.assign(as_of_date="2025-01-02"), cols, {"as_of_date": "2025-01-02"},
                     schema="zz_frames_test")
        replace_rows(conn, "t", df.iloc[:1], cols, {"as_of_date": "2025-01-01"}, schema="zz_frames_test")
        got = read_frame(conn, "select * from zz_frames_test.t where as_of_date = %s order by customer_key",
                         ("2025-01-02",))
        assert list(got["customer_key"]) == sorted(df["customer_key"])
        assert got["clv_jpy"].isna().sum() == 1
        assert conn.execute("select count(*) from zz_frames_test.t where as_of_date = '2025-01-01'").fetchone() == (1,)
        conn.execute("drop schema zz_frames_test cascade")


# -- the output gate: scores are checked before they are published -------------------------------------------

@pytest.fixture(scope="module")
def scored():
    res = compute_customer_value(_history(), AS_OF)
    assert res.status == "scored" and not res.calibration.empty
    return res


def _rules(frame):
    from ltvzaiko_tasks.ltv.output_rules import customer_ltv_rules

    return customer_ltv_rules(LtvConfig(), clv=frame["clv_jpy"])


def test_real_scores_and_calibration_pass_their_rules(scored):
    from ltvzaiko_tasks.ltv.output_rules import calibration_rules
    from ltvzaiko_tasks.quality.output_gate import gate_output

    assert gate_output(scored.scores, "customer_ltv", _rules(scored.scores)).success
    assert gate_output(scored.calibration, "ltv_calibration", calibration_rules()).success


@pytest.mark.parametrize("corrupt,rule,example", [
    (lambda f: f.assign(p_alive=f["p_alive"].where(f.index != 5, np.nan)),
     "expect_column_values_to_not_be_null(p_alive)", None),
    (lambda f: f.assign(p_alive=f["p_alive"].where(f.index != 7, 1.2)),
     "expect_column_values_to_be_between(p_alive)", "1.2"),
    (lambda f: f.assign(clv_jpy=f["clv_jpy"].where(f.index != 3, -150.0)),
     "expect_column_values_to_be_between(clv_jpy)", "-150.0"),
    (lambda f: f.assign(clv_jpy=f["clv_jpy"].where(f.index != 3, np.inf)),
     "expect_column_values_to_be_between(clv_jpy)", "inf"),
    (lambda f: f.assign(expected_purchases_12m=f["expected_purchases_12m"].where(f.index != 2, -0.5)),
     "expect_column_values_to_be_between(expected_purchases_12m)", "-0.5"),
    (lambda f: pd.concat([f, f.iloc[[0]]], ignore_index=True),
     "expect_column_values_to_be_unique(customer_key)", None),
    (lambda f: f.assign(segment=f["segment"].replace({"mid": "high"})),   # 50 % high: not as configured
     "segment_share_max(high)", "observed share"),
    (lambda f: f.assign(segment=f["segment"].replace({"high": "low"})),   # no high segment at all
     "segment_share_min(high)", "observed share 0.0 %"),
    (lambda f: f.assign(segment=f["segment"].replace({"high": "top"})),
     "expect_column_values_to_be_in_set(segment)", "top"),
])
def test_broken_scores_are_rejected_naming_the_rule(scored, corrupt, rule, example):
    from ltvzaiko_tasks.quality.output_gate import OutputCheckFailed, gate_output

    bad = corrupt(scored.scores.copy())
    with pytest.raises(OutputCheckFailed) as err:
        gate_output(bad, "customer_ltv", _rules(scored.scores))
    names = [v.rule for v in err.value.verdict.violations]
    assert rule in names, names
    assert "models.customer_ltv" in str(err.value) and "nothing published" in str(err.value)
    if example:
        broken = next(v for v in err.value.verdict.violations if v.rule == rule)
        assert any(example in str(e) for e in broken.examples), broken


def test_segment_share_tolerance_allows_ties_not_a_wrong_cut():
    from ltvzaiko_tasks.ltv import ltv_segments
    from ltvzaiko_tasks.ltv.output_rules import customer_ltv_rules, segment_share_tolerances
    from ltvzaiko_tasks.quality.output_gate import check_output

    # 200 customers; 40 one-time buyers of one week share one CLV right on the 50 % boundary
    clv = np.r_[np.linspace(10_000, 3_000, 80), np.full(40, 2_000.0), np.linspace(1_500, 100, 80)]
    segments = ltv_segments(clv)
    shares = pd.Series(segments).value_counts(normalize=True)
    assert shares["low"] == pytest.approx(0.6)              # the tie moved 10 points from mid to low
    tol = segment_share_tolerances(clv)
    assert tol["high"] == pytest.approx(0.02 + 1 / 200) and tol["low"] == pytest.approx(0.02 + 40 / 200)
    frame = _frame_of(clv, segments)
    assert check_output(frame, "customer_ltv", customer_ltv_rules(clv=clv)).success
    # the same customers cut 30 / 30 / 40 break the high share
    wrong = _frame_of(clv, ltv_segments(clv, shares=(0.3, 0.3, 0.4)))
    verdict = check_output(wrong, "customer_ltv", customer_ltv_rules(clv=clv))
    assert [v.rule for v in verdict.violations] == ["segment_share_max(high)"]


def _frame_of(clv, segments):
    n = len(clv)
    return pd.DataFrame({"as_of_date": AS_OF.isoformat(), "customer_key": [f"c{i}" for i in range(n)],
                         "frequency": 1, "recency_weeks": 1.0, "tenure_weeks": 2.0, "monetary_value_jpy": 1000.0,
                         "p_alive": 0.5, "expected_purchases_12m": 1.0, "expected_spend_jpy": 1000.0,
                         "clv_jpy": clv, "segment": np.asarray(segments)})


def test_a_failing_gate_leaves_the_published_scores_unchanged(scratch_db, monkeypatch):
    """A run whose scores break a rule writes nothing: models.customer_ltv, ltv_calibration and ltv_fit keep
    the previous run's rows for the date, and the task fails naming the rule."""
    from ltvzaiko_tasks.quality.output_gate import OutputCheckFailed
    from ltvzaiko_tasks.stages import customer_value_stage as stage

    with psycopg.connect(scratch_db) as conn:
        replace_rows(conn, "int_customer_daily", _history(), {"customer_key": "text", "sales_date": "date",
                     "net_sales_jpy": "double precision", "gross_profit_jpy": "double precision"},
                     {"sales_date": AS_OF}, schema="intermediate")
        first = stage.score_customer_value(conn, AS_OF)
    assert first["status"] == "scored" and first["calibration_buckets"] == 8

    def snapshot():
        with psycopg.connect(scratch_db) as conn:
            return {t: read_frame(conn, f"select * from models.{t} order by 1, 2")
                    for t in ("customer_ltv", "ltv_calibration", "ltv_fit")}

    before = snapshot()
    real = stage.compute_customer_value

    def corrupted(*args, **kwargs):
        res = real(*args, **kwargs)
        res.scores.loc[res.scores.index[0], "p_alive"] = 1.2
        return res

    monkeypatch.setattr(stage, "compute_customer_value", corrupted)
    with pytest.raises(OutputCheckFailed, match=r"expect_column_values_to_be_between\(p_alive\)"):
        with psycopg.connect(scratch_db) as conn:
            stage.score_customer_value(conn, AS_OF)
    after = snapshot()
    for table, frame in before.items():
        assert len(frame) > 0, table
        pd.testing.assert_frame_equal(after[table], frame, obj=table)
