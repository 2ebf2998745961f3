"""Reading a filled-in data-entry template (.xlsx, or its data sheet saved as CSV) into a Report.

Everything is located by its label (see :mod:`govreport.core.template_schema`): blocks by their title row,
columns by their header cells (grouped headers included), rows by their row labels, so inserted blank
rows, extra channel rows and a CSV export (where merged cells keep only their top-left text) all read
the same way. Every input cell must be a number, empty (blank, 未填报) or a 不适用 token; anything else
is a :class:`~govreport.core.errors.ValueFormatError` that names the file, sheet, row and cell, the place in
the report's own words, and how to fix it. Each figure read records where it was typed
(:func:`entered_at`: ``文件.xlsx 年度报告数据!D23``) as its cell note, which findings on it name; the text
sheet (:func:`read_text_sheet`) gives the report's sections.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from govreport.core import template_schema as L
from govreport.core.errors import (
    DataError,
    GovreportError,
    NotFoundError,
    SchemaError,
    UnknownReferenceError,
    ValueFormatError,
)
from govreport.core.formats import FORMATS, Axis, Column, TableSpec, ValueType, format_for_year
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
from govreport.core.values import Figure, Mark, parse_token

# ------------------------------------------------------------------------------------------- the grid


class _Uncomputed:
    """A formula cell saved without a computed value (e.g. written by a script, never opened in Excel)."""

    def __init__(self, formula: str) -> None:
        self.formula = formula


@dataclass
class Grid:
    """The non-empty cells of one sheet: ``cells[row][col]`` (1-based), typed as the source gave them."""

    display: str  # file name for messages
    sheet: str | None  # worksheet name (None for CSV)
    cells: dict[int, dict[int, object]] = field(default_factory=dict)
    lines: dict[int, int] = field(default_factory=dict)  # CSV: spreadsheet row -> physical line

    @property
    def max_row(self) -> int:
        return max(self.cells, default=0)

    @property
    def max_col(self) -> int:
        return max((max(r) for r in self.cells.values() if r), default=0)

    def row(self, r: int) -> dict[int, object]:
        return self.cells.get(r, {})

    def get(self, r: int, c: int) -> object:
        return self.cells.get(r, {}).get(c)

    def text(self, r: int, c: int) -> str:
        return _as_text(self.get(r, c))

    def where(self) -> str:
        return f"{self.display}: sheet {self.sheet}" if self.sheet else self.display

    def error(self, cls: type[DataError], r: int, c: int | None, message: str, hint: str,
              place: str = "") -> DataError:
        line = self.lines.get(r, r)
        if c is None:
            column = place or None
        else:
            ref = f"{L.col_letter(c)}{r}"
            column = f"{L.col_letter(c)}（单元格 {ref}" + (f"，{place}）" if place else "）")
        return cls(message, file=self.where(), line=line, column=column, hint=hint)


def _is_empty(v: object) -> bool:
    return v is None or (isinstance(v, str) and v.strip() == "")


def _as_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, _Uncomputed):
        return v.formula
    return str(v).strip()


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FIX_XLSX = "用Excel打开原文件另存为“Excel 工作簿(*.xlsx)”，或用 govreport template 重新生成模板后填写"


def load_grid(path: str | os.PathLike[str]) -> Grid:
    """Read the data sheet of a template workbook, or a CSV of it (UTF-8 with/without BOM, GBK, GB18030)."""
    p = Path(path)
    display = str(p)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise NotFoundError(f"{p}：文件不存在", hint="检查要导入的文件的路径") from None
    except IsADirectoryError:
        raise NotFoundError(f"{p}：是一个文件夹，不是文件", hint="指定要导入的 .xlsx 或 .csv 文件") from None
    if not raw.strip():
        raise SchemaError("文件是空的", file=display, line=1, hint=_FIX_XLSX)
    if raw.startswith(b"PK\x03\x04") or raw.startswith(b"PK\x05\x06"):
        return _load_xlsx(raw, display)
    if raw.startswith(_OLE_MAGIC):
        raise SchemaError("这是旧版Excel（.xls）或其他Office文件，不是 .xlsx", file=display,
                          hint="在Excel中打开后“另存为”→“Excel 工作簿(*.xlsx)”，再导入")
    if p.suffix.lower() in (".xlsx", ".xlsm", ".xltx"):
        raise SchemaError("不是有效的 .xlsx 文件（内容不是 zip 压缩包：文件已损坏、被截断或并非Excel文件）",
                          file=display, hint=_FIX_XLSX)
    return _load_csv(raw, display)


def _open_workbook(raw: bytes, display: str, *, data_only: bool):
    import warnings

    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about Excel extensions it drops
            return openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=data_only)
    except zipfile.BadZipFile as exc:
        raise SchemaError(f"不是有效的 .xlsx 文件（zip 结构损坏：{exc}）", file=display, hint=_FIX_XLSX) from None
    except Exception as exc:  # openpyxl raises many types (KeyError, ValueError, lxml errors) on a bad file
        reason = f"{type(exc).__name__}: {exc}".strip().splitlines()[0][:200]
        raise SchemaError(f"无法读取Excel文件（{reason}）", file=display, hint=_FIX_XLSX) from None


def _sheet_cells(ws, display: str) -> dict[tuple[int, int], object]:
    cells: dict[tuple[int, int], object] = {}
    try:
        for row in ws.iter_rows():
            for cell in row:
                v = cell.value
                if v is None or _is_empty(v):
                    continue
                if cell.data_type == "f" or (isinstance(v, str) and v.startswith("=")):
                    v = _Uncomputed(str(getattr(v, "text", v)))
                cells[(cell.row, cell.column)] = v
    except Exception as exc:  # a damaged sheet part inside a readable archive
        reason = f"{type(exc).__name__}: {exc}".strip().splitlines()[0][:200]
        raise SchemaError(f"无法读取Excel工作表“{ws.title}”（{reason}）", file=display, hint=_FIX_XLSX) from None
    return cells


def _load_xlsx(raw: bytes, display: str) -> Grid:
    wb = _open_workbook(raw, display, data_only=False)
    try:
        name = _data_sheet_name(wb)
        if name is None:
            raise SchemaError(
                f"找不到数据工作表“{L.DATA_SHEET}”（各工作表：{'、'.join(wb.sheetnames)}）",
                file=display, hint="请在 govreport template 生成的模板的“年度报告数据”工作表中填写，不要删除或改名该表",
            )
        cells = _sheet_cells(wb[name], display)
    finally:
        wb.close()
    formulas = [k for k, v in cells.items() if isinstance(v, _Uncomputed)]
    if formulas:  # use the values Excel computed and saved, when it did
        wb = _open_workbook(raw, display, data_only=True)
        try:
            computed = _sheet_cells(wb[name], display)
        finally:
            wb.close()
        for k in formulas:
            if k in computed and not isinstance(computed[k], _Uncomputed):
                cells[k] = computed[k]
    grid = Grid(display, name)
    for (r, c), v in sorted(cells.items()):
        grid.cells.setdefault(r, {})[c] = v
    return grid


def _data_sheet_name(wb) -> str | None:
    if L.DATA_SHEET in wb.sheetnames:
        return L.DATA_SHEET
    wanted = {norm(L.AGENCY_BLOCK.title), norm(FORMATS["2021"].table("t3").title)}
    for ws in wb.worksheets:
        for row in ws.iter_rows(max_row=400, values_only=True):
            if any(isinstance(v, str) and norm(v) in wanted for v in row):
                return ws.title
    return None


def _load_csv(raw: bytes, display: str) -> Grid:
    from govreport.store.textfile import decode_bytes

    text, _ = decode_bytes(raw, file=display)
    delimiter = max((",", "\t", ";"), key=text.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    grid = Grid(display, None)
    r = 0
    prev_line = 0
    try:
        for record in reader:
            r += 1
            grid.lines[r] = prev_line + 1
            prev_line = reader.line_num
            for c, v in enumerate(record, start=1):
                if not _is_empty(v):
                    grid.cells.setdefault(r, {})[c] = v.strip()
    except csv.Error as exc:
        raise SchemaError(f"CSV 格式错误：{exc}", file=display, line=prev_line + 1,
                          hint="用Excel打开模板的“年度报告数据”工作表，另存为“CSV UTF-8(逗号分隔)”后再导入") from None
    return grid


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
    for r in sorted(grid.cells):
        row = grid.row(r)
        if len(row) != 1:
            continue
        (c, v), = row.items()
        key = titles.get(norm(_as_text(v)))
        if key is None:
            continue
        if key in seen:
            raise grid.error(SchemaError, r, c, f"区块“{_as_text(v)}”出现了两次（另见第 {seen[key]} 行）",
                             "每个区块只能有一个；删除重复的区块，或用 govreport template 重新生成模板")
        seen[key] = r
        starts.append((r, key))
    blocks: dict[str, Block] = {}
    all_rows = sorted(grid.cells)
    for i, (r, key) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else grid.max_row + 1
        blocks[key] = Block(key, r, tuple(x for x in all_rows if r < x < end))
    return blocks


# ----------------------------------------------------------------------------------- error collection


class _Errors:
    """Collect cell errors so that one message can say how many cells need fixing."""

    def __init__(self) -> None:
        self.items: list[DataError] = []
        self.refs: list[str] = []

    def add(self, exc: DataError, ref: str) -> None:
        self.items.append(exc)
        self.refs.append(ref)

    def raise_first(self) -> None:
        if not self.items:
            return
        first = self.items[0]
        if len(self.items) > 1:
            more = "、".join(self.refs[1:6]) + ("等" if len(self.items) > 6 else "")
            first.message += f"（另有 {len(self.items) - 1} 个单元格有问题：{more}）"
            first.args = (first.message,)
        raise first


# ------------------------------------------------------------------------------------------ values

_FIGURE_HINT = "填写数字（报告数为零填 0）；未填报的留空；不适用填“/”或“—”"


def parse_figure(grid: Grid, r: int, c: int, value_type: ValueType | None, place: str) -> Figure:
    """One input cell as a Figure, checked against the column's value type."""
    v = grid.get(r, c)
    if _is_empty(v):
        return Figure.blank()
    if isinstance(v, _Uncomputed):
        raise grid.error(ValueFormatError, r, c, f"公式没有计算结果：{v.formula}",
                         "在Excel中打开并保存文件，让公式算出结果；或直接填写数字", place)
    if isinstance(v, bool):
        raise grid.error(ValueFormatError, r, c, f"不是数字：{v!r}", _FIGURE_HINT, place)
    if isinstance(v, dt.date | dt.datetime | dt.time):
        raise grid.error(ValueFormatError, r, c, f"不是数字，而是日期 {_as_text(v)}",
                         "Excel 把输入当成了日期：把单元格格式设为“常规”后重新填写数字", place)
    if isinstance(v, int | float):
        mark, value = Mark.VALUE, float(v)
    else:
        try:
            mark, value = parse_token(str(v))
        except ValueError:
            raise grid.error(ValueFormatError, r, c, f"不是数字：{_as_text(v)!r}", _FIGURE_HINT, place) from None
    if mark is not Mark.VALUE or value is None:
        return Figure(mark)
    if value != value or value in (float("inf"), float("-inf")):
        raise grid.error(ValueFormatError, r, c, f"不是数字：{_as_text(v)!r}", _FIGURE_HINT, place)
    if value_type is not ValueType.SIGNED and value < 0:
        what = "件数" if value_type is ValueType.COUNT else "金额" if value_type is ValueType.DECIMAL else "数量"
        raise grid.error(ValueFormatError, r, c, f"{what}不能为负数：{_as_text(v)}",
                         "填写非负数；确实减少的只能填在“本年增/减”列", place)
    if value_type in (ValueType.COUNT, ValueType.SIGNED) and not float(value).is_integer():
        raise grid.error(ValueFormatError, r, c, f"应为整数：{_as_text(v)}",
                         "该列是件数，只能填整数；金额列才可以有小数", place)
    return Figure(Mark.VALUE, 0.0 if value == 0 else value)


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
)


