"""Labelled tables: the official tables as pandas DataFrames with their Chinese row and column labels.

A figure is a reported number (0 included), a blank (not reported) or 不适用. A float column cannot hold
the three apart, so every labelled view keeps **two parallel frames** with the same index and columns:

``values``
    nullable numbers: ``Int64`` for counts, ``Float64`` for money (元, 万元). A reported figure is its
    number; a blank and 不适用 are both ``<NA>``. Arithmetic on it never reads a blank as 0.
``status``
    one of ``reported``, ``blank``, ``not_applicable`` per cell (a categorical; the same words as the
    open-data export, :data:`STATUSES`). It says *why* a value is ``<NA>``.

``text`` is a third, derived frame of the figures as printed: ``"0"``, ``""`` (blank) or ``"不适用"``.
The rich display (:meth:`LabelledTable._repr_html_`, a pandas ``Styler`` built by
:mod:`govreport.render.display`) shows a blank as an empty
shaded cell, 0 as ``0`` and 不适用 in grey italics, with a legend.

Row and column labels come from :mod:`govreport.core.formats` (never retyped here). Where the format nests
headers — Table 3's 申请人情况 › 法人或其他组织 › 商业企业, or its rows
三、本年度办理结果 › （三）不予公开 › 1.属于国家秘密 — the axis is a :class:`pandas.MultiIndex`
whose levels are the group headers; missing levels are ``""``.

Entry points: :meth:`govreport.Dataset.table`, :meth:`govreport.Dataset.tidy`,
:meth:`govreport.Dataset.wide`, :meth:`govreport.core.model.TableData.labelled`,
:meth:`govreport.core.model.Report.to_frame`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from govreport.core.formats import FORMATS, Axis, CellKey, TableSpec, ValueType, cell_catalog
from govreport.core.keys import frame_keys
from govreport.core.values import Mark, format_value

if TYPE_CHECKING:  # pragma: no cover
    from pandas.io.formats.style import Styler

    from govreport.core.model import Report, TableData
    from govreport.store.dataset import Dataset

#: The status of a figure, by :class:`~govreport.core.values.Mark` code (also the export's words).
STATUSES: tuple[str, str, str] = ("reported", "blank", "not_applicable")
#: Chinese names of the statuses, for legends.
STATUS_LABELS: dict[str, str] = {s: Mark(i).label for i, s in enumerate(STATUSES)}

Labels = Literal["label", "id"]
What = Literal["value", "status", "text", "labelled"]


# ------------------------------------------------------------------------------------- axes


def _chain(spec: TableSpec, axis: Literal["row", "column"], entry: Axis, labels: Labels) -> tuple[str, ...]:
    """Labels (or ids) of an entry's group headers and of the entry itself, outermost first."""
    return tuple(a.id if labels == "id" else a.label for a in (*spec.ancestors(axis, entry), entry))


def axis_index(spec: TableSpec, axis: Literal["row", "column"], labels: Labels = "label") -> pd.Index:
    """The row or column index of a table's data cells, in the printed order.

    Parameters
    ----------
    spec : TableSpec
        A table of :mod:`govreport.core.formats`, e.g. ``formats.table_spec("2021", "t3")``.
    axis : {"row", "column"}
        Which axis.
    labels : {"label", "id"}
        Chinese labels as printed (default) or the model's ids.

    Returns
    -------
    pandas.Index
        A flat index when the axis has no group headers, else a :class:`pandas.MultiIndex` with one level
        per header depth (``""`` where an entry has fewer levels). An empty row label (Table 4's single
        row) is replaced by the table's reference, e.g. ``表四``.

    Examples
    --------
    >>> from govreport.core.formats import table_spec
    >>> cols = axis_index(table_spec("2021", "t3"), "column")
    >>> cols.nlevels, cols[1]
    (3, ('申请人情况', '法人或其他组织', '商业企业'))
    >>> list(axis_index(table_spec("2021", "t2d"), "row"))
    ['行政事业性收费']
    """
    items = spec.rows if axis == "row" else spec.columns
    data = [a for a in items if not a.group]
    paths = [_chain(spec, axis, a, labels) for a in data]
    if labels == "label":
        paths = [tuple(p if p else spec.ref for p in path) if path == ("",) else path for path in paths]
    depth = max((len(p) for p in paths), default=1)
    if depth == 1:
        return pd.Index([p[0] for p in paths], dtype=object)
    return pd.MultiIndex.from_tuples([p + ("",) * (depth - len(p)) for p in paths])


