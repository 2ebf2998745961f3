"""Kernels of the table arithmetic: sums within a table, the same cells across years,
parts that may not exceed their total, and a total left blank beside filled-in parts.

An identity ``Σ lhs − Σ rhs = 0`` is evaluated over every agency-year that has the table at once: one
matrix product with ±1 weights when the operands are adjacent rows (or columns), else one gathered operand
slice at a time; blank is NaN in the matrix, so the difference is NaN (not assessable) exactly when an
operand is blank. Python objects are made only for the instances that fail.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

from govreport.checks.registry import _BLANK, _NAMARK, _VALUE, _num, _row_count, _spec, kernel
from govreport.checks.rules import TOLERANCE, CrossYear, PartsWithinTotal, Rule, SumIdentity, Term, TotalPresent
from govreport.core.formats import CellKey, TableSpec, cell_ids
from govreport.core.values import format_value
from govreport.store.matrix import ABSENT as _ABSENT
from govreport.store.matrix import TableMatrix as _Matrix
from govreport.store.matrix import luts as _luts

if TYPE_CHECKING:  # pragma: no cover
    from govreport.checks.engine import _Engine

_MANY_TERMS = 4  # sides with more terms than this list only their non-zero terms in messages


def _instances(spec: TableSpec, for_each: str, over: tuple[str, ...] | None) -> tuple[str, ...]:
    axis = spec.data_columns if for_each == "column" else spec.data_rows
    ids = tuple(a.id for a in axis)
    return ids if over is None else tuple(i for i in ids if i in over)


def _cell(for_each: str, operand: str, instance: str) -> tuple[str, str]:
    """(row, column) of an operand in an instance."""
    return (operand, instance) if for_each == "column" else (instance, operand)


def _label(spec: TableSpec, for_each: str, operand: str) -> str:
    return spec.row(operand).name if for_each == "column" else spec.column(operand).name


def _is_blank(mark: int) -> bool:
    return mark in (_BLANK, _ABSENT)


def _term_text(label: str, value: float, mark: int) -> str:
    if _is_blank(mark):
        return f"{label} 空白"
    return f"{label} {format_value(None if mark != _VALUE else float(value), mark)}"


def _side_text(labels: list[str], signs: list[int], values: list[float], marks: list[int]) -> tuple[str, str]:
    """('label a + label b = total', 'total') for a message; long sides list only their non-zero terms."""
    total = sum(s * (v if m == _VALUE else 0.0) for s, v, m in zip(signs, values, marks, strict=True))
    total_text = _num(total)
    if len(labels) == 1 and signs[0] == 1:
        text = _term_text(labels[0], values[0], marks[0])
        return text, (format_value(None, marks[0]) if marks[0] == _NAMARK else total_text)
    keep = list(range(len(labels)))
    omitted = False
    if len(labels) > _MANY_TERMS:
        keep = [i for i in keep if not (marks[i] == _VALUE and values[i] == 0)]
        omitted = len(keep) < len(labels)
    parts = []
    for j, i in enumerate(keep):
        term = _term_text(labels[i], values[i], marks[i])
        if j == 0:
            parts.append(term if signs[i] == 1 else f"−{term}")
        else:
            parts.append(f" {'+' if signs[i] == 1 else '−'} {term}")
    if not parts:
        return f"各项均为 0，合计 {total_text}", total_text
    text = "".join(parts) + f" = {total_text}"
    if omitted:
        text += "（其余各项为 0）"
    return text, total_text


def _as_slice(cols: np.ndarray) -> slice | np.ndarray:
    """Evenly spaced columns as a slice (a view, no copy), else the index array."""
    if len(cols) == 1:
        return slice(int(cols[0]), int(cols[0]) + 1)
    step = int(cols[1] - cols[0])
    if step > 0 and np.all(np.diff(cols) == step):
        return slice(int(cols[0]), int(cols[-1]) + 1, step)
    return cols


def _gather(mat: _Matrix, rows: np.ndarray, cols: np.ndarray, which: str = "values") -> np.ndarray:
    """``arr[rows][:, cols]`` (rows increasing: as many rows as the matrix means all of them, in order)."""
    arr = mat.values if which == "values" else mat.marks
    sl = _as_slice(cols)
    if len(rows) == arr.shape[0]:
        return arr[:, sl]
    if isinstance(sl, slice):
        return arr[rows, sl]
    return arr[rows[:, None], sl[None, :]]


def _failures(fail: np.ndarray, n_fail: np.ndarray) -> Iterable[tuple[int, int]]:
    """(row, instance) of every failure, looking only at the rows that have one."""
    for r in np.flatnonzero(n_fail):
        for i in np.flatnonzero(fail[r]):
            yield int(r), int(i)


def _operand_cols(mat: _Matrix, table: str, for_each: str, operand: str, instances: tuple[str, ...]) -> np.ndarray:
    return np.asarray([mat.index(table, *_cell(for_each, operand, i)) for i in instances], dtype=np.int64)


def _grid(mat: _Matrix, rows: np.ndarray, table: str) -> np.ndarray:
    """The table's data cells of the given matrix rows as a (reports, data rows, data columns) view."""
    spec = _spec(mat.version, table)
    a, b = _luts().table_cols[(mat.version, table)]
    arr = mat.values[:, a:b] if len(rows) == mat.values.shape[0] else mat.values[rows, a:b]
    return arr.reshape(len(rows), len(spec.data_rows), len(spec.data_columns))


