"""A Word (.docx) report as report text plus table grids, through python-docx.

The body is read in document order (through content controls, and through a table that only frames
other tables): each paragraph is one line of text per line break (headings included, Word's automatic
list numbering such as 一、/（一） written out; a text box read once), each table a
:class:`~govreport.readers.grid.Grid` built from Word's own grid: ``gridBefore`` skips columns,
``gridSpan`` spans columns, ``vMerge`` continues the cell above, the legacy ``hMerge`` the cell to the
left. A table whose next body element (past empty paragraphs, page breaks and a 续表 line) is another
table with the same grid width and no header of its own is one table continued (Word users split a long
table with a page break); a label cell left empty at the top of the continuation is the cell above,
continued.

Provenance: a line of prose knows its paragraph (1-based, counting the body's paragraphs); a table cell
its Word table, row and cell numbers.
"""

from __future__ import annotations

import io
import re

from govreport.core.numerals import chinese
from govreport.readers.grid import CONTINUED, Cell, Grid, Placer, normalize_texts
from govreport.readers.html import Page
from govreport.readers.tables import kind_of

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FIGURE = re.compile(r"^[\d,.\s]+$|^[/／—\-－─]+$|^不适用$")


def _refusal(message: str, hint: str, file: str):
    from govreport.core.errors import DataError

    return DataError(message, file=file, hint=hint, code="unreadable-docx-damaged")


def _text(el, br: str = "\n") -> str:
    """The text of a paragraph: runs and tabs; a line break (not a page break) is ``br``."""
    parts = []
    for node in el.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"):
        if _in_fallback(node, el):  # a text box is stored twice (drawing and VML fallback): read it once
            continue
        tag = node.tag
        if tag == f"{_W}t":
            parts.append(node.text or "")
        elif tag == f"{_W}tab":
            parts.append(" ")
        elif node.get(f"{_W}type") != "page":
            parts.append(br)
    return "".join(parts)


_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _in_fallback(node, stop) -> bool:
    p = node.getparent()
    while p is not None and p is not stop:
        if p.tag == _FALLBACK:
            return True
        p = p.getparent()
    return False


def _cell_text(tc) -> str:
    """A cell's paragraphs and line breaks joined without a break (vertical header text is one word)."""
    return "".join(_text(p, "") for p in tc.iter(f"{_W}p"))


