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
* :func:`from_values` — a spreadsheet (the filled-in template, :mod:`.xlsx_sheet`): typed values at
  1-based (row, column) positions, one cell each (a merged range keeps only its top-left value, as Excel
  and CSV give it). Such a grid is read by position as Excel numbers it (:meth:`Grid.value`,
  :meth:`Grid.text_at`, :meth:`Grid.row_values`), and :meth:`Grid.error` names the sheet and cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from govreport.core.errors import DataError
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
    value: object = None  # spreadsheet: the value as typed (number, date, text, formula); else None


@dataclass(slots=True)
class Grid:
    """A table: ``rows[r][c]`` (0-based) is the cell covering that position, or None.

    A spreadsheet is addressed as Excel numbers it, 1-based: :meth:`value`, :meth:`text_at`,
    :meth:`row_values`, :meth:`filled_rows`; ``n_rows``/``n_cols`` are its last non-empty row and column.
    """

    index: int  # 1-based number of the table in the document (its ［表格N］ placeholder); 0 for a sheet
    rows: list[list[Cell | None]]
    file: str  # the file, as messages name it
    pages: tuple[int, ...] = ()  # PDF: the pages the table is printed on
    sheet: str | None = None  # spreadsheet: the worksheet's name (None for CSV)
    lines: dict[int, int] = field(default_factory=dict)  # CSV: spreadsheet row -> physical line

    @property
    def n_rows(self) -> int:
        return len(self.rows)

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

    # ----------------------------------------------------------------- a spreadsheet, 1-based positions

    def at(self, r: int, c: int) -> Cell | None:
        if r < 1 or c < 1 or r > len(self.rows):
            return None
        row = self.rows[r - 1]
        return row[c - 1] if c <= len(row) else None

    def value(self, r: int, c: int) -> object:
        """The value typed at row ``r``, column ``c`` (None when empty)."""
        cell = self.at(r, c)
        return None if cell is None else cell.value

    def text_at(self, r: int, c: int) -> str:
        cell = self.at(r, c)
        return "" if cell is None else cell.text

    def row_values(self, r: int) -> dict[int, object]:
        """The non-empty cells of row ``r``: column → value, left to right."""
        if r < 1 or r > len(self.rows):
            return {}
        return {c: cell.value for c, cell in enumerate(self.rows[r - 1], start=1) if cell is not None}

    def filled_rows(self) -> list[int]:
        """The rows with a non-empty cell, top to bottom."""
        return [r for r, row in enumerate(self.rows, start=1) if any(c is not None for c in row)]

    def where(self) -> str:
        return f"{self.file}: sheet {self.sheet}" if self.sheet else self.file

    def error(self, cls: type[DataError], r: int, c: int | None, message: str, hint: str,
              place: str = "") -> DataError:
        """An error located at row ``r`` (and column ``c``) of the sheet: file, sheet, line and cell."""
        from govreport.core.template_schema import col_letter  # the template's own module: not on the ingest path

        line = self.lines.get(r, r)
        if c is None:
            column = place or None
        else:
            ref = f"{col_letter(c)}{r}"
            column = f"{col_letter(c)}（单元格 {ref}" + (f"，{place}）" if place else "）")
        return cls(message, file=self.where(), line=line, column=column, hint=hint)


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


def from_values(values: Mapping[tuple[int, int], object], file: str, *, sheet: str | None = None,
                lines: Mapping[int, int] | None = None, text: Callable[[object], str] = str) -> Grid:
    """A spreadsheet from its non-empty values at 1-based ``(row, column)``; ``text`` gives a value's text."""
    p = Placer()
    for (r, c), v in sorted(values.items()):
        p.put(Cell(text(v), (lines or {}).get(r, r), 0, 0, value=v), r - 1, c - 1)
    grid = p.grid(0, file)
    grid.sheet = sheet
    grid.lines = dict(lines or {})
    return grid


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
