"""Same seed, same bytes; a shorter run is a prefix of a longer one; the truth lives outside the landing zone."""
from pathlib import Path

import pytest

from .helpers import digest
from ltvzaiko_tasks.world import default_truth_dir, generate_landing


def test_same_seed_gives_identical_bytes(tmp_path):
    a = generate_landing("tiny", 11, "2025-04-01", 3, tmp_path / "a")
    b = generate_landing("tiny", 11, "2025-04-01", 3, tmp_path / "b")
    c = generate_landing("tiny", 12, "2025-04-01", 3, tmp_path / "c")
    assert digest(a.out) == digest(b.out)
    assert digest(a.truth_dir) == digest(b.truth_dir)
    assert digest(a.out) != digest(c.out)
    assert a.dates == ["2025-04-01", "2025-04-02", "2025-04-03"]


def test_a_shorter_run_is_a_prefix_of_a_longer_one(tmp_path):
    short = generate_landing("tiny", 5, "2025-04-01", 2, tmp_path / "short", write_truth=False)
    long = generate_landing("tiny", 5, "2025-04-01", 4, tmp_path / "long", write_truth=False)
    for f in short.files:
        rel = f.relative_to(short.out)
        assert (long.out / rel).read_bytes() == f.read_bytes(), rel


def test_truth_is_written_beside_never_inside_the_landing_zone(tmp_path):
    g = generate_landing("tiny", 1, "2025-04-01", 1, tmp_path / "landing")
    assert g.truth_dir == default_truth_dir(tmp_path / "landing") == tmp_path / "landing.truth"
    assert (g.truth_dir / "customers.csv").exists()
    assert not any("truth" in str(p.relative_to(g.out)) for p in g.out.rglob("*"))
    with pytest.raises(ValueError, match="outside the landing zone"):
        generate_landing("tiny", 1, "2025-04-01", 1, tmp_path / "x", truth_out=tmp_path / "x" / "truth")


def test_files_are_written_whole(tiny):
    assert not list(Path(tiny.out).rglob("*.part"))
    assert not list(Path(tiny.truth_dir).rglob("*.part"))
