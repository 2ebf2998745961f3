"""The blocks and tables of a filled-in template's data sheet, found by their labels.

Blocks by their title row (:func:`find_blocks`), columns by their header cells (grouped headers included),
rows by their row labels (:func:`read_table`), matched exactly with :mod:`.labels`; the layout version from
the Article 20 headers, then 表三's rows (:func:`detect_version`).
"""

from __future__ import annotations

from dataclasses import dataclass

from govreport.core import template_schema as L
from govreport.core.errors import DataError, SchemaError, UnknownReferenceError, ValueFormatError
from govreport.core.formats import FORMATS, Axis, Column, TableSpec
from govreport.core.template_schema import norm
from govreport.core.values import Figure, Mark
from govreport.readers.grid import Grid
from govreport.readers.labels import axis_vocabulary
from govreport.readers.xlsx_sheet import CellErrors, as_text, parse_figure

# ------------------------------------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Block:
    key: str  # agency, proactive, channels, categories, section2, t2a..t2e, t3, t4, fee
    title_row: int
    rows: tuple[int, ...]  # non-empty rows after the title, up to the next block


def _titles() -> dict[str, str]:
    titles = {
        norm(L.AGENCY_BLOCK.title): "agency",
        norm(L.PROACTIVE_BLOCK.title): "proactive",
        norm("主动公开信息数量"): "proactive",
        norm(L.CHANNEL_BLOCK.title): "channels",
        norm(L.CATEGORY_BLOCK.title): "categories",
        norm(L.SECTION2_TITLE): "section2",
        norm(L.FEE_TITLE): "fee",
        norm("信息处理费"): "fee",
    }
    for spec in FORMATS.values():
        for t in spec.tables:
            if t.id != "fee":
                titles[norm(t.title)] = t.id
    return titles


def find_blocks(grid: Grid) -> dict[str, Block]:
    titles = _titles()
    starts: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    for r in grid.filled_rows():
        row = grid.row_values(r)
        if len(row) != 1:
            continue
        (c, v), = row.items()
        key = titles.get(norm(as_text(v)))
        if key is None:
            continue
        if key in seen:
            raise grid.error(SchemaError, r, c, f"区块“{as_text(v)}”出现了两次（另见第 {seen[key]} 行）",
                             "每个区块只能有一个；删除重复的区块，或用 govreport template 重新生成模板")
        seen[key] = r
        starts.append((r, key))
    blocks: dict[str, Block] = {}
    all_rows = grid.filled_rows()
    for i, (r, key) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else grid.n_rows + 1
        blocks[key] = Block(key, r, tuple(x for x in all_rows if r < x < end))
    return blocks


# ------------------------------------------------------------------------------------------ tables


def _find_columns(grid: Grid, block: Block, spec: TableSpec) -> tuple[list[int], dict[str, int]]:
    """Header rows of a table block and the grid column of each data column, found by the header labels."""
    vocab = axis_vocabulary(spec.columns)
    extra = {norm(spec.row_header_label), norm(spec.corner_note or ""), "项目", "信息内容", ""}
    header_rows: list[int] = []
    for r in block.rows:
        texts = [norm(as_text(v)) for v in grid.row_values(r).values()]
        if texts and all(t in vocab or t in extra for t in texts) and any(t in vocab for t in texts):
            header_rows.append(r)
        else:
            break
    where = spec.ref
    if not header_rows:
        first = block.rows[0] if block.rows else block.title_row
        raise grid.error(SchemaError, first, None, f"{where}缺少表头行",
                         "不要改动表头；用 govreport template 重新生成模板并转录数据", where)
    found: dict[str, int] = {}
    for c in range(1, grid.n_cols + 1):
        start = 1
        path: list[Column] = []
        leaf: Column | None = None
        for h in header_rows:
            hit = next((c2 for c2 in range(c, start - 1, -1) if grid.at(h, c2) is not None), None)
            if hit is None:
                continue
            cands = vocab.get(norm(grid.text_at(h, hit)), [])
            groups = [x for x in cands if x.group]
            if hit == c and cands and not groups:
                leaf = _pick_column(spec, cands, path)
                break
            if groups:
                path.append(groups[0])
                start = hit
            elif hit != c:
                continue
        if leaf is None:
            continue
        if leaf.id in found:
            raise grid.error(SchemaError, header_rows[-1], c,
                             f"表头“{leaf.name}”出现了两次（另见 {L.col_letter(found[leaf.id])} 列）",
                             "删除多余的一列", where)
        found[leaf.id] = c
    missing = [col for col in spec.data_columns if col.id not in found]
    if missing:
        raise grid.error(SchemaError, header_rows[0], None, f"{where}的表头缺少“{missing[0].name}”列",
                         "不要删除或改动表头；用 govreport template 重新生成模板并转录数据", where)
    return header_rows, found


def _pick_column(spec: TableSpec, cands: list[Column], path: list[Column]) -> Column | None:
    if len(cands) == 1:
        return cands[0]
    on_path = {p.id for p in path}
    fits = [x for x in cands if {a.id for a in spec.ancestors("column", x) if a.group} <= on_path
            and any(a.id in on_path for a in spec.ancestors("column", x))]
    return fits[0] if len(fits) == 1 else None


