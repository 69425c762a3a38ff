"""The simulated retail world: masters, channel sales extracts and the truth behind them.

``generate_landing`` writes a landing zone (SPEC §4) deterministically from a seed, with the ground truth
beside it. The world itself is reusable: ``World.build(WorldConfig(...))``, ``world.initial_state()`` and
``world.step(state, policy)`` move it forward one day with any :class:`OrderingPolicy`; the
:class:`DemandProcess` (``world.demand``) gives the true expected demand and draws each day's wishes.
"""
from .campaigns import CampaignSpec
from .demand import DayContext, DemandDraw, DemandProcess
from .fulfilment import allocate
from .generate import GeneratedWorld, default_truth_dir, generate_landing
from .ordering import ConventionalPolicy, OrderingPolicy, OrderLines, PolicyView
from .params import WorldParams
from .scales import SCALES, Scale, get_scale
from .simulator import DayResult, LostSales, World, WorldConfig, WorldState

__all__ = [
    "SCALES", "Scale", "get_scale", "generate_landing", "GeneratedWorld", "default_truth_dir",
    "World", "WorldConfig", "WorldState", "WorldParams", "DayResult", "LostSales", "CampaignSpec",
    "DemandProcess", "DayContext", "DemandDraw", "allocate",
    "OrderingPolicy", "ConventionalPolicy", "PolicyView", "OrderLines",
]
