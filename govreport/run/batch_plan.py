"""What a batch has to do: the agency-years selected, their input hashes, and which are already current.

An agency-year's last *good* render is recorded by ``<out>/<agency-id>/<year>/provenance.json`` (written
last, by rename, only when every output of that render is in place). It is **current** — and the batch
skips it — when that record names the same inputs as now and every requested output file exists:

* ``data_hash``: :meth:`Dataset.report_hash <govreport.store.dataset.Dataset.report_hash>` — the agency-year's
  rows, its agency's row and its narrative;
* ``notebook_hash``: the report notebook's code; ``govreport_version``;
* ``parameters``: as the renderer records them (agency's full name, year, the dataset directory's name and the
  notebook's other declared parameters);
* the files: the requested outputs (``--to``) are among the files the record lists, and exist;
* ``pdf_layout``: when report.pdf is requested, the layout it was made in (``--layout``; a record without it
  is of the default ``web`` layout), so switching ``--layout`` re-renders without ``--force``.

Hashing every agency-year one by one costs ~40 ms each (a pandas slice, ``astype(str)`` and a hash per
report); :func:`report_hashes` computes the same values in bulk (row hashes of each frame once, then one
digest per report over its block of rows) — equal to ``Dataset.report_hash`` bit for bit (tested). A
previous run's hashes are reused when the dataset's content hash (``Dataset.data_hash``) and the
narrative file's size and modification time are unchanged.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from govreport.core import schema as layout
from govreport.core.errors import ParameterError
from govreport.store.dataset import extra_row_hashes, omitted_columns, report_row_bytes
from govreport.store.narrative import narrative_bytes
from govreport.store.provenance import DEFAULT_LAYOUT

Key = tuple[str, int]
_ROWS_PER_CHUNK = 500_000


# ----------------------------------------------------------------------------------- selection


@dataclass(frozen=True, slots=True)
class Selection:
    """The agency-years a batch covers."""

    agencies: tuple[str, ...] | None  # agency ids; None: every agency
    years: tuple[int, ...] | None  # None: every year with data
    items: tuple[Key, ...]  # the selected agency-years that have data, in canonical order


def select(ds: Any, agencies: Sequence[str] | None = None, years: Sequence[int] | None = None) -> Selection:
    """Resolve agency names/ids (an unknown one is a :class:`~govreport.core.errors.NotFoundError`) and keep the
    agency-years with data among ``agencies`` × ``years``."""
    ids: tuple[str, ...] | None = None
    if agencies:
        seen: dict[str, None] = {}
        for a in agencies:
            seen.setdefault(ds.agency_id(a), None)
        ids = tuple(seen)
    if years is not None:
        bad = [y for y in years if not 1900 <= int(y) <= 2200]
        if bad:
            raise ParameterError(f"不是报告年度：{bad[0]}", hint="例如 --years 2019-2023")
        years = tuple(sorted({int(y) for y in years}))
    keep_a = set(ids) if ids is not None else None
    keep_y = set(years) if years is not None else None
    have: list[Key] = ds.keys()  # every (agency_id, year) with data, canonical order
    items = tuple((a, y) for a, y in have
                  if (keep_a is None or a in keep_a) and (keep_y is None or y in keep_y))
    return Selection(ids, years, items)


# ------------------------------------------------------------------------------------- hashing


def narrative_signature(root: Path | None, agency_id: str, year: int) -> str:
    """``size:mtime_ns`` of the agency-year's narrative file ('' when there is none)."""
    if root is None:
        return ""
    try:
        st = os.stat(root / layout.narrative_path(agency_id, year))
    except FileNotFoundError:
        return ""
    return f"{st.st_size}:{st.st_mtime_ns}"


def _row_hashes(frame: pd.DataFrame) -> np.ndarray:
    """``pd.util.hash_pandas_object(frame.astype(str), index=False)`` without the ``line`` column, in chunks
    (each row's hash depends on that row only, so chunks give the same values as one call)."""
    body = frame.drop(columns=["line"], errors="ignore")
    out = np.empty(len(body), dtype=np.uint64)
    for start in range(0, len(body), _ROWS_PER_CHUNK):
        part = body.iloc[start:start + _ROWS_PER_CHUNK].astype(str)
        out[start:start + len(part)] = pd.util.hash_pandas_object(part, index=False).to_numpy()
    return out


