"""Reading the official tables of a report: 表二 (Article 20), 表三 (applications), 表四 (reviews).

Every table, whether from HTML, PDF or Word, arrives as a :class:`~govreport.readers.grid.Grid` (a merged
cell is repeated over every grid position it covers, keeping one identity per source cell). Rows and
columns are then matched **by label**, never
by position: a column is identified by the stack of header texts above it (``行政诉讼 › 复议后起诉 ›
总计``), a row by its label cells (``（三）不予公开 › 1.属于国家秘密``), after normalising width, numbering,
quotes and bracketed notes, with a fuzzy fallback for typos (属于三类内容事务信息; both in :mod:`.labels`).
The version of each table (2019 trial or 2021 format) is decided by the labels it uses, so a hybrid report
(2021 表二 with the 2019 表三) is read as such. A cell reads as a value (``0`` included), a blank (empty) or 不适用
(``/``, ``—``, 不适用); anything else is left blank and listed as not read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from govreport.core.formats import FORMATS, CellKey, TableCell, table_spec
from govreport.core.values import Figure, parse_token
from govreport.readers.grid import Cell, Grid
from govreport.readers.labels import fuzzy, label_key, t2_column_keys, t2_row_keys, t3_row_keys
from govreport.readers.source import NotRead, Source

__all__ = ["TableRead", "cells_of", "kind_of", "parse_cell", "read_grid"]

_UNIT_SUFFIX = re.compile(r"(?<=\d)\s*(?:件|个|项|万元|元|次|条|起)$")
_HAS_FIGURE = re.compile(r"\d|^[/／—\-－─]+$|不适用")


# ------------------------------------------------------------------------------------- vocabularies


_T3_COLUMNS = {
    "自然人": "natural_person", "商业企业": "commercial", "科研机构": "research", "社会公益组织": "public_welfare",
    "法律服务机构": "legal_service", "其他": "other_org", "其他组织": "other_org", "总计": "total", "合计": "total",
}
_T3_APPLICANT_WORDS = frozenset({"申请人情况", "法人或其他组织", "法人或者其他组织", "自然人", "商业企业", "科研机构",
                                 "社会公益组织", "法律服务机构"})
_T3_SPEC_COLUMNS = {c.id: c.label for c in table_spec("2021", "t3").columns}

_T4_GROUPS = (("复议后起诉", "after_review"), ("直接起诉", "direct"), ("行政复议", "review"))
_T4_LEAVES = {
    "结果维持": "maintained", "维持": "maintained", "结果纠正": "corrected", "纠正": "corrected",
    "其他结果": "other", "其他": "other", "尚未审结": "pending", "未审结": "pending", "总计": "total",
    "合计": "total", "小计": "total",
}


# ------------------------------------------------------------------------------------------ reading


@dataclass(slots=True)
class TableRead:
    """Cells read from the tables of one page: cell key → figure and source."""

    cells: dict[CellKey, tuple[Figure, Source]] = field(default_factory=dict)
    not_read: list[NotRead] = field(default_factory=list)
    recognised: list[tuple[int, str]] = field(default_factory=list)  # (table index, t2/t3/t4)
    warnings: list[str] = field(default_factory=list)

    def put(self, key: CellKey, fig: Figure, src: Source, place: str) -> None:
        old = self.cells.get(key)
        if old is not None and old[0] != fig:
            self.not_read.append(NotRead(place, "同一格在表中出现了两个不同的数", src, key.table_cell))
            del self.cells[key]
            return
        self.cells[key] = (fig, src)


def kind_of(grid: Grid) -> str | None:
    text = grid.text()
    if ("本年新收" in text or "上年结转" in text) and ("自然人" in text or "予以公开" in text):
        return "t3"
    if ("结果维持" in text or "尚未审结" in text) and ("复议" in text or "诉讼" in text):
        return "t4"
    if re.search(r"第二十条|信息内容", text) and re.search(r"规章|行政许可|行政处罚|行政事业性收费|政府集中采购", text):
        return "t2"
    return None


def parse_cell(text: str) -> Figure | None:
    s = _UNIT_SUFFIX.sub("", text.strip())
    try:
        mark, value = parse_token(s)
    except ValueError:
        return None
    return Figure(mark, value)


def read_grid(grid: Grid, kind: str, year: int | None, out: TableRead) -> None:
    out.recognised.append((grid.index, kind))
    {"t2": _read_t2, "t3": _read_t3, "t4": _read_t4}[kind](grid, year, out)


def _cell_figure(grid: Grid, cell: Cell, place: str, out: TableRead, key: TableCell) -> Figure | None:
    fig = parse_cell(cell.text)
    if fig is None:
        out.not_read.append(NotRead(place, f"单元格内容“{cell.text}”不是数字、空白或不适用", grid.source(cell), key))
    return fig


def _header_stack(grid: Grid, header_rows: list[int], c: int) -> list[str]:
    stack: list[str] = []
    last = None
    for r in header_rows:
        row = grid.rows[r]
        cell = row[c] if c < len(row) else None
        if cell is None or cell is last:
            continue
        last = cell
        k = label_key(cell.text)
        if k and (not stack or stack[-1] != k):
            stack.append(k)
    return stack


def _read_t3(grid: Grid, year: int | None, out: TableRead) -> None:
    """表三: header rows, applicant columns, then each data row by its label; the version from the rows read."""
    header_rows, first_data = _t3_header_rows(grid)
    if first_data is None or not header_rows:
        out.not_read.append(NotRead(f"表格{grid.index}（表三）", "找不到表头或“本年新收”行，整表未读取",
                                    None))
        return
    col_ids = _t3_columns(grid, header_rows)
    if not col_ids:
        out.not_read.append(NotRead(f"表格{grid.index}（表三）", "表头中找不到申请人各列，整表未读取", None))
        return
    first_col = min(col_ids)
    by_cell = _columns_of_cells(grid, col_ids, first_data)
    rows_read: dict[str, int] = {}
    pending: list[tuple[str, str, Figure, Source]] = []
    for r in range(first_data, len(grid.rows)):
        _read_t3_row(grid, r, first_col, col_ids, by_cell, rows_read, pending, out)
    version = _t3_version(grid, year, rows_read, out)
    data_rows = _data_rows(version, "t3")
    for row_id, cid, fig, src in pending:
        if row_id not in data_rows:
            continue
        out.put(CellKey(version, "t3", row_id, cid), fig, src, place_of(version, "t3", row_id, cid))


def _t3_header_rows(grid: Grid) -> tuple[list[int], int | None]:
    """The leading rows that name applicant columns, and the first data row after them (None if none)."""
    first_data = None
    header_rows: list[int] = []
    for r, row in enumerate(grid.rows):
        keys = {label_key(c.text) for c in row if c is not None}
        if keys & _T3_APPLICANT_WORDS:
            header_rows.append(r)
        elif header_rows:
            first_data = r
            break
    return header_rows, first_data


def _t3_columns(grid: Grid, header_rows: list[int]) -> dict[int, str]:
    """Column index → 表三 column id, from the deepest applicant word in each column's header stack."""
    col_ids: dict[int, str] = {}
    for c in range(grid.n_cols):
        stack = _header_stack(grid, header_rows, c)
        leaf = next((k for k in reversed(stack) if k in _T3_COLUMNS), None)
        if leaf is None:
            continue
        col_ids[c] = _T3_COLUMNS[leaf]
    return col_ids


