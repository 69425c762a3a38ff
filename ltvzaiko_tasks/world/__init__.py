"""The simulated retail world: masters, channel sales extracts and the truth behind them.

``generate_landing`` writes a landing zone (SPEC §4) deterministically from a seed.
"""
from .scales import SCALES, Scale
from .generate import generate_landing

__all__ = ["SCALES", "Scale", "generate_landing"]