def _dense_identity(mat: _Matrix, rows: np.ndarray, table: str, for_each: str, lhs: tuple[Term, ...],
                    rhs: tuple[Term, ...]) -> np.ndarray | None:
    """Σ lhs − Σ rhs for every instance as one matrix product, when the operands are adjacent rows
    (or columns) of the table: the weights are then all ±1 and a blank (NaN) operand still makes the
    result NaN. None when the operands leave a gap (a zero weight would let NaN × 0 spoil a result)."""
    spec = _spec(mat.version, table)
    axis_ids = [r.id for r in spec.data_rows] if for_each == "column" else [c.id for c in spec.data_columns]
    weights = {axis_ids.index(t.operand): 1.0 for t in lhs}
    for t in rhs:
        weights[axis_ids.index(t.operand)] = weights.get(axis_ids.index(t.operand), 0.0) - 1.0
    lo, hi = min(weights), max(weights) + 1
    if len(weights) != hi - lo or any(w == 0 for w in weights.values()):
        return None
    w = np.asarray([weights[i] for i in range(lo, hi)])
    grid = _grid(mat, rows, table)
    if for_each == "row":
        return grid[:, :, lo:hi] @ w
    return np.einsum("nrc,r->nc", grid[:, lo:hi, :], w)


def _term_sum(mats: dict[int, _Matrix], rows: dict[int, np.ndarray], terms: list[tuple[Term, int]],
              cols_of: list[np.ndarray]) -> np.ndarray:
    """Σ ± terms, one gathered operand at a time (terms may read the previous year)."""
    diff: np.ndarray | None = None
    for (t, side), cols in zip(terms, cols_of, strict=True):
        g = _gather(mats[t.year_offset], rows[t.year_offset], cols)
        sign = side * t.sign
        if diff is None:
            diff = g.astype(np.float64, copy=True) if sign > 0 else -g
        elif sign > 0:
            np.add(diff, g, out=diff)
        else:
            np.subtract(diff, g, out=diff)
    assert diff is not None
    return diff


