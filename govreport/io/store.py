"""A dataset directory as a set of validated tidy frames, with a Parquet cache.

``read_frames(root)`` returns ``{"agencies", "reports", "cells", "channels", "categories"}`` frames,
checked across files (every reference resolves, every table cell exists in its format). CSV is the
source of truth; ``<root>/.cache/`` holds Parquet copies keyed by each CSV's size and mtime, so a
second load of an unchanged dataset skips parsing and validation. ``write_frames`` writes the CSVs
in canonical order, all or nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd

from .. import __version__
from ..channels import CATEGORY_IDS, CHANNEL_IDS
from ..errors import NotFoundError, UnknownReferenceError
from ..formats import FORMATS, cell_catalog, cell_ids
from . import layout
from .csvstore import LINE, empty_frame, file_fingerprint, read_file, to_text_frame
from .textfile import atomic_path

CACHE_SCHEMA = 3
FRAME_NAMES = ("agencies", "reports", "cells", "channels", "categories")
SPECS = dict(zip(FRAME_NAMES, layout.FILES, strict=True))


def _display(root: Path, name: str) -> str:
    return str(root / name)


def read_frames(root: str | os.PathLike[str], *, use_cache: bool = True) -> tuple[dict[str, pd.DataFrame], str]:
    """Read and validate a dataset directory. Returns the frames and a content hash of the CSV files."""
    root = Path(root)
    if not root.is_dir():
        raise NotFoundError(f"{root}: no such dataset directory", hint="pass the directory that holds reports.csv")
    if not (root / layout.REPORTS.name).exists():
        raise NotFoundError(
            f"{root}: not a govreport dataset (no {layout.REPORTS.name})",
            hint="pass the directory that holds agencies.csv and reports.csv, or create one with `govreport synth`",
        )
    fingerprints = {spec.name: file_fingerprint(root / spec.name) for spec in layout.FILES}
    if use_cache:
        cached = _read_cache(root, fingerprints)
        if cached is not None:
            return cached
    frames: dict[str, pd.DataFrame] = {}
    digest = hashlib.blake2b(digest_size=16)
    for name, spec in SPECS.items():
        path = root / spec.name
        if path.exists():
            digest.update(spec.name.encode() + b"\0" + path.read_bytes() + b"\0")
            frames[name] = read_file(path, spec, _display(root, spec.name))
        else:
            frames[name] = empty_frame(spec)
    frames = link_frames(frames, root)
    data_hash = digest.hexdigest()
    if use_cache:
        _write_cache(root, fingerprints, frames, data_hash)
    return frames, data_hash


def link_frames(frames: dict[str, pd.DataFrame], root: Path | None = None) -> dict[str, pd.DataFrame]:
    """Check references across files, add ``cell_id``, and sort every frame canonically."""
    disp = (lambda n: _display(root, n)) if root is not None else (lambda n: n)
    agencies = frames["agencies"].sort_values("agency_id", kind="stable").reset_index(drop=True)
    agency_ids = pd.Index(agencies["agency_id"].astype(str))
    reports = frames["reports"]
    _require_in(reports["agency_id"], agency_ids, reports, disp(layout.REPORTS.name), "agency_id",
                "agency", f"add the agency to {layout.AGENCIES.name} first, or correct the id")
    agency_cat = pd.CategoricalDtype(agency_ids.tolist())
    reports = reports.astype({"agency_id": agency_cat})
    reports = reports.sort_values(["agency_id", "year"], kind="stable").reset_index(drop=True)
    report_keys = _report_key(reports)
    out = {"agencies": agencies, "reports": reports}
    for name in ("cells", "channels", "categories"):
        frame = frames[name]
        display = disp(SPECS[name].name)
        _require_in(frame["agency_id"], agency_ids, frame, display, "agency_id", "agency",
                    f"add the agency to {layout.AGENCIES.name} first, or correct the id")
        frame = frame.astype({"agency_id": agency_cat})
        keys = _report_key(frame)
        pos = np.searchsorted(report_keys, keys)
        pos_c = np.minimum(pos, max(len(report_keys) - 1, 0))
        missing = (len(report_keys) == 0) | (report_keys[pos_c] != keys) if len(keys) else np.zeros(0, bool)
        if np.any(missing):
            i = int(np.flatnonzero(missing)[0])
            raise UnknownReferenceError(
                f"no report for {frame['agency_id'].iloc[i]} {int(frame['year'].iloc[i])} in {layout.REPORTS.name}",
                file=display, line=int(frame[LINE].iloc[i]), column="year",
                hint=f"add a row for this agency-year to {layout.REPORTS.name}, or correct agency_id/year",
            )
        if name == "cells":
            frame = _attach_cell_ids(frame, display)
            order = np.lexsort((frame["cell_id"].to_numpy(), pos))
        else:
            ids = CHANNEL_IDS if name == "channels" else CATEGORY_IDS
            col = "channel" if name == "channels" else "category"
            _require_in(frame[col], pd.Index(sorted(ids)), frame, display, col, col,
                        f"use one of: {', '.join(sorted(ids))}")
            frame = frame.astype({col: pd.CategoricalDtype(sorted(ids))})
            order = np.lexsort((frame["seq"].to_numpy(), pos))
        if len(order) and not np.all(order[1:] > order[:-1]):
            frame = frame.iloc[order]
        out[name] = frame.reset_index(drop=True)
    return out


def _report_key(frame: pd.DataFrame) -> np.ndarray:
    codes = frame["agency_id"].cat.codes.to_numpy().astype(np.int64)
    return codes * 10_000 + frame["year"].to_numpy().astype(np.int64)


def _require_in(values: pd.Series, allowed: pd.Index, frame: pd.DataFrame, display: str, column: str,
                what: str, hint: str) -> None:
    if len(values) == 0:
        return
    bad = ~values.astype(str).isin(allowed).to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise UnknownReferenceError(
            f"unknown {what} {values.iloc[i]!r}", file=display, line=int(frame[LINE].iloc[i]), column=column, hint=hint
        )


_AXES = ("version", "table", "row", "column")


def _attach_cell_ids(cells: pd.DataFrame, display: str) -> pd.DataFrame:
    """Map (version, table, row, column) to the catalog's integer cell id; reject unknown cells."""
    catalog = cell_catalog()
    vocab = {a: sorted({getattr(k, a) for k in catalog}) for a in _AXES}
    cats = {a: pd.CategoricalDtype(vocab[a]) for a in _AXES}
    cells = cells.astype({a: cats[a] for a in _AXES})
    codes = [cells[a].cat.codes.to_numpy().astype(np.int64) for a in _AXES]
    sizes = [len(vocab[a]) for a in _AXES]
    lookup = np.full(int(np.prod(sizes)), -1, dtype=np.int32)
    for cid, k in enumerate(catalog):
        flat = 0
        for a, size in zip(_AXES, sizes, strict=True):
            flat = flat * size + vocab[a].index(getattr(k, a))
        lookup[flat] = cid
    flat = np.zeros(len(cells), dtype=np.int64)
    unknown_axis = np.zeros(len(cells), dtype=bool)
    for c, size in zip(codes, sizes, strict=True):
        unknown_axis |= c < 0
        flat = flat * size + np.maximum(c, 0)
    cell_id = np.where(unknown_axis, -1, lookup[flat])
    if np.any(cell_id < 0):
        i = int(np.flatnonzero(cell_id < 0)[0])
        raise _unknown_cell(cells.iloc[i], display)
    cells = cells.copy()
    cells["cell_id"] = cell_id.astype(np.int32)
    return cells