@cache
def _layout(version: str, table: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[bool, ...]]:
    spec = FORMATS[version].table(table)
    return (tuple(r.id for r in spec.data_rows), tuple(c.id for c in spec.data_columns),
            tuple(c.value_type is not ValueType.DECIMAL for c in spec.data_columns))


# ------------------------------------------------------------------------------ one table


def _status_frame(marks: np.ndarray, index: pd.Index, columns: pd.Index) -> pd.DataFrame:
    cats = pd.CategoricalDtype(list(STATUSES))
    codes = marks.astype(np.int8)
    return pd.DataFrame({i: pd.Categorical.from_codes(codes[:, i], dtype=cats) for i in range(codes.shape[1])},
                        index=index).set_axis(columns, axis=1)


def _value_frame(values: np.ndarray, marks: np.ndarray, integer: tuple[bool, ...] | np.ndarray,
                 index: pd.Index, columns: pd.Index) -> pd.DataFrame:
    data = {}
    for i, is_int in enumerate(integer):
        mask = marks[:, i] != Mark.VALUE
        col = np.where(mask, 0.0, values[:, i])
        if is_int and np.all(np.mod(col, 1) == 0):
            data[i] = pd.arrays.IntegerArray(col.astype(np.int64), mask)
        else:
            data[i] = pd.arrays.FloatingArray(col.astype(np.float64), mask)
    return pd.DataFrame(data, index=index).set_axis(columns, axis=1)


def _texts(values: np.ndarray, marks: np.ndarray) -> np.ndarray:
    """Vectorised :func:`~govreport.core.values.format_value`: the number, '' for blank, 不适用 (object array)."""
    out = np.full(len(values), "", dtype=object)
    out[marks == Mark.NA] = "不适用"
    val = marks == Mark.VALUE
    v = values[val]
    whole = np.mod(v, 1) == 0
    text = np.empty(len(v), dtype=object)
    text[whole] = v[whole].astype(np.int64).astype(str).astype(object)
    text[~whole] = [format_value(x, Mark.VALUE) for x in v[~whole].tolist()]
    out[val] = text
    return out


def _text_frame(values: pd.DataFrame, status: pd.DataFrame) -> pd.DataFrame:
    out = {}
    for i in range(values.shape[1]):
        v = values.iloc[:, i].to_numpy(dtype="float64", na_value=np.nan)
        out[i] = _texts(v, status.iloc[:, i].cat.codes.to_numpy())
    return pd.DataFrame(out, index=values.index, dtype=object).set_axis(values.columns, axis=1)


