"""Kernels of single cells: group-header cells left blank, each figure of its column's value type, and figures
within a plausible magnitude (a digit typed twice). Each scans one version's matrix at once.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from govreport.checks.registry import _BLANK, _VALUE, _num, _row_count, _spec, kernel
from govreport.checks.results import _FAIL, _PASS
from govreport.checks.rules import TOLERANCE, CellDomain, Magnitude, NoData, Rule
from govreport.core.formats import CellKey, Column, cell_catalog, cell_ids
from govreport.core.values import format_value
from govreport.store.matrix import TableMatrix as _Matrix
from govreport.store.matrix import luts as _luts

if TYPE_CHECKING:  # pragma: no cover
    from govreport.checks.engine import _Engine


@cache
def _nodata_lut(check: NoData) -> np.ndarray:
    """cell_id -> covered by this NoData check."""
    lut = np.zeros(len(cell_catalog()), dtype=bool)
    spec = _spec(check.version, check.table)
    ids = cell_ids()
    for r in spec.rows:
        for c in spec.columns:
            if r.id in check.rows or (c.id in check.columns and not r.group):
                lut[ids[CellKey(check.version, check.table, r.id, c.id)]] = True
    return lut


@kernel(NoData)
def _no_data(engine: _Engine, rule: Rule, check: NoData) -> None:
    """Group-header cells present in cells.csv must be blank (they are few: found once, when loading)."""
    idx = engine.group_cells
    if len(idx) == 0:
        return
    idx = idx[_nodata_lut(check)[engine.cell_id[idx]]]
    if not engine.all_selected:
        idx = idx[engine.sel[engine.cell_positions(idx)]]
    if len(idx) == 0:
        return
    filled = engine.cell_marks[idx] != _BLANK
    cell_pos = engine.cell_positions(idx)
    engine.tally(rule, cell_pos, np.where(filled, _FAIL, _PASS))
    spec = _spec(check.version, check.table)
    catalog = cell_catalog()
    for i, p in zip(idx[filled], cell_pos[filled], strict=True):
        k = catalog[int(engine.cell_id[i])]
        mark = int(engine.cell_marks[i])
        found = format_value(float(engine.cell_values[i]) if mark == _VALUE else None, mark)
        place = spec.place(k.row, k.column)
        message = f"{place}位于分组标题，却填写了“{found}”。"
        engine.add(rule, int(p), place=place, message=message, expected="空白", found=found,
                   version=k.version, table=k.table, row=k.row, column=k.column, file=engine.files["cells"],
                   line=int(engine.cell_lines[i]) if engine.files["cells"] else None,
                   source=engine.cell_source(int(i)), order=(k.version, int(engine.cell_id[i])))


_DOMAIN_TEXT = {0: "非负整数", 1: "整数（可为负数）", 2: "非负数"}


@kernel(CellDomain)
def _cell_domain(engine: _Engine, rule: Rule, check: CellDomain) -> None:
    """R9 over one version's matrix: a figure (not blank, not 不适用) fits its column's value type.

    Instances are the cells present in cells.csv: a figure or 不适用 is assessed (不适用 always fits),
    a blank is not assessable."""
    lut = _luts()
    mat = engine.matrices[check.version]
    if mat.values.shape[0] == 0:
        return
    vt = lut.vtype[check.version]
    values, marks = mat.values, mat.marks
    n_figures = _row_count((marks & 1) == 0)  # value or 不适用 (blank and absent are odd codes)
    n_blank = _row_count(marks == _BLANK)
    decimal, signed = np.flatnonzero(vt == 2), np.flatnonzero(vt == 1)
    # cheap candidates first: a row with a negative figure outside the signed columns, or with more
    # x != rint(x) outside the decimal columns than it has NaN (blank or absent) cells there
    with np.errstate(invalid="ignore"):
        neg = values < 0  # NaN compares False
        neg[:, signed] = False
        frac = np.rint(values) != values  # NaN compares unequal
        frac[:, decimal] = False
        n_nan = values.shape[1] - n_figures - _row_count(np.isnan(values[:, decimal]))
        suspect = (_row_count(neg) > 0) | (_row_count(frac) > n_nan)
    bad = np.zeros(values.shape, dtype=bool)
    cand = np.flatnonzero(suspect)
    if len(cand):
        v = values[cand]
        with np.errstate(invalid="ignore"):
            neg = (v < 0) & (vt != 1)[None, :]  # signed columns may be negative
            nonint = (np.abs(v - np.rint(v)) > TOLERANCE) & (vt != 2)[None, :]  # decimals may be fractions
        bad[cand] = neg | nonint
    n_bad = _row_count(bad) if len(cand) else np.zeros(values.shape[0], dtype=np.int32)

    def describe(place: str, col: Column, j: int, found: object) -> tuple[str, str]:
        want = _DOMAIN_TEXT[int(vt[j])]
        unit = f"（单位：{col.unit}）" if col.unit else ""
        return f"{place}{unit}应为{want}，却填写了 {found}。", want

    _flag_cells(engine, rule, mat, bad, n_bad, n_figures, n_blank, describe)


def _flag_cells(engine: _Engine, rule: Rule, mat: _Matrix, bad: np.ndarray, n_bad: np.ndarray, n_assessed: np.ndarray,
                n_not_assessable: np.ndarray, describe: Callable[[str, Column, int, object], tuple[str, str]]) -> None:
    """Tally a per-cell rule over one version's matrix and add a finding for every ``bad`` cell of the selected
    reports, naming its table position, its cells.csv line and where it was entered (the workbook cell).

    ``n_assessed``/``n_bad``/``n_not_assessable`` count per matrix row; ``describe(place, column, j, found)``
    gives the finding's message and expected value for matrix column ``j``."""
    rows_pos = np.flatnonzero(mat.rowmap >= 0)
    keep = engine.sel[rows_pos]
    engine.tally_rows(rule, rows_pos[keep], (n_assessed - n_bad)[keep], n_bad[keep], n_not_assessable[keep])
    catalog = cell_catalog()
    file = engine.files["cells"]
    for r in np.flatnonzero(n_bad * keep):
        p = int(rows_pos[r])
        for j in np.flatnonzero(bad[r]):
            gid = int(mat.gids[j])
            k = catalog[gid]
            spec = _spec(k.version, k.table)
            found = _num(float(mat.values[r, j]))
            place = spec.place(k.row, k.column)
            message, expected = describe(place, spec.column(k.column), int(j), found)
            index = engine.cell_index(p, gid)
            engine.add(rule, p, place=place, message=message, expected=expected, found=found, version=k.version,
                       table=k.table, row=k.row, column=k.column, file=file,
                       line=int(engine.cell_lines[index]) if file and index is not None else None,
                       source=engine.cell_source(index), order=(k.version, gid))