def _columns_of_cells(grid: Grid, col_ids: dict[int, str], first_data: int) -> dict[int, set[str]]:
    """For each data cell (by identity), the column ids it covers (more than one: merged across columns)."""
    by_cell: dict[int, set[str]] = {}
    for c, cid in col_ids.items():
        for r in range(first_data, len(grid.rows)):
            cell = grid.rows[r][c] if c < len(grid.rows[r]) else None
            if cell is not None:
                by_cell.setdefault(id(cell), set()).add(cid)
    return by_cell


def _label_cells(row: list[Cell | None], first_col: int) -> list[Cell]:
    """The distinct cells left of the first data column, left to right (a merged cell once)."""
    labels: list[Cell] = []
    for c in range(min(first_col, len(row))):
        cell = row[c]
        if cell is not None and (not labels or labels[-1] is not cell):
            labels.append(cell)
    return labels


def _read_t3_row(grid: Grid, r: int, first_col: int, col_ids: dict[int, str], by_cell: dict[int, set[str]],
                 rows_read: dict[str, int], pending: list[tuple[str, str, Figure, Source]], out: TableRead) -> None:
    """One data row of 表三: its row matched by label, its figures added to ``pending``, refusals to ``out``."""
    row = grid.rows[r]
    labels = _label_cells(row, first_col)
    keys = [label_key(c.text) for c in labels]
    keys = [k for k in keys if k]
    if not keys:
        return
    row_keys = t3_row_keys()
    match = None
    named = labels[-1]
    for cell in reversed(labels):
        found = fuzzy(label_key(cell.text), row_keys)
        if found:
            match, named = row_keys[found], cell
            break
    data_cells = [(c, row[c]) for c in col_ids if c < len(row) and row[c] is not None]
    has_figures = any(_HAS_FIGURE.search(cell.text) for _, cell in data_cells if cell not in labels)
    if match is None:
        if has_figures:
            out.not_read.append(NotRead(f"表三 “{labels[-1].text}” 行", "行名与表三各行都对不上，整行未读取",
                                        grid.source(labels[-1])))
        return
    row_id, is_group = match
    if is_group:
        if has_figures:
            out.warnings.append(
                f"表格{grid.index} 第{r + 1}行：分组标题行“{named.text}”填有数字，未读取（表中没有小计行）")
        return
    if row_id in rows_read:
        out.not_read.append(NotRead(f"表三 “{named.text}” 行", f"与第{rows_read[row_id]}行重复，未读取",
                                    grid.source(named)))
        return
    rows_read[row_id] = r + 1
    for c, cell in data_cells:
        cid = col_ids[c]
        if cell in labels or len(by_cell.get(id(cell), ())) > 1:
            if len(by_cell.get(id(cell), ())) > 1 and _HAS_FIGURE.search(cell.text):
                out.not_read.append(NotRead(f"表三 “{named.text}” 行 “{_T3_SPEC_COLUMNS[cid]}” 列",
                                            "一个合并单元格跨了几列，无法确定属于哪一列", grid.source(cell),
                                            ("t3", row_id, cid)))
            continue
        place = f"表三 “{named.text}” 行 “{_T3_SPEC_COLUMNS[cid]}” 列"
        fig = _cell_figure(grid, cell, place, out, ("t3", row_id, cid))
        if fig is not None:
            pending.append((row_id, cid, fig, grid.source(cell)))


