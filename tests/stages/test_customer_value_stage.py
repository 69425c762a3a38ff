"""The customer value stage: pure scoring on a transaction log, and COPY in/out of the real warehouse."""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import psycopg
import pytest

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
