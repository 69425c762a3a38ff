"""``ltvzaiko bench``: measured figures of every heavy step, as JSON (SPEC §8). Speed is measured here, not
asserted in tests."""