def _parse_date(grid: Grid, r: int, c: int, place: str) -> dt.date | None:
    v = grid.get(r, c)
    if _is_empty(v):
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    s = norm(_as_text(v)).replace(" 00:00:00", "")
    s = re.sub(r"(\d{4}-\d{2}-\d{2})\s*00:00:00$", r"\1", s)
    for rx in _DATE_PATTERNS:
        m = rx.match(s)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                break
    raise grid.error(ValueFormatError, r, c, f"不是日期：{_as_text(v)!r}", "日期写作 2021-12-31", place)


def _parse_year(grid: Grid, r: int, c: int, place: str) -> int:
    v = grid.get(r, c)
    s = _as_text(v)
    if isinstance(v, int | float) and float(v).is_integer():
        year = int(v)
    elif re.fullmatch(r"\d{4}年?", norm(s)):
        year = int(norm(s)[:4])
    else:
        raise grid.error(ValueFormatError, r, c, f"不是年份：{s!r}", "填写四位数年份，如 2021", place)
    if not 1990 <= year <= 2100:
        raise grid.error(ValueFormatError, r, c, f"年份超出范围：{year}", "填写 1990–2100 之间的年份", place)
    return year


def _parse_choice(grid: Grid, r: int, c: int, f: Field, place: str) -> str:
    v = grid.get(r, c)
    if _is_empty(v):
        return ""
    value = L.choice_value(f, _as_text(v))
    if value is None:
        options = "、".join(ch.label for ch in f.choices)
        raise grid.error(ValueFormatError, r, c, f"“{f.label}”不能填 {_as_text(v)!r}",
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
    row = grid.row(r)
    cols = sorted(row)
    found: dict[str, int] = {}
    label_to_key: dict[str, str] = {}
    for key, f in wanted.items():
        for lab in f.labels():
            label_to_key[norm(lab)] = key
    for c in cols:
        key = label_to_key.get(norm(_as_text(row[c])))
        if key is not None and key not in found:
            found[key] = c
    spans: dict[str, tuple[int, int]] = {}
    for key, c in found.items():
        later = [x for x in cols if x > c]
        spans[key] = (c, (later[0] - 1) if later else max(grid.max_col, c))
    return spans


def _single_cell(grid: Grid, r: int, span: tuple[int, int], place: str) -> int | None:
    cols = [c for c in grid.row(r) if span[0] <= c <= span[1]]
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
        label_cells = [c for c in grid.row(r) if label_span[0] <= c <= label_span[1]]
        label = "".join(grid.text(r, c) for c in sorted(label_cells))
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
        stray = [c for c in grid.row(r) if c < first]
        if stray:
            raise grid.error(ValueFormatError, r, stray[0], "这个单元格不在任何一栏之下",
                             "把内容移到对应栏目下，或删除它", title)
        out.append((r, {key: _single_cell(grid, r, span, f"{title}“{cols[key].label}”栏")
                        for key, span in spans.items()}))
    return out


# ------------------------------------------------------------------------------------------ tables


def _axis_labels(a: Axis) -> set[str]:
    out = {norm(a.label)}
    if a.short:
        out.add(norm(a.short))
    out.discard("")
    return out


def _ancestors(items: tuple[Axis, ...], a: Axis) -> list[Axis]:
    index = {x.id: x for x in items}
    chain: list[Axis] = []
    p = a.parent
    while p is not None:
        chain.append(index[p])
        p = index[p].parent
    return chain


@dataclass
class TableRead:
    spec: TableSpec
    cells: dict[tuple[str, str], Figure]
    where: dict[tuple[str, str], str]  # cell reference of each cell (for messages)


def _find_columns(grid: Grid, block: Block, spec: TableSpec) -> tuple[list[int], dict[str, int]]:
    """Header rows of a table block and the grid column of each data column, found by the header labels."""
    vocab: dict[str, list[Column]] = {}
    for col in spec.columns:
        for lab in _axis_labels(col):
            vocab.setdefault(lab, []).append(col)
    extra = {norm(spec.row_header_label), norm(spec.corner_note or ""), "项目", "信息内容", ""}
    header_rows: list[int] = []
    for r in block.rows:
        texts = [norm(_as_text(v)) for v in grid.row(r).values()]
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
    for c in range(1, grid.max_col + 1):
        start = 1
        path: list[Column] = []
        leaf: Column | None = None
        for h in header_rows:
            hit = next((c2 for c2 in range(c, start - 1, -1) if c2 in grid.row(h)), None)
            if hit is None:
                continue
            cands = vocab.get(norm(grid.text(h, hit)), [])
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
    fits = [x for x in cands if {a.id for a in _ancestors(spec.columns, x) if a.group} <= on_path
            and any(a.id in on_path for a in _ancestors(spec.columns, x))]
    return fits[0] if len(fits) == 1 else None


def read_table(grid: Grid, block: Block, spec: TableSpec, errors: _Errors) -> TableRead:
    header_rows, colmap = _find_columns(grid, block, spec)
    first_data = min(colmap.values())
    data_cols = {c: cid for cid, c in colmap.items()}
    row_vocab: dict[str, list[Axis]] = {}
    for a in spec.rows:
        for lab in _axis_labels(a):
            row_vocab.setdefault(lab, []).append(a)
    single = len(spec.rows) == 1 and not spec.rows[0].label
    rows_found: dict[str, int] = {}
    active: list[Axis] = []
    for r in block.rows:
        if r <= header_rows[-1]:
            continue
        cells = grid.row(r)
        for c in cells:
            if c >= first_data and c not in data_cols:
                raise grid.error(ValueFormatError, r, c, "这个单元格不在任何一列表头之下",
                                 "把数字移到正确的列，或删除它", spec.ref)
        labels = [(c, grid.text(r, c)) for c in sorted(cells) if c < first_data]
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
                active = [*_ancestors(spec.rows, pick)[::-1], pick]
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
    return TableRead(spec, cells_out, where)


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
        texts = {norm(_as_text(v)) for r in b.rows[:3] for v in grid.row(r).values()}
        scores = {v: len(texts & {norm(c.label) for c in FORMATS[v].table("t2a").columns}) for v in FORMATS}
        best = max(scores.values())
        if best:
            winners = [v for v, s in scores.items() if s == best]
            if len(winners) == 1:
                return winners[0]
    if "t3" in blocks:
        texts = {norm(_as_text(v)) for r in blocks["t3"].rows for v in grid.row(r).values()}
        only_2021 = {norm(a.label) for a in FORMATS["2021"].table("t3").rows if a.parent == "other_handling"}
        return "2021" if texts & only_2021 else "2019"
    return None


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
        sections = read_text_sheet(Path(path).read_bytes(), grid.display, report.year)
        if sections:
            report = replace(report, sections=sections)
    return report


def read_text_sheet(raw: bytes, display: str, year: int) -> tuple[Section, ...]:
    """The report's text from the workbook's text sheet (see :data:`template_layout.TEXT_SHEET`): one row
    per official part of ``year``'s format, found by its heading in column A. Empty when the sheet is
    missing or every text is blank. A row whose heading is not a part of the format raises SchemaError."""
    from govreport.core.report_text import official_headings, sections_from_rows

    wb = _open_workbook(raw, display, data_only=False)
    try:
        if L.TEXT_SHEET not in wb.sheetnames:
            return ()
        cells = _sheet_cells(wb[L.TEXT_SHEET], display)
    finally:
        wb.close()
    if any(isinstance(v, _Uncomputed) for v in cells.values()):  # the values Excel computed, when it did
        wb = _open_workbook(raw, display, data_only=True)
        try:
            computed = _sheet_cells(wb[L.TEXT_SHEET], display)
        finally:
            wb.close()
        cells.update({k: computed[k] for k, v in cells.items()
                      if isinstance(v, _Uncomputed) and k in computed and not isinstance(computed[k], _Uncomputed)})
    grid = Grid(display, L.TEXT_SHEET)
    for (r, c), v in sorted(cells.items()):
        grid.cells.setdefault(r, {})[c] = v
    heads = official_headings(year)
    wanted = {norm(h): i for i, h in enumerate(heads)}
    opening_key = norm(L.TEXT_OPENING)
    skip = {norm(L.TEXT_HEADER[0])}
    opening = ""
    bodies = [""] * len(heads)
    for r in sorted(grid.cells):
        label = grid.text(r, 1)
        value = grid.get(r, 2)
        if isinstance(value, _Uncomputed):
            raise grid.error(ValueFormatError, r, 2, "正文单元格是公式，没有计算结果",
                             "在Excel中打开并保存本文件，或把公式改为文字", f"“{label}”")
        body = grid.text(r, 2)
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
        return grid.text(i.row, i.col) if i and i.present and i.col else ""

    year_in = kv.get("year")
    if year_in is None or not year_in.present:
        r = year_in.row if year_in else blocks["agency"].title_row
        raise grid.error(ValueFormatError, r, year_in.col if year_in else None, "没有填写报告年度",
                         "在“报告年度”填写四位数年份，如 2021", f"{place}“报告年度”")
    year = _parse_year(grid, year_in.row, year_in.col or 0, f"{place}“报告年度”")
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
        return _parse_date(grid, i.row, i.col, f"{place}“{fields[key].label}”") if i and i.present and i.col else None

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
    errors = _Errors()
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
        source=text("source") or f"Excel填报表：{Path(grid.display).name}",
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


def _proactive(grid: Grid, blocks: dict[str, Block], errors: _Errors) -> Proactive:
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
        return grid.text(j.row, j.col)

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


def _list_items(grid: Grid, block: Block, spec: L.ListBlock, errors: _Errors) -> Iterable:
    from govreport.core.channels import classify_category, classify_channel

    is_channel = spec.id == "channels"
    kind_key = "channel" if is_channel else "category"
    fields = {f.name: f for f in spec.columns}
    for r, cols in _read_list(grid, block, spec):
        def text(key: str, r: int = r, cols: dict = cols) -> str:
            c = cols.get(key)
            return grid.text(r, c) if c is not None else ""

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


def _tables(grid: Grid, blocks: dict[str, Block], version: str, errors: _Errors) -> tuple[TableData, ...]:
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
        raise grid.error(SchemaError, r, min(grid.row(r)), f"“{L.SECTION2_TITLE}”下有未识别的内容",
                         "表二的各表以“第二十条第（N）项”开头；删除这些内容或移到对应表格中")
    out: list[TableData] = []
    for spec in fmt.tables:
        block = blocks.get(spec.id)
        if block is None:
            raise SchemaError(f"找不到{spec.ref}（标题“{spec.title if spec.id != 'fee' else L.FEE_TITLE}”）",
                              file=grid.where(),
                              hint="不要删除或改动表格标题；用 govreport template 重新生成模板并转录数据")
        read = read_table(grid, block, spec, errors)
        if read.cells:
            out.append(TableData(spec, read.cells, notes={k: entered_at(grid, read.where[k]) for k in read.cells}))
    return tuple(out)


# -------------------------------------------------------------------------------------- corrections


def entered_at(grid: Grid, ref: str) -> str:
    """Where the office typed a figure: ``文件.xlsx 年度报告数据!D23`` (a CSV: ``文件.csv D23``).
    Stored as the cell's ``note`` in cells.csv (``proactive_total_source`` in reports.csv, ``source`` in
    channels.csv for the figures outside the tables); findings on the figure name it."""
    name = Path(grid.display).name
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
    "GovreportError",
    "Grid",
    "carry_over_notes",
    "find_blocks",
    "load_grid",
    "parse_figure",
    "read_template",
    "report_from_grid",
]
