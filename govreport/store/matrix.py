"""The dataset's figures as wide matrices: one row per agency-year, one column per data cell of a table version.

Built once per :class:`~govreport.store.dataset.Dataset` (:func:`build_matrices` scatters the tidy cells frame
with numpy, placing rows with :class:`govreport.core.keys.ReportIndex`) and shared by the checks and the
statistics, so tens of millions of cells are touched once. In ``values`` a blank is NaN and 不适用 is 0
(so sums skip it); ``marks`` keeps what each cell holds: value, blank, 不适用, or ``ABSENT`` (no row in
cells.csv, which reads as blank).

A dataset loaded from a directory keeps its matrices beside its Parquet cache (``<root>/.cache/matrices/``,
plain ``.npy`` files) once they are built, so a later load does not scatter the cells again. The saved
matrices are used only when they were built from the same data (the dataset's ``data_hash``) with the same
cell catalog and layout (:func:`signature`), and only for the whole dataset as loaded (a subset builds its
own); anything else, or any error reading them, and they are built again.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from govreport.core.formats import FORMATS, ValueType, cell_catalog
from govreport.core.keys import ReportIndex, row_positions
from govreport.core.values import Mark
from govreport.store.cache import derived

if TYPE_CHECKING:  # pragma: no cover
    from govreport.store.dataset import Dataset

SAVED_DIR = "matrices"
SAVED_LAYOUT = 1  # bump when the saved arrays change meaning


@dataclass(frozen=True)
class Luts:
    """Per catalog cell id: its version, its column in the version's matrix, its value type."""

    version: np.ndarray  # cell_id -> version index (int32)
    local: np.ndarray  # cell_id -> matrix column; group cells -> ``trash`` (a column nobody reads)
    trash: int
    width: int  # matrix buffer width: the widest version's data cells + the trash column
    versions: tuple[str, ...]
    version_range: tuple[tuple[int, int], ...]  # cell ids [start, end) of each version (contiguous)
    table_keys: tuple[tuple[str, str], ...]  # (version, table) in catalog order
    table_cols: dict[tuple[str, str], tuple[int, int]]  # (version, table) -> matrix columns [a, b)
    vtype: dict[str, np.ndarray]  # version -> value type per matrix column: 0 count, 1 signed, 2 decimal
    gids: dict[str, np.ndarray]  # version -> catalog cell id of each matrix column
    col: dict[str, dict[tuple[str, str, str], int]]  # version -> (table, row, column) -> matrix column


_VT = {ValueType.COUNT: 0, ValueType.SIGNED: 1, ValueType.DECIMAL: 2}


@cache
def luts() -> Luts:
    catalog = cell_catalog()
    versions = tuple(FORMATS)
    n = len(catalog)
    version = np.zeros(n, dtype=np.int32)
    local = np.zeros(n, dtype=np.int32)
    gids: dict[str, list[int]] = {v: [] for v in versions}
    vtypes: dict[str, list[int]] = {v: [] for v in versions}
    col: dict[str, dict[tuple[str, str, str], int]] = {v: {} for v in versions}
    table_cols: dict[tuple[str, str], list[int]] = {}
    for i, k in enumerate(catalog):
        spec = FORMATS[k.version].table(k.table)
        version[i] = versions.index(k.version)
        table_cols.setdefault((k.version, k.table), [])
        row, column = spec.row(k.row), spec.column(k.column)
        if row.group or column.group:
            local[i] = -1
            continue
        local[i] = len(gids[k.version])
        table_cols[(k.version, k.table)].append(int(local[i]))
        col[k.version][(k.table, k.row, k.column)] = int(local[i])
        gids[k.version].append(i)
        vtypes[k.version].append(_VT[column.value_type])
    width = max(len(g) for g in gids.values()) + 1
    trash = width - 1
    local[local < 0] = trash
    assert width < 2**15
    local = local.astype(np.int16)
    ranges = []
    for vi in range(len(versions)):
        ids = np.flatnonzero(version == vi)
        assert len(ids) and ids[-1] - ids[0] + 1 == len(ids), "catalog versions must be contiguous"
        ranges.append((int(ids[0]), int(ids[-1]) + 1))
    spans = {k: ((min(c), max(c) + 1) if c else (0, 0)) for k, c in table_cols.items()}
    for (v, t), c in table_cols.items():
        assert c == list(range(*spans[(v, t)])), "a table's data cells must be contiguous in the catalog"
        spec = FORMATS[v].table(t)
        grid = [col[v][(t, r.id, cc.id)] for r in spec.data_rows for cc in spec.data_columns]
        assert grid == c, "a table's data cells must be in row-major order"
    return Luts(version, local, trash, width, versions, tuple(ranges), tuple(table_cols), spans,
                 {v: np.asarray(t, dtype=np.int8) for v, t in vtypes.items()},
                 {v: np.asarray(g, dtype=np.int64) for v, g in gids.items()}, col)