def _body(el):
    """The body's paragraphs and tables in order, through content controls and custom XML wrappers."""
    for child in el.iterchildren():
        if child.tag == f"{_W}tbl" and child.find(f".//{_W}tbl") is not None:
            # a layout table holding tables (a whole report set in a frame): its cells' contents, in order
            for tr in child.iterchildren(f"{_W}tr"):
                for tc in tr.iterchildren(f"{_W}tc"):
                    yield from _body(tc)
        elif child.tag in (f"{_W}p", f"{_W}tbl"):
            yield child
        elif child.tag in (f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml"):
            yield from _body(child)


def _val(el, path: str) -> str | None:
    node = el.find(path)
    return None if node is None else node.get(f"{_W}val", "")


def read_docx(raw: bytes, file: str) -> Page:
    """A Word document as a :class:`Page`: paragraphs as lines, tables (with their continuations) as grids."""
    body, numbering = _open(raw, file)
    items = _body_items(body, numbering)
    groups, order = _group_tables(items)
    placers = _placers(groups)
    page = Page("", [], kind="docx")
    lines, places = _lines_and_grids(order, placers, file, page)
    page.plain = "\n".join(lines)
    page.plain_lines = list(range(1, len(lines) + 1))
    page.places = [p if p else {"kind": "docx"} for p in places]
    return page


def _open(raw: bytes, file: str):
    """The document's body element and its list numbering; a Chinese refusal if the file is damaged."""
    import docx
    from lxml import etree

    try:
        document = docx.Document(io.BytesIO(raw))
        body = document.element.body
        numbering = _Numbering(document)
    except (KeyError, ValueError, OSError, etree.XMLSyntaxError) as exc:
        raise _refusal(f"Word 文档已损坏，无法打开（{type(exc).__name__}）",
                       "用 Word 或 WPS 打开后重新“另存为” .docx 或 PDF，再读取另存的文件", file) from None
    return body, numbering


def _body_items(body, numbering: _Numbering) -> list[tuple[str, object]]:
    """The body in order: ``("p", (paragraph number, text))`` and ``("t", (table number, tbl element))``."""
    items: list[tuple[str, object]] = []
    para = 0
    n_table = 0
    for el in _body(body):
        if el.tag == f"{_W}p":
            para += 1
            text = "\n".join(t for t in (line.strip() for line in _text(el).split("\n")) if t)
            if text:
                text = numbering.label(el) + text
            items.append(("p", (para, text)))
        elif el.tag == f"{_W}tbl":
            n_table += 1
            items.append(("t", (n_table, el)))
    return items


def _group_tables(items: list[tuple[str, object]]) -> tuple[list[list[tuple[int, object]]], list[tuple[str, object]]]:
    """Tables grouped with their continuations (a 续表 line dropped); the order of paragraphs and groups."""
    groups: list[list[tuple[int, object]]] = []
    order: list[tuple[str, object]] = []
    last_table_at: int | None = None
    for kind, payload in items:
        if kind == "p":
            _, text = payload  # type: ignore[misc]
            if text and last_table_at is not None and CONTINUED.match(text):
                continue  # 续表: the table goes on below
            if text:
                last_table_at = None
            order.append((kind, payload))
            continue
        n, tbl = payload  # type: ignore[misc]
        if last_table_at is not None and _width(tbl) == _width(groups[last_table_at][0][1]) \
                and _is_continuation(groups[last_table_at], tbl):
            groups[last_table_at].append((n, tbl))
            continue
        groups.append([(n, tbl)])
        last_table_at = len(groups) - 1
        order.append(("t", last_table_at))
    return groups, order


def _placers(groups: list[list[tuple[int, object]]]) -> list[Placer]:
    """One placed grid per table group, every cell's text normalised in one call."""
    raw_cells: list[tuple[Cell, str]] = []
    placers = [_place(group, raw_cells) for group in groups]
    norm = normalize_texts([t for _, t in raw_cells])
    for (cell, _), text in zip(raw_cells, norm, strict=True):
        cell.text = text
    return placers


def _lines_and_grids(order: list[tuple[str, object]], placers: list[Placer], file: str,
                     page: Page) -> tuple[list[str], list[dict]]:
    """The text lines and their places; data tables numbered and added to ``page``, layout tables as text."""
    lines: list[str] = []
    places: list[dict] = []
    index = 0
    for kind, payload in order:
        if kind == "p":
            n, text = payload  # type: ignore[misc]
            for line in text.split("\n") if text else ():
                lines.append(line)
                places.append({"para": n})
            continue
        grid = placers[payload].grid(0, file)  # type: ignore[index]
        k = kind_of(grid)
        if k is None and (grid.n_cols <= 1 or any(len(c.text) > 60 for c in grid.cells())):
            for text in _layout_lines(grid):  # a layout table: its text is prose
                lines.append(text)
                places.append({})
            continue
        index += 1
        grid.index = index
        lines.append(f"［表格{index}］")
        places.append({})
        if k is None:
            page.unrecognised.append(grid)
        else:
            page.grids.append((grid, k))
    return lines, places


def _layout_lines(grid: Grid) -> list[str]:
    """A layout table's rows as lines: each row's distinct non-empty cell texts joined by a space."""
    out: list[str] = []
    for row in grid.rows:
        texts: list[str] = []
        for c in row:
            if c is not None and c.text and c.text not in texts:
                texts.append(c.text)
        if texts:
            out.append(" ".join(texts))
    return out


def _width(tbl) -> int:
    grid = tbl.find(f"{_W}tblGrid")
    n = len(grid.findall(f"{_W}gridCol")) if grid is not None else 0
    if n:
        return n
    return max((sum(int(_val(tc, f"{_W}tcPr/{_W}gridSpan") or 1) for tc in tr.findall(f"{_W}tc"))
                for tr in tbl.findall(f"{_W}tr")), default=0)


def _is_continuation(group: list[tuple[int, object]], tbl) -> bool:
    """The next table continues the group unless it is an official table of another kind by itself."""
    sink: list[tuple[Cell, str]] = []
    first = _place(group, sink).grid(0, "")
    for cell, text in sink:
        cell.text = text
    sink2: list[tuple[Cell, str]] = []
    nxt = _place([(0, tbl)], sink2).grid(0, "")
    for cell, text in sink2:
        cell.text = text
    k = kind_of(nxt)
    return k is None or k == kind_of(first)


def _place(group: list[tuple[int, object]], sink: list[tuple[Cell, str]]) -> Placer:
    """Place the rows of one table (and its continuations) on one grid."""
    p = Placer()
    r = 0
    above: dict[int, tuple[Cell, int]] = {}  # grid column -> (cell, colspan) of the cell ending above
    for t_i, (n, tbl) in enumerate(group):
        seam = t_i > 0
        rows = tbl.findall(f"{_W}tr")  # type: ignore[attr-defined]
        for row_no, tr in enumerate(rows, start=1):
            c = int(_val(tr, f"{_W}trPr/{_W}gridBefore") or 0)
            current: dict[int, tuple[Cell, int]] = {}
            figures_left = True
            last: tuple[int, Cell, int] | None = None  # (grid column, cell, span) placed last in this row
            for cell_no, tc in enumerate(tr.findall(f"{_W}tc"), start=1):
                span = max(1, int(_val(tc, f"{_W}tcPr/{_W}gridSpan") or 1))
                vmerge = _val(tc, f"{_W}tcPr/{_W}vMerge")
                hmerge = _val(tc, f"{_W}tcPr/{_W}hMerge")
                if hmerge is not None and hmerge != "restart" and last is not None:
                    # legacy horizontal merge: the cell to the left goes on over these columns
                    lc, lcell, lspan = last
                    p.extend_down(lcell, r, c, span)
                    current[lc] = (lcell, lspan + span)
                    last = (lc, lcell, lspan + span)
                    c += span
                    continue
                text = _cell_text(tc).strip()
                if figures_left and _FIGURE.match(text):
                    figures_left = False
                up = above.get(c)
                continued = vmerge is not None and vmerge != "restart" and up is not None and up[1] == span
                # the top row of a continued table: an empty label cell is the label cell above, continued
                if seam and row_no == 1 and not text and figures_left and up is not None and up[1] == span \
                        and up[0].origin is not None and up[0].origin[0] != n:
                    continued = True
                if continued:
                    cell = up[0]  # type: ignore[index]
                    p.extend_down(cell, r, c, span)
                else:
                    cell = Cell("", 0, 0, 0, origin=(n, row_no, cell_no))
                    sink.append((cell, text))
                    p.put(cell, r, c, 1, span)
                current[c] = (cell, span)
                last = (c, cell, span)
                c += span
            above = current
            r += 1
    return p


# ----------------------------------------------------------------------------------- list numbering

def _format(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "ideographTraditional", "taiwaneseCounting",
               "japaneseCounting", "taiwaneseCountingThousand"):
        return chinese(n)
    if fmt == "chineseLegalSimplified":
        return chinese(n, legal=True)
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)
    if fmt in ("lowerLetter", "upperLetter"):
        c = chr(ord("a") + (n - 1) % 26)
        return c.upper() if fmt == "upperLetter" else c
    if fmt in ("lowerRoman", "upperRoman"):
        vals = ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
        out, k = "", n
        for v, r in vals:
            while k >= v:
                out, k = out + r, k - v
        return out.upper() if fmt == "upperRoman" else out
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(d) + 0xFEE0) for d in str(n))
    return str(n)


