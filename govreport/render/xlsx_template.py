"""The Excel data-entry template: writing it (this module) and reading it back (:mod:`.template_read`).

``write_template`` lays out one data sheet like the official tables (blocks declared in
:mod:`.template_layout`): the agency and report block, the 主动公开 total with its channel and content
category lists, the Article 20 tables of the chosen version with their captions 第二十条第（N）项, Table 3
with its grouped header and merged group labels, Table 4 with its three-level header, and the
信息处理费 row; a text sheet (报告正文) with one row per official part of the year's format, prefilled
with the agency-year's text or its skeleton (:mod:`govreport.core.report_text`); plus an instructions sheet
in Chinese. Input cells are shaded and unlocked, dropdowns
come from :mod:`govreport.core.channels`, figure cells carry Excel validation for their value type.

The output is deterministic (fixed document timestamps, fixed zip entry times) and written atomically.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.functions import tostring

from govreport.core import template_schema as L
from govreport.core.channels import CATEGORIES, CHANNELS
from govreport.core.formats import FORMATS, TableSpec, ValueType
from govreport.core.model import Agency, Report
from govreport.core.schema import AGENCIES, Field, Kind
from govreport.core.values import Figure, Mark
from govreport.readers.xlsx_template import carry_over_notes, read_template  # noqa: F401  (public API of this module)

FONT_NAME = "宋体"
FIXED_TIME = dt.datetime(2019, 1, 1, 0, 0, 0)  # workbook metadata: same input, same bytes
ZIP_TIME = (2019, 1, 1, 0, 0, 0)

_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
FILL_INPUT = PatternFill("solid", fgColor="FFF2CC")
FILL_HEAD = PatternFill("solid", fgColor="DDEBF7")
FILL_TITLE = PatternFill("solid", fgColor="BDD7EE")
FONT_BODY = Font(name=FONT_NAME, size=11)
FONT_BOLD = Font(name=FONT_NAME, size=11, bold=True)
FONT_TITLE = Font(name=FONT_NAME, size=12, bold=True)
FONT_TOP = Font(name=FONT_NAME, size=16, bold=True)
FONT_HELP = Font(name=FONT_NAME, size=9, color="595959")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
UNLOCKED = Protection(locked=False)

_NA_TOKENS_XL = ("/", "／", "—", "——", "-", "不适用")


@dataclass(frozen=True)
class TemplateInfo:
    path: Path
    version: str
    prefilled: bool  # figures of an existing agency-year were filled in
    warnings: tuple[str, ...] = ()


# --------------------------------------------------------------------------------------------- API


def write_template(
    out: str | os.PathLike[str],
    *,
    year: int,
    version: str,
    agency: Agency | None = None,
    agency_text: str = "",
    report: Report | None = None,
    text: tuple[str, tuple[str, ...]] | None = None,
) -> TemplateInfo:
    """Write the template for one agency-year to ``out`` (atomically) and describe what was written.

    ``report``: an existing agency-year whose figures are prefilled (a correction); ``agency``: a known
    agency without a report for ``year``; ``agency_text``: what the user typed for an unknown agency
    (put into the name or id field; the office fills in the rest).
    """
    from govreport.store.textfile import write_bytes_atomic

    if version not in FORMATS:
        raise ValueError(f"unknown format version {version!r}")
    warnings: list[str] = []
    if report is not None:
        other = sorted({t.spec.version for t in report.tables if t.spec.version != version})
        if other:
            warnings.append(
                f"现有数据中有 {'、'.join(other)} 年格式的表格，本模板为 {version} 年格式，未预填这些表格；"
                f"用 --replace 导入时它们会被替换"
            )
    data = template_bytes(year=year, version=version, agency=agency, agency_text=agency_text, report=report,
                          text=text)
    path = Path(out)
    write_bytes_atomic(path, data)
    return TemplateInfo(path, version, report is not None, tuple(warnings))


def template_bytes(*, year: int, version: str, agency: Agency | None = None, agency_text: str = "",
                   report: Report | None = None, text: tuple[str, tuple[str, ...]] | None = None) -> bytes:
    wb = build_workbook(year=year, version=version, agency=agency, agency_text=agency_text, report=report,
                        text=text)
    buf = io.BytesIO()
    wb.save(buf)  # openpyxl stamps the current time into docProps/core.xml: put the fixed time back
    wb.properties.modified = FIXED_TIME
    core = tostring(wb.properties.to_tree())
    return _normalise_zip(buf.getvalue(), {"docProps/core.xml": core})


def _normalise_zip(data: bytes, replace: dict[str, bytes]) -> bytes:
    """Rewrite the archive with fixed entry timestamps (and ``replace``d entries): same workbook, same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            dst.writestr(entry, replace.get(info.filename) or src.read(info.filename))
    return out.getvalue()