def _identity(engine: _Engine, rule: Rule, table: str, for_each: str, lhs: tuple[Term, ...],
              rhs: tuple[Term, ...], primary: str, cur: str, prev: str | None, over: tuple[str, ...] | None) -> None:
    """Σ lhs − Σ rhs = 0 for every instance of every report that has the table (and its previous year).

    Blank is NaN in the matrix, so the difference is NaN (not assessable) exactly when an operand is blank.
    """
    spec = _spec(cur, table)
    instances = _instances(spec, for_each, over)
    if prev is not None:
        other = _instances(_spec(prev, table), for_each, over)
        instances = tuple(i for i in instances if i in other)
    if not instances:
        return
    mats = {0: engine.matrices[cur]}
    mask = engine.sel & engine.has_table(cur, table)
    if prev is not None:
        mats[-1] = engine.matrices[prev]
        p = engine.prev
        mask &= (p >= 0) & engine.has_table(prev, table)[np.maximum(p, 0)]
    pos = np.flatnonzero(mask)
    if len(pos) == 0:
        return
    rows = {0: mats[0].rowmap[pos]}
    if prev is not None:
        rows[-1] = mats[-1].rowmap[engine.prev[pos]]
    terms = [(t, +1) for t in lhs] + [(t, -1) for t in rhs]
    cols_of = [_operand_cols(mats[t.year_offset], table, for_each, t.operand, instances) for t, _ in terms]
    plain = prev is None and over is None and all(t.sign == 1 and t.year_offset == 0 for t, _ in terms)
    diff = _dense_identity(mats[0], rows[0], table, for_each, lhs, rhs) if plain else None
    if diff is None:
        diff = _term_sum(mats, rows, terms, cols_of)
    na = np.isnan(diff)
    with np.errstate(invalid="ignore"):
        fail = np.abs(diff) > TOLERANCE  # NaN compares False
    n_fail = _row_count(fail)
    n_na = _row_count(na)
    engine.tally_rows(rule, pos, len(instances) - n_fail - n_na, n_fail, n_na)
    if not n_fail.any():
        return
    primary_side = 0 if any(t.operand == primary and t.year_offset == 0 for t in lhs) else 1
    for ri, ii in _failures(fail, n_fail):
        rpos = int(pos[ri])
        inst = instances[ii]
        sides: list[tuple[list[str], list[int], list[float], list[int]]] = [([], [], [], []), ([], [], [], [])]
        for k, (t, side) in enumerate(terms):
            mat = mats[t.year_offset]
            r = rows[t.year_offset][ri]
            c = cols_of[k][ii]
            label = _label(_spec(mat.version, table), for_each, t.operand)
            if t.year_offset:
                label = f"上年（{int(engine.years[rpos]) + t.year_offset}年）{label}"
            bucket = sides[0 if side == 1 else 1]
            bucket[0].append(label)
            bucket[1].append(t.sign)
            bucket[2].append(float(mat.values[r, c]))
            bucket[3].append(int(mat.marks[r, c]))
        texts = [_side_text(*s) for s in sides]
        exp_text, exp_total = texts[1 - primary_side]
        found_text, found_total = texts[primary_side]
        delta = _num(abs(float(diff[ri, ii])))
        message = f"{exp_text}，但{found_text}，相差 {delta}。"
        row, column = _cell(for_each, primary, inst)
        _add_cell_finding(engine, rule, rpos, cur, table, row, column, spec.place(row, column), message,
                          exp_total, found_total, fallback=[_cell(for_each, t.operand, inst) for t, _ in terms
                                                            if t.year_offset == 0])


def _add_cell_finding(engine: _Engine, rule: Rule, pos: int, version: str, table: str, row: str, column: str,
                      place: str, message: str, expected: str, found: str,
                      fallback: Iterable[tuple[str, str]] = ()) -> None:
    """A finding located at a cell: its line in cells.csv, else an operand's, else the report row."""
    ids = cell_ids()
    gid = ids[CellKey(version, table, row, column)]
    file = engine.files["cells"]
    index = engine.cell_index(pos, gid)
    source = engine.cell_source(index)
    line = int(engine.cell_lines[index]) if file and index is not None else None
    if line is None and file:
        for r, c in fallback:
            line = engine.cell_line(pos, ids[CellKey(version, table, r, c)])
            if line is not None:
                break
        if line is None:
            file, line = engine.report_place(pos)
    engine.add(rule, pos, place=place, message=message, expected=expected, found=found, version=version,
               table=table, row=row, column=column, file=file, line=line, source=source, order=(version, gid))


@kernel(SumIdentity)
def _sum_identity(engine: _Engine, rule: Rule, check: SumIdentity) -> None:
    _identity(engine, rule, check.table, check.for_each, tuple(Term(o) for o in check.lhs),
              tuple(Term(o) for o in check.rhs), check.primary, check.version, None, check.over)


@kernel(CrossYear)
def _cross_year(engine: _Engine, rule: Rule, check: CrossYear) -> None:
    for cur in check.current_versions:
        for prev in check.previous_versions:
            _identity(engine, rule, check.table, check.for_each, check.lhs, check.rhs, check.primary, cur, prev,
                      check.over)


def _rows_with(engine: _Engine, version: str, table: str) -> tuple[np.ndarray, np.ndarray, _Matrix]:
    mat = engine.matrices[version]
    pos = np.flatnonzero(engine.sel & engine.has_table(version, table))
    return pos, mat.rowmap[pos], mat


def _operands(engine: _Engine, mat: _Matrix, rows: np.ndarray, ri: int, ii: int, spec: TableSpec, for_each: str,
              cols: dict[str, np.ndarray]) -> tuple[list[str], list[float], list[int]]:
    labels, values, marks = [], [], []
    for op, c in cols.items():
        labels.append(_label(spec, for_each, op))
        values.append(float(mat.values[rows[ri], c[ii]]))
        marks.append(int(mat.marks[rows[ri], c[ii]]))
    return labels, values, marks