def _t3_version(grid: Grid, year: int | None, rows_read: dict[str, int], out: TableRead) -> str:
    """The format of a 表三 (2019 or 2021) from the rows it has, else from the year; warns on a hybrid."""
    has_2021_rows = any(r.startswith("oh_") for r in rows_read)
    if has_2021_rows and "other_handling" in rows_read:
        out.warnings.append(f"表格{grid.index}：“（六）其他处理”既有小项又有数字，按2021年格式读取小项")
    return "2021" if has_2021_rows else "2019" if "other_handling" in rows_read else (
        "2019" if year is not None and year <= 2020 else "2021")


def _read_t4(grid: Grid, year: int | None, out: TableRead) -> None:
    header_rows: list[int] = []
    for r, row in enumerate(grid.rows):
        keys = {label_key(c.text) for c in row if c is not None}
        if keys & set(_T4_LEAVES) or keys & {"行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉"}:
            header_rows.append(r)
        elif header_rows:
            break
    col_ids: dict[int, str] = {}
    for c in range(grid.n_cols):
        stack = _header_stack(grid, header_rows, c)
        if not stack or stack[-1] not in _T4_LEAVES:
            continue
        group = next((g for word, g in _T4_GROUPS if any(word in k for k in stack)), None)
        if group is None:
            continue
        col_ids[c] = f"{group}_{_T4_LEAVES[stack[-1]]}"
    if len(set(col_ids.values())) != len(col_ids):
        out.not_read.append(NotRead(f"表格{grid.index}（表四）", "表头有重复的列名，无法逐列对应，整表未读取", None))
        return
    if not col_ids:
        out.not_read.append(NotRead(f"表格{grid.index}（表四）", "表头中找不到复议、诉讼各列，整表未读取", None))
        return
    last_header = max(header_rows)
    header_cells = {id(grid.rows[r][c]) for r in header_rows for c in range(len(grid.rows[r]))
                    if grid.rows[r][c] is not None}
    data_rows = [r for r in range(last_header + 1, len(grid.rows))
                 if any(c < len(grid.rows[r]) and grid.rows[r][c] is not None
                        and id(grid.rows[r][c]) not in header_cells and _HAS_FIGURE.search(grid.rows[r][c].text)
                        for c in col_ids)]
    if not data_rows:
        data_rows = [r for r in range(last_header + 1, len(grid.rows))][:1]
    if not data_rows:
        out.not_read.append(NotRead(f"表格{grid.index}（表四）", "表中没有数据行", None))
        return
    for r in data_rows[1:]:
        out.not_read.append(NotRead(f"表格{grid.index}（表四）第{r + 1}行", "表四只有一行数据，多出的行未读取", None))
    version = "2019" if year is not None and year <= 2020 else "2021"
    row = grid.rows[data_rows[0]]
    seen: dict[int, str] = {}
    for c, cid in col_ids.items():
        cell = row[c] if c < len(row) else None
        if cell is None or id(cell) in header_cells:
            continue
        place = place_of(version, "t4", "value", cid)
        if id(cell) in seen:
            out.not_read.append(NotRead(place, "一个合并单元格跨了几列，无法确定属于哪一列", grid.source(cell),
                                        ("t4", "value", cid)))
            out.not_read.append(NotRead(place_of(version, "t4", "value", seen[id(cell)]),
                                        "一个合并单元格跨了几列，无法确定属于哪一列", grid.source(cell),
                                        ("t4", "value", seen[id(cell)])))
            out.cells.pop(CellKey(version, "t4", "value", seen[id(cell)]), None)
            continue
        seen[id(cell)] = cid
        fig = _cell_figure(grid, cell, place, out, ("t4", "value", cid))
        if fig is not None:
            out.put(CellKey(version, "t4", "value", cid), fig, grid.source(cell), place)


