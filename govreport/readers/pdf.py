"""A PDF report (with a text layer) as report text plus table grids, through pdfplumber.

Tables are found from the ruling lines (pdfplumber's default strategy); each table's **cell boxes** (not
its row/column guesses) become a :class:`~govreport.readers.grid.Grid`, so merged cells keep their spans.
Characters are assigned to the cell whose box holds their centre; the lines of a cell are joined without
a break, so vertical header text (one character per line) reads as one word.

* A found "table" is cut into cores: runs of rows with two or more cells. Rows of one full-width cell
  (a page frame, a box drawn around prose, a heading between two tables) are prose; only the
  ``第二十条第（X）项`` sub-titles between two parts of 表二 stay in the table. A core that is no official
  table and has one column or long prose cells is prose too.
* A table that ends a page and a table that starts the next page (under at most a 续表 line) with the same
  outer edges and without a header of its own are one table: the boxes of the second are stacked under
  the first; a merged label cell cut by the page break (one half empty) is one cell again, so is a row
  cut by it; a header repeated on the new page is dropped. Cells left open at the cut (no rule under the
  last row) are closed where the vertical rules end.
* The prose is the text outside the tables in reading order (top to bottom), one line per paragraph:
  lines broken by the page width are joined back (without a space between Chinese characters); page
  numbers and running heads/feet are dropped; the lines of the title are joined. Radical and
  compatibility code points some fonts map their glyphs to (⻔ for 门) are the ideographs they stand for.

Refusals (:class:`~govreport.core.errors.DataError`, Chinese message and fix): no text layer (a scan; OCR is
not attempted), a password, a damaged or truncated file. Pages without text in an otherwise readable
PDF are listed as not read.
"""

from __future__ import annotations

import io
import re
import statistics
from dataclasses import dataclass, field

from govreport.readers.grid import CONTINUED, Box, Grid, from_boxes, normalize_texts
from govreport.readers.html import Page
from govreport.readers.source import NotRead, Source
from govreport.readers.tables import kind_of

_INTERNAL_ROW = re.compile(r"第二十条|^$")
_PAGE_NUMBER = re.compile(
    r"^[-—–－\s]*\d{1,4}[-—–－\s]*$|^第\s*\d+\s*页(?:\s*[，,/]?\s*共\s*\d+\s*页)?$|^\d+\s*/\s*\d+$"
    r"|^[-—–－\s]*[IVXLivxl]+[-—–－\s]*$"
)
_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十]+[章节部分])"
)
_NUMERIC = re.compile(r"^[\d,.\s]+$")
_ASCII = re.compile(r"[A-Za-z0-9]")
_TOL = 3.0
# CJK Radicals Supplement forms some PDF fonts map their glyphs to (门 as ⻔); Kangxi radicals and
# compatibility ideographs are mapped by NFKC (see _unradical).
_RADICALS = dict(zip(
    "⺠⻄⻅⻆⻉⻊⻋⻑⻓⻔⻗⻘⻙⻚⻛⻜⻝⻢⻣⻤⻥⻦⻧⻨⻩⻪⻬⻮⻰⻳⺟⺝⼾",
    "民西见角贝足车長长门雨青韦页风飞食马骨鬼鱼鸟卤麦黄黾齐齿龙龟母月户", strict=True))


@dataclass(slots=True)
class _Line:
    page: int
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    text: str