@dataclass(frozen=True, eq=False, repr=False)
class LabelledFrame:
    """Figures as two parallel DataFrames, ``values`` and ``status``, with a display that keeps them apart.

    Attributes
    ----------
    values : pandas.DataFrame
        Nullable numbers; ``<NA>`` for blank and 不适用 (see :attr:`status`).
    status : pandas.DataFrame
        ``reported`` / ``blank`` / ``not_applicable`` for every cell, same index and columns.
    caption : str
        Shown above the table.
    """

    values: pd.DataFrame
    status: pd.DataFrame
    caption: str = ""

    @property
    def text(self) -> pd.DataFrame:
        """The figures as printed: the number, ``""`` for a blank, ``不适用``."""
        return _text_frame(self.values, self.status)

    @property
    def title(self) -> str:
        return self.caption

    def to_frame(self) -> pd.DataFrame:
        """The :attr:`values` frame (a copy)."""
        return self.values.copy()

    def status_counts(self, *, chinese: bool = False) -> pd.Series:
        """How many cells are reported, blank and not applicable.

        Parameters
        ----------
        chinese : bool
            Index the counts by the Chinese names (数值, 空白（未填报）, 不适用) instead of the status words.

        Returns
        -------
        pandas.Series
            Counts in the order of :data:`STATUSES`, zeros included.

        Examples
        --------
        >>> import govreport
        >>> govreport.load("data").table("t4", "五原县民政局", 2020).status_counts().to_dict()
        {'reported': 3, 'blank': 12, 'not_applicable': 0}
        """
        codes = np.concatenate([self.status[c].cat.codes.to_numpy() for c in self.status.columns]) \
            if self.status.shape[1] else np.zeros(0, dtype=np.int8)
        counts = np.bincount(codes.astype(np.int64), minlength=len(STATUSES))
        index = [STATUS_LABELS[s] for s in STATUSES] if chinese else list(STATUSES)
        return pd.Series(counts, index=index, name="cells")

    def style(self) -> Styler:
        """A pandas ``Styler`` of :attr:`text` that shows blank, 0 and 不适用 differently.

        Blank cells are empty and hatched, 不适用 is grey italic, numbers (0 included) are plain
        (:func:`govreport.render.display.labelled_style`).
        """
        from govreport.render.display import labelled_style

        return labelled_style(self)

    def _repr_html_(self) -> str:
        from govreport.render.display import labelled_html

        return labelled_html(self)

    def __repr__(self) -> str:
        with pd.option_context("display.width", 200, "display.max_columns", 30):
            return f"{self.title}\n{self.text.to_string()}"


@dataclass(frozen=True, eq=False, repr=False)
class LabelledTable(LabelledFrame):
    """One official table of one agency-year as labelled DataFrames (a :class:`LabelledFrame`).

    Attributes
    ----------
    values, status : pandas.DataFrame
        As for :class:`LabelledFrame`, in the official layout.
    spec : TableSpec
        The table's declaration in :mod:`govreport.core.formats` (version, id, title, rows, columns).
    agency : str
        The agency's name ('' when unknown).
    year : int or None
        The report year.
    """

    spec: TableSpec | None = None
    agency: str = ""
    year: int | None = None

    @property
    def title(self) -> str:
        """Caption: agency, year, the table's reference and title, the format."""
        spec = self.spec
        assert spec is not None
        name = spec.title if spec.ref == spec.title else f"{spec.ref} {spec.title}"
        who = f"{self.agency} {self.year}年 · " if self.agency and self.year else ""
        return f"{who}{name}（{spec.version}年格式）"

    def to_frame(self) -> pd.DataFrame:
        """The :attr:`values` frame (a copy).

        Examples
        --------
        >>> import govreport
        >>> t = govreport.load("data").table("t3", "五原县民政局", 2020)
        >>> int(t.to_frame().loc[("一、本年新收政府信息公开申请数量", "", ""), ("申请人情况", "总计", "")])
        0
        """
        return self.values.copy()

    def tidy(self) -> pd.DataFrame:
        """One row per data cell: ``row``, ``column`` (ids), their labels, ``value``, ``status``, ``text``.

        Examples
        --------
        >>> import govreport
        >>> t = govreport.load("data").table("t4", "五原县民政局", 2020)
        >>> t.tidy().loc[3:4, ["column_label", "text", "status"]].values.tolist()
        [['行政复议·尚未审结', '', 'blank'], ['行政复议·总计', '0', 'reported']]
        """
        spec = self.spec
        assert spec is not None
        rows, cols, _ = _layout(spec.version, spec.id)
        labels = _cell_labels()
        v = self.values.to_numpy(dtype=object).ravel()
        s = self.status.to_numpy(dtype=object).ravel()
        rr = np.repeat(np.array(rows, dtype=object), len(cols))
        cc = np.tile(np.array(cols, dtype=object), len(rows))
        keys = [CellKey(spec.version, spec.id, r, c) for r, c in zip(rr, cc, strict=True)]
        floating = any(isinstance(self.values[c].dtype, pd.Float64Dtype) for c in self.values.columns)
        out = pd.DataFrame({
            "row": rr, "row_label": [labels[k][1] for k in keys],
            "column": cc, "column_label": [labels[k][2] for k in keys],
            "value": pd.array([None if x is pd.NA else x for x in v], dtype="Float64" if floating else "Int64"),
            "status": pd.Categorical(s, categories=list(STATUSES)),
        })
        out["text"] = self.text.to_numpy(dtype=object).ravel()
        return out


