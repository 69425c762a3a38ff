"""Campaign master (施策マスタ): ``campaigns/<date>/campaigns.csv``, every campaign announced by the date.

One row per campaign × target: a campaign on all items has one row with ``target_level`` ``all``; one on
categories or styles has a row per category or style.
"""
from __future__ import annotations

import numpy as np

from ..calendar import CHANNELS

SOURCE = "campaigns"
FILENAME = "campaigns.csv"
COLUMNS = ("campaign_code", "campaign_name", "mechanism", "channels", "location_codes", "start_date", "end_date",
           "discount_pct", "coupon_code", "points_multiplier", "member_only", "target_level", "target_code")


def rows(world, day: int) -> dict:
    net = world.network
    out: dict[str, list] = {c: [] for c in COLUMNS}
    for c in world.campaigns.announced(day):
        s = c.spec
        channel_ids = [CHANNELS.index(x) for x in s.channels]
        all_locs = len(c.locations) == int(np.isin(net.channel, channel_ids).sum())
        targets = c.target_codes or ("",)
        for t in targets:
            out["campaign_code"].append(c.code)
            out["campaign_name"].append(s.name)
            out["mechanism"].append(s.mechanism)
            out["channels"].append(";".join(s.channels))
            out["location_codes"].append("" if all_locs else ";".join(net.code[c.locations].tolist()))
            out["start_date"].append(world.date_of(c.start_day).isoformat())
            out["end_date"].append(world.date_of(c.end_day).isoformat())
            out["discount_pct"].append(int(round(s.discount * 100)))
            out["coupon_code"].append(c.coupon_code)
            out["points_multiplier"].append(int(s.points_multiplier))
            out["member_only"].append("true" if s.member_only else "false")
            out["target_level"].append(s.target_level)
            out["target_code"].append(t)
    return out