@dataclass(slots=True)
class _Core:
    """A table core on one page, later possibly with continuations from the next pages."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    boxes: list[Box] = field(default_factory=list)
    raw: list[str] = field(default_factory=list)
    index: int = 0
    kind: str | None = None
    grid: Grid | None = None


def _refusal(message: str, hint: str, code: str, file: str):
    from govreport.core.errors import DataError

    return DataError(message, file=file, hint=hint, code=f"unreadable-{code}")


def _open(raw: bytes, file: str):
    import pdfplumber

    if b"%%EOF" not in raw[-2048:]:
        raise _refusal("PDF 文件不完整（缺少文件结尾，可能下载中断或被截断）",
                       "重新下载完整的 PDF 文件后再读取", "pdf-truncated", file)
    try:
        pdf = pdfplumber.open(io.BytesIO(raw))
        _ = pdf.pages  # parses the page tree: damage shows here
        return pdf
    except Exception as exc:  # pdfminer raises many types for damaged files; all mean the same to the user
        chain = []
        e: BaseException | None = exc
        while e is not None:
            chain.append(f"{type(e).__name__} {e}")
            e = e.__cause__ or e.__context__
        text = " ".join(chain).lower()
        if "password" in text or "encrypt" in text:
            raise _refusal("PDF 文件设有打开密码（已加密），无法读取",
                           "向机关索取未加密的版本，或用密码打开后“另存为”不加密的 PDF", "pdf-password", file) from None
        raise _refusal("PDF 文件已损坏，无法解析", "重新下载该文件，或用 PDF 阅读器打开后“另存为”新的 PDF",
                       "pdf-damaged", file) from None


def read_pdf(raw: bytes, file: str) -> Page:
    """Read a PDF report; raises :class:`~govreport.core.errors.DataError` for the files it refuses."""
    pdf = _open(raw, file)
    try:
        return _read(pdf, file)
    except Exception as exc:
        from govreport.core.errors import GovreportError

        if isinstance(exc, GovreportError):
            raise
        raise _refusal(f"PDF 文件内容损坏，无法解析（{type(exc).__name__}）",
                       "重新下载该文件，或用 PDF 阅读器打开后“另存为”新的 PDF", "pdf-damaged", file) from None
    finally:
        pdf.close()


@dataclass(slots=True)
class _Pages:
    """A PDF's pages before their tables are stitched: lines and table cores per page, and glyph counts."""

    lines: list[list[_Line]] = field(default_factory=list)
    cores: list[list[_Core]] = field(default_factory=list)
    image_pages: list[int] = field(default_factory=list)
    heights: list[float] = field(default_factory=list)
    n_chars: int = 0
    cid: int = 0


def _read(pdf, file: str) -> Page:
    """An open PDF as a :class:`Page`: prose and tables in reading order, image-only pages as not read."""
    pages = _pages(pdf)
    _check_text_layer(pages, file)
    pages_lines = pages.lines
    _drop_running(pages_lines, pages.heights)
    kept = _recognised_tables(_stitch(pages.cores, pages_lines), pages_lines, file)
    for lines in pages_lines:
        lines.sort(key=lambda ln: (round(ln.top), ln.x0))
    page_out = Page("", [], kind="pdf")
    blocks = _reading_order(pages_lines, kept, page_out)
    plain, places = _plain_text(blocks, pages_lines)
    page_out.plain = "\n".join(plain)
    page_out.plain_lines = list(range(1, len(plain) + 1))
    page_out.places = places
    for p in pages.image_pages:
        page_out.not_read.append(NotRead(f"第{p}页", "该页只有图片，没有文字层（扫描页），未读取；本工具不做文字识别",
                                         Source(file=file, line=0, text="", page=p)))
    return page_out


def _pages(pdf) -> _Pages:
    """Each page's characters split into table cores and the lines outside them, with the glyph counts."""
    pages = _Pages()
    import logging

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # font warnings of well-formed files are noise
    for pno, page in enumerate(pdf.pages, start=1):
        chars = _page_chars(page)
        pages.heights.append(float(page.height))
        pages.n_chars += len(chars)
        # glyphs without a character: (cid:N) or private-use code points (fonts without a Unicode map)
        pages.cid += sum(1 for c in chars if c["text"].startswith("(cid:") or "\ue000" <= c["text"][0] <= "\uf8ff")
        if not chars:
            if page.images:
                pages.image_pages.append(pno)
            pages.lines.append([])
            pages.cores.append([])
            continue
        page_cores, inside = _cores(page, pno, chars)
        pages.cores.append(page_cores)
        pages.lines.append(_lines([c for c, used in zip(chars, inside, strict=True) if not used], pno))
    return pages


