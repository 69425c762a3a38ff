import hashlib

from ltvzaiko_tasks.world import generate_landing
from ltvzaiko_tasks.world.store_pos import tax_included_in, tax_inclusive


def _digest(root):
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(root)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def test_same_seed_same_bytes(tmp_path):
    generate_landing("tiny", 11, "2025-04-01", 2, tmp_path / "a")
    generate_landing("tiny", 11, "2025-04-01", 2, tmp_path / "b")
    generate_landing("tiny", 12, "2025-04-01", 2, tmp_path / "c")
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a") != _digest(tmp_path / "c")


def test_consumption_tax_arithmetic():
    assert int(tax_inclusive(1000)) == 1100
    assert int(tax_inclusive(2990)) == 3289
    assert int(tax_included_in(1100)) == 100
    assert int(tax_included_in(3289)) == 299  # floor(3289 * 10 / 110)
