"""Small hand-built datasets for unit tests: write the CSV layout from a few dicts."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from govreport.core import schema as layout


def write_dataset(
    root: Path,
    *,
    agencies: list[dict[str, Any]] | None = None,
    reports: list[dict[str, Any]] | None = None,
    cells: list[dict[str, Any]] | None = None,
    channels: list[dict[str, Any]] | None = None,
    categories: list[dict[str, Any]] | None = None,
) -> Path:
    """Write a dataset; missing optional columns are left empty. Returns ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    for spec, rows in (
        (layout.AGENCIES, agencies or []),
        (layout.REPORTS, reports or []),
        (layout.CELLS, cells or []),
        (layout.CHANNELS, channels or []),
        (layout.CATEGORIES, categories or []),
    ):
        with open(root / spec.name, "w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(spec.columns), lineterminator="\n")
            w.writeheader()
            for r in rows:
                w.writerow({k: ("" if v is None else v) for k, v in r.items()})
    return root


def agency(agency_id: str = "t-1", name: str = "测试县测试局", **kw: Any) -> dict[str, Any]:
    return {"agency_id": agency_id, "name": name, "kind": "department", "level": "county", **kw}


def report(agency_id: str = "t-1", year: int = 2021, fmt: str = "2021", **kw: Any) -> dict[str, Any]:
    return {"agency_id": agency_id, "year": year, "format": fmt, "period_start": f"{year}-01-01",
            "period_end": f"{year}-12-31", **kw}


def t3_column(agency_id: str, year: int, version: str, column: str, values: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"agency_id": agency_id, "year": year, "version": version, "table": "t3", "row": r, "column": column,
             "value": v} for r, v in values.items()]


def t4(agency_id: str, year: int, version: str, values: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"agency_id": agency_id, "year": year, "version": version, "table": "t4", "row": "value", "column": c,
             "value": v} for c, v in values.items()]


def channel(agency_id: str, year: int, seq: int, ch: str, label: str, value: Any, **kw: Any) -> dict[str, Any]:
    return {"agency_id": agency_id, "year": year, "seq": seq, "channel": ch, "label": label, "value": value,
            "unit": kw.pop("unit", "条"), **kw}