# ------------------------------------------------------------------------------------------ builder


def build_workbook(*, year: int, version: str, agency: Agency | None = None, agency_text: str = "",
                   report: Report | None = None, text: tuple[str, tuple[str, ...]] | None = None) -> Workbook:
    """The template. ``text``: the opening and one text per official part to prefill the text sheet
    (default: the texts of ``report``, if any)."""
    wb = Workbook()
    wb.properties.creator = "govreport"
    wb.properties.lastModifiedBy = "govreport"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.properties.title = L.DATA_SHEET
    ws = wb.active
    ws.title = L.DATA_SHEET
    text_ws = wb.create_sheet(L.TEXT_SHEET)
    help_ws = wb.create_sheet(L.HELP_SHEET)
    lists = _write_help(help_ws, year=year, version=version)
    if text is None and report is not None and report.sections:
        from govreport.core.report_text import text_rows

        text = text_rows(report.sections, year)
    _write_text_sheet(text_ws, year=year, text=text)
    if report is not None:
        agency = report.agency
    _DataSheet(ws, lists).build(year=year, version=version, agency=agency, agency_text=agency_text, report=report)
    return wb


def _figure_cell_value(fig: Figure) -> object:
    if fig.mark is Mark.BLANK or fig.value is None:
        return None if fig.mark is not Mark.NA else L.NA_WRITTEN
    if fig.mark is Mark.NA:
        return L.NA_WRITTEN
    return int(fig.value) if float(fig.value).is_integer() else fig.value


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


_COL_WIDTHS = {1: 14, 2: 18, 3: 44}
_DATA_WIDTH = 11.5


