"""Data-quality gates at the Python edges (Great Expectations 1.x, ephemeral context)."""
