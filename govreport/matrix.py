"""The dataset's figures as wide matrices: one row per agency-year, one column per data cell of a table version.

Built once per :class:`~govreport.dataset.Dataset` (by the checking engine, which scatters the tidy cells
frame with numpy) and shared by the checks and the statistics, so tens of millions of cells are touched
once. In ``values`` a blank is NaN and 不适用 is 0 (so sums skip it); ``marks`` keeps what each cell
holds: value, blank, 不适用, or ``ABSENT`` (no row in cells.csv, which reads as blank).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from .formats import FORMATS, ValueType, cell_catalog

if TYPE_CHECKING:  # pragma: no cover
    from .dataset import Dataset


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
    gid: dict[tuple[str, str, str, str], int]


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
    gid: dict[tuple[str, str, str, str], int] = {}
    table_cols: dict[tuple[str, str], list[int]] = {}
    for i, k in enumerate(catalog):
        spec = FORMATS[k.version].table(k.table)
        version[i] = versions.index(k.version)
        gid[(k.version, k.table, k.row, k.column)] = i
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
                 {v: np.asarray(g, dtype=np.int64) for v, g in gids.items()}, col, gid)


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
    """Every table version's matrix plus the cells frame as arrays (for lines and positions)."""

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


def cell_matrices(ds: Dataset) -> CellMatrices:
    """The dataset's cell matrices, built on first use and kept with the dataset."""
    cm = ds._derived.get("cell_matrices")
    if cm is None:
        from .checks import _Engine

        cm = ds._derived["cell_matrices"] = _Engine(ds, ()).build_matrices()
    return cm