def _page_chars(page) -> list[dict]:
    """A page's non-blank characters, radical and compatibility forms replaced by their ideographs."""
    chars = [c for c in page.chars if c["text"].strip()]
    for c in chars:
        t = c["text"]
        if t > "\u2e7f" and (t < "\u3000" or "\uf900" <= t < "\ufe50" or t >= "\U0002f800"):
            c["text"] = _unradical(t)
    return chars


def _check_text_layer(pages: _Pages, file: str) -> None:
    """Refuses a PDF without a text layer, or one whose text layer cannot be decoded."""
    if pages.n_chars == 0:
        raise _refusal("PDF 没有文字层（是扫描件或图片），无法读取；本工具不做文字识别（OCR）",
                       "向机关索取带文字层的 PDF 或 Word（.docx）版本，或先用 OCR 软件转成可复制文字的 PDF",
                       "pdf-scanned", file)
    if pages.cid > pages.n_chars / 2:
        raise _refusal("PDF 的文字层无法解码（字体缺少字符映射，提取出的是乱码）",
                       "向机关索取 Word（.docx）或网页版本，或用 PDF 阅读器“另存为”文本后读取", "pdf-no-unicode", file)


def _recognised_tables(tables: list[_Core], pages_lines: list[list[_Line]], file: str) -> list[_Core]:
    """The tables kept as tables (their grids built); a one-column or long-text layout table becomes lines."""
    # one normalisation call for every cell of the document
    all_raw = [t for core in tables for t in core.raw]
    norm = normalize_texts(all_raw)
    at = 0
    kept: list[_Core] = []
    for core in tables:
        texts = norm[at:at + len(core.raw)]
        at += len(core.raw)
        core.grid = from_boxes(core.boxes, 0, file, texts)
        core.kind = kind_of(core.grid)
        long_text = any(len(c.text) > 60 for c in core.grid.cells())
        if core.kind is None and (core.grid.n_cols <= 1 or long_text):
            # layout: its text is prose, one line per cell (a cell's wrapped lines joined), row by row
            for b, t in sorted(zip(core.boxes, core.raw, strict=True), key=lambda bt: (bt[0].top, bt[0].x0)):
                if t:
                    pages_lines[b.page - 1].append(_Line(b.page, b.page_box[1], b.page_box[3], b.page_box[0],
                                                         b.page_box[2], 0.0, t))
            continue
        kept.append(core)
    return kept


def _reading_order(pages_lines: list[list[_Line]], kept: list[_Core],
                   page_out: Page) -> list[tuple[int, float, object]]:
    """Lines and tables sorted by page and position; the tables numbered and added to ``page_out``."""
    blocks: list[tuple[int, float, object]] = []
    for lines in pages_lines:
        blocks.extend((ln.page, ln.top, ln) for ln in lines)
    for n, core in enumerate(kept, start=1):
        core.index = n
        assert core.grid is not None
        core.grid.index = n
        blocks.append((core.page, core.top, core))
        if core.kind is None:
            page_out.unrecognised.append(core.grid)
        else:
            page_out.grids.append((core.grid, core.kind))
    blocks.sort(key=lambda b: (b[0], b[1], 0 if isinstance(b[2], _Core) else 1))
    return blocks


def _plain_text(blocks: list[tuple[int, float, object]],
                pages_lines: list[list[_Line]]) -> tuple[list[str], list[dict]]:
    """The text lines (a paragraph's wrapped lines joined, a table as its marker) and each one's page."""
    plain: list[str] = []
    places: list[dict] = []
    margins = [_margins(lines) for lines in pages_lines]
    body = _body_size(pages_lines)
    prev: _Line | None = None
    for _, _, item in blocks:
        if isinstance(item, _Core):
            plain.append(f"［表格{item.index}］")
            places.append({"page": item.page})
            prev = None
            continue
        assert isinstance(item, _Line)
        if prev is not None and _continues(prev, item, margins, body):
            plain[-1] = _join(plain[-1], item.text)
        else:
            plain.append(item.text)
            places.append({"page": item.page})
        prev = item
    return plain, places


