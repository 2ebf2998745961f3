"""An HTML page as report text plus table grids.

The page's text becomes one line per block element (``<p>``, ``<div>``, ``<h1>``…, ``<li>``, ``<br>``), each
line remembering the source line it starts on. Tables that hold official figures are taken out as grids
and leave a ``［表格N］`` line in the text; layout tables (tables that contain tables, or whose cells hold
long prose) are read as text. Scripts, styles and the ``<head>`` are dropped; the ``<title>`` and first
heading are kept as hints for the report's title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from govreport.readers.grid import Cell, Grid, from_spans, normalize_texts
from govreport.readers.tables import kind_of

_BLOCK = frozenset({
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article", "header", "footer",
    "blockquote", "pre", "tr", "td", "th", "table", "tbody", "thead", "tfoot", "caption", "br", "hr", "dd", "dt",
    "dl", "center", "form", "figure", "figcaption", "main", "nav", "aside", "address", "body", "html",
})
_SKIP = frozenset({"script", "style", "noscript", "template", "iframe", "head", "object", "svg", "button", "select",
                   "option", "input", "textarea", "map"})
_WS = re.compile(r"[ \t\r\n\f\v]+")


@dataclass(slots=True)
class Page:
    """A document's text (one line per block) and its tables, whatever the format (HTML, PDF, Word).

    ``places``: for PDF and Word, per plain line, where it is in the document (``{"page": n}`` or
    ``{"para": n}``), added to every :class:`~govreport.readers.source.Source` of the line.
    """

    plain: str
    plain_lines: list[int]
    grids: list[tuple[Grid, str]] = field(default_factory=list)  # recognised tables and their kind
    unrecognised: list[Grid] = field(default_factory=list)
    title_hints: tuple[str, ...] = ()
    kind: str = "html"
    places: list[dict] | None = None
    not_read: list = field(default_factory=list)  # NotRead items of the file reader (e.g. image-only pages)


def looks_like_html(text: str, name: str) -> bool:
    if name.lower().endswith((".html", ".htm", ".shtml", ".xhtml", ".asp", ".aspx", ".jsp", ".php")):
        return True
    head = text[:2048].lower()
    return "<html" in head or "<!doctype html" in head or "<body" in head or ("<p" in head and "</p>" in head)


_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


def parse(text: str, file: str) -> Page:
    """An HTML page as a :class:`Page`: one line per block, data tables as grids, title hints."""
    root = _document(text, file)
    walker = _Walker(_data_tables(root, file))
    body = root.find("body")
    walker.walk(body if body is not None else root)
    walker.flush()
    page = walker.page
    page.plain = "\n".join(walker.lines)
    page.plain_lines = walker.line_nos
    page.title_hints = _title_hints(root)
    return page


def _document(text: str, file: str):
    """The page parsed by lxml (an XML declaration dropped); a Chinese DataError if it cannot be parsed."""
    import lxml.etree
    import lxml.html

    from govreport.core.errors import DataError

    try:
        return lxml.html.document_fromstring(_XML_DECL.sub("", text, count=1))
    except (lxml.etree.ParserError, ValueError) as exc:
        raise DataError(f"无法读取的 HTML 网页（{exc}）", file=file,
                        hint="重新保存报告网页，或另存为纯文本（.txt）") from None


def _data_tables(root, file: str) -> dict[int, tuple[object, Grid, str | None]]:
    """``id(<table>)`` → the element, its grid and kind, for the innermost tables that are not layout tables."""
    tables = [t for t in root.iter("table")]
    leaf_tables = [t for t in tables if not any(True for _ in t.iter("table") if _ is not t)]
    cells = [td for t in leaf_tables for td in t.iter("td", "th")]
    texts = dict(zip(map(id, cells), normalize_texts([_cell_text(td) for td in cells]), strict=True))
    data_tables: dict[int, tuple[object, Grid, str | None]] = {}
    for i, t in enumerate(leaf_tables, start=1):
        grid = expand(t, texts, i, file)
        kind = kind_of(grid)
        if kind is None and (grid.n_cols <= 1 or any(len(c.text) > 60 for row in grid.rows for c in row if c)):
            continue  # a layout table: read its text as prose
        # the element is kept: lxml proxies live only while referenced, and a freed one's id can be reused
        data_tables[id(t)] = (t, grid, kind)
    return data_tables


class _Walker:
    """Walks the element tree into text lines (with their source lines) and numbered table grids."""

    def __init__(self, data_tables: dict[int, tuple[object, Grid, str | None]]) -> None:
        self.data_tables = data_tables
        self.lines: list[str] = []
        self.line_nos: list[int] = []
        self.buf: list[str] = []
        self.buf_line = 0
        self.page = Page("", [])
        self.n = 0

    def flush(self) -> None:
        """Ends the current line (whitespace collapsed; an empty line is dropped)."""
        s = _WS.sub(" ", "".join(self.buf)).strip()
        if s:
            self.lines.append(s)
            self.line_nos.append(self.buf_line)
        self.buf.clear()
        self.buf_line = 0

    def add(self, s: str | None, line: int) -> None:
        """Adds text to the current line (leading whitespace-only text is dropped)."""
        if s:
            if not self.buf and not s.strip():
                return
            if not self.buf:
                self.buf_line = line
            self.buf.append(s)

    def walk(self, el) -> None:
        """Adds an element's text, its children's and its tail; a block element ends the line before and after."""
        tag = el.tag.lower() if isinstance(el.tag, str) else None
        line = el.sourceline or (self.line_nos[-1] if self.line_nos else 1)
        if tag is None or tag in _SKIP:
            self.add(el.tail, line)
            return
        if tag == "table" and id(el) in self.data_tables:
            self._table(el, line)
            return
        block = tag in _BLOCK
        if block:
            self.flush()
        self.add(el.text, line)
        for child in el:
            self.walk(child)
        if block:
            self.flush()
        self.add(el.tail, line)

    def _table(self, el, line: int) -> None:
        """A data table as its ``［表格N］`` line; its grid numbered and added to the page."""
        self.flush()
        _, grid, kind = self.data_tables[id(el)]
        self.n += 1
        grid.index = self.n
        self.lines.append(f"［表格{self.n}］")
        self.line_nos.append(line)
        if kind is None:
            self.page.unrecognised.append(grid)
        else:
            self.page.grids.append((grid, kind))
        self.add(el.tail, line)


def _title_hints(root) -> tuple[str, ...]:
    """The ``<title>`` and the first non-empty ``<h1>``/``<h2>``, whitespace collapsed."""
    hints = []
    title = root.find(".//title")
    if title is not None and title.text_content().strip():
        hints.append(_WS.sub(" ", title.text_content()).strip())
    for h in root.iter("h1", "h2"):
        s = _WS.sub(" ", h.text_content()).strip()
        if s:
            hints.append(s)
            break
    return tuple(hints)


def _cell_text(td) -> str:
    return _WS.sub(" ", td.text_content()).strip()


def expand(table_el, texts: dict[int, str], index: int, file: str) -> Grid:
    """Expand a ``<table>`` element into a grid; ``texts`` maps ``id(td)`` to its normalised text."""
    rows = []
    for tr in table_el.iter("tr"):
        if _owner_table(tr) is not table_el:
            continue
        row = []
        for td in tr:
            if not isinstance(td.tag, str) or td.tag.lower() not in ("td", "th"):
                continue
            row.append((Cell(texts.get(id(td), ""), td.sourceline or 0, 0, 0), _span(td.get("rowspan")),
                        _span(td.get("colspan"))))
        rows.append(row)
    return from_spans(rows, index, file)


def _owner_table(el):
    p = el.getparent()
    while p is not None and (not isinstance(p.tag, str) or p.tag.lower() != "table"):
        p = p.getparent()
    return p


def _span(v: str | None) -> int:
    try:
        return max(1, min(int(str(v).strip()), 200))
    except (TypeError, ValueError):
        return 1
