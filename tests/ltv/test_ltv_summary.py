"""summarise_transactions on a hand-built transaction table (expected values worked out by hand below)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ltvzaiko_tasks.ltv import summarise_calibration_holdout, summarise_transactions

# Calendar (2025): Jan 5 is a Sunday; Jan 6, 13, 20, 27 are Mondays; Feb 2 a Sunday; Feb 3 a Monday.
# Weeks run Monday-Sunday: W0 = Dec 30-Jan 5, W1 = Jan 6-12, W2 = Jan 13-19, W3 = Jan 20-26, W4 = Jan 27-Feb 2.
TRANSACTIONS = pd.DataFrame(
    [
        # A: two purchases on Mon Jan 6 (morning and evening), Wed Jan 8, Mon Jan 20
        ("A", "2025-01-06 09:15", 1000.0),
        ("A", "2025-01-06 20:40", 500.0),
        ("A", "2025-01-08 12:00", 200.0),
        ("A", "2025-01-20 10:00", 3000.0),
        # B: one purchase on Fri Jan 31
        ("B", "2025-01-31 18:00", 800.0),
        # C: only after the observation end -> not a customer yet
        ("C", "2025-02-03 11:00", 999.0),
        # D: Sun Jan 5 and Mon Jan 6: consecutive days, but different weeks
        ("D", "2025-01-05 15:00", 100.0),
        ("D", "2025-01-06 15:00", 300.0),
        # E: Mon Jan 13, and again after the observation end (ignored)
        ("E", "2025-01-13 10:00", 100.0),
        ("E", "2025-02-05 10:00", 999.0),
    ],
    columns=["customer_id", "sold_at", "net_sales_jpy"],
)
OBSERVATION_END = "2025-02-02"


def test_daily_summary_by_hand():
    s = summarise_transactions(TRANSACTIONS, "customer_id", "sold_at", "net_sales_jpy", OBSERVATION_END, "D")
    # A: purchase days Jan 6 (1000+500 collapsed), Jan 8 (200), Jan 20 (3000): 3 days -> frequency 2;
    #    recency Jan 6 -> Jan 20 = 14 days; T Jan 6 -> Feb 2 = 27 days; repeat values 200 and 3000 -> 1600.
    # B: one day -> 0, 0; T Jan 31 -> Feb 2 = 2; monetary 0.
    # D: Jan 5 and Jan 6 -> frequency 1, recency 1; T Jan 5 -> Feb 2 = 28; repeat value 300.
    # E: Jan 13 only (Feb 5 is after the end) -> 0, 0; T = 20.
    expected = pd.DataFrame(
        {"frequency": [2, 0, 1, 0], "recency": [14.0, 0.0, 1.0, 0.0], "T": [27.0, 2.0, 28.0, 20.0],
         "monetary_value": [1600.0, 0.0, 300.0, 0.0]},
        index=pd.Index(["A", "B", "D", "E"], name="customer_id"),
    )
    pd.testing.assert_frame_equal(s, expected)


def test_weekly_summary_by_hand():
    s = summarise_transactions(TRANSACTIONS, "customer_id", "sold_at", "net_sales_jpy", OBSERVATION_END, "W")
    # A: weeks W1 (Jan 6 + Jan 8 collapsed: 1700) and W3 (3000) -> frequency 1, recency 2, T = W4 - W1 = 3,
    #    monetary 3000 (the first week's value is excluded).
    # B: W4 only -> T 0.   D: W0 and W1 -> frequency 1, recency 1, T 4, monetary 300.   E: W2 -> T 2.
    expected = pd.DataFrame(
        {"frequency": [1, 0, 1, 0], "recency": [2.0, 0.0, 1.0, 0.0], "T": [3.0, 0.0, 4.0, 2.0],
         "monetary_value": [3000.0, 0.0, 300.0, 0.0]},
        index=pd.Index(["A", "B", "D", "E"], name="customer_id"),
    )
    pd.testing.assert_frame_equal(s, expected)


def test_without_monetary_column_and_default_observation_end():
    s = summarise_transactions(TRANSACTIONS.iloc[:5], "customer_id", "sold_at", time_unit="D")
    # last transaction day is Jan 31 (B's purchase): A's T = Jan 6 -> Jan 31 = 25
    assert list(s.columns) == ["frequency", "recency", "T"]
    assert s.loc["A", "T"] == 25.0 and s.loc["B", "T"] == 0.0
    assert s["frequency"].dtype == np.int64


def test_datetime_column_types_and_timezones():
    tx = TRANSACTIONS.copy()
    tx["sold_at"] = pd.to_datetime(tx["sold_at"]).dt.tz_localize("Asia/Tokyo")
    s = summarise_transactions(tx, "customer_id", "sold_at", "net_sales_jpy", pd.Timestamp("2025-02-02"), "D")
    assert s.loc["A", "frequency"] == 2 and s.loc["A", "T"] == 27.0
    # an aware observation end is converted to the column's zone: 2025-02-01 16:00 UTC = Feb 2 01:00 JST
    s2 = summarise_transactions(tx, "customer_id", "sold_at", "net_sales_jpy",
                                pd.Timestamp("2025-02-01 16:00", tz="UTC"), "D")
    pd.testing.assert_frame_equal(s, s2)


def test_bad_input_is_refused_with_a_fix():
    tx = TRANSACTIONS.copy()
    tx.loc[0, "customer_id"] = None
    with pytest.raises(ValueError, match="anonymous"):
        summarise_transactions(tx, "customer_id", "sold_at", "net_sales_jpy", OBSERVATION_END)
    with pytest.raises(ValueError, match="lack column"):
        summarise_transactions(TRANSACTIONS, "customer", "sold_at")
    with pytest.raises(ValueError, match="'D' or 'W'"):
        summarise_transactions(TRANSACTIONS, "customer_id", "sold_at", time_unit="M")
    tx = TRANSACTIONS.copy()
    tx.loc[2, "net_sales_jpy"] = np.nan
    with pytest.raises(ValueError, match="missing or non-numeric"):
        summarise_transactions(tx, "customer_id", "sold_at", "net_sales_jpy")


def test_calibration_and_holdout():
    s = summarise_calibration_holdout(TRANSACTIONS, "customer_id", "sold_at", calibration_end="2025-01-19",
                                      observation_end="2025-02-09", monetary_col="net_sales_jpy", time_unit="W")
    # calibration up to Sun Jan 19 (end of W2): A (W1), D (W0, W1), E (W2). Hold-out W3..W5 (to Feb 9):
    # A buys in W3 -> 1; D none; E on Feb 5 (W5) -> 1. duration = W5 - W2 = 3 weeks.
    assert list(s.index) == ["A", "D", "E"]
    assert s["frequency_holdout"].tolist() == [1, 0, 1]
    assert (s["duration_holdout"] == 3.0).all()
    assert s.loc["A", "frequency"] == 0 and s.loc["A", "T"] == 1.0


def test_nothing_before_the_observation_end_gives_an_empty_summary():
    s = summarise_transactions(TRANSACTIONS, "customer_id", "sold_at", "net_sales_jpy", "2024-12-31", "W")
    assert s.empty and list(s.columns) == ["frequency", "recency", "T", "monetary_value"]
