"""Move a bad landing file aside with a machine-readable reason beside it. Nothing is ever deleted."""
from __future__ import annotations

import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

from .errors import RuleViolation


def quarantine_file(path: Path, quarantine_root: Path, source: str, business_date: str, sha256: str | None,
                    violations: list[RuleViolation], run_id: str | None = None) -> Path:
    """Move ``path`` to ``<quarantine_root>/<source>/<date>/`` and write ``<name>.reason.json`` beside it."""
    target_dir = Path(quarantine_root) / source / business_date
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / path.name
    if target.exists():  # an earlier bad delivery with the same name stays too
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
        target = target_dir / f"{path.stem}.{stamp}{path.suffix}"
    shutil.move(str(path), str(target))
    reason = {
        "source": source,
        "business_date": business_date,
        "file": path.name,
        "original_path": str(path),
        "sha256": sha256,
        "quarantined_at": datetime.now(timezone.utc).isoformat(),
        "run_id": run_id,
        "violations": [v.as_dict() for v in violations],
    }
    reason_path = target.with_name(target.name + ".reason.json")
    reason_path.write_text(json.dumps(reason, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    return target
