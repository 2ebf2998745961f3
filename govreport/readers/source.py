"""Where each figure read from a published report came from, and what could not be read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Source:
    """The place in the source file a figure was read from.

    Prose: ``span`` is the character span in the normalised text, ``orig_span`` the span in the decoded
    file (HTML: in the page's text after tags are dropped), ``line`` the 1-based line of the file.
    Table cells: ``table`` (1-based index of the ``<table>`` in the page), ``row`` and ``col`` (1-based
    coordinates in the table's grid after rowspan/colspan are expanded) and the ``line`` of the cell.
    ``text`` is the normalised text the figure was read from.

    PDF: ``page`` (1-based) and, for a table cell, ``box`` (x0, top, x1, bottom in points from the page's
    top-left); ``line`` is the line of the text extracted from the PDF. Word (``kind="docx"``): ``para`` is
    the 1-based paragraph of the document body; a table cell's ``table``/``row``/``col`` are the document's
    own table, row and cell numbers (1-based, a merged cell counted once).
    """

    file: str
    line: int
    text: str
    span: tuple[int, int] | None = None
    orig_span: tuple[int, int] | None = None
    table: int | None = None
    row: int | None = None
    col: int | None = None
    page: int | None = None
    box: tuple[float, float, float, float] | None = None
    para: int | None = None
    kind: str | None = None

    @property
    def where(self) -> str:
        """Human-readable place, in Chinese: ``报告.txt 第12行`` or ``报告.html 第88行 表格2 第3行第4列``."""
        if self.page is not None:
            text = f"{self.file} 第{self.page}页"
        elif self.para is not None:
            text = f"{self.file} 第{self.para}段"
        elif self.kind == "docx":
            text = self.file
        else:
            text = f"{self.file} 第{self.line}行"
        if self.table is not None:
            cell = "格" if self.kind == "docx" else "列"
            text += f" 表格{self.table} 第{self.row}行第{self.col}{cell}"
        return text

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"file": self.file, "line": self.line}
        if self.span is not None:
            out["span"] = list(self.span)
        if self.orig_span is not None:
            out["orig_span"] = list(self.orig_span)
        if self.table is not None:
            out.update(table=self.table, row=self.row, col=self.col)
        if self.page is not None:
            out["page"] = self.page
        if self.box is not None:
            out["box"] = list(self.box)
        if self.para is not None:
            out["paragraph"] = self.para
        out["text"] = self.text
        return out


@dataclass(frozen=True, slots=True)
class NotRead:
    """Something the report states (or a part it lacks) that was deliberately left blank."""

    item: str  # what, in Chinese: e.g. 表三 “自然人” 列
    reason: str  # why, in Chinese
    source: Source | None = None
    cell: tuple[str, str, str] | None = None  # (table, row, column) when one official table cell was not read

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"item": self.item, "reason": self.reason}
        if self.cell is not None:
            out["cell"] = {"table": self.cell[0], "row": self.cell[1], "column": self.cell[2]}
        if self.source is not None:
            out["source"] = self.source.to_json()
        return out


#: Keys under which sources are recorded:
#: ("agency", field) ("year",) ("period",) ("cutoff",) ("published",) ("proactive_total",)
#: ("channel", seq) ("category", seq) ("cell", version, table, row, column) ("overlap",)
SourceKey = tuple[Any, ...]
