"""Adding reports to a dataset directory, all or nothing.

Used by ``govreport import`` (Excel/CSV templates) and ``govreport ingest`` (published texts). The new
rows are merged with the existing files, the whole result is validated exactly as ``load`` would,
and only then are the files replaced (write aside, then rename). A failure at any step leaves the
directory untouched.

All of it happens under the dataset's writer lock (:func:`govreport.store.dataset_files.write_lock`): the files
are re-read under the lock, so two imports at once both land (the second waits for the first) and an
agency-year the other one added meanwhile is seen (``replace=False`` then refuses it).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from govreport.core import schema as layout
from govreport.core.errors import GovreportError
from govreport.core.ids import check_agency_id
from govreport.core.model import Report
from govreport.store.csvstore import read_csv_text, validate_frame
from govreport.store.dataset_files import FRAME_NAMES, SPECS, commit_texts, link_frames, write_lock
from govreport.store.frames import narrative_text, report_to_text_frames


def _read_text_frames(root: Path) -> dict[str, pd.DataFrame]:
    frames = {}
    for name in FRAME_NAMES:
        path = root / SPECS[name].name
        if path.exists():
            frame, _ = read_csv_text(path)
            frames[name] = frame.reindex(columns=list(SPECS[name].columns), fill_value="")
        else:
            frames[name] = pd.DataFrame(columns=list(SPECS[name].columns))
    return frames


def merge_reports(root: Path, reports: list[Report], *, replace: bool = True) -> dict[str, pd.DataFrame]:
    """The text frames of ``root`` with ``reports`` merged in (an agency-year present is replaced).

    With ``replace=False`` an agency-year that already exists is an error.
    """
    current = _read_text_frames(root) if root.exists() else {n: pd.DataFrame(columns=list(SPECS[n].columns))
                                                              for n in FRAME_NAMES}
    new = [report_to_text_frames(r) for r in reports]
    keys = {(r.agency.id, str(r.year)) for r in reports}
    existing = set(zip(current["reports"]["agency_id"].astype(str), current["reports"]["year"].astype(str),
                       strict=True))
    clash = sorted(keys & existing)
    if clash and not replace:
        a, y = clash[0]
        raise GovreportError(f"数据集 {root} 已有 {a} {y} 年度的报告，未导入，数据目录未改动",
                             hint="核对单位和年度；确要用新数据更正现有报告时加 --replace", code="exists")
    merged: dict[str, pd.DataFrame] = {}
    for name in FRAME_NAMES:
        cur = current[name].astype(str)
        if name == "agencies":
            incoming = pd.concat([n[name] for n in new], ignore_index=True).drop_duplicates("agency_id", keep="last")
            keep = ~cur["agency_id"].isin(incoming["agency_id"])
        else:
            incoming = pd.concat([n[name] for n in new], ignore_index=True)
            pairs = list(zip(cur["agency_id"], cur["year"], strict=True))
            keep = pd.Series([p not in keys for p in pairs], index=cur.index, dtype=bool)
        merged[name] = pd.concat([cur[keep], incoming.astype(str)], ignore_index=True)
    return merged


def add_reports(root: str | os.PathLike[str], reports: list[Report], *, replace: bool = True,
                source_name: str = "<new report>") -> list[Path]:
    """Merge ``reports`` into the dataset at ``root`` and write it; returns the files written."""
    root = Path(root)
    for r in reports:
        check_agency_id(r.agency.id, file=source_name, column="单位标识")
    with write_lock(root):
        return _add_locked(root, reports, replace=replace, source_name=source_name)


def _add_locked(root: Path, reports: list[Report], *, replace: bool, source_name: str) -> list[Path]:
    from govreport.store.dataset_files import canonical_text

    merged = merge_reports(root, reports, replace=replace)
    typed: dict[str, pd.DataFrame] = {}
    for name in FRAME_NAMES:
        frame = merged[name]
        lines = np.arange(2, len(frame) + 2, dtype=np.int32)
        typed[name] = validate_frame(frame, lines, SPECS[name], f"{source_name} → {SPECS[name].name}")
    contents = canonical_text(link_frames(typed, None))
    for r in reports:
        text = narrative_text(r)
        if text is not None:
            contents[layout.narrative_path(r.agency.id, r.year)] = text
    return commit_texts(root, contents)