# ------------------------------------------------------------------------------------------ tables


_UNRADICAL: dict[int, str] = {}


def _unradical(text: str) -> str:
    """Radical and compatibility code points some PDF fonts emit, as the ideographs they stand for."""
    if not _UNRADICAL:
        import unicodedata

        for lo, hi in ((0x2F00, 0x2FD6), (0xF900, 0xFADA), (0x2F800, 0x2FA1E), (0xFE10, 0xFE1A), (0xFE30, 0xFE50)):
            for cp in range(lo, hi):
                n = unicodedata.normalize("NFKC", chr(cp))
                if n != chr(cp):
                    _UNRADICAL[cp] = n
        _UNRADICAL.update({ord(k): v for k, v in _RADICALS.items()})
    return text.translate(_UNRADICAL)


def _cell_text(chars: list[dict]) -> str:
    """The text of one cell: its lines top to bottom, joined without a break (vertical text included)."""
    if not chars:
        return ""
    out: list[str] = []
    for line in _group_lines(chars):
        out.append(_line_text(line))
    text = ""
    for part in out:
        text = _join(text, part) if text else part
    return text


def _settings(page) -> dict:
    """Table finding with the ruling lines closed at the top and bottom of each group of vertical rules.

    A table cut by a page break often has its cells open at the cut (no rule under the last row, none over
    the first row of the next page); a horizontal line where the vertical rules start and end closes them.
    """
    spans = sorted((float(e["top"]), float(e["bottom"])) for e in page.edges
                   if e["orientation"] == "v" and e["bottom"] - e["top"] > 5)
    groups: list[list[float]] = []
    for top, bottom in spans:
        if groups and top <= groups[-1][1] + 1:
            groups[-1][1] = max(groups[-1][1], bottom)
        else:
            groups.append([top, bottom])
    lines = sorted({round(v, 2) for g in groups for v in g})
    return {"explicit_horizontal_lines": lines} if lines else {}


def _cores(page, pno: int, chars: list[dict]) -> tuple[list[_Core], list[bool]]:
    """The table cores of a page, and for each char whether it lies inside one of them."""
    inside = [False] * len(chars)
    out: list[_Core] = []
    for table in page.find_tables(_settings(page)):
        boxes = [tuple(map(float, c)) for c in table.cells]
        if len(boxes) < 2:
            continue
        # chars to boxes (centre inside; the smallest box wins)
        x0, top, x1, bottom = map(float, table.bbox)
        members: list[list[int]] = [[] for _ in boxes]
        order = sorted(range(len(boxes)), key=lambda i: (boxes[i][2] - boxes[i][0]) * (boxes[i][3] - boxes[i][1]))
        for ci, ch in enumerate(chars):
            cx = (ch["x0"] + ch["x1"]) / 2
            cy = (ch["top"] + ch["bottom"]) / 2
            if not (x0 - 1 <= cx <= x1 + 1 and top - 1 <= cy <= bottom + 1):
                continue
            for bi in order:
                b = boxes[bi]
                if b[0] <= cx <= b[2] and b[1] <= cy <= b[3]:
                    members[bi].append(ci)
                    break
        raw = [_cell_text([chars[i] for i in m]) for m in members]
        pboxes = [Box(b[0], b[1], b[2], b[3], t, pno, b) for b, t in zip(boxes, raw, strict=True)]
        grid = from_boxes(pboxes, 0, "", raw)
        for rows in _core_rows(grid):
            sel = sorted({c.ref for r in rows for c in grid.rows[r] if c is not None})
            if not sel:
                continue
            core = _Core(pno, min(pboxes[i].x0 for i in sel), min(pboxes[i].top for i in sel),
                         max(pboxes[i].x1 for i in sel), max(pboxes[i].bottom for i in sel))
            core.boxes = [pboxes[i] for i in sel]
            core.raw = [raw[i] for i in sel]
            for ci, ch in enumerate(chars):  # text in the core's area without a box of its own is not prose
                if not inside[ci] and core.x0 <= (ch["x0"] + ch["x1"]) / 2 <= core.x1 \
                        and core.top <= (ch["top"] + ch["bottom"]) / 2 <= core.bottom:
                    inside[ci] = True
            out.append(core)
    return out, inside