ABSENT = 3  # mark of a cell with no row in cells.csv (reads as blank); odd like _BLANK


class TableMatrix:
    """The figures of one table version: one row per agency-year that has cells of the version.

    ``values``: float64, NaN = blank or absent, 0 = 不适用, else the figure. ``marks``: int8 mark codes,
    ``_ABSENT`` where cells.csv has no row. Both are views into the engine's stacked buffer.
    """

    def __init__(self, version: str, rowmap: np.ndarray, values: np.ndarray, marks: np.ndarray) -> None:
        lut = luts()
        self.version = version
        self.col = lut.col[version]
        self.gids = lut.gids[version]
        self.rowmap = rowmap  # report position -> matrix row, -1 when absent
        self.values = values
        self.marks = marks

    def index(self, table: str, row: str, column: str) -> int:
        return self.col[(table, row, column)]


@dataclass(frozen=True, eq=False)
class CellMatrices:
    """Every table version's matrix plus the cells frame as arrays (for lines and positions).

    The matrices are views into one stacked buffer (``stacked_values``, ``stacked_marks``): version blocks
    one after the other (rows ``offsets[i]``), then one trash row that absent reports point at."""

    matrices: dict[str, TableMatrix]
    present: np.ndarray  # (reports, (version, table) keys): the report has cells of that table
    table_key_index: dict[tuple[str, str], int]
    cell_id: np.ndarray
    cell_marks: np.ndarray
    cell_values: np.ndarray
    cell_lines: np.ndarray
    cell_pos: np.ndarray | None  # report position of each cell (None when ``cell_bounds`` is known)
    cell_bounds: np.ndarray | None  # each report's block of rows in the cells frame
    group_cells: np.ndarray  # rows of the cells frame that are group-header cells
    stacked_values: np.ndarray
    stacked_marks: np.ndarray
    offsets: tuple[tuple[int, int], ...]
    rowmaps: tuple[np.ndarray, ...]  # per version: report position -> matrix row, -1 when absent


def assemble(stacked_values: np.ndarray, stacked_marks: np.ndarray, offsets: tuple[tuple[int, int], ...],
             rowmaps: tuple[np.ndarray, ...], present: np.ndarray, group_cells: np.ndarray,
             cells: dict[str, np.ndarray], cell_pos: np.ndarray | None, cell_bounds: np.ndarray | None) -> CellMatrices:
    """The :class:`CellMatrices` of a stacked buffer (built by the engine or read back from disk)."""
    lut = luts()
    matrices = {}
    for vi, v in enumerate(lut.versions):
        a, b = offsets[vi]
        m = len(lut.gids[v])
        matrices[v] = TableMatrix(v, rowmaps[vi], stacked_values[a:b, :m], stacked_marks[a:b, :m])
    return CellMatrices(
        matrices=matrices, present=present, table_key_index={k: i for i, k in enumerate(lut.table_keys)},
        cell_id=cells["cell_id"], cell_marks=cells["marks"], cell_values=cells["values"], cell_lines=cells["lines"],
        cell_pos=cell_pos, cell_bounds=cell_bounds, group_cells=group_cells, stacked_values=stacked_values,
        stacked_marks=stacked_marks, offsets=tuple(offsets), rowmaps=tuple(rowmaps),
    )


def cell_arrays(ds: Dataset) -> dict[str, np.ndarray]:
    cells = ds.cells
    return {"cell_id": cells["cell_id"].to_numpy(), "marks": cells["value_mark"].to_numpy(),
            "values": cells["value"].to_numpy(dtype=np.float64), "lines": cells["line"].to_numpy()}