def labelled_table(t: TableData, *, agency: str = "", year: int | None = None, labels: Labels = "label"
                   ) -> LabelledTable:
    """A :class:`~govreport.core.model.TableData` as a :class:`LabelledTable`.

    Parameters
    ----------
    t : TableData
        One table of a report (cells not present are blank).
    agency, year : str, int, optional
        Used in the caption.
    labels : {"label", "id"}
        Chinese labels (default) or ids on both axes.

    Returns
    -------
    LabelledTable

    Examples
    --------
    >>> from govreport.core.formats import table_spec
    >>> from govreport.core.model import TableData
    >>> from govreport.core.values import Figure
    >>> spec = table_spec("2021", "fee")
    >>> t = labelled_table(TableData(spec, {("processing_fee", "notices"): Figure.of(0),
    ...                                     ("processing_fee", "billed"): Figure.na()}))
    >>> t.text.iloc[0].tolist()
    ['0', '不适用', '']
    >>> t.status.iloc[0].tolist()
    ['reported', 'not_applicable', 'blank']
    """
    spec = t.spec
    rows, cols, integer = _layout(spec.version, spec.id)
    values = np.full((len(rows), len(cols)), np.nan)
    marks = np.full((len(rows), len(cols)), int(Mark.BLANK), dtype=np.int8)
    ri = {r: i for i, r in enumerate(rows)}
    ci = {c: i for i, c in enumerate(cols)}
    for (r, c), fig in t.cells.items():
        if r in ri and c in ci:
            marks[ri[r], ci[c]] = int(fig.mark)
            if fig.mark is Mark.VALUE:
                values[ri[r], ci[c]] = fig.value
    index, columns = axis_index(spec, "row", labels), axis_index(spec, "column", labels)
    return LabelledTable(_value_frame(values, marks, integer, index, columns), _status_frame(marks, index, columns),
                         spec=spec, agency=agency, year=year)


# --------------------------------------------------------------------------- whole dataset


@cache
def _cell_labels() -> dict[CellKey, tuple[str, str, str]]:
    """Cell key -> (table reference, row label, column label), labels joined by ·."""
    out = {}
    for k in cell_catalog():
        spec = FORMATS[k.version].table(k.table)
        row = "·".join(p for p in axis_index_path(spec, "row", k.row) if p)
        col = "·".join(p for p in axis_index_path(spec, "column", k.column) if p)
        out[k] = (spec.ref, row, col)
    return out


