"""Opening a filled-in template as a :class:`~govreport.readers.grid.Grid`, and its cells as values.

:func:`load_grid` reads the data sheet of a template workbook (.xlsx), or that sheet saved as CSV (UTF-8 with
or without BOM, GBK, GB18030); :func:`load_sheet` reads another sheet of the workbook. A formula cell holds
the value Excel computed and saved, or an :class:`Uncomputed` when it has none. :func:`parse_figure`,
:func:`parse_date` and :func:`parse_year` turn one cell into a value, raising an error that names the file,
sheet, row and cell; :class:`CellErrors` collects them so one message counts every cell to fix.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import zipfile
from pathlib import Path

from govreport.core import template_schema as L
from govreport.core.errors import DataError, NotFoundError, SchemaError, ValueFormatError
from govreport.core.formats import FORMATS, ValueType
from govreport.core.template_schema import norm
from govreport.core.values import Figure, Mark, parse_token
from govreport.readers.detect import OLE_MAGIC, ZIP_MAGIC
from govreport.readers.grid import Grid, from_values

# ------------------------------------------------------------------------------------------ loading


class Uncomputed:
    """A formula cell saved without a computed value (e.g. written by a script, never opened in Excel)."""

    def __init__(self, formula: str) -> None:
        self.formula = formula


def is_empty(v: object) -> bool:
    return v is None or (isinstance(v, str) and v.strip() == "")


def as_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, Uncomputed):
        return v.formula
    return str(v).strip()


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
    if raw.startswith(ZIP_MAGIC):
        return _load_xlsx(raw, display)
    if raw.startswith(OLE_MAGIC):
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
                if v is None or is_empty(v):
                    continue
                if cell.data_type == "f" or (isinstance(v, str) and v.startswith("=")):
                    v = Uncomputed(str(getattr(v, "text", v)))
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
    return from_values(_computed(raw, display, name, cells), display, sheet=name, text=as_text)


def load_sheet(raw: bytes, display: str, name: str) -> Grid | None:
    """The sheet ``name`` of a workbook (None when the workbook has no such sheet)."""
    wb = _open_workbook(raw, display, data_only=False)
    try:
        if name not in wb.sheetnames:
            return None
        cells = _sheet_cells(wb[name], display)
    finally:
        wb.close()
    return from_values(_computed(raw, display, name, cells), display, sheet=name, text=as_text)


def _computed(raw: bytes, display: str, name: str, cells: dict[tuple[int, int], object]
              ) -> dict[tuple[int, int], object]:
    """``cells`` with each formula replaced by the value Excel computed and saved, when it did."""
    formulas = [k for k, v in cells.items() if isinstance(v, Uncomputed)]
    if formulas:
        wb = _open_workbook(raw, display, data_only=True)
        try:
            computed = _sheet_cells(wb[name], display)
        finally:
            wb.close()
        for k in formulas:
            if k in computed and not isinstance(computed[k], Uncomputed):
                cells[k] = computed[k]
    return cells


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
    values: dict[tuple[int, int], object] = {}
    lines: dict[int, int] = {}
    r = 0
    prev_line = 0
    try:
        for record in reader:
            r += 1
            lines[r] = prev_line + 1
            prev_line = reader.line_num
            for c, v in enumerate(record, start=1):
                if not is_empty(v):
                    values[(r, c)] = v.strip()
    except csv.Error as exc:
        raise SchemaError(f"CSV 格式错误：{exc}", file=display, line=prev_line + 1,
                          hint="用Excel打开模板的“年度报告数据”工作表，另存为“CSV UTF-8(逗号分隔)”后再导入") from None
    return from_values(values, display, lines=lines, text=as_text)


# ------------------------------------------------------------------------------------ error collection

# ----------------------------------------------------------------------------------- error collection


class CellErrors:
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
    v = grid.value(r, c)
    if is_empty(v):
        return Figure.blank()
    if isinstance(v, Uncomputed):
        raise grid.error(ValueFormatError, r, c, f"公式没有计算结果：{v.formula}",
                         "在Excel中打开并保存文件，让公式算出结果；或直接填写数字", place)
    if isinstance(v, bool):
        raise grid.error(ValueFormatError, r, c, f"不是数字：{v!r}", _FIGURE_HINT, place)
    if isinstance(v, dt.date | dt.datetime | dt.time):
        raise grid.error(ValueFormatError, r, c, f"不是数字，而是日期 {as_text(v)}",
                         "Excel 把输入当成了日期：把单元格格式设为“常规”后重新填写数字", place)
    if isinstance(v, int | float):
        mark, value = Mark.VALUE, float(v)
    else:
        try:
            mark, value = parse_token(str(v))
        except ValueError:
            raise grid.error(ValueFormatError, r, c, f"不是数字：{as_text(v)!r}", _FIGURE_HINT, place) from None
    if mark is not Mark.VALUE or value is None:
        return Figure(mark)
    if value != value or value in (float("inf"), float("-inf")):
        raise grid.error(ValueFormatError, r, c, f"不是数字：{as_text(v)!r}", _FIGURE_HINT, place)
    if value_type is not ValueType.SIGNED and value < 0:
        what = "件数" if value_type is ValueType.COUNT else "金额" if value_type is ValueType.DECIMAL else "数量"
        raise grid.error(ValueFormatError, r, c, f"{what}不能为负数：{as_text(v)}",
                         "填写非负数；确实减少的只能填在“本年增/减”列", place)
    if value_type in (ValueType.COUNT, ValueType.SIGNED) and not float(value).is_integer():
        raise grid.error(ValueFormatError, r, c, f"应为整数：{as_text(v)}",
                         "该列是件数，只能填整数；金额列才可以有小数", place)
    return Figure(Mark.VALUE, 0.0 if value == 0 else value)


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
)


def parse_date(grid: Grid, r: int, c: int, place: str) -> dt.date | None:
    v = grid.value(r, c)
    if is_empty(v):
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    s = norm(as_text(v)).replace(" 00:00:00", "")
    s = re.sub(r"(\d{4}-\d{2}-\d{2})\s*00:00:00$", r"\1", s)
    for rx in _DATE_PATTERNS:
        m = rx.match(s)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                break
    raise grid.error(ValueFormatError, r, c, f"不是日期：{as_text(v)!r}", "日期写作 2021-12-31", place)


def parse_year(grid: Grid, r: int, c: int, place: str) -> int:
    v = grid.value(r, c)
    s = as_text(v)
    if isinstance(v, int | float) and float(v).is_integer():
        year = int(v)
    elif re.fullmatch(r"\d{4}年?", norm(s)):
        year = int(norm(s)[:4])
    else:
        raise grid.error(ValueFormatError, r, c, f"不是年份：{s!r}", "填写四位数年份，如 2021", place)
    if not 1990 <= year <= 2100:
        raise grid.error(ValueFormatError, r, c, f"年份超出范围：{year}", "填写 1990–2100 之间的年份", place)
    return year