def build_matrices(ds: Dataset, index: ReportIndex, need: np.ndarray | None = None) -> CellMatrices:
    """Scatter the cells frame into one stacked buffer holding a matrix per version (rows for the reports
    ``need`` selects, every report by default).

    Per cell the work is one gather (its matrix column), one add and two scatters: a report's row
    in the buffer is spread over its block of cells with ``np.repeat`` (the frame is sorted by report).
    """
    lut = luts()
    n = index.n
    need = np.ones(n, dtype=bool) if need is None else need
    arrays = cell_arrays(ds)
    cid, cell_marks, cell_values = arrays["cell_id"], arrays["marks"], arrays["values"]
    pos, bounds = index.frame_positions(ds.cells, need_pos=False)
    nv = len(lut.versions)
    # which versions each report has cells of
    fast = bounds is not None and nv == 2 and len(cid) > 0
    if fast:
        assert bounds is not None
        lengths = np.diff(bounds)
        nonempty = lengths > 0
        first = cid[np.minimum(bounds[:-1], len(cid) - 1)]
        last = cid[np.maximum(bounds[1:] - 1, 0)]
        has = [nonempty & (first < lut.version_range[0][1]), nonempty & (last >= lut.version_range[1][0])]
    else:
        if pos is None:
            pos = row_positions(pos, bounds, np.arange(len(cid)))
        ver = lut.version[cid]
        has = [np.bincount(pos[ver == vi], minlength=n)[:n] > 0 for vi in range(nv)]
    # rows of the stacked buffer: version blocks one after the other, then one trash row
    rowmaps, offsets = [], []
    total = 0
    stacked = np.full(nv * n, -1, dtype=np.int64)
    for vi in range(nv):
        rows = np.flatnonzero(has[vi] & need)
        rowmap = np.full(n, -1, dtype=np.int64)
        rowmap[rows] = np.arange(len(rows))
        stacked[vi * n + rows] = total + np.arange(len(rows))
        rowmaps.append(rowmap)
        offsets.append((total, total + len(rows)))
        total += len(rows)
    stacked[stacked < 0] = total  # the trash row
    width = lut.width
    itype = np.int32 if (total + 1) * width < 2**31 else np.int64
    values = np.full((total + 1, width), np.nan)
    marks = np.full((total + 1, width), ABSENT, dtype=np.int8)
    group_cells = np.zeros(0, dtype=np.int64)
    if len(cid):
        loc = lut.local[cid]
        base = (stacked * width).astype(itype)
        if fast:
            assert bounds is not None
            # a report's cells are of one version unless it mixes versions (hybrid: fixed below)
            second = has[1] & ~has[0]
            row_base = np.where(second, base[n:], base[:n])
            flat = np.repeat(row_base, lengths) + loc
            mixed = np.flatnonzero(has[0] & has[1])
            if len(mixed):
                cells_mixed = np.flatnonzero(np.repeat(np.isin(np.arange(n), mixed), lengths))
                p = row_positions(pos, bounds, cells_mixed)
                flat[cells_mixed] = base[lut.version[cid[cells_mixed]].astype(np.int64) * n + p] + \
                    loc[cells_mixed]
        else:
            assert pos is not None
            flat = base[lut.version[cid].astype(np.int64) * n + pos] + loc
        values.reshape(-1)[flat] = cell_values
        marks.reshape(-1)[flat] = cell_marks
        group_cells = np.flatnonzero(loc == lut.trash)
        if (cell_marks == Mark.NA).any():
            values[marks == Mark.NA] = 0.0  # 不适用 contributes nothing to a sum
    present = _tables_present(lut, marks, offsets, rowmaps, n, cid, group_cells, pos, bounds)
    return assemble(values, marks, tuple(offsets), tuple(rowmaps), present, group_cells, arrays, pos, bounds)


def _tables_present(lut: Luts, marks: np.ndarray, offsets: list[tuple[int, int]], rowmaps: list[np.ndarray], n: int,
                    cid: np.ndarray, group_cells: np.ndarray, pos: np.ndarray | None,
                    bounds: np.ndarray | None) -> np.ndarray:
    """(reports × tables) whether a report has any cell of each table (of :attr:`Luts.table_keys`)."""
    nk = len(lut.table_keys)
    present = np.zeros((n, nk), dtype=bool)
    key_index = {k: i for i, k in enumerate(lut.table_keys)}
    for vi, v in enumerate(lut.versions):
        a, b = offsets[vi]
        m = len(lut.gids[v])
        vmarks = marks[a:b, :m]
        rows_pos = np.flatnonzero(rowmaps[vi] >= 0)
        for ti, (tv, t) in enumerate(lut.table_keys):
            if tv != v:
                continue
            ca, cb = lut.table_cols[(tv, t)]
            if cb > ca:
                present[rows_pos, ti] = (vmarks[:, ca:cb] != ABSENT).any(axis=1)
    # a table of which only group cells are filled in still counts as present
    if len(group_cells):
        gk = np.asarray([key_index[(k.version, k.table)] for k in cell_catalog()])
        present[row_positions(pos, bounds, group_cells), gk[cid[group_cells]]] = True
    return present


