"""``generate_landing``: a world's landing zone (SPEC §4) and, beside it, its ground truth."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .campaigns import CampaignSpec
from .landing import LandingWriter
from .ordering import ConventionalPolicy
from .params import WorldParams
from .scales import Scale, get_scale
from .simulator import World, WorldConfig
from .truth import TruthWriter


@dataclass(frozen=True)
class GeneratedWorld:
    out: Path
    """The landing zone."""
    truth_dir: Path | None
    """The ground truth (outside the landing zone), or None when not written."""
    dates: list[str]
    """Business dates written, YYYY-MM-DD."""
    files: list[Path]
    """Landing files written."""
    truth_files: list[Path]


def default_truth_dir(out: Path) -> Path:
    """``<out>.truth``, a sibling of the landing zone."""
    out = Path(out)
    return out.with_name(out.name + ".truth")


def _check_apart(out: Path, truth: Path) -> None:
    o, t = out.resolve(), truth.resolve()
    if t == o or o in t.parents or t in o.parents:
        raise ValueError(f"the ground truth ({truth}) must be outside the landing zone ({out}), not in or around it")


def generate_landing(scale: str | Scale, seed: int, start: str | date, days: int, out: Path,
                     progress: Callable[[int], None] | None = None, truth_out: Path | None = None,
                     write_truth: bool = True, params: WorldParams | None = None,
                     extra_campaigns: tuple[CampaignSpec, ...] = ()) -> GeneratedWorld:
    """Generate ``days`` business days from ``start`` into ``out``, deterministically from ``seed``.

    The ground truth goes to ``truth_out`` (default ``<out>.truth``). Memory stays flat in ``days``: each day
    is simulated, written and dropped.
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    sc = get_scale(scale) if isinstance(scale, str) else scale
    start_d = date.fromisoformat(start) if isinstance(start, str) else start
    out = Path(out)
    truth_dir = Path(truth_out) if truth_out is not None else default_truth_dir(out)
    if write_truth:
        _check_apart(out, truth_dir)
    world = World.build(WorldConfig(sc, int(seed), start_d, int(days), params or WorldParams(), tuple(extra_campaigns)))
    state = world.initial_state()
    policy = ConventionalPolicy(world)
    landing = LandingWriter(world, out)
    truth = TruthWriter(world, truth_dir) if write_truth else None
    if truth:
        truth.write_static()
    dates: list[str] = []
    for _ in range(days):
        result = world.step(state, policy, truth=write_truth)
        landing.write_day(result, state)
        if truth:
            truth.record_day(result)
        dates.append(result.date.isoformat())
        if progress:
            progress(1)
    if truth:
        truth.finish(state)
    return GeneratedWorld(out=out, truth_dir=truth_dir if truth else None, dates=dates, files=landing.files,
                          truth_files=truth.files if truth else [])