@kernel(PartsWithinTotal)
def _parts_within_total(engine: _Engine, rule: Rule, check: PartsWithinTotal) -> None:
    spec = _spec(check.version, check.table)
    instances = _instances(spec, check.for_each, check.over)
    pos, rows, mat = _rows_with(engine, check.version, check.table)
    if len(pos) == 0 or not instances:
        return
    whole_cols = _operand_cols(mat, check.table, check.for_each, check.whole, instances)
    whole_v = _gather(mat, rows, whole_cols)
    assessable = _gather(mat, rows, whole_cols, "marks") == _VALUE
    known = np.zeros(whole_v.shape)
    part_cols = {p: _operand_cols(mat, check.table, check.for_each, p, instances) for p in check.parts}
    for p, pc in part_cols.items():
        v = _gather(mat, rows, pc)
        if p in check.require:
            assessable &= _gather(mat, rows, pc, "marks") == _VALUE
        known += np.where(np.isnan(v), 0.0, np.maximum(v, 0.0))  # filled-in parts bound the sum from below
    fail = assessable & (known > whole_v + TOLERANCE)
    n_fail = _row_count(fail)
    n_ok = _row_count(assessable)
    engine.tally_rows(rule, pos, n_ok - n_fail, n_fail, len(instances) - n_ok)
    for ri, ii in _failures(fail, n_fail):
        inst = instances[ii]
        labels, values, marks = _operands(engine, mat, rows, ri, ii, spec, check.for_each, part_cols)
        filled = [i for i, m in enumerate(marks) if m == _VALUE]
        text, total = _side_text([labels[i] for i in filled], [1] * len(filled), [values[i] for i in filled],
                                 [marks[i] for i in filled])
        whole = _num(float(whole_v[ri, ii]))
        wlabel = _label(spec, check.for_each, check.whole)
        message = f"{text}，超过{wlabel} {whole}，多出 {_num(float(known[ri, ii] - whole_v[ri, ii]))}。"
        row, column = _cell(check.for_each, check.whole, inst)
        _add_cell_finding(engine, rule, int(pos[ri]), check.version, check.table, row, column,
                          spec.place(row, column), message, f"不超过 {whole}", total,
                          fallback=[_cell(check.for_each, p, inst) for p in check.parts])


@kernel(TotalPresent)
def _total_present(engine: _Engine, rule: Rule, check: TotalPresent) -> None:
    spec = _spec(check.version, check.table)
    instances = _instances(spec, check.for_each, check.over)
    pos, rows, mat = _rows_with(engine, check.version, check.table)
    if len(pos) == 0 or not instances:
        return
    total_cols = _operand_cols(mat, check.table, check.for_each, check.total, instances)
    total_blank = (_gather(mat, rows, total_cols, "marks") & 1) == 1  # blank or absent
    part_cols = {p: _operand_cols(mat, check.table, check.for_each, p, instances) for p in check.parts}
    # every total of a table present is an instance; only reports with a blank total need their parts read
    fail = np.zeros(total_blank.shape, dtype=bool)
    some = np.flatnonzero(total_blank.any(axis=1))
    if len(some):
        any_part = np.zeros((len(some), len(instances)), dtype=bool)
        for pc in part_cols.values():
            any_part |= _gather(mat, rows[some], pc, "marks") == _VALUE
        fail[some] = any_part & total_blank[some]
    n_fail = _row_count(fail)
    engine.tally_rows(rule, pos, len(instances) - n_fail, n_fail, np.zeros_like(n_fail))
    for ri, ii in _failures(fail, n_fail):
        inst = instances[ii]
        labels, values, marks = _operands(engine, mat, rows, ri, ii, spec, check.for_each, part_cols)
        filled = [f"{labels[i]} {_num(values[i])}" for i, m in enumerate(marks) if m == _VALUE]
        complete = not any(_is_blank(m) for m in marks)
        total = _num(sum(v for v, m in zip(values, marks, strict=True) if m == _VALUE))
        tlabel = _label(spec, check.for_each, check.total)
        message = f"{tlabel}空白，但已填写分项：{'、'.join(filled)}。"
        if complete:
            message += f"按分项合计，{tlabel}应为 {total}。"
        row, column = _cell(check.for_each, check.total, inst)
        _add_cell_finding(engine, rule, int(pos[ri]), check.version, check.table, row, column,
                          spec.place(row, column), message, total if complete else "应填写", "空白",
                          fallback=[_cell(check.for_each, p, inst) for p in check.parts])
