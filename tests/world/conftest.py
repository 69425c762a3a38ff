"""Worlds shared by the world tests: a tiny landing zone, and purpose-built worlds for statistics."""
from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from ltvzaiko_tasks.world import CampaignSpec, WorldParams, generate_landing
from ltvzaiko_tasks.world.scales import Scale

TINY_START = "2025-04-01"


@pytest.fixture(scope="session")
def tiny(tmp_path_factory):
    """The tiny scale, 3 days, with its truth."""
    root = tmp_path_factory.mktemp("tiny")
    return generate_landing("tiny", 7, TINY_START, 3, root / "landing")


@pytest.fixture(scope="session")
def tiny_month(tmp_path_factory):
    """The tiny scale from 1 December over New Year (returns, deliveries, campaigns, customer deltas, 元日)."""
    root = tmp_path_factory.mktemp("tiny_month")
    return generate_landing("tiny", 11, "2025-12-01", 35, root / "landing")


STAT_SCALE = Scale("stat", n_styles=24, n_stores=4, n_customers=40_000, anon_trips_per_store_day=90.0)
"""Few products and stores but many shoppers: high volume per SKU so statistics converge fast."""


def ample_stock(params: WorldParams) -> WorldParams:
    """Generous stock so censoring does not blur the demand signal."""
    return dataclasses.replace(params, supply=dataclasses.replace(params.supply, safety_z=4.0,
                                                                  seasonal_buy_ratio=2.5, buyer_error_sigma=0.0))


@pytest.fixture(scope="session")
def seasonality_world(tmp_path_factory):
    """12 weeks without campaigns."""
    root = tmp_path_factory.mktemp("season")
    params = ample_stock(dataclasses.replace(WorldParams(), campaigns_enabled=False))
    return generate_landing(STAT_SCALE, 3, "2025-04-07", 84, root / "landing", params=params)


CAMPAIGN = CampaignSpec("テストセール", "TEST", "percent_off", ("store", "ec"), date(2025, 10, 20), 7, 0.3,
                        target_level="style", style_share=0.35, traffic_uplift=0.25, pull_forward=0.45, dip_days=14,
                        announce_days=10)


@pytest.fixture(scope="session")
def campaign_world(tmp_path_factory):
    """One 7-day 30 %-off campaign on a third of the styles (days 28-34), nothing else."""
    root = tmp_path_factory.mktemp("campaign")
    params = ample_stock(dataclasses.replace(WorldParams(), campaigns_enabled=False))
    return generate_landing(STAT_SCALE, 5, "2025-09-22", 56, root / "landing", params=params,
                            extra_campaigns=(CAMPAIGN,))


@pytest.fixture(scope="session")
def bgnbd_world(tmp_path_factory):
    """Every customer identifiable (card always shown, all link their mall ids), no stock-out churn."""
    root = tmp_path_factory.mktemp("bgnbd")
    base = WorldParams()
    customers = dataclasses.replace(base.customers, member_share=1.0, card_capture_mean=1.0, link_consent=1.0,
                                    stockout_dropout_boost=0.0)
    params = ample_stock(dataclasses.replace(base, customers=customers, campaigns_enabled=False))
    scale = dataclasses.replace(STAT_SCALE, n_customers=120_000, anon_trips_per_store_day=5.0)
    return generate_landing(scale, 9, "2025-05-12", 120, root / "landing", params=params)
