from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from brightkitchen.audit.models import AuditAction
from brightkitchen.audit.services import record
from brightkitchen.regions.models import Region, RegionLevel

# Placeholder city nodes of the municipalities, left out of full names:
# "北京市东城区", not "北京市市辖区东城区".
_PLACEHOLDER_NAMES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    unchanged: int


def _flatten(nodes: list[dict[str, Any]], parent: Region | None, depth: int, out: list[Region]) -> None:
    for node in nodes:
        code, name = str(node["code"]), str(node["name"]).strip()
        prefix = parent.full_name if parent is not None else ""
        full_name = prefix if name in _PLACEHOLDER_NAMES else prefix + name
        region = Region(
            code=code,
            name=name,
            full_name=full_name or name,
            level=RegionLevel.values[min(depth, len(RegionLevel.values) - 1)],
            parent_id=parent.code if parent is not None else None,
        )
        out.append(region)
        _flatten(node.get("children", []), region, depth + 1, out)


def load_regions(path: Path | None = None) -> LoadResult:
    """Create or update the region tree from the official file. Idempotent: a second run changes nothing."""
    source = path or settings.REGIONS_FILE
    tree = json.loads(Path(source).read_text(encoding="utf-8"))
    wanted: list[Region] = []
    _flatten(tree, None, 0, wanted)
    existing = {r.code: r for r in Region.objects.all()}
    created = [r for r in wanted if r.code not in existing]
    changed = [
        r
        for r in wanted
        if r.code in existing
        and (
            existing[r.code].name,
            existing[r.code].full_name,
            existing[r.code].level,
            existing[r.code].parent_id,
        )
        != (r.name, r.full_name, r.level, r.parent_id)
    ]
    with transaction.atomic():
        # Parents come before children in `wanted`, so foreign keys are satisfied in order.
        Region.objects.bulk_create(created, batch_size=500)
        Region.objects.bulk_update(changed, ["name", "full_name", "level", "parent"], batch_size=500)
        if created or changed:
            record(
                AuditAction.IMPORT,
                None,
                after={"file": str(source), "created": len(created), "updated": len(changed)},
                description=f"regions: {len(created)} created, {len(changed)} updated",
            )
    return LoadResult(len(created), len(changed), len(wanted) - len(created) - len(changed))