def _unknown_cell(row: pd.Series, display: str) -> UnknownReferenceError:
    line = int(row[LINE])
    v, t, r, _ = (None if pd.isna(row[a]) else str(row[a]) for a in _AXES)
    raw = {a: row[a] for a in _AXES}
    if v not in FORMATS:
        return UnknownReferenceError(f"unknown version {raw['version']!r}", file=display, line=line, column="version",
                                     hint="use 2019 (trial format, years 2019–2020) or 2021")
    spec = FORMATS[v]
    if t is None or not spec.has_table(t):
        return UnknownReferenceError(
            f"format {v} has no table {raw['table']!r}", file=display, line=line, column="table",
            hint=f"tables of format {v}: {', '.join(x.id for x in spec.tables)}")
    table = spec.table(t)
    if r is None or not table.has_row(r):
        return UnknownReferenceError(
            f"table {t} ({v}) has no row {raw['row']!r}", file=display, line=line, column="row",
            hint=f"rows of {t}: {', '.join(x.id for x in table.rows)}")
    return UnknownReferenceError(
        f"table {t} ({v}) has no column {raw['column']!r}", file=display, line=line, column="column",
        hint=f"columns of {t}: {', '.join(x.id for x in table.columns)}")


# ------------------------------------------------------------------------------------------------ cache


