"""One table model for every input: a grid of cells with spans.

HTML tables (``rowspan``/``colspan``), Word tables (``gridSpan``/``vMerge``) and PDF tables (cell boxes
found from the ruling lines) all become a :class:`Grid`: a rectangle of positions, each holding the
:class:`Cell` that covers it (one object per source cell, repeated over its span) or ``None``. The one
label-based reader (:mod:`.tables`) reads every grid the same way.

Builders:

* :func:`from_spans` — rows of ``(text, rowspan, colspan)`` placed left to right, skipping occupied
  positions (the HTML rule); Word tables are placed by their own grid columns through :class:`Placer`.
* :func:`from_boxes` — cell boxes ``(x0, top, x1, bottom)``: the distinct edges become the grid lines,
  each box spans the grid lines it covers. Boxes of a table continued on the next page are stacked
  below the first page's (see :func:`stitch_boxes`), so a table split across pages is one grid.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from govreport.readers.source import Source

SEP = "\u2063"  # invisible separator: joins cell texts for one normalisation call per table set
#: the line some reports print over the continuation of a table (next page, or the next Word table)
CONTINUED = re.compile(r"^[（(]?(?:续表|续上表|接上表|表[一二三四]?[（(]?续[)）]?)[)）]?[一二三四0-9]?[：:]?.{0,20}$")


@dataclass(eq=False, slots=True)
class Cell:
    """One source cell. ``row``/``col``: 1-based grid position of its top-left corner.

    ``line``: the source line (HTML) or, for PDF and Word, 0. ``page``/``box``: the PDF page (1-based) and
    the cell's box in PDF points (x0, top, x1, bottom, from the page's top-left). ``origin``: Word's own
    (table, row, cell) numbers, 1-based, counted as Word counts them (merged cells count once).
    """

    text: str  # normalised
    line: int
    row: int
    col: int
    page: int | None = None
    box: tuple[float, float, float, float] | None = None
    origin: tuple[int, int, int] | None = None
    ref: int = -1  # PDF: the index of the cell's box in the list the grid was built from


@dataclass(slots=True)
class Grid:
    index: int  # 1-based number of the table in the document (its ［表格N］ placeholder)
    rows: list[list[Cell | None]]
    file: str
    pages: tuple[int, ...] = ()  # PDF: the pages the table is printed on

    @property
    def n_cols(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def cells(self) -> list[Cell]:
        """Every distinct cell, in reading order."""
        seen: set[int] = set()
        out = []
        for row in self.rows:
            for c in row:
                if c is not None and id(c) not in seen:
                    seen.add(id(c))
                    out.append(c)
        return out

    def text(self) -> str:
        return " ".join(c.text for c in self.cells())

    def source(self, cell: Cell) -> Source:
        if cell.origin is not None:  # Word: the document's own table / row / cell numbers
            t, r, c = cell.origin
            return Source(file=self.file, line=cell.line, text=cell.text, table=t, row=r, col=c, kind="docx")
        return Source(file=self.file, line=cell.line, text=cell.text, table=self.index, row=cell.row, col=cell.col,
                      page=cell.page, box=cell.box)


# ------------------------------------------------------------------------------------------ builders


class Placer:
    """Places cells with explicit positions and spans into a grid (one identity per source cell)."""

    def __init__(self) -> None:
        self.occupied: dict[tuple[int, int], Cell] = {}
        self.n_rows = 0
        self.width = 0

    def put(self, cell: Cell, r: int, c: int, rowspan: int = 1, colspan: int = 1) -> None:
        cell.row, cell.col = r + 1, c + 1
        for dr in range(rowspan):
            for dc in range(colspan):
                self.occupied[(r + dr, c + dc)] = cell
        self.n_rows = max(self.n_rows, r + rowspan)
        self.width = max(self.width, c + colspan)

    def extend_down(self, cell: Cell, r: int, c: int, colspan: int) -> None:
        """Word ``vMerge`` continuation: ``cell`` (placed above) also covers row ``r``."""
        for dc in range(colspan):
            self.occupied[(r, c + dc)] = cell
        self.n_rows = max(self.n_rows, r + 1)
        self.width = max(self.width, c + colspan)

    def grid(self, index: int, file: str, pages: tuple[int, ...] = ()) -> Grid:
        rows = [[self.occupied.get((r, c)) for c in range(self.width)] for r in range(self.n_rows)]
        return Grid(index, rows, file, pages)


def from_spans(rows: Sequence[Sequence[tuple[Cell, int, int]]], index: int, file: str) -> Grid:
    """Rows of ``(cell, rowspan, colspan)`` placed left to right past occupied positions (HTML's rule);
    a rowspan does not reach past the last row."""
    p = Placer()
    n_rows = len(rows)
    for r, row in enumerate(rows):
        c = 0
        for cell, rs, cs in row:
            while (r, c) in p.occupied:
                c += 1
            p.put(cell, r, c, max(1, min(rs, n_rows - r)), cs)
            c += cs
    p.n_rows = max(p.n_rows, n_rows)
    return p.grid(index, file)


@dataclass(slots=True)
class Box:
    """A PDF cell: its box on the stacked pages (``top``/``bottom`` offset by the page) and its text."""

    x0: float
    top: float
    x1: float
    bottom: float
    text: str
    page: int
    page_box: tuple[float, float, float, float]


def _cluster(values: Iterable[float], tol: float) -> list[float]:
    """Sorted representatives of values closer than ``tol`` to each other."""
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tol:
            continue
        out.append(v)
    return out


def _index(lines: list[float], v: float) -> int:
    """The grid line nearest to ``v``."""
    return min(range(len(lines)), key=lambda i: abs(lines[i] - v))


def from_boxes(boxes: Sequence[Box], index: int, file: str, texts: Sequence[str], *, tol: float = 3.0) -> Grid:
    """A grid from cell boxes; ``texts`` are the (normalised) texts of ``boxes``, in the same order."""
    xs = _cluster([v for b in boxes for v in (b.x0, b.x1)], tol)
    ys = _cluster([v for b in boxes for v in (b.top, b.bottom)], tol)
    p = Placer()
    for i in sorted(range(len(boxes)), key=lambda i: (boxes[i].top, boxes[i].x0)):
        b, text = boxes[i], texts[i]
        c0, c1 = _index(xs, b.x0), _index(xs, b.x1)
        r0, r1 = _index(ys, b.top), _index(ys, b.bottom)
        if c1 <= c0 or r1 <= r0:
            continue
        cell = Cell(text, 0, 0, 0, page=b.page, box=tuple(round(v, 1) for v in b.page_box),  # type: ignore[arg-type]
                    ref=i)
        p.put(cell, r0, c0, r1 - r0, c1 - c0)
    pages = tuple(sorted({b.page for b in boxes}))
    return p.grid(index, file, pages)


def normalize_texts(raw: Sequence[str]) -> list[str]:
    """Normalise many cell texts in one call (the same normalisation the prose gets, no spam removal)."""
    from govreport.readers.normalize import normalize

    clean = [t.replace(SEP, " ").replace("\n", " ") for t in raw]
    if not clean:
        return []
    norm = normalize(SEP.join(clean), drop_spam=False).text.split(SEP)
    if len(norm) != len(clean):  # a separator was eaten: one call per cell
        norm = [normalize(t, drop_spam=False).text for t in clean]
    return [t.strip() for t in norm]
