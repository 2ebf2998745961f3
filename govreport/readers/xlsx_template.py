"""Reading a filled-in data-entry template (.xlsx, or its data sheet saved as CSV) into a Report.

Everything is located by its label (see :mod:`govreport.core.template_schema`): blocks by their title row,
columns by their header cells (grouped headers included), rows by their row labels, so inserted blank
rows, extra channel rows and a CSV export (where merged cells keep only their top-left text) all read
the same way. Every input cell must be a number, empty (blank, 未填报) or a 不适用 token; anything else
is a :class:`~govreport.core.errors.ValueFormatError` that names the file, sheet, row and cell, the place in
the report's own words, and how to fix it. Each figure read records where it was typed
(:func:`entered_at`: ``文件.xlsx 年度报告数据!D23``) as its cell note, which findings on it name; the text
sheet (:func:`read_text_sheet`) gives the report's sections.

The sheet is opened as a :class:`~govreport.readers.grid.Grid` and its cells turned into values by
:mod:`.xlsx_sheet`; blocks, tables and the layout version are found by :mod:`.xlsx_tables`; this module reads
the key–value and list blocks (agency, proactive figures, channels, categories) and assembles the Report.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from govreport.core import template_schema as L
from govreport.core.errors import (
    DataError,
    SchemaError,
    UnknownReferenceError,
    ValueFormatError,
)
from govreport.core.formats import FORMATS, format_for_year
from govreport.core.ids import AGENCY_ID_RULE, agency_id_problem
from govreport.core.model import (
    Agency,
    AgencyKind,
    CategoryFigure,
    ChannelFigure,
    Level,
    Period,
    Proactive,
    Report,
    ReportFormat,
    Section,
    TableData,
)
from govreport.core.schema import AGENCIES, Field
from govreport.core.template_schema import norm
from govreport.core.values import Figure
from govreport.readers.grid import Grid
from govreport.readers.xlsx_sheet import (
    CellErrors,
    Uncomputed,
    as_text,
    is_empty,
    load_grid,
    load_sheet,
    parse_date,
    parse_figure,
    parse_year,
)
from govreport.readers.xlsx_tables import Block, detect_version, find_blocks, read_table

# ------------------------------------------------------------------------------------------- values


def _parse_choice(grid: Grid, r: int, c: int, f: Field, place: str) -> str:
    v = grid.value(r, c)
    if is_empty(v):
        return ""
    value = L.choice_value(f, as_text(v))
    if value is None:
        options = "、".join(ch.label for ch in f.choices)
        raise grid.error(ValueFormatError, r, c, f"“{f.label}”不能填 {as_text(v)!r}",
                         f"从下拉列表选择，可选：{options}；不确定的留空", place)
    return value


# -------------------------------------------------------------------------------------- KV and lists


@dataclass
class _Input:
    """A value found for a field: the raw cell and where it is (row/col of the value or of the label)."""

    row: int
    col: int | None
    present: bool  # a value cell was found non-empty


def _header_spans(grid: Grid, r: int, wanted: Mapping[str, Field]) -> dict[str, tuple[int, int]]:
    """Columns of header cells in row ``r`` matched to field keys; each spans up to the next header cell."""
    row = grid.row_values(r)
    cols = sorted(row)
    found: dict[str, int] = {}
    label_to_key: dict[str, str] = {}
    for key, f in wanted.items():
        for lab in f.labels():
            label_to_key[norm(lab)] = key
    for c in cols:
        key = label_to_key.get(norm(as_text(row[c])))
        if key is not None and key not in found:
            found[key] = c
    spans: dict[str, tuple[int, int]] = {}
    for key, c in found.items():
        later = [x for x in cols if x > c]
        spans[key] = (c, (later[0] - 1) if later else max(grid.n_cols, c))
    return spans


def _single_cell(grid: Grid, r: int, span: tuple[int, int], place: str) -> int | None:
    cols = [c for c in grid.row_values(r) if span[0] <= c <= span[1]]
    if len(cols) > 1:
        refs = "、".join(f"{L.col_letter(c)}{r}" for c in cols)
        raise grid.error(ValueFormatError, r, cols[1], f"同一栏有多个单元格有内容（{refs}）",
                         "每一栏只在一个单元格中填写；删除多余的内容", place)
    return cols[0] if cols else None


_KV_HEAD = {"label": Field("label", label=L.KV_HEADER[0]), "value": Field("value", label=L.KV_HEADER[1]),
            "help": Field("help", label=L.KV_HEADER[2])}


def _read_kv(grid: Grid, block: Block, spec: L.KVBlock) -> dict[str, _Input]:
    title = spec.title
    if not block.rows:
        raise grid.error(SchemaError, block.title_row, None, f"区块“{title}”是空的",
                         "不要删除区块的表头和项目行；用 govreport template 重新生成模板")
    head = block.rows[0]
    spans = _header_spans(grid, head, _KV_HEAD)
    if "label" not in spans or "value" not in spans:
        raise grid.error(SchemaError, head, None, f"区块“{title}”缺少表头“项目 | 填写内容”",
                         "恢复该区块的表头行（项目、填写内容、填写说明）")
    label_span = (spans["label"][0], spans["value"][0] - 1)
    value_span = spans["value"]
    by_label: dict[str, Field] = {}
    for f in spec.fields:
        for lab in f.labels():
            by_label.setdefault(norm(lab), f)
    found: dict[str, _Input] = {}
    for r in block.rows[1:]:
        label_cells = [c for c in grid.row_values(r) if label_span[0] <= c <= label_span[1]]
        label = "".join(grid.text_at(r, c) for c in sorted(label_cells))
        vcol = _single_cell(grid, r, value_span, title)
        if not label:
            if vcol is not None:
                raise grid.error(ValueFormatError, r, vcol, "这一行没有项目名称", "在“项目”栏写明项目，或删除这一行",
                                 title)
            continue
        f = by_label.get(norm(label))
        if f is None:
            options = "、".join(x.label for x in spec.fields)
            raise grid.error(UnknownReferenceError, r, min(label_cells), f"区块“{title}”中没有项目“{label}”",
                             f"项目名称不要改动；可用的项目：{options}")
        if f.name in found:
            raise grid.error(SchemaError, r, min(label_cells),
                             f"项目“{label}”出现了两次（另见第 {found[f.name].row} 行）", "删除重复的一行")
        found[f.name] = _Input(r, vcol if vcol is not None else value_span[0], vcol is not None)
    return found


def _read_list(grid: Grid, block: Block, spec: L.ListBlock) -> list[tuple[int, dict[str, int | None]]]:
    """Rows of a list block: ``(row, {field key: column of its value or None})``."""
    title = spec.title
    cols = {f.name: f for f in spec.columns}
    if not block.rows:
        raise grid.error(SchemaError, block.title_row, None, f"区块“{title}”缺少表头行",
                         "恢复该区块的表头行；用 govreport template 重新生成模板")
    head = block.rows[0]
    spans = _header_spans(grid, head, cols)
    for required in ("label", "value"):
        if required not in spans:
            raise grid.error(SchemaError, head, None, f"区块“{title}”缺少表头“{cols[required].label}”",
                             "恢复该区块的表头行，不要改动表头文字")
    first = min(s[0] for s in spans.values())
    out: list[tuple[int, dict[str, int | None]]] = []
    for r in block.rows[1:]:
        stray = [c for c in grid.row_values(r) if c < first]
        if stray:
            raise grid.error(ValueFormatError, r, stray[0], "这个单元格不在任何一栏之下",
                             "把内容移到对应栏目下，或删除它", title)
        out.append((r, {key: _single_cell(grid, r, span, f"{title}“{cols[key].label}”栏")
                        for key, span in spans.items()}))
    return out



# ----------------------------------------------------------------------------------------- the report


def read_template(path: str | os.PathLike[str], *, agencies: Mapping[str, Agency] | None = None) -> Report:
    """Read a filled-in template (.xlsx, or its data sheet saved as CSV) into a :class:`Report`.

    ``agencies`` (agency id → Agency) are the agencies already in the dataset: a sheet may name an
    agency by its name alone, and agency fields left blank are taken from the dataset. The report's
    ``sections`` are the text of the workbook's text sheet (empty when it has none, or none filled in).
    """
    grid = load_grid(path)
    report = report_from_grid(grid, agencies=agencies)
    if grid.sheet is not None:
        sections = read_text_sheet(Path(path).read_bytes(), grid.file, report.year)
        if sections:
            report = replace(report, sections=sections)
    return report


def read_text_sheet(raw: bytes, display: str, year: int) -> tuple[Section, ...]:
    """The report's text from the workbook's text sheet (see :data:`template_layout.TEXT_SHEET`): one row
    per official part of ``year``'s format, found by its heading in column A. Empty when the sheet is
    missing or every text is blank. A row whose heading is not a part of the format raises SchemaError."""
    from govreport.core.report_text import official_headings, sections_from_rows

    grid = load_sheet(raw, display, L.TEXT_SHEET)
    if grid is None:
        return ()
    heads = official_headings(year)
    wanted = {norm(h): i for i, h in enumerate(heads)}
    opening_key = norm(L.TEXT_OPENING)
    skip = {norm(L.TEXT_HEADER[0])}
    opening = ""
    bodies = [""] * len(heads)
    for r in grid.filled_rows():
        label = grid.text_at(r, 1)
        value = grid.value(r, 2)
        if isinstance(value, Uncomputed):
            raise grid.error(ValueFormatError, r, 2, "正文单元格是公式，没有计算结果",
                             "在Excel中打开并保存本文件，或把公式改为文字", f"“{label}”")
        body = grid.text_at(r, 2)
        key = norm(label)
        if key == opening_key:
            opening = body
        elif key in wanted:
            bodies[wanted[key]] = body
        elif r > 3 and body and key not in skip:
            raise grid.error(SchemaError, r, 1, f"“{label or '（空白）'}”不是{year}年度报告格式的部分标题",
                             f"A列应为：{'、'.join(heads)}；不要改动A列，用 govreport template 重新生成模板后转录正文",
                             L.TEXT_SHEET)
    if not opening.strip() and not any(b.strip() for b in bodies):
        return ()
    return sections_from_rows(year, opening, bodies)


def report_from_grid(grid: Grid, *, agencies: Mapping[str, Agency] | None = None) -> Report:
    blocks = find_blocks(grid)
    if "agency" not in blocks:
        hint = ("这不像是 govreport 模板的数据表；请在 govreport template 生成的模板中填写"
                "（CSV 须由“年度报告数据”工作表另存而来）")
        raise SchemaError(f"找不到区块“{L.AGENCY_BLOCK.title}”", file=grid.where(), hint=hint)
    version = detect_version(grid, blocks)
    kv = _read_kv(grid, blocks["agency"], L.AGENCY_BLOCK)
    fields = {f.name: f for f in L.AGENCY_BLOCK.fields}
    place = L.AGENCY_BLOCK.title

    def text(key: str) -> str:
        i = kv.get(key)
        return grid.text_at(i.row, i.col) if i and i.present and i.col else ""

    year_in = kv.get("year")
    if year_in is None or not year_in.present:
        r = year_in.row if year_in else blocks["agency"].title_row
        raise grid.error(ValueFormatError, r, year_in.col if year_in else None, "没有填写报告年度",
                         "在“报告年度”填写四位数年份，如 2021", f"{place}“报告年度”")
    year = parse_year(grid, year_in.row, year_in.col or 0, f"{place}“报告年度”")
    if version is None:
        spec = format_for_year(year)
        version = spec.version if spec else "2019"

    def choice(key: str) -> str:
        i = kv.get(key)
        if not (i and i.present and i.col):
            return ""
        return _parse_choice(grid, i.row, i.col, fields[key], f"{place}“{fields[key].label}”")

    def date(key: str) -> dt.date | None:
        i = kv.get(key)
        return parse_date(grid, i.row, i.col, f"{place}“{fields[key].label}”") if i and i.present and i.col else None

    agency = _agency(grid, kv, text, choice, agencies or {}, blocks["agency"].title_row)
    fmt = choice("format") or version
    if fmt in ("2019", "2021") and fmt != version:
        i = kv["format"]
        raise grid.error(ValueFormatError, i.row, i.col,
                         f"表格是{FORMATS[version].title}（{version}年版），但“报告使用的表格格式”填写的是{fmt}年格式",
                         f"改为“{ReportFormat(version).label}”，"
                         f"或用 govreport template --format {fmt} 生成对应版本的模板",
                         f"{place}“报告使用的表格格式”")
    period = Period(date("period_start"), date("period_end"), date("data_cutoff"))
    errors = CellErrors()
    proactive = _proactive(grid, blocks, errors)
    tables = _tables(grid, blocks, version, errors)
    errors.raise_first()
    return Report(
        agency=agency,
        year=year,
        format=ReportFormat(fmt),
        period=period,
        published=date("published"),
        proactive=proactive,
        tables=tables,
        source=text("source") or f"Excel填报表：{Path(grid.file).name}",
        notes=text("notes"),
    )


class DatasetAgencies(Mapping[str, Agency]):
    """The agencies of a loaded dataset as a lazy ``id -> Agency`` mapping (builds only those asked for)."""

    def __init__(self, ds) -> None:
        self._ds = ds
        ids = ds.agencies["agency_id"].astype(str).tolist()
        self._ids = set(ids)
        self._names: dict[str, str] = {}
        for aid, nm in zip(ids, ds.agencies["name"].astype(str).tolist(), strict=True):
            self._names.setdefault(nm, aid)

    def __getitem__(self, key: str) -> Agency:
        if key not in self._ids:
            raise KeyError(key)
        return self._ds.agency(key)

    def __iter__(self):
        return iter(sorted(self._ids))

    def __len__(self) -> int:
        return len(self._ids)

    def by_name(self, name: str) -> Agency | None:
        aid = self._names.get(name)
        return None if aid is None else self[aid]


def _by_name(known: Mapping[str, Agency], name: str) -> Agency | None:
    finder = getattr(known, "by_name", None)
    if finder is not None:
        return finder(name)
    return next((a for a in known.values() if a.name == name), None)


#: The agency's attributes the template's agency block fills: the columns of agencies.csv but its id.
AGENCY_KEYS = tuple(c for c in AGENCIES.columns if c != "agency_id")


def _agency(grid: Grid, kv: dict[str, _Input], text, choice, known: Mapping[str, Agency], title_row: int) -> Agency:
    place = f"{L.AGENCY_BLOCK.title}“单位标识”"
    aid, name = text("agency_id"), text("name")
    named = _by_name(known, name) if name else None
    base: Agency | None = known.get(aid) if aid else named
    id_in = kv.get("agency_id")
    id_row = id_in.row if id_in else title_row
    id_col = id_in.col if id_in else None
    if not aid and base is None:
        raise grid.error(ValueFormatError, id_row, id_col, "没有填写单位标识",
                         "填写数据集中该单位的编号（如 150821-minzhengju）；新单位请按“行政区划代码-拼音简称”编号",
                         place)
    if aid and agency_id_problem(aid):
        raise grid.error(ValueFormatError, id_row, id_col, agency_id_problem(aid), AGENCY_ID_RULE, place)
    if aid and base is not None and name and name != base.name:
        raise grid.error(ValueFormatError, id_row, id_col,
                         f"单位标识 {aid} 在数据集中是“{base.name}”，但表中的单位名称是“{name}”",
                         "核对单位标识与单位名称；单位更名请先修改数据集的 agencies.csv", place)
    if aid and base is None and named is not None:
        raise grid.error(ValueFormatError, id_row, id_col,
                         f"单位“{name}”在数据集中的标识是 {named.id}，表中填写的是 {aid}",
                         f"把单位标识改为 {named.id}（同一单位只能有一个标识）", place)
    values: dict[str, str] = {}
    for f in L.AGENCY_BLOCK.fields:
        if f.name not in AGENCY_KEYS:
            continue
        v = choice(f.name) if f.choices else text(f.name)
        if not v and base is not None:
            v = getattr(base, f.name).value if f.name in ("kind", "level") else getattr(base, f.name)
        values[f.name] = v
    for key in ("name", "kind", "level"):
        if not values[key]:
            i = kv.get(key)
            label = next(f.label for f in L.AGENCY_BLOCK.fields if f.name == key)
            raise grid.error(ValueFormatError, i.row if i else title_row, i.col if i else None,
                             f"新单位必须填写“{label}”", f"填写“{label}”（数据集中还没有单位 {aid}）",
                             f"{L.AGENCY_BLOCK.title}“{label}”")
    return Agency(
        id=aid or (base.id if base else ""),
        name=values["name"],
        kind=AgencyKind(values["kind"]),
        level=Level(values["level"]),
        **{k: values[k] for k in AGENCY_KEYS if k not in ("name", "kind", "level")},
    )


def _proactive(grid: Grid, blocks: dict[str, Block], errors: CellErrors) -> Proactive:
    for key in ("proactive", "channels", "categories"):
        if key not in blocks:
            title = {"proactive": L.PROACTIVE_BLOCK.title, "channels": L.CHANNEL_BLOCK.title,
                     "categories": L.CATEGORY_BLOCK.title}[key]
            raise SchemaError(f"找不到区块“{title}”", file=grid.where(),
                              hint="不要删除模板中的区块；用 govreport template 重新生成模板并转录数据")
    spec = L.PROACTIVE_BLOCK
    kv = _read_kv(grid, blocks["proactive"], spec)
    fields = {f.name: f for f in spec.fields}
    total = Figure.blank()
    total_source = ""
    i = kv.get("total")
    if i and i.present and i.col:
        total_source = entered_at(grid, f"{L.col_letter(i.col)}{i.row}")
        try:
            total = parse_figure(grid, i.row, i.col, None, f"{spec.title}“主动公开信息总数”")
        except DataError as exc:
            errors.add(exc, f"{L.col_letter(i.col)}{i.row}")

    def get(key: str) -> str:
        j = kv.get(key)
        if not (j and j.present and j.col):
            return ""
        f = fields[key]
        if f.choices:
            return _parse_choice(grid, j.row, j.col, f, f"{spec.title}“{f.label}”")
        return grid.text_at(j.row, j.col)

    overlap = get("overlap")
    return Proactive(
        total=total,
        total_qualifier=get("total_qualifier"),
        unit=get("unit") or "条",
        channels=tuple(_list_items(grid, blocks["channels"], L.CHANNEL_BLOCK, errors)),
        categories=tuple(_list_items(grid, blocks["categories"], L.CATEGORY_BLOCK, errors)),
        channels_overlap=None if not overlap else overlap == "yes",
        total_source=total_source,
    )


def _list_items(grid: Grid, block: Block, spec: L.ListBlock, errors: CellErrors) -> Iterable:
    from govreport.core.channels import classify_category, classify_channel

    is_channel = spec.id == "channels"
    kind_key = "channel" if is_channel else "category"
    fields = {f.name: f for f in spec.columns}
    for r, cols in _read_list(grid, block, spec):
        def text(key: str, r: int = r, cols: dict = cols) -> str:
            c = cols.get(key)
            return grid.text_at(r, c) if c is not None else ""

        label = text("label")
        if not label:
            c = next(c for c in cols.values() if c is not None)
            raise grid.error(ValueFormatError, r, c, f"这一行没有填写“{fields['label'].label}”",
                             "写明报告原文中的名称，或删除这一行", spec.title)
        place = f"{spec.title}“{label}”"
        c_kind = cols.get(kind_key)
        canonical = _parse_choice(grid, r, c_kind, fields[kind_key], place) if c_kind is not None else ""
        if not canonical:
            canonical = (classify_channel if is_channel else classify_category)(norm(label)) or ""
        if not canonical:
            col = c_kind if c_kind is not None else cols["label"]
            what = "渠道" if is_channel else "栏目分类"
            options = "、".join(ch.label for ch in fields[kind_key].choices)
            raise grid.error(UnknownReferenceError, r, col, f"无法识别{what}“{label}”",
                             f"在“{fields[kind_key].label}”栏从下拉列表选择一项：{options}", place)
        fig = Figure.blank()
        c_val = cols.get("value")
        where = entered_at(grid, f"{L.col_letter(c_val)}{r}") if c_val is not None else ""
        if c_val is not None:
            try:
                fig = parse_figure(grid, r, c_val, None, place)
            except DataError as exc:
                errors.add(exc, f"{L.col_letter(c_val)}{r}")
        qualifier = _parse_choice(grid, r, cols["qualifier"], fields["qualifier"], place) \
            if cols.get("qualifier") is not None else ""
        if is_channel:
            host = _parse_choice(grid, r, cols["host"], fields["host"], place) if cols.get("host") is not None else ""
            yield ChannelFigure(channel=canonical, label=label, figure=fig, qualifier=qualifier, unit=text("unit"),
                                host=host, account=text("account"), note=text("note"), source=where)
        else:
            yield CategoryFigure(category=canonical, label=label, figure=fig, qualifier=qualifier, unit=text("unit"),
                                 note=text("note"))


def _tables(grid: Grid, blocks: dict[str, Block], version: str, errors: CellErrors) -> tuple[TableData, ...]:
    fmt = FORMATS[version]
    for key in blocks:
        if key.startswith("t2") and not fmt.has_table(key):
            other = "2019" if version == "2021" else "2021"
            title = FORMATS[other].table(key).title
            raise grid.error(SchemaError, blocks[key].title_row, None,
                             f"{fmt.title}（{version}年版）没有“{title}”表",
                             "删除该表，或用 govreport template 生成对应版本的模板")
    stray = blocks.get("section2")
    if stray is not None and stray.rows:
        r = stray.rows[0]
        raise grid.error(SchemaError, r, min(grid.row_values(r)), f"“{L.SECTION2_TITLE}”下有未识别的内容",
                         "表二的各表以“第二十条第（N）项”开头；删除这些内容或移到对应表格中")
    out: list[TableData] = []
    for spec in fmt.tables:
        block = blocks.get(spec.id)
        if block is None:
            raise SchemaError(f"找不到{spec.ref}（标题“{spec.title if spec.id != 'fee' else L.FEE_TITLE}”）",
                              file=grid.where(),
                              hint="不要删除或改动表格标题；用 govreport template 重新生成模板并转录数据")
        cells, where = read_table(grid, block, spec, errors)
        if cells:
            out.append(TableData(spec, cells, notes={k: entered_at(grid, where[k]) for k in cells}))
    return tuple(out)


# -------------------------------------------------------------------------------------- corrections


def entered_at(grid: Grid, ref: str) -> str:
    """Where the office typed a figure: ``文件.xlsx 年度报告数据!D23`` (a CSV: ``文件.csv D23``).
    Stored as the cell's ``note`` in cells.csv (``proactive_total_source`` in reports.csv, ``source`` in
    channels.csv for the figures outside the tables); findings on the figure name it."""
    name = Path(grid.file).name
    return f"{name} {grid.sheet}!{ref}" if grid.sheet else f"{name} {ref}"


def carry_over_notes(new: Report, old: Report) -> Report:
    """Keep where ``old``'s figures came from for the figures ``new`` leaves unchanged: the notes of table
    cells (the template has no per-cell notes, so a correction round trip would otherwise drop them), and
    the source of the stated total and of each channel (same label, same figure). A figure the template
    merely carried over was not typed by the office, so it keeps the origin it had."""
    tables = []
    for t in new.tables:
        before = old.table(t.spec.id, t.spec.version)
        notes = {k: n for k, n in before.notes.items() if k in t.cells and t.cells[k] == before.get(*k)}
        tables.append(replace(t, notes={**t.notes, **notes}))
    p, q = new.proactive, old.proactive
    unchanged = (p.total == q.total and p.total_qualifier == q.total_qualifier)
    old_channels = {(c.label, c.figure, c.qualifier): c.source for c in q.channels}
    channels = tuple(replace(c, source=old_channels[(c.label, c.figure, c.qualifier)])
                     if (c.label, c.figure, c.qualifier) in old_channels else c for c in p.channels)
    proactive = replace(p, total_source=q.total_source if unchanged else p.total_source, channels=channels)
    return replace(new, tables=tuple(tables), proactive=proactive)


__all__ = [
    "DatasetAgencies",
    "carry_over_notes",
    "read_template",
    "read_text_sheet",
    "report_from_grid",
]