def cell_matrices(ds: Dataset, index: ReportIndex | None = None) -> CellMatrices:
    """The dataset's cell matrices: memoised for the dataset (:func:`govreport.store.cache.derived`) after
    first use; read from the dataset's cache directory when they were saved there for the same data, else
    built (and saved)."""

    def build() -> CellMatrices:
        where = ReportIndex(ds.reports) if index is None else index
        cm = read_saved(ds, where)
        if cm is None:
            cm = build_matrices(ds, where)
            save(ds, cm)
        return cm

    return derived(ds, "cell_matrices", build)


# ------------------------------------------------------------------------------- saved beside the cache


@cache
def signature() -> str:
    """What saved matrices depend on besides the data: the layout, the package version, the cell catalog."""
    from govreport import __version__

    lut = luts()
    h = hashlib.blake2b(digest_size=12)
    h.update(f"{SAVED_LAYOUT}|{__version__}|{lut.width}|{'/'.join(lut.versions)}".encode())
    h.update(lut.local.tobytes())
    h.update(lut.version.tobytes())
    return h.hexdigest()


def _saved_dir(ds: Dataset) -> Path | None:
    if ds.cache_dir is None or not ds.data_hash:
        return None
    return ds.cache_dir / SAVED_DIR


def _meta(ds: Dataset, cm: CellMatrices | None = None) -> dict:
    meta = {"data_hash": ds.data_hash, "signature": signature(), "reports": len(ds.reports), "cells": len(ds.cells)}
    if cm is not None:
        meta["offsets"] = [list(o) for o in cm.offsets]
    return meta


def save(ds: Dataset, cm: CellMatrices) -> None:
    """Write the matrices beside the dataset's cache (all files, then one rename); errors are ignored."""
    target = _saved_dir(ds)
    if target is None:
        return
    tmp = None
    try:
        target.parent.mkdir(exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".matrices-", dir=target.parent))
        arrays = {"values": cm.stacked_values, "marks": cm.stacked_marks, "present": cm.present,
                  "group_cells": cm.group_cells, **{f"rowmap{i}": r for i, r in enumerate(cm.rowmaps)}}
        for name, arr in arrays.items():
            np.save(tmp / f"{name}.npy", arr, allow_pickle=False)
        (tmp / "meta.json").write_text(json.dumps(_meta(ds, cm), sort_keys=True))
        old = None
        if target.exists():
            old = target.with_name(f".matrices-old-{os.getpid()}")
            os.replace(target, old)
        os.replace(tmp, target)
        tmp = None
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except OSError:
        pass  # a read-only dataset simply keeps no matrices
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def read_saved(ds: Dataset, index: ReportIndex) -> CellMatrices | None:
    """The saved matrices, when they match the dataset (else None)."""
    where = _saved_dir(ds)
    if where is None:
        return None
    try:
        meta = json.loads((where / "meta.json").read_text())
        offsets = tuple((int(a), int(b)) for a, b in meta.pop("offsets"))
        if meta != _meta(ds):
            return None
        lut = luts()

        def arr(name: str) -> np.ndarray:
            return np.load(where / f"{name}.npy", allow_pickle=False)

        values, marks, present = arr("values"), arr("marks"), arr("present")
        rowmaps = tuple(arr(f"rowmap{i}") for i in range(len(lut.versions)))
        n, rows = len(ds.reports), (offsets[-1][1] + 1 if offsets else 1)
        shapes_ok = (values.shape == (rows, lut.width) and marks.shape == values.shape
                     and present.shape == (n, len(lut.table_keys)) and all(r.shape == (n,) for r in rowmaps))
        if not shapes_ok:
            return None
        group_cells = arr("group_cells")
    except (OSError, ValueError, KeyError, TypeError):
        return None
    pos, bounds = index.frame_positions(ds.cells, need_pos=False)
    return assemble(values, marks, offsets, rowmaps, present, group_cells, cell_arrays(ds), pos, bounds)