class _DataSheet:
    def __init__(self, ws: Worksheet, lists: dict[str, str]) -> None:
        self.ws = ws
        self.r = 1
        self.lists = lists  # dropdown source ranges on the help sheet

    # ------------------------------------------------------------------------------- primitives

    def _col_width(self, c: int) -> float:
        return _COL_WIDTHS.get(c, _DATA_WIDTH)

    def put(self, r: int, c1: int, value: object = None, *, c2: int | None = None, r2: int | None = None,
            font: Font = FONT_BODY, fill: PatternFill | None = None, align: Alignment = CENTER,
            border: bool = True, fmt: str | None = None, unlocked: bool = False) -> None:
        c2 = c2 or c1
        r2 = r2 or r
        if (c2, r2) != (c1, r):
            self.ws.merge_cells(start_row=r, start_column=c1, end_row=r2, end_column=c2)
        for rr in range(r, r2 + 1):
            for cc in range(c1, c2 + 1):
                cell = self.ws.cell(row=rr, column=cc)
                if border:
                    cell.border = BORDER
                if fill is not None:
                    cell.fill = fill
                if unlocked:
                    cell.protection = UNLOCKED
                if rr == r and cc == c1:
                    cell.font = font
                    cell.alignment = align
                    if fmt:
                        cell.number_format = fmt
        if value is not None:
            self.ws.cell(row=r, column=c1).value = value

    def fit_height(self, r: int, text: str, c1: int, c2: int, *, minimum: float = 18.0) -> None:
        width = sum(self._col_width(c) for c in range(c1, c2 + 1))
        lines = max(1, -(-_width(text) // max(int(width) - 1, 1)))
        height = max(minimum, 15.0 * lines + 3)
        current = self.ws.row_dimensions[r].height or 0
        self.ws.row_dimensions[r].height = max(current, height)

    def title(self, text: str, *, font: Font = FONT_TITLE, fill: PatternFill | None = FILL_TITLE,
              last: int = L.LAST_COL) -> None:
        self.put(self.r, 1, text, c2=last, font=font, fill=fill, align=LEFT)
        self.ws.row_dimensions[self.r].height = 22
        self.r += 1

    def blank_line(self) -> None:
        self.r += 1

    def validation(self, kind: str, ref: str, *, formula: str, prompt: str = "", error: str = "") -> None:
        dv = DataValidation(type=kind, formula1=formula, allow_blank=True, showErrorMessage=True,
                            showInputMessage=bool(prompt), errorStyle="stop")
        if error:
            dv.errorTitle, dv.error = "输入有误", error
        if prompt:
            dv.promptTitle, dv.prompt = "填写提示", prompt
        dv.add(ref)
        self.ws.add_data_validation(dv)

    def choice_validation(self, f: Field, ref: str) -> None:
        source = self.lists.get(f.name)
        if source is None:
            source = '"' + ",".join(c.label for c in f.choices) + '"'
        self.validation("list", ref, formula=source, error=f"请从下拉列表选择“{f.label}”")

    def figure_validation(self, ref: str, top_left: str, value_type: ValueType | None) -> None:
        x = top_left
        na = ",".join(f'TRIM({x})="{t}"' for t in _NA_TOKENS_XL)
        if value_type is ValueType.COUNT:
            number, error = f"AND(ISNUMBER({x}),{x}>=0,{x}=INT({x}))", "件数：填非负整数"
        elif value_type is ValueType.SIGNED:
            number, error = f"AND(ISNUMBER({x}),{x}=INT({x}))", "本年增/减：填整数，减少填负数"
        else:
            number, error = f"AND(ISNUMBER({x}),{x}>=0)", "填非负数"
        self.validation("custom", ref, formula=f"OR({number},{na})",
                        error=f"{error}；未填报留空；不适用填“/”或“—”")

    # ------------------------------------------------------------------------------------ sheet

    def build(self, *, year: int, version: str, agency: Agency | None, agency_text: str,
              report: Report | None) -> None:
        ws = self.ws
        for c in range(1, L.LAST_COL + 1):
            ws.column_dimensions[L.col_letter(c)].width = self._col_width(c)
        name = agency.name if agency else (agency_text if not agency_text.isascii() else "")
        fmt = FORMATS[version]
        self.title(f"{name or '（单位名称）'}{year}年政府信息公开工作年度报告数据填报表", font=FONT_TOP, fill=None)
        ws.row_dimensions[1].height = 30
        note = (f"表格格式：{fmt.title}（{fmt.doc_no}）。只在浅黄色单元格填写：空白＝未填报，0＝报告数为零，"
                "不适用填“/”或“—”。请勿改动标题、表头和行标签；可以插入空行。详见“填写说明”工作表。")
        self.put(self.r, 1, note, c2=L.LAST_COL, font=FONT_HELP, align=LEFT, border=False)
        self.fit_height(self.r, note, 1, L.LAST_COL)
        self.r += 1
        self.blank_line()

        self.kv_block(L.AGENCY_BLOCK, self._agency_values(year, version, agency, agency_text, report))
        self.blank_line()
        p = report.proactive if report else None
        self.kv_block(L.PROACTIVE_BLOCK, {
            "total": p.total if p else Figure.blank(),
            "total_qualifier": p.total_qualifier if p else "",
            "unit": p.unit if p else "条",
            "overlap": "" if p is None or p.channels_overlap is None else ("yes" if p.channels_overlap else "no"),
        })
        self.blank_line()
        chans = [{"label": c.label, "channel": c.channel, "value": c.figure, "qualifier": c.qualifier,
                  "unit": c.unit, "host": c.host, "account": c.account, "note": c.note}
                 for c in (p.channels if p else ())]
        self.list_block(L.CHANNEL_BLOCK, chans)
        self.blank_line()
        cats = [{"label": c.label, "category": c.category, "value": c.figure, "qualifier": c.qualifier,
                 "unit": c.unit, "note": c.note} for c in (p.categories if p else ())]
        self.list_block(L.CATEGORY_BLOCK, cats)
        self.blank_line()

        def cells_of(spec: TableSpec) -> dict[tuple[str, str], Figure]:
            if report is None:
                return {}
            return dict(report.table(spec.id, spec.version).cells)

        self.title(L.SECTION2_TITLE)
        for spec in fmt.tables:
            if spec.id.startswith("t2"):
                self.table_block(spec, cells_of(spec), caption=spec.title)
                self.blank_line()
        for tid in ("t3", "t4"):
            spec = fmt.table(tid)
            self.table_block(spec, cells_of(spec), caption=spec.title, caption_full=True)
            self.blank_line()
        spec = fmt.table("fee")
        self.table_block(spec, cells_of(spec), caption=L.FEE_TITLE, caption_full=True)

        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True

    def _agency_values(self, year: int, version: str, agency: Agency | None, agency_text: str,
                       report: Report | None) -> dict[str, object]:
        v: dict[str, object] = {}
        if agency is not None:
            for f in AGENCIES.fields:  # the agency's attributes, named as its columns in agencies.csv
                if f.name != "agency_id":
                    v[f.name] = getattr(agency, f.name).value if f.choices else getattr(agency, f.name)
            v["agency_id"] = agency.id
        elif agency_text:
            v["agency_id" if agency_text.isascii() else "name"] = agency_text
        v["year"] = year
        if report is not None:
            v.update(format=report.format.value, period_start=report.period.start, period_end=report.period.end,
                     data_cutoff=report.period.cutoff, published=report.published, source=report.source,
                     notes=report.notes)
        else:
            v.update(format=version, period_start=dt.date(year, 1, 1), period_end=dt.date(year, 12, 31))
        return v

    # ----------------------------------------------------------------------------------- blocks

    def kv_block(self, block: L.KVBlock, values: dict[str, object]) -> None:
        self.title(block.title)
        (l1, l2), (v1, v2), (h1, h2) = L.KV_LABEL_SPAN, L.KV_VALUE_SPAN, L.KV_HELP_SPAN
        r = self.r
        for (c1, c2), text in zip(((l1, l2), (v1, v2), (h1, h2)), L.KV_HEADER, strict=True):
            self.put(r, c1, text, c2=c2, font=FONT_BOLD, fill=FILL_HEAD)
        self.r += 1
        for f in block.fields:
            r = self.r
            self.put(r, l1, f.label, c2=l2, align=LEFT)
            value, fmt = self._input_value(f, values.get(f.name))
            self.put(r, v1, value, c2=v2, fill=FILL_INPUT, unlocked=True, align=LEFT, fmt=fmt)
            self.put(r, h1, f.help or None, c2=h2, font=FONT_HELP, align=LEFT)
            ref = f"{L.col_letter(v1)}{r}"
            if f.choices:
                self.choice_validation(f, ref)
            elif f.kind is Kind.FIGURE:
                self.figure_validation(ref, ref, None)
            elif f.kind is Kind.YEAR:
                self.validation("whole", ref, formula="1990", error="填写四位数年份，如 2021")
                self.ws.data_validations.dataValidation[-1].operator = "between"
                self.ws.data_validations.dataValidation[-1].formula2 = "2100"
            elif f.kind is Kind.DATE:
                self.validation("date", ref, formula="DATE(1990,1,1)", error="填写日期，如 2021-12-31")
                self.ws.data_validations.dataValidation[-1].operator = "greaterThanOrEqual"
            if f.help:
                self.fit_height(r, f.help, h1, h2)
            self.r += 1

    def _input_value(self, f: Field, value: object) -> tuple[object, str | None]:
        if f.kind is Kind.FIGURE:
            return (_figure_cell_value(value) if isinstance(value, Figure) else None), "General"
        if f.kind is Kind.DATE:
            return value, "yyyy-mm-dd"
        if f.kind is Kind.YEAR:
            return value, "0"
        if f.choices:
            return (L.choice_label(f, str(value)) if value else None), "@"
        return (str(value) if value else None), "@"

    def list_block(self, block: L.ListBlock, rows: list[dict[str, object]]) -> None:
        self.title(block.title)
        starts: list[tuple[Field, int, int]] = []
        c = 1
        for f in block.columns:
            starts.append((f, c, c + f.span - 1))
            c += f.span
        r = self.r
        for f, c1, c2 in starts:
            self.put(r, c1, f.label, c2=c2, font=FONT_BOLD, fill=FILL_HEAD)
        self.r += 1
        n = max(len(rows) + 3, block.min_rows)
        first = self.r
        for i in range(n):
            r = self.r
            values = rows[i] if i < len(rows) else {}
            for f, c1, c2 in starts:
                value, fmt = self._input_value(f, values.get(f.name))
                align = LEFT if f.span > 1 else CENTER
                self.put(r, c1, value, c2=c2, fill=FILL_INPUT, unlocked=True, align=align, fmt=fmt)
            self.r += 1
        last = self.r - 1
        for f, c1, _ in starts:
            ref = f"{L.col_letter(c1)}{first}:{L.col_letter(c1)}{last}"
            if f.choices:
                self.choice_validation(f, ref)
            elif f.kind is Kind.FIGURE:
                self.figure_validation(ref, f"{L.col_letter(c1)}{first}", None)

    def table_block(self, spec: TableSpec, cells: dict[tuple[str, str], Figure], *, caption: str,
                    caption_full: bool = False) -> None:
        leaves = list(spec.data_columns)
        last = L.FIRST_DATA_COL + len(leaves) - 1
        self.title(caption, last=L.LAST_COL if caption_full else last,
                   fill=FILL_TITLE if caption_full else FILL_HEAD)
        # header rows: a leaf at depth d spans rows d..H; a group sits on row d across its leaves
        col_of = {c.id: L.FIRST_DATA_COL + i for i, c in enumerate(leaves)}
        depth = {c.id: len(spec.ancestors("column", c)) for c in spec.columns}
        height = max(depth[c.id] for c in leaves) + 1
        top = self.r
        corner = spec.corner_note or spec.row_header_label or ""
        self.put(top, 1, corner or None, c2=L.LABEL_COLS, r2=top + height - 1, font=FONT_BOLD if not
                 spec.corner_note else FONT_HELP, fill=FILL_HEAD, align=CENTER)
        for col in spec.columns:
            d = depth[col.id]
            if col.group:
                span = [col_of[x.id] for x in leaves if col.id in {a.id for a in spec.ancestors("column", x)}]
                self.put(top + d, min(span), col.label, c2=max(span), font=FONT_BOLD, fill=FILL_HEAD)
            else:
                c = col_of[col.id]
                self.put(top + d, c, col.label, r2=top + height - 1, font=FONT_BOLD, fill=FILL_HEAD)
        for h in range(height):
            self.ws.row_dimensions[top + h].height = 30 if spec.id != "t3" else 24
        if spec.corner_note:
            self.ws.row_dimensions[top].height = 40
        self.r = top + height
        # data rows, with group labels as merged cells to the left
        data_rows = list(spec.data_rows)
        row_of = {a.id: self.r + i for i, a in enumerate(data_rows)}
        for a in spec.rows:
            d = len(spec.ancestors("row", a))
            c1 = 1 + d
            if a.group:
                span = [row_of[x.id] for x in data_rows if a.id in {y.id for y in spec.ancestors("row", x)}]
                self.put(min(span), c1, a.label, r2=max(span), align=CENTER if d == 0 else LEFT)
            else:
                r = row_of[a.id]
                label = a.label or L.T4_ROW_LABEL
                self.put(r, c1, label, c2=L.LABEL_COLS, align=LEFT)
                self.fit_height(r, label, c1, L.LABEL_COLS)
                for col in leaves:
                    fig = cells.get((a.id, col.id), Figure.blank())
                    self.put(r, col_of[col.id], _figure_cell_value(fig), fill=FILL_INPUT, unlocked=True,
                             fmt="General")
        first, last_row = min(row_of.values()), max(row_of.values())
        for col in leaves:
            c = L.col_letter(col_of[col.id])
            self.figure_validation(f"{c}{first}:{c}{last_row}", f"{c}{first}", col.value_type)
        self.r = last_row + 1


# ------------------------------------------------------------------------------------- text sheet


def _write_text_sheet(ws: Worksheet, *, year: int, text: tuple[str, tuple[str, ...]] | None) -> None:
    """One row per official part of the year's format (headings from formats, never typed here)."""
    from govreport.core.report_text import DRAFT_MARK, official_headings

    heads = official_headings(year)
    opening, bodies = text if text is not None else ("", ("",) * len(heads))
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 110
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=2)
    cell = ws.cell(row=1, column=1, value=f"{year}年度报告正文")
    cell.font = FONT_TOP
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=2)
    note = ("在B列浅黄色单元格中填写各部分正文，A列标题请勿改动。二、三、四部分已按数据写好标准表述的，"
            f"请与表格核对；标有“{DRAFT_MARK}”的是上年文字，请按本年度情况修改并删去该标记。"
            "导入时与数据一起核验：缺少的部分、与表格不一致的数字都会指出。")
    cell = ws.cell(row=2, column=1, value=note)
    cell.font, cell.alignment = FONT_HELP, Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[2].height = 48
    for c, head in enumerate(L.TEXT_HEADER, start=1):
        cell = ws.cell(row=3, column=c, value=head)
        cell.font, cell.fill, cell.border, cell.alignment = FONT_BOLD, FILL_HEAD, BORDER, CENTER
    for r, (label, body) in enumerate(zip((L.TEXT_OPENING, *heads), (opening, *bodies), strict=True), start=4):
        cell = ws.cell(row=r, column=1, value=label)
        cell.font, cell.border, cell.alignment = FONT_BOLD, BORDER, Alignment(wrap_text=True, vertical="top")
        cell = ws.cell(row=r, column=2, value=body or None)
        cell.font, cell.fill, cell.border = FONT_BODY, FILL_INPUT, BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.protection = Protection(locked=False)
        lines = sum(max(1, -(-_width(line) // 200)) for line in (body or "").splitlines()) if body else 3
        ws.row_dimensions[r].height = min(400, max(48, 15 * lines))


# ------------------------------------------------------------------------------------- help sheet


def _write_help(ws: Worksheet, *, year: int, version: str) -> dict[str, str]:
    """The instructions sheet; returns the ranges that feed the channel and category dropdowns."""
    fmt = FORMATS[version]
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 20
    ws.column_dimensions["C"].width = 80
    paragraphs = [
        ("填写说明", FONT_TOP),
        (f"本工作簿用于填报{year}年度政府信息公开工作年度报告的统计数据，由 govreport 生成。"
         f"请在“{L.DATA_SHEET}”工作表的浅黄色单元格中填写，其余单元格（标题、表头、行标签）请勿改动。", FONT_BODY),
        ("一、空白、0 与 不适用 含义不同，请区分填写", FONT_BOLD),
        ("空白（什么都不填）＝未填报：报告中没有这个数字。导入后仍是空白，不会被当作 0。", FONT_BODY),
        ("0 ＝报告数为零：例如报告写明“本年度未收到政府信息公开申请”，相应单元格填 0。", FONT_BODY),
        ("不适用＝本单位没有该项职权或事项：填“/”或“—”（也可写“不适用”）。不要用 0 代替。", FONT_BODY),
        ("二、数值要求", FONT_BOLD),
        ("件数只能填非负整数；“本年增/减”（2019年试行格式）可以为负数，减少填负数，如 -8；"
         "金额列（万元、元）可以有小数。不要在数字后加单位或文字。", FONT_BODY),
        ("原文为约数时（如“300余条”“近50篇”），“数量”填 300、50，“限定词”选“余”“近”等；确数不选限定词。"
         "余、多、以上表示至少，近表示至多，约表示大约。", FONT_BODY),
        ("三、表格结构", FONT_BOLD),
        (f"本模板为{fmt.title}（{fmt.doc_no}）。2019、2020年度报告使用2019年试行格式，"
         "2021年度起使用2021年格式；需要另一种格式时用 govreport template --format 2019 或 2021 重新生成。", FONT_BODY),
        ("可以在任意位置插入空行；渠道、栏目行不够时，在列表中间插入新行填写。不要删除表格的行或列，"
         "不要合并或拆分单元格，不要改动表头文字——导入时按标题和标签识别每个数字。", FONT_BODY),
        ("表三的分组标题（三、本年度办理结果，（三）不予公开 等）不填数据；各小项分别填写，没有小计行。", FONT_BODY),
        ("四、主动公开渠道与栏目", FONT_BOLD),
        ("“渠道名称”“栏目名称”照报告原文填写（如 五原县民政局微信公众号）；“规范渠道”“规范分类”从下拉列表选择，"
         "留空时按原文名称自动识别，无法识别的在导入时报错。同一信息在多个渠道分别计数的，"
         "在“各渠道数量是否重复计数”选“是”。网站由上级政府网站代为发布的，“网站归属”选“上级政府网站”。", FONT_BODY),
        ("五、导入", FONT_BOLD),
        ("govreport import 本文件.xlsx --data 数据目录（已有同一单位同一年度的数据时加 --replace）。"
         f"也可以把“{L.DATA_SHEET}”工作表另存为 CSV（UTF-8、带BOM的UTF-8 或 GBK/GB18030 编码均可）后导入。"
         "导入前会校验全部数字和勾稽关系，有错误时不会改动数据目录，并指出出错的单元格。", FONT_BODY),
        ("六、报告正文", FONT_BOLD),
        (f"“{L.TEXT_SHEET}”工作表每行是本年度格式的一个部分，在B列填写正文，与数字一起导入"
         "（CSV 只含数据表，不含正文）。"
         "各部分都要有内容：没有文字、也没有表格数据的部分，以及与表格不一致的数字，核验时会指出，"
         "公开版在改正前不会生成。", FONT_BODY),
    ]
    r = 1
    for text, font in paragraphs:
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=3)
        cell = ws.cell(row=r, column=1, value=text)
        cell.font = font
        cell.alignment = LEFT
        lines = max(1, -(-_width(text) // 120))
        ws.row_dimensions[r].height = max(20, 16 * lines)
        r += 1
    lists: dict[str, str] = {}
    for key, title, rows in (
        ("channel", "规范渠道一览（“规范渠道”下拉列表）", [(c.label, c.id, "") for c in CHANNELS]),
        ("category", "规范分类一览（“规范分类”下拉列表）",
         [(c.label, c.id, "原文含 " + c.pattern.replace("|", "、") + " 等") for c in CATEGORIES]),
    ):
        r += 1
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=3)
        ws.cell(row=r, column=1, value=title).font = FONT_BOLD
        r += 1
        for c, head in enumerate(("名称", "编号", "说明"), start=1):
            cell = ws.cell(row=r, column=c, value=head)
            cell.font, cell.fill, cell.border, cell.alignment = FONT_BOLD, FILL_HEAD, BORDER, CENTER
        r += 1
        first = r
        for values in rows:
            for c, v in enumerate(values, start=1):
                cell = ws.cell(row=r, column=c, value=v or None)
                cell.font, cell.border, cell.alignment = FONT_BODY, BORDER, LEFT
            r += 1
        lists[key] = f"'{L.HELP_SHEET}'!$A${first}:$A${r - 1}"
    return lists