def _read_t2(grid: Grid, year: int | None, out: TableRead) -> None:
    col_keys = t2_column_keys()
    row_keys = t2_row_keys()
    header: dict[int, list[tuple[str, str]]] = {}
    header_cells: set[int] = set()
    for row in grid.rows:
        cells = [(c, cell) for c, cell in enumerate(row) if cell is not None]
        mapped = {}
        for c, cell in cells:
            k = label_key(cell.text)
            found = k if k in col_keys else fuzzy(k, col_keys) if len(k) >= 5 else None
            if found:
                mapped[c] = col_keys[found]
        if mapped:
            header = mapped
            header_cells = {id(cell) for _, cell in cells}
            continue
        if not cells:
            continue
        label_cell = cells[0][1]
        k = label_key(label_cell.text)
        found = k if k in row_keys else fuzzy(k, row_keys)
        if not found:
            if any(_HAS_FIGURE.search(cell.text) for _, cell in cells[1:] if cell is not label_cell) and header:
                out.not_read.append(NotRead(f"表二 “{label_cell.text}” 行", "行名与表二各行都对不上，整行未读取",
                                            grid.source(label_cell)))
            continue
        if not header:
            out.not_read.append(NotRead(f"表二 “{label_cell.text}” 行", "该行之前没有可识别的表头，未读取",
                                        grid.source(label_cell)))
            continue
        candidates = row_keys[found]
        seen: dict[int, CellKey] = {}
        for c, cols in header.items():
            cell = row[c] if c < len(row) else None
            if cell is None or cell is label_cell or id(cell) in header_cells:
                continue
            target = _t2_target(cols, candidates)
            if target is None:
                continue
            if not any(rv == target.version and rid == target.row for rv, _, rid in candidates):
                note = f"表格{grid.index}：行名“{label_cell.text}”不是{target.version}年格式的写法，按表头的格式读取"
                if note not in out.warnings:
                    out.warnings.append(note)
            place = place_of(target.version, target.table, target.row, target.column)
            if id(cell) in seen:
                if seen[id(cell)].column != target.column:
                    # one merged cell under one header spanning several grid columns is fine; under two is not
                    out.not_read.append(NotRead(place, "一个合并单元格跨了几列，无法确定属于哪一列", grid.source(cell),
                                                target.table_cell))
                    out.cells.pop(seen[id(cell)], None)
                continue
            seen[id(cell)] = target
            fig = _cell_figure(grid, cell, place, out, target.table_cell)
            if fig is not None:
                out.put(target, fig, grid.source(cell), place)


def _t2_target(cols: list[tuple[str, str]], candidates: list[tuple[str, str, str]]
               ) -> CellKey | None:
    """The cell under header ``cols`` in a row labelled ``candidates`` is.

    The header decides the version; a row label of the same version is preferred, but a row id that
    exists in the header's version is accepted (规范性文件 under 2021 headers is the 2021 行政规范性文件).
    """
    for same_version in (True, False):
        for v, cid in cols:
            for rv, tid, rid in candidates:
                if same_version and rv != v:
                    continue
                if (rid, cid) in cells_of(v, tid):
                    return CellKey(v, tid, rid, cid)
    return None


@lru_cache(maxsize=64)
def cells_of(version: str, table_id: str) -> frozenset[tuple[str, str]]:
    """The (row, column) pairs of a table (empty when the version has no such table)."""
    if not FORMATS[version].has_table(table_id):
        return frozenset()
    spec = table_spec(version, table_id)
    return frozenset((r.id, c.id) for r in spec.rows for c in spec.columns)


@lru_cache(maxsize=64)
def _data_rows(version: str, table_id: str) -> frozenset[str]:
    return frozenset(r.id for r in table_spec(version, table_id).data_rows)


@lru_cache(maxsize=4096)
def place_of(version: str, table_id: str, row: str, column: str) -> str:
    """The cell named in the report's own words (cached: ``TableSpec.place`` is called per cell)."""
    return table_spec(version, table_id).place(row, column)