def _cache_dir(root: Path) -> Path:
    return root / layout.CACHE_DIR


def _manifest(fingerprints: dict[str, tuple[int, int] | None], data_hash: str | None = None) -> dict:
    return {"schema": CACHE_SCHEMA, "govreport": __version__, "files": fingerprints, "hash": data_hash}


def _read_cache(root: Path, fingerprints) -> tuple[dict[str, pd.DataFrame], str] | None:
    cdir = _cache_dir(root)
    try:
        manifest = json.loads((cdir / "manifest.json").read_text())
    except (FileNotFoundError, ValueError):
        return None
    expected = _manifest({k: list(v) if v else None for k, v in fingerprints.items()}, manifest.get("hash"))
    if manifest != expected:
        return None
    try:
        frames = {name: pd.read_parquet(cdir / f"{name}.parquet") for name in FRAME_NAMES}
    except (OSError, ValueError):
        return None
    return frames, manifest["hash"]


def _write_cache(root: Path, fingerprints, frames: dict[str, pd.DataFrame], data_hash: str) -> None:
    cdir = _cache_dir(root)
    try:
        cdir.mkdir(exist_ok=True)
        for name, frame in frames.items():
            with atomic_path(cdir / f"{name}.parquet") as tmp:
                frame.to_parquet(tmp, index=False)
        manifest = _manifest({k: list(v) if v else None for k, v in fingerprints.items()}, data_hash)
        with atomic_path(cdir / "manifest.json") as tmp:
            tmp.write_text(json.dumps(manifest, ensure_ascii=False, sort_keys=True))
    except OSError:
        return  # a read-only dataset simply has no cache


# ---------------------------------------------------------------------------------------------- writing


def canonical_text(frames: dict[str, pd.DataFrame]) -> dict[str, str]:
    """The CSV text of each file, sorted canonically (documents order for cells)."""
    texts: dict[str, str] = {}
    index = cell_ids()
    for name in FRAME_NAMES:
        spec = SPECS[name]
        frame = frames[name]
        by_text = lambda s: s.astype(str) if s.dtype.name in ("category", "object") else s  # noqa: E731
        if name == "cells" and len(frame):
            frame = frame.assign(
                _order=frame["cell_id"].to_numpy() if "cell_id" in frame else
                [index[(str(a), str(b), str(c), str(d))] for a, b, c, d in
                 zip(frame["version"], frame["table"], frame["row"], frame["column"], strict=True)]
            ).sort_values(["agency_id", "year", "_order"], kind="stable", key=by_text)
        elif len(frame):
            frame = frame.sort_values(list(spec.key), kind="stable", key=by_text)
        text_frame = to_text_frame(frame, spec)
        texts[spec.name] = text_frame.to_csv(index=False, lineterminator="\n")
    return texts


def write_frames(root: str | os.PathLike[str], frames: dict[str, pd.DataFrame],
                 extra_files: dict[str, str] | None = None) -> list[Path]:
    """Write every CSV (and ``extra_files``: relative path → text) all-or-nothing.

    All new contents are first written beside their targets; only when every one is written are they
    renamed into place, so a failure leaves the directory as it was.
    """
    root = Path(root)
    contents = canonical_text(frames)
    contents.update(extra_files or {})
    return commit_texts(root, contents)


def commit_texts(root: Path, contents: dict[str, str]) -> list[Path]:
    staged: list[tuple[Path, Path]] = []
    try:
        for rel, text in contents.items():
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            tmp.write_text(text, encoding="utf-8", newline="\n")
            staged.append((tmp, target))
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, target in staged:
        os.replace(tmp, target)
    return [t for _, t in staged]
