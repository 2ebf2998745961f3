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
    import lxml.etree
    import lxml.html

    from govreport.core.errors import DataError

    try:
        root = lxml.html.document_fromstring(_XML_DECL.sub("", text, count=1))
    except (lxml.etree.ParserError, ValueError) as exc:
        raise DataError(f"无法读取的 HTML 网页（{exc}）", file=file,
                        hint="重新保存报告网页，或另存为纯文本（.txt）") from None
    tables = [t for t in root.iter("table")]
    leaf_tables = [t for t in tables if not any(True for _ in t.iter("table") if _ is not t)]
    cells = [td for t in leaf_tables for td in t.iter("td", "th")]
    texts = dict(zip(map(id, cells), normalize_texts([_cell_text(td) for td in cells]), strict=True))
    data_tables: dict[int, tuple[Grid, str | None]] = {}
    for i, t in enumerate(leaf_tables, start=1):
        grid = expand(t, texts, i, file)
        kind = kind_of(grid)
        if kind is None and (grid.n_cols <= 1 or any(len(c.text) > 60 for row in grid.rows for c in row if c)):
            continue  # a layout table: read its text as prose
        data_tables[id(t)] = (grid, kind)
    lines: list[str] = []
    line_nos: list[int] = []
    buf: list[str] = []
    buf_line = [0]

    def flush() -> None:
        s = _WS.sub(" ", "".join(buf)).strip()
        if s:
            lines.append(s)
            line_nos.append(buf_line[0])
        buf.clear()
        buf_line[0] = 0

    def add(s: str | None, line: int) -> None:
        if s:
            if not buf and not s.strip():
                return
            if not buf:
                buf_line[0] = line
            buf.append(s)

    page = Page("", [])
    n = 0

    def walk(el) -> None:
        nonlocal n
        tag = el.tag.lower() if isinstance(el.tag, str) else None
        line = el.sourceline or (line_nos[-1] if line_nos else 1)
        if tag is None or tag in _SKIP:
            add(el.tail, line)
            return
        if tag == "table" and id(el) in data_tables:
            flush()
            grid, kind = data_tables[id(el)]
            n += 1
            grid.index = n
            lines.append(f"［表格{n}］")
            line_nos.append(line)
            if kind is None:
                page.unrecognised.append(grid)
            else:
                page.grids.append((grid, kind))
            add(el.tail, line)
            return
        block = tag in _BLOCK
        if block:
            flush()
        add(el.text, line)
        for child in el:
            walk(child)
        if block:
            flush()
        add(el.tail, line)

    body = root.find("body")
    walk(body if body is not None else root)
    flush()
    hints = []
    title = root.find(".//title")
    if title is not None and title.text_content().strip():
        hints.append(_WS.sub(" ", title.text_content()).strip())
    for h in root.iter("h1", "h2"):
        s = _WS.sub(" ", h.text_content()).strip()
        if s:
            hints.append(s)
            break
    page.plain = "\n".join(lines)
    page.plain_lines = line_nos
    page.title_hints = tuple(hints)
    return page


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