def _core_rows(grid: Grid) -> list[list[int]]:
    """Runs of grid rows that form tables.

    A row of one cell spanning the whole width is prose (a frame line, a heading between tables) unless
    it is a 表二 sub-title (``第二十条第（X）项``) or empty and followed by more table rows, or ends the
    found table after table rows; every other row (two or more cells, or a cell with gaps beside it)
    belongs to the table.
    """
    runs: list[list[int]] = []
    current: list[int] = []
    pending: list[int] = []
    width = grid.n_cols
    for r, row in enumerate(grid.rows):
        distinct = {id(c) for c in row if c is not None}
        full = len(distinct) == 1 and all(c is not None for c in row) and len(row) == width
        if not full and distinct:
            current.extend(pending)
            pending = []
            current.append(r)
            continue
        cell = next((c for c in row if c is not None), None)
        if cell is not None and _INTERNAL_ROW.search(cell.text):
            pending.append(r)
            continue
        if current:
            runs.append(current)
        current, pending = [], []
    if current:
        runs.append(current + [r for r in pending if grid.rows[r][0] is not None and grid.rows[r][0].text])
    return runs


def _stitch(cores: list[list[_Core]], pages_lines: list[list[_Line]]) -> list[_Core]:
    """Join tables continued on the next page; the tables of the document in order."""
    out: list[_Core] = []
    carry: _Core | None = None  # the table that ends the previous page (no text below it)
    for p, page_cores in enumerate(cores):
        target: _Core | None = None
        for i, core in enumerate(page_cores):
            if (i == 0 and carry is not None and _first_on_page(core, pages_lines[p])
                    and abs(carry.x0 - core.x0) <= _TOL and abs(carry.x1 - core.x1) <= _TOL
                    and _continues_table(carry, core)):
                _append(carry, core)
                pages_lines[p] = [ln for ln in pages_lines[p]
                                  if not (ln.bottom <= core.top and CONTINUED.match(ln.text))]
                target = carry
            else:
                out.append(core)
                target = core
        last = page_cores[-1] if page_cores else None
        carry = target if last is not None and all(ln.top < last.bottom for ln in pages_lines[p]) else None
    return out


def _first_on_page(core: _Core, lines: list[_Line]) -> bool:
    """Nothing but a 续表 line above the table on its page."""
    return all(ln.bottom > core.top or CONTINUED.match(ln.text) for ln in lines)


def _continues_table(prev: _Core, core: _Core) -> bool:
    """A continuation is no official table by itself, or the same one (a repeated header, 表二's next item)."""
    if _repeated_header(prev, core):
        return True
    kind = kind_of(from_boxes(core.boxes, 0, "", core.raw))
    return kind is None or kind == kind_of(from_boxes(prev.boxes, 0, "", prev.raw))


def _repeated_header(prev: _Core, core: _Core) -> list[int]:
    """The boxes of ``core`` that repeat ``prev``'s header (every box above its first figure, when each of
    them is a header box of ``prev`` with the same text and the same columns); empty when not repeated."""
    head_prev = _header_bottom(prev)
    header = {(t, round(b.x0), round(b.x1)) for b, t in zip(prev.boxes, prev.raw, strict=True)
              if t and b.bottom <= head_prev + _TOL}
    head = _header_bottom(core)
    above = [i for i, b in enumerate(core.boxes) if b.bottom <= head + _TOL]
    named = [i for i in above if core.raw[i]]
    if not header or not named:
        return []
    ok = all((core.raw[i], round(core.boxes[i].x0), round(core.boxes[i].x1)) in header for i in named)
    return above if ok else []