class _Numbering:
    """Word's automatic list numbering (一、（一）1. …) written out, as the reader of the page sees it."""

    def __init__(self, document) -> None:
        self.levels: dict[str, dict[int, tuple[int, str, str]]] = {}  # numId -> ilvl -> (start, fmt, text)
        self.abstract_of: dict[str, str] = {}
        self.counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[int, tuple[int, str, str]]] = {}
        for an in root.findall(f"{_W}abstractNum"):
            lv = {}
            for lvl in an.findall(f"{_W}lvl"):
                ilvl = int(lvl.get(f"{_W}ilvl", "0"))
                start = int(_val(lvl, f"{_W}start") or 1)
                lv[ilvl] = (start, _val(lvl, f"{_W}numFmt") or "decimal", _val(lvl, f"{_W}lvlText") or "")
            abstract[an.get(f"{_W}abstractNumId", "")] = lv
        for num in root.findall(f"{_W}num"):
            aid = _val(num, f"{_W}abstractNumId") or ""
            nid = num.get(f"{_W}numId", "")
            self.abstract_of[nid] = aid
            self.levels[nid] = dict(abstract.get(aid, {}))

    def label(self, p) -> str:
        num_pr = p.find(f"{_W}pPr/{_W}numPr")
        if num_pr is None or not self.levels:
            return ""
        nid = _val(num_pr, f"{_W}numId") or ""
        ilvl = int(_val(num_pr, f"{_W}ilvl") or 0)
        levels = self.levels.get(nid)
        if not levels or ilvl not in levels:
            return ""
        start, fmt, text = levels[ilvl]
        if fmt in ("bullet", "none") or not text:
            return ""
        counters = self.counters.setdefault(self.abstract_of.get(nid, nid), {})
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]

        def part(m) -> str:
            k = int(m.group(1)) - 1
            if k not in levels:
                return ""
            return _format(counters.get(k, levels[k][0]), levels[k][1])

        return re.sub(r"%(\d)", part, text)