def axis_index_path(spec: TableSpec, axis: Literal["row", "column"], item: str) -> tuple[str, ...]:
    """The labels of one row or column and its group headers, outermost first.

    Paths leave out the header every entry of the axis shares: Table 3's 申请人情况 (columns) and
    三、本年度办理结果 (rows).

    Examples
    --------
    >>> from govreport.core.formats import table_spec
    >>> axis_index_path(table_spec("2019", "t4"), "column", "direct_corrected")
    ('行政诉讼', '未经复议直接起诉', '结果纠正')
    >>> axis_index_path(table_spec("2019", "t3"), "column", "commercial")
    ('法人或其他组织', '商业企业')
    >>> axis_index_path(table_spec("2021", "t3"), "row", "denied_state_secret")
    ('（三）不予公开', '1.属于国家秘密')
    """
    items = spec.rows if axis == "row" else spec.columns
    by_id = {a.id: a for a in items}
    path = _chain(spec, axis, by_id[item], "label")
    if axis == "column" and len(path) > 1 and path[0] == by_id.get("applicant", Axis("", "")).label:
        path = path[1:]
    if axis == "row" and len(path) > 1:
        path = path[1:]
    if axis == "row" and path == ("",):
        path = (spec.ref,)
    return path


def tidy_figures(ds: Dataset) -> pd.DataFrame:
    """Every table figure recorded in a dataset, one row each, with labels, nullable value and status.

    Parameters
    ----------
    ds : Dataset

    Returns
    -------
    pandas.DataFrame
        Columns ``agency_id, agency, year, version, table, table_label, row, row_label, column,
        column_label, unit, value`` (``Float64``, ``<NA>`` unless reported), ``status`` (categorical
        :data:`STATUSES`), ``text`` (as printed) and ``note``; ids, labels and text are categoricals.
        Cells absent from the dataset are blank and not listed.

    Examples
    --------
    >>> import govreport
    >>> f = tidy_figures(govreport.load("data"))
    >>> f.loc[0, ["table_label", "row_label", "column_label", "text", "status"]].tolist()
    ['表三', '一、本年新收政府信息公开申请数量', '总计', '0', 'reported']
    """
    c = ds.cells.reset_index(drop=True)
    labels = _cell_labels()
    cat = cell_catalog()
    ids = c["cell_id"].to_numpy()

    def by_cell(per_cell: list[str]) -> pd.Categorical:
        codes, uniques = pd.factorize(np.asarray(per_cell, dtype=object))
        return pd.Categorical.from_codes(codes[ids], categories=uniques)

    lab = [labels[k] for k in cat]
    names = dict(zip(ds.agencies["agency_id"].astype(str), ds.agencies["name"].astype(str), strict=True))
    agency_ids = c["agency_id"].astype("category")
    agency_names = agency_ids.map(names)  # categorical when names are unique, as they are per agency
    marks = c["value_mark"].to_numpy().astype(np.int8)
    raw = c["value"].to_numpy(dtype="float64", na_value=np.nan)
    value = pd.arrays.FloatingArray(np.where(marks == Mark.VALUE, raw, 0.0), marks != Mark.VALUE)
    return pd.DataFrame({
        "agency_id": agency_ids,
        "agency": agency_names,
        "year": c["year"].to_numpy().astype(int),
        "version": c["version"],
        "table": c["table"],
        "table_label": by_cell([x[0] for x in lab]),
        "row": c["row"],
        "row_label": by_cell([x[1] for x in lab]),
        "column": c["column"],
        "column_label": by_cell([x[2] for x in lab]),
        "unit": by_cell([FORMATS[k.version].table(k.table).column(k.column).unit for k in cat]),
        "value": value,
        "status": pd.Categorical.from_codes(marks, categories=list(STATUSES)),
        "text": pd.Categorical(_texts(raw, marks)),
        "note": c["note"],
    })