def _append(prev: _Core, core: _Core) -> None:
    """Stack ``core``'s boxes under ``prev``'s (a repeated header dropped, cut label cells merged)."""
    drop = set(_repeated_header(prev, core))
    boxes = [b for i, b in enumerate(core.boxes) if i not in drop]
    raw = [t for i, t in enumerate(core.raw) if i not in drop]
    if not boxes:
        return
    top = min(b.top for b in boxes)
    shift = prev.bottom - top
    label_x = min((b.x0 for b, t in zip(prev.boxes, prev.raw, strict=True) if _NUMERIC.match(t)), default=prev.x1)
    lowest = [i for i, b in enumerate(prev.boxes) if abs(b.bottom - prev.bottom) <= _TOL]

    def above(b: Box) -> int | None:
        return next((i for i in lowest
                     if abs(prev.boxes[i].x0 - b.x0) <= _TOL and abs(prev.boxes[i].x1 - b.x1) <= _TOL), None)

    split = _split_row(prev, boxes, raw, top, label_x, above)
    for b, t in zip(boxes, raw, strict=True):
        moved = Box(b.x0, b.top + shift, b.x1, b.bottom + shift, t, b.page, b.page_box)
        if split and abs(b.top - top) <= _TOL:  # one row cut by the page break: its halves joined cell by cell
            j = above(b)
            assert j is not None
            up = prev.boxes[j]
            upper = bool(prev.raw[j])
            prev.boxes[j] = Box(up.x0, up.top, up.x1, moved.bottom, prev.raw[j] + t,
                                up.page if upper else b.page, up.page_box if upper else b.page_box)
            prev.raw[j] = prev.raw[j] + t
            continue
        j = above(b) if abs(b.top - top) <= _TOL and b.x1 <= label_x + _TOL else None
        if j is not None and (prev.raw[j] == "") != (t == ""):
            up = prev.boxes[j]
            keep_lower = prev.raw[j] == ""
            prev.boxes[j] = Box(up.x0, up.top, up.x1, moved.bottom, t if keep_lower else prev.raw[j],
                                b.page if keep_lower else up.page, b.page_box if keep_lower else up.page_box)
            if keep_lower:
                prev.raw[j] = t
            continue
        prev.boxes.append(moved)
        prev.raw.append(t)
    prev.bottom = max(b.bottom for b in prev.boxes)


_NUMBERED = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．])")


def _split_row(prev: _Core, boxes: list[Box], raw: list[str], top: float, label_x: float, above) -> bool:
    """Whether the first row of a continuation is the rest of the row that ends the page above.

    Word lets a row break across pages: the label's text goes on below and each figure is printed on one
    side only. Taken as one row when every cell of the first row below has its cell above (the same
    columns), no figure column has text on both sides, and the row's own label (the cell next to the
    figures) goes on below without a numbering of its own — neither half being a whole label of 表二 or
    表三 — or is empty below while figures are there.
    """
    from govreport.readers.labels import label_key, t2_row_keys, t3_row_keys

    first = [i for i, b in enumerate(boxes) if abs(b.top - top) <= _TOL]
    pairs = [(i, above(boxes[i])) for i in first]
    if not pairs or any(j is None for _, j in pairs):
        return False
    figures_below = False
    own: tuple[str, str] | None = None
    for i, j in pairs:
        b, up, down = boxes[i], prev.raw[j], raw[i]
        if b.x0 >= label_x - _TOL:
            if up and down:
                return False
            figures_below = figures_below or bool(down)
        elif abs(b.x1 - label_x) <= _TOL:
            own = (up, down)
    if own is None or not own[0]:
        return False
    up, down = own
    if not down:
        return figures_below
    known = set(t3_row_keys()) | set(t2_row_keys())
    return not _NUMBERED.match(down) and label_key(up) not in known and label_key(down) not in known


def _header_bottom(core: _Core) -> float:
    """Bottom of the header rows: the top of the first row holding a figure."""
    tops = [b.top for b, t in zip(core.boxes, core.raw, strict=True) if _NUMERIC.match(t)]
    return min(tops) if tops else core.top


