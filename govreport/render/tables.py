"""Tables as immutable layouts built by pure functions, and the one HTML renderer.

A :class:`TableLayout` is the finished grid of a table: header rows and body rows of :class:`Cell`
objects with their row and column spans. Builders turn the model into layouts:

* :func:`official_table` lays out any official table (:class:`~govreport.core.formats.TableSpec`) in the
  printed form: the column tree becomes grouped header cells (``colspan`` for a group, ``rowspan`` down
  to the last header row for a leaf), the row tree becomes merged label cells on the left (``rowspan``
  for a group such as （三）不予公开, ``colspan`` for a row with fewer levels), and the corner cell holds
  the table's note (表三's 勾稽关系). 表三 comes out as 25 (2021) or 23 (2019) data rows × 7 columns,
  表四 as one row of 15 cells under 行政复议 / 行政诉讼 → 未经复议直接起诉 / 复议后起诉.
* :func:`art20_table` prints the blocks of 表二 (第二十条第（一）（五）（六）（八）（九）项) as one table.
* :func:`simple_table` for the channel table, the year-over-year table and appendix listings.

:func:`annotate` returns a copy with findings attached to cells, rows, columns or the whole table; the
renderer shows them only in the reviewer's copy (``review=True``): a numbered marker in the cell and the
numbered notes under the table.

Blank cells render empty, 不适用 renders as 不适用, 0 renders as 0: the three never merge. Every text is
escaped; the layout holds text only, never markup.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape

from govreport.checks.rules import SEVERITY_LABELS
from govreport.core.formats import TableSpec
from govreport.core.model import TableData
from govreport.core.values import Figure, Mark

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True, slots=True)
class Cell:
    text: str = ""
    kind: str = "value"  # value | blank | na | label | head | corner | caption | text | num
    header: bool = False
    rowspan: int = 1
    colspan: int = 1
    key: str | None = None  # "row:column" ids of a data cell, "row:" of a row label, ":column" of a header
    classes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Note:
    """A finding attached to a table place; ``number`` is assigned by :func:`annotate`."""

    severity: str
    message: str
    row: str | None = None
    column: str | None = None
    table: str | None = None  # for composite layouts (表二): the block's table id
    number: int = 0
    place: str | None = None  # the cell key it was attached to by :func:`annotate` (None: the whole table)

    def candidates(self) -> tuple[str, ...]:
        """Cell keys this note may attach to, most specific first."""
        if self.row is None and self.column is None:
            return (f"{self.table}::",) if self.table else ()
        plain = f"{self.row or ''}:{self.column or ''}"
        return (f"{self.table}:{plain}", plain) if self.table else (plain,)


@dataclass(frozen=True, slots=True)
class TableLayout:
    id: str
    head: tuple[tuple[Cell, ...], ...]
    body: tuple[tuple[Cell, ...], ...]
    classes: tuple[str, ...] = ()
    caption: str = ""
    notes: tuple[str, ...] = ()  # printed under the table in both copies
    findings: tuple[Note, ...] = field(default=())  # reviewer's copy only
    col_widths: tuple[float, ...] = ()  # percent of the table width per grid column (fixed layout)

    @property
    def width(self) -> int:
        rows = self.head + self.body
        return max((sum(c.colspan for c in r) for r in rows[:1]), default=0)


# ------------------------------------------------------------------------------------ figures


def figure_cell(fig: Figure, key: str | None = None, *, classes: tuple[str, ...] = ()) -> Cell:
    """A data cell: the number, empty for blank, 不适用 for not applicable."""
    kind = {Mark.VALUE: "value", Mark.BLANK: "blank", Mark.NA: "na"}[fig.mark]
    return Cell(fig.text(), kind=kind, key=key, classes=classes)


# ------------------------------------------------------------------------------- official tables


def column_header(spec: TableSpec, corner_text: str | None, label_columns: int) -> tuple[tuple[Cell, ...], ...]:
    """Header rows from the column tree: groups span their leaves, leaves span down to the last row."""
    cols = spec.columns
    depth = {c.id: len(spec.ancestors("column", c)) + 1 for c in cols}
    leaves = [c for c in cols if not c.group]
    height = max(depth[c.id] for c in leaves)
    leaf_count: dict[str, int] = {c.id: 0 for c in cols}
    for leaf in leaves:
        for anc in spec.ancestors("column", leaf):
            leaf_count[anc.id] += 1
    rows: list[list[Cell]] = [[] for _ in range(height)]
    if label_columns:
        rows[0].append(Cell(corner_text or "", kind="corner", header=True, rowspan=height, colspan=label_columns))
    for c in cols:
        level = depth[c.id] - 1
        if c.group:
            rows[level].append(Cell(c.label, kind="head", header=True, colspan=max(leaf_count[c.id], 1),
                                    key=f":{c.id}", classes=("group",)))
        else:
            rows[level].append(Cell(c.label, kind="head", header=True, rowspan=height - level, key=f":{c.id}"))
    return tuple(tuple(r) for r in rows)


def row_labels(spec: TableSpec) -> tuple[int, dict[str, tuple[Cell, ...]]]:
    """The label cells in front of each data row, and how many label columns the table has.

    A group label (no data of its own) is printed once, merged down over its data rows; a row nested
    less deeply than the deepest one spans the remaining label columns.
    """
    rows = spec.rows
    if not any(r.label for r in rows):
        return 0, {r.id: () for r in rows if not r.group}
    depth = {r.id: len(spec.ancestors("row", r)) + 1 for r in rows}
    data_rows = [r for r in rows if not r.group]
    width = max(depth[r.id] for r in data_rows)
    span: dict[str, int] = {r.id: 0 for r in rows}
    first: dict[str, str] = {}
    for r in data_rows:
        for anc in spec.ancestors("row", r):
            span[anc.id] += 1
            first.setdefault(anc.id, r.id)
    out: dict[str, tuple[Cell, ...]] = {}
    for r in data_rows:
        cells = [
            Cell(anc.label, kind="label", header=True, rowspan=span[anc.id], key=f"{anc.id}:", classes=("group",))
            for anc in spec.ancestors("row", r)
            if first[anc.id] == r.id
        ]
        cells.append(Cell(r.label, kind="label", header=True, colspan=width - depth[r.id] + 1, key=f"{r.id}:"))
        out[r.id] = tuple(cells)
    return width, out


def official_table(table: TableData, *, html_id: str | None = None) -> TableLayout:
    """The printed layout of an official table with the figures of ``table``."""
    spec = table.spec
    width, labels = row_labels(spec)
    corner = spec.corner_note or spec.row_header_label
    head = column_header(spec, corner, width)
    body = []
    for r in spec.data_rows:
        cells = list(labels[r.id])
        cells += [figure_cell(table.get(r.id, c.id), f"{r.id}:{c.id}") for c in spec.data_columns]
        body.append(tuple(cells))
    return TableLayout(
        id=html_id or f"gr-{spec.id}-{spec.version}",
        head=head,
        body=tuple(body),
        classes=("official", spec.id, f"v{spec.version}"),
        col_widths=column_widths(width, len(spec.data_columns)),
    )


#: Relative widths of 1, 2 or 3 label columns (the deepest level gets the most room).
_LABEL_WEIGHTS = {1: (1.0,), 2: (1.0, 2.0), 3: (0.9, 1.1, 2.2)}


def column_widths(label_columns: int, data_columns: int, *, label_share: float = 42.0) -> tuple[float, ...]:
    """Percent widths: the label columns share ``label_share`` %, the data columns the rest equally."""
    if not label_columns:
        return tuple(round(100 / data_columns, 2) for _ in range(data_columns))
    weights = _LABEL_WEIGHTS.get(label_columns, (1.0,) * label_columns)
    labels = tuple(round(label_share * w / sum(weights), 2) for w in weights)
    return labels + tuple(round((100 - label_share) / data_columns, 2) for _ in range(data_columns))


def art20_table(tables: Sequence[TableData], *, html_id: str = "gr-t2") -> TableLayout:
    """表二: the blocks of Article 20 items as one table, each with its caption row and header row."""
    width = 1 + max(len(t.spec.data_columns) for t in tables)
    body: list[tuple[Cell, ...]] = []
    for t in tables:
        spec = t.spec
        cols = spec.data_columns
        spans = [1] * len(cols)
        spans[-1] = width - len(cols)
        body.append((Cell(spec.title, kind="caption", header=True, colspan=width, key=f"{spec.id}::",
                          classes=("block",)),))
        heads = [Cell(c.label, kind="head", header=True, colspan=s, key=f"{spec.id}::{c.id}")
                 for c, s in zip(cols, spans, strict=True)]
        body.append((Cell(spec.row_header_label, kind="head", header=True), *heads))
        for r in spec.data_rows:
            figures = [dataclasses.replace(figure_cell(t.get(r.id, c.id), f"{spec.id}:{r.id}:{c.id}"), colspan=s)
                       for c, s in zip(cols, spans, strict=True)]
            body.append((Cell(r.label, kind="label", header=True, key=f"{spec.id}:{r.id}:"), *figures))
    version = tables[0].spec.version if tables else ""
    return TableLayout(id=html_id, head=(), body=tuple(body), classes=("official", "t2", f"v{version}"),
                       col_widths=column_widths(1, width - 1, label_share=31.0))


def simple_table(
    columns: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    *,
    html_id: str,
    caption: str = "",
    classes: tuple[str, ...] = (),
    notes: Sequence[str] = (),
) -> TableLayout:
    head = (tuple(Cell(c, kind="head", header=True, key=f":{i}") for i, c in enumerate(columns)),)
    return TableLayout(id=html_id, head=head, body=tuple(tuple(r) for r in rows), classes=("simple", *classes),
                       caption=caption, notes=tuple(notes))


# ---------------------------------------------------------------------------------- annotations


def annotate(layout: TableLayout, notes: Iterable[Note]) -> TableLayout:
    """A copy of ``layout`` with ``notes`` attached and numbered 1, 2, … in severity then table order.

    A note whose row/column does not exist in the table is kept as a table-level note.
    """
    notes = list(notes)
    if not notes:
        return layout
    order: dict[str, int] = {}
    for r in layout.head + layout.body:
        for c in r:
            if c.key is not None:
                order.setdefault(c.key, len(order))
    keyed = []
    for n in notes:
        k = _match_key(n, order)
        keyed.append((SEVERITY_ORDER.get(n.severity, 9), order[k] if k else len(order), n, k))
    keyed.sort(key=lambda t: (t[0], t[1]))
    numbered = tuple(
        dataclasses.replace(n, number=i, place=k)
        for i, (_, _, n, k) in enumerate(keyed, start=len(layout.findings) + 1)
    )
    return dataclasses.replace(layout, findings=layout.findings + numbered)


def _match_key(n: Note, order: dict[str, int]) -> str | None:
    return next((k for k in n.candidates() if k in order), None)


# -------------------------------------------------------------------------------------- render


def render_table(layout: TableLayout, *, review: bool = False) -> str:
    """HTML of a table. With ``review`` the findings are marked in their cells and listed underneath."""
    marks: dict[str, list[Note]] = {}
    if review:
        for n in layout.findings:
            if n.place is not None:
                marks.setdefault(n.place, []).append(n)
    out = [f'<table id="{escape(layout.id)}" class="{escape(" ".join(("gr-table", *layout.classes)))}">']
    if layout.caption:
        out.append(f"<caption>{escape(layout.caption)}</caption>")
    if layout.col_widths:
        out.append("<colgroup>" + "".join(f'<col style="width:{w:g}%">' for w in layout.col_widths) + "</colgroup>")
    if layout.head:
        out.append("<thead>")
        out += [_tr(r, marks, head=True) for r in layout.head]
        out.append("</thead>")
    out.append("<tbody>")
    out += [_tr(r, marks, head=False) for r in layout.body]
    out.append("</tbody></table>")
    html = "".join(out)
    notes = "".join(f"<p class=\"table-note\">{escape(t)}</p>" for t in layout.notes)
    if review and layout.findings:
        notes += findings_list(layout.findings)
    if notes:
        return f'<div class="table-wrap">{html}{notes}</div>'
    return html


def findings_list(notes: Sequence[Note]) -> str:
    items = "".join(
        f'<li class="sev-{escape(n.severity)}" id="{escape(_anchor(n))}">'
        f'<span class="flag-mark">{n.number}</span>'
        f'<span class="sev">{escape(SEVERITY_LABELS.get(n.severity, n.severity))}</span> {escape(n.message)}</li>'
        for n in notes
    )
    return f'<ol class="findings">{items}</ol>'


def _anchor(n: Note) -> str:
    return f"n{n.number}"


def _tr(row: Sequence[Cell], marks: dict[str, list[Note]], *, head: bool) -> str:
    return "<tr>" + "".join(_cell(c, marks.get(c.key or "", []), head=head) for c in row) + "</tr>"


def _cell(c: Cell, notes: list[Note], *, head: bool) -> str:
    tag = "th" if c.header else "td"
    attrs = []
    classes = [c.kind, *c.classes]
    if notes:
        worst = min(notes, key=lambda n: SEVERITY_ORDER.get(n.severity, 9)).severity
        classes += ["flag", f"flag-{worst}"]
    attrs.append(f'class="{escape(" ".join(classes))}"')
    if c.rowspan > 1:
        attrs.append(f'rowspan="{c.rowspan}"')
    if c.colspan > 1:
        attrs.append(f'colspan="{c.colspan}"')
    if c.header:
        if head or c.kind in ("head", "corner"):
            attrs.append('scope="colgroup"' if c.colspan > 1 else 'scope="col"')
        elif c.kind == "caption":
            attrs.append('scope="rowgroup"')
        else:
            attrs.append('scope="rowgroup"' if c.rowspan > 1 else 'scope="row"')
    if c.key is not None and c.kind in ("value", "blank", "na"):
        attrs.append(f'data-cell="{escape(c.key)}"')
    if notes:
        attrs.append(f'title="{escape("；".join(n.message for n in notes))}"')
    body = escape(c.text)
    if notes:
        body += "".join(f'<sup class="flag-mark">{n.number}</sup>' for n in notes)
    return f"<{tag} {' '.join(attrs)}>{body}</{tag}>"