def wide_figures(ds: Dataset, *, tables: list[str] | tuple[str, ...] | None = None, what: What = "value"
                 ) -> pd.DataFrame | LabelledFrame:
    """All agency-years as one wide frame: one row per agency-year, one column per table cell.

    Parameters
    ----------
    ds : Dataset
    tables : list of str, optional
        Table ids to keep (``t2a`` … ``t2e``, ``t3``, ``t4``, ``fee``); default all.
    what : {"value", "status", "text", "labelled"}
        Nullable numbers (``Float64``), statuses (``reported``/``blank``/``not_applicable``), the printed
        text, or both frames as a :class:`LabelledFrame` (its display shows blank, 0 and 不适用 apart).

    Returns
    -------
    pandas.DataFrame or LabelledFrame
        Index ``(agency_id, year)`` in the dataset's order; columns a :class:`pandas.MultiIndex`
        ``(table_label, row_label, column_label)``. Cells of both format versions that print the same
        labels share a column (Table 3 across 2019 and 2021). A cell the agency-year does not record is
        blank. Only columns that some agency-year records are kept.

    Examples
    --------
    >>> import govreport
    >>> ds = govreport.load("data")
    >>> w = wide_figures(ds, tables=["t3"], what="text")
    >>> w.loc[("150821-minzhengju", 2020), ("表三", "（七）总计", "总计")]
    '0'
    >>> w.columns.tolist()
    [('表三', '一、本年新收政府信息公开申请数量', '总计'), ('表三', '（七）总计', '总计')]
    """
    if what not in ("value", "status", "text", "labelled"):
        raise ValueError("what must be one of: value, status, text, labelled")
    labels = _cell_labels()
    cat = cell_catalog()
    cells = ds.cells
    if tables is not None:
        cells = cells[cells["table"].astype(str).isin(list(tables)).to_numpy()]
    used = np.unique(cells["cell_id"].to_numpy())
    keys: dict[tuple[str, str, str], int] = {}
    col_of_cell = np.full(len(cat), -1, dtype=np.int64)
    for cid in used.tolist():
        k = cat[cid]
        lab = labels[k]
        col_of_cell[cid] = keys.setdefault(lab, len(keys))
    n = len(ds.reports)
    values = np.full((n, len(keys)), np.nan)
    marks = np.full((n, len(keys)), int(Mark.BLANK), dtype=np.int8)
    rkeys = ds._report_keys
    ckeys = frame_keys(cells)
    rows = np.searchsorted(rkeys, ckeys)
    cols = col_of_cell[cells["cell_id"].to_numpy()]
    values[rows, cols] = cells["value"].to_numpy(dtype="float64", na_value=np.nan)
    marks[rows, cols] = cells["value_mark"].to_numpy()
    index = pd.MultiIndex.from_arrays([ds.reports["agency_id"].astype(str).to_numpy(),
                                       ds.reports["year"].to_numpy().astype(int)], names=["agency_id", "year"])
    columns = pd.MultiIndex.from_tuples(list(keys), names=["table", "row", "column"]) if keys else pd.Index([])
    if what == "status":
        return _status_frame(marks, index, columns)
    vals = _value_frame(values, marks, (False,) * len(keys), index, columns)
    if what == "value":
        return vals
    status = _status_frame(marks, index, columns)
    if what == "labelled":
        return LabelledFrame(vals, status)
    return _text_frame(vals, status)


def report_frame(report: Report) -> pd.DataFrame:
    """Every data cell of a report's tables, one row each (the tidy form of :meth:`Report.to_frame`).

    Columns ``version, table, table_label, row, row_label, column, column_label, value`` (``Float64``),
    ``status`` and ``text``. Cells the report does not give are listed as blank.

    Examples
    --------
    >>> import govreport
    >>> r = govreport.load("data").report("五原县民政局", 2020)
    >>> f = report_frame(r)
    >>> f["status"].value_counts().to_dict()
    {'blank': 171, 'reported': 5, 'not_applicable': 0}
    """
    parts = []
    for t in report.tables:
        lt = labelled_table(t)
        f = lt.tidy()
        f.insert(0, "table_label", t.spec.ref)
        f.insert(0, "table", t.spec.id)
        f.insert(0, "version", t.spec.version)
        f["value"] = f["value"].astype("Float64")
        parts.append(f)
    cols = ["version", "table", "table_label", "row", "row_label", "column", "column_label", "value", "status", "text"]
    if not parts:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in cols})
    return pd.concat(parts, ignore_index=True)[cols]