# ------------------------------------------------------------------------------------------- prose


def _group_lines(chars: list[dict]) -> list[list[dict]]:
    """Chars grouped into lines (by vertical overlap), each line left to right, lines top to bottom."""
    lines: list[list[dict]] = []
    spans: list[tuple[float, float]] = []
    for ch in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        mid = (ch["top"] + ch["bottom"]) / 2
        if spans and spans[-1][0] <= mid <= spans[-1][1]:
            lines[-1].append(ch)
            continue
        lines.append([ch])
        spans.append((ch["top"], ch["bottom"]))
    for line in lines:
        line.sort(key=lambda c: c["x0"])
    return lines


def _line_text(line: list[dict]) -> str:
    out = []
    prev = None
    for ch in line:
        t = ch["text"]
        if prev is not None:
            gap = ch["x0"] - prev["x1"]
            if gap > 0.25 * float(ch.get("size") or 10) and _ASCII.match(prev["text"][-1]) and _ASCII.match(t[0]):
                out.append(" ")
        out.append(t)
        prev = ch
    return "".join(out).strip()


def _lines(chars: list[dict], pno: int) -> list[_Line]:
    out = []
    for line in _group_lines(chars):
        text = _line_text(line)
        if not text:
            continue
        size = statistics.median(float(c.get("size") or 0) for c in line)
        out.append(_Line(pno, min(c["top"] for c in line), max(c["bottom"] for c in line), line[0]["x0"],
                         line[-1]["x1"], size, text))
    return out


def _drop_running(pages_lines: list[list[_Line]], heights: list[float]) -> None:
    """Drop page numbers and running heads/feet (the same text near the same edge on several pages)."""
    edge: dict[str, int] = {}
    for lines, h in zip(pages_lines, heights, strict=True):
        for ln in lines:
            if ln.top < 0.1 * h or ln.bottom > 0.9 * h:
                edge[ln.text] = edge.get(ln.text, 0) + 1
    repeated = {t for t, n in edge.items() if n >= 3 or (n >= 2 and len(pages_lines) <= 3)}
    for i, (lines, h) in enumerate(zip(pages_lines, heights, strict=True)):
        pages_lines[i] = [ln for ln in lines if not (
            (ln.top < 0.1 * h or ln.bottom > 0.9 * h) and (_PAGE_NUMBER.match(ln.text) or ln.text in repeated))]


def _margins(lines: list[_Line]) -> tuple[float, float]:
    if not lines:
        return 0.0, 0.0
    lefts = sorted(round(ln.x0) for ln in lines)
    left = statistics.mode(lefts)
    right = max(ln.x1 for ln in lines)
    return float(left), float(right)


def _body_size(pages_lines: list[list[_Line]]) -> float:
    sizes = [round(ln.size) for lines in pages_lines for ln in lines if ln.size]
    return float(statistics.mode(sizes)) if sizes else 12.0


def _continues(prev: _Line, line: _Line, margins: list[tuple[float, float]], body: float) -> bool:
    """Whether ``line`` continues the paragraph of ``prev`` (a line broken by the page width)."""
    if prev.size > body * 1.15 and line.size > body * 1.15:  # the lines of the title
        return abs(prev.size - line.size) < 1 and (line.page == prev.page and line.top - prev.bottom < prev.size)
    if abs(prev.size - line.size) > 1.5 or not prev.size or not line.size:
        return False
    _, right_p = margins[prev.page - 1]
    left_n, _ = margins[line.page - 1]
    size = line.size
    if line.page == prev.page and line.top - prev.bottom > 1.2 * size:
        return False
    if prev.x1 < right_p - 1.5 * size:  # a short line ends its paragraph
        return False
    if line.x0 > left_n + 1.2 * size:  # an indented line starts one
        return False
    return not _HEADING.match(line.text)


def _join(a: str, b: str) -> str:
    if a and b and a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalnum():
        return f"{a} {b}"
    return a + b