def read_table(grid: Grid, block: Block, spec: TableSpec, errors: CellErrors
               ) -> tuple[dict[tuple[str, str], Figure], dict[tuple[str, str], str]]:
    """The figures of one table block (blank cells left out) and the cell reference of each cell read."""
    header_rows, colmap = _find_columns(grid, block, spec)
    first_data = min(colmap.values())
    data_cols = {c: cid for cid, c in colmap.items()}
    row_vocab = axis_vocabulary(spec.rows)
    single = len(spec.rows) == 1 and not spec.rows[0].label
    rows_found: dict[str, int] = {}
    active: list[Axis] = []
    for r in block.rows:
        if r <= header_rows[-1]:
            continue
        cells = grid.row_values(r)
        for c in cells:
            if c >= first_data and c not in data_cols:
                raise grid.error(ValueFormatError, r, c, "这个单元格不在任何一列表头之下",
                                 "把数字移到正确的列，或删除它", spec.ref)
        labels = [(c, grid.text_at(r, c)) for c in sorted(cells) if c < first_data]
        data_here = [c for c in cells if c in data_cols]
        if single:
            if rows_found:
                raise grid.error(SchemaError, r, (labels or [(min(cells), "")])[0][0],
                                 f"{spec.ref}只有一行数据，这里多出一行",
                                 "把数字填在第一行数据中，删除多余的行", spec.ref)
            bad = [t for _, t in labels if norm(t) not in {norm(L.T4_ROW_LABEL), "数量", "件数", "数量(件)"}]
            if bad:
                raise grid.error(UnknownReferenceError, r, labels[0][0], f"未识别的行标签“{bad[0]}”",
                                 f"{spec.ref}的数据行标签应为“{L.T4_ROW_LABEL}”", spec.ref)
            rows_found[spec.rows[0].id] = r
            continue
        data_row: Axis | None = None
        for c, t in labels:
            cands = row_vocab.get(norm(t))
            if not cands:
                options = "、".join(a.name for a in spec.data_rows[:4])
                raise grid.error(UnknownReferenceError, r, c, f"{spec.ref}中没有行“{t}”",
                                 f"行标签不要改动（如 {options} …）；用 govreport template 重新生成模板", spec.ref)
            pick = _pick_row(spec, cands, active)
            if pick.group:
                active = [*spec.ancestors("row", pick), pick]
            else:
                data_row = pick
        if data_row is None:
            if data_here:
                c = min(data_here)
                raise grid.error(ValueFormatError, r, c, "分组标题行不填数据",
                                 "把数字填到该分组下面的各个小项中（本行只是标题，见规则 R13）", spec.ref)
            continue
        if data_row.id in rows_found:
            raise grid.error(SchemaError, r, labels[-1][0],
                             f"行“{data_row.name}”出现了两次（另见第 {rows_found[data_row.id]} 行）",
                             "删除重复的一行", spec.ref)
        rows_found[data_row.id] = r
    missing = [a for a in spec.data_rows if a.id not in rows_found]
    if missing:
        raise grid.error(SchemaError, block.title_row, None, f"{spec.ref}缺少行“{missing[0].name or '数据行'}”",
                         "不要删除表格中的行，没有数据的留空；用 govreport template 重新生成模板", spec.ref)
    cells_out: dict[tuple[str, str], Figure] = {}
    where: dict[tuple[str, str], str] = {}
    for row_id, r in rows_found.items():
        for col_id, c in colmap.items():
            key = (row_id, col_id)
            place = spec.place(row_id if spec.row(row_id).label else None, col_id)
            try:
                fig = parse_figure(grid, r, c, spec.column(col_id).value_type, place)
            except DataError as exc:
                errors.add(exc, f"{L.col_letter(c)}{r}")
                continue
            where[key] = f"{L.col_letter(c)}{r}"
            if fig.mark is not Mark.BLANK:
                cells_out[key] = fig
    return cells_out, where


def _pick_row(spec: TableSpec, cands: list[Axis], active: list[Axis]) -> Axis:
    if len(cands) == 1:
        return cands[0]
    ids = {a.id for a in active}
    for a in cands:
        if a.parent in ids:
            return a
    return cands[0]



# ------------------------------------------------------------------------------------------ version


def detect_version(grid: Grid, blocks: dict[str, Block]) -> str | None:
    """The layout version of the sheet, from the Article 20 table headers (then Table 3's rows)."""
    if "t2e" in blocks:
        return "2019"
    if "t2a" in blocks:
        b = blocks["t2a"]
        texts = {norm(as_text(v)) for r in b.rows[:3] for v in grid.row_values(r).values()}
        scores = {v: len(texts & {norm(c.label) for c in FORMATS[v].table("t2a").columns}) for v in FORMATS}
        best = max(scores.values())
        if best:
            winners = [v for v, s in scores.items() if s == best]
            if len(winners) == 1:
                return winners[0]
    if "t3" in blocks:
        texts = {norm(as_text(v)) for r in blocks["t3"].rows for v in grid.row_values(r).values()}
        only_2021 = {norm(a.label) for a in FORMATS["2021"].table("t3").rows if a.parent == "other_handling"}
        return "2021" if texts & only_2021 else "2019"
    return None