def report_hashes(ds: Any, keys: Iterable[Key]) -> dict[Key, str]:
    """:meth:`Dataset.report_hash` of many agency-years at once (the same digests; see the module doc)."""
    keys = list(keys)
    if len(keys) * 20 < len(ds.reports):  # a few among many: slicing per report is cheaper
        return {(a, y): ds.report_hash(a, y) for a, y in keys}
    agencies = ds.agencies.drop(columns=["line"], errors="ignore")
    reports = ds.reports.drop(columns=["line"], errors="ignore")
    frames = [(ds._bounds(f), _row_hashes(f.drop(columns=omitted_columns(f, spec))), extra_row_hashes(f, spec))
              for f, spec in ((ds.cells, layout.CELLS), (ds.channels, layout.CHANNELS),
                              (ds.categories, layout.CATEGORIES))]
    agency_repr: dict[str, bytes] = {}
    out: dict[Key, str] = {}
    for agency_id, year in keys:
        pos = ds._report_pos(agency_id, year)
        if pos is None:
            out[(agency_id, year)] = ds.report_hash(agency_id, year)  # raises NotFoundError
            continue
        h = hashlib.blake2b(digest_size=16)
        if agency_id not in agency_repr:
            agency_repr[agency_id] = repr(agencies.iloc[ds._agency_index[agency_id]].tolist()).encode()
        h.update(agency_repr[agency_id])
        h.update(report_row_bytes(reports.iloc[pos]))
        for bounds, rows, extra in frames:
            if bounds is not None:
                lo, hi = bounds[pos], bounds[pos + 1]
                h.update(rows[lo:hi].tobytes())
                if extra is not None and extra[1][lo:hi].any():
                    h.update(extra[0][lo:hi].tobytes())
        if ds.root is not None:
            raw = narrative_bytes(ds.root / layout.narrative_path(agency_id, year))
            if raw is not None:
                h.update(raw)
        out[(agency_id, year)] = h.hexdigest()
    return out


def input_hashes(ds: Any, keys: Sequence[Key], previous: Mapping[str, Any] | None = None
                 ) -> tuple[dict[Key, str], dict[Key, str]]:
    """``(hashes, narrative signatures)`` of ``keys``; hashes recorded by the previous run (its
    ``batch.json``) are reused when the dataset's content hash and the narrative's signature match."""
    sigs = {k: narrative_signature(ds.root, *k) for k in keys}
    known: dict[Key, str] = {}
    if previous and ds.data_hash and previous.get("data_hash") == ds.data_hash:
        for item in previous.get("reports", []):
            k = (str(item.get("agency_id")), int(item.get("year", 0)))
            if item.get("input_hash") and k in sigs and item.get("narrative") == sigs[k]:
                known[k] = str(item["input_hash"])
    todo = [k for k in keys if k not in known]
    return {**known, **report_hashes(ds, todo)}, sigs


# ------------------------------------------------------------------------------------ decision


@dataclass(frozen=True, slots=True)
class Expected:
    """What the provenance of a current render of one agency-year says."""

    data_hash: str
    notebook_hash: str
    govreport_version: str
    parameters: dict[str, Any]
    files: tuple[str, ...]  # required output files
    pdf_layout: str = DEFAULT_LAYOUT  # report.pdf's layout (--layout); matters only when report.pdf is required

    def layout_of(self, recorded: Mapping[str, Any]) -> bool:
        """Whether the recorded render's report.pdf has this layout (True when no report.pdf is required).
        A record without ``pdf_layout`` (written before the layout was recorded) had the default layout."""
        return "report.pdf" not in self.files or recorded.get("pdf_layout", DEFAULT_LAYOUT) == self.pdf_layout


def read_provenance(directory: Path) -> dict[str, Any] | None:
    """The record of the last good render in ``directory`` (None when absent or unreadable)."""
    try:
        data = json.loads((directory / "provenance.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) else None


def is_current(recorded: Mapping[str, Any] | None, expected: Expected, directory: Path) -> bool:
    """True when the last good render used these inputs and left every required file (pure but for the
    existence check of the files)."""
    if not recorded:
        return False
    if (recorded.get("data_hash") != expected.data_hash
            or recorded.get("notebook_hash") != expected.notebook_hash
            or recorded.get("govreport_version") != expected.govreport_version
            or recorded.get("parameters") != expected.parameters
            or not expected.layout_of(recorded)):
        return False
    listed = set(recorded.get("files") or ())
    return all(name in listed and (directory / name).is_file() for name in expected.files)


def staleness(recorded: Mapping[str, Any] | None, expected: Expected) -> str:
    """Why a render that is not current is not, in words ('' when it was never rendered)."""
    if not recorded:
        return ""
    if recorded.get("data_hash") != expected.data_hash:
        return "data changed"
    if recorded.get("notebook_hash") != expected.notebook_hash:
        return "notebook changed"
    if recorded.get("govreport_version") != expected.govreport_version:
        return "govreport version changed"
    if recorded.get("parameters") != expected.parameters:
        return "parameters changed"
    if not expected.layout_of(recorded):
        return "layout changed"
    return "outputs missing"