@kernel(Magnitude)
def _magnitude(engine: _Engine, rule: Rule, check: Magnitude) -> None:
    """M1 over one version's matrix: a figure (not blank, not 不适用) is at most its table's and unit's limit.

    Instances are the figures present; a blank or 不适用 is not assessed. The stated 主动公开 total is
    assessed once, by the check that carries ``proactive_total``."""
    if check.proactive_total is not None:
        _magnitude_total(engine, rule, check.proactive_total)
    mat = engine.matrices[check.version]
    if mat.values.shape[0] == 0:
        return
    catalog = cell_catalog()
    limits = np.full(len(mat.gids), np.inf)
    for j, gid in enumerate(mat.gids.tolist()):
        k = catalog[int(gid)]
        unit = _spec(k.version, k.table).column(k.column).unit
        for table, want_unit, limit in check.limits:
            if table == k.table and want_unit in ("", unit):
                limits[j] = limit
                break
    values, marks = mat.values, mat.marks
    with np.errstate(invalid="ignore"):
        bad = (np.abs(values) > limits[None, :]) & (marks == _VALUE)
    n_values = _row_count(marks == _VALUE)

    def describe(place: str, col: Column, j: int, found: object) -> tuple[str, str]:
        limit, unit = _num(float(limits[j])), col.unit or ""
        return f"{place}填写了 {found} {unit}，超过合理上限 {limit} {unit}，可能多输了位数。", f"不超过 {limit}"

    _flag_cells(engine, rule, mat, bad, _row_count(bad), n_values, np.zeros(values.shape[0], dtype=np.int32),
                describe)


def _magnitude_total(engine: _Engine, rule: Rule, limit: float) -> None:
    rep = engine.ds.reports
    total = rep["proactive_total"].to_numpy(dtype=np.float64)
    has = engine.sel & (rep["proactive_total_mark"].to_numpy() == _VALUE)
    with np.errstate(invalid="ignore"):
        big = has & (np.abs(total) > limit)
    idx = np.flatnonzero(has)
    engine.tally(rule, idx, np.where(big[idx], _FAIL, _PASS))
    for p in np.flatnonzero(big):
        file, line = engine.report_place(int(p))
        found = _num(total[p])
        engine.add(rule, int(p), place="主动公开 总数",
                   message=f"主动公开总数为 {found}，超过合理上限 {_num(limit)}，可能多输了位数。",
                   expected=f"不超过 {_num(limit)}", found=found, file=file, line=line,
                   source=engine.total_source(int(p)))
