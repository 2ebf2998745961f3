"""The whole dataset as tidy pandas frames, and access to single reports.

>>> import govreport
>>> ds = govreport.load("data")
>>> ds.cells.columns[:4].tolist()        # one row per agency-year-table-row-column
['agency_id', 'year', 'version', 'table']
>>> r = ds.report("五原县民政局", 2020)   # or ds.report("150821-minzhengju", 2020)
>>> r.proactive.total.text()
'418'
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from govreport.core import schema as layout
from govreport.core.errors import NotFoundError
from govreport.core.keys import agency_year_key, frame_keys
from govreport.core.model import Agency, Report
from govreport.store.cache import Memo, derived, signature
from govreport.store.dataset_files import cache_dir, link_frames, read_frames
from govreport.store.frames import agency_from_row, report_from_rows

if TYPE_CHECKING:  # pragma: no cover
    from govreport.checks import CheckResult
    from govreport.core.labelled import LabelledFrame, LabelledTable, Labels, What

#: The frames with one block of rows per report, in the reports' order (see :meth:`Dataset._bounds`).
_ROW_FRAMES = ("cells", "channels", "categories")


@dataclass(eq=False)
class Dataset:
    """Validated tidy frames of a dataset directory (see :mod:`govreport.core.schema`).

    Build one with :func:`load`. The frames are never modified in place; labelled views
    (:meth:`table`, :meth:`tidy`, :meth:`wide`) and statistics (:meth:`panel`, :meth:`check`) derive from them.

    Values derived from the frames (lookup indexes, row blocks, the cell matrices) are memoised with
    :func:`govreport.store.cache.derived`, keyed by the dataset.

    Attributes
    ----------
    agencies : pandas.DataFrame
        One row per agency: ``agency_id``, ``name``, ``kind``, ``level``, ``region`` … and the contact block.
    reports : pandas.DataFrame
        One row per agency-year: ``format``, the period, the stated proactive total (``proactive_total``
        with ``proactive_total_mark``) …
    cells : pandas.DataFrame
        One row per recorded table figure: ``version``, ``table``, ``row``, ``column`` (ids of
        :mod:`govreport.core.formats`), ``value`` and ``value_mark`` (0 reported, 1 blank, 2 不适用; see
        :class:`~govreport.core.values.Mark`). A cell that is not recorded is blank.
    channels, categories : pandas.DataFrame
        One row per proactive-disclosure channel / content-category figure, with ``value_mark`` likewise.
    root : pathlib.Path or None
        The directory the dataset was loaded from.
    data_hash : str
        A hash of the CSV contents (recorded in every output's provenance).
    cache_dir : pathlib.Path or None
        The dataset's cache directory (set by :func:`load` when it uses the Parquet cache; the cell
        matrices are saved there, see :mod:`govreport.store.matrix`); None for a subset or built frames.
    """

    agencies: pd.DataFrame
    reports: pd.DataFrame
    cells: pd.DataFrame
    channels: pd.DataFrame
    categories: pd.DataFrame
    root: Path | None = None
    data_hash: str = ""
    _sections: pd.DataFrame | None = field(default=None, repr=False)
    cache_dir: Path | None = field(default=None, repr=False, compare=False)

    # ------------------------------------------------------------------------------------ lookup

    @property
    def _agency_index(self) -> dict[str, int]:
        """Row of each agency in ``agencies``, by id and by full name."""
        return derived(self, "agency_index", self._build_agency_index)

    def _build_agency_index(self) -> dict[str, int]:
        idx: dict[str, int] = {}
        for i, (aid, name) in enumerate(zip(self.agencies["agency_id"], self.agencies["name"], strict=True)):
            idx[str(aid)] = i
            idx.setdefault(str(name), i)
        return idx

    def agency_id(self, key: str) -> str:
        """Resolve an agency id or full Chinese name to the agency id.

        Parameters
        ----------
        key : str
            Agency id (``150821-minzhengju``) or full Chinese name (``五原县民政局``).

        Returns
        -------
        str
            The agency id.

        Raises
        ------
        NotFoundError
            For an unknown agency; the hint lists names that contain the key.

        Examples
        --------
        >>> import govreport
        >>> govreport.load("data").agency_id("五原县民政局")
        '150821-minzhengju'
        """
        i = self._agency_index.get(str(key).strip())
        if i is None:
            close = [n for n in self.agencies["name"].astype(str) if str(key) in n or n in str(key)][:5]
            hint = f"是否指：{'、'.join(close)}？" if close else "用 govreport agencies 列出数据集中的单位"
            raise NotFoundError(f"未知的单位 {key!r}", hint=hint)
        return str(self.agencies["agency_id"].iloc[i])

    def agency(self, key: str) -> Agency:
        """The :class:`~govreport.core.model.Agency` with this id or full name (name, kind, level, region, contact).

        Examples
        --------
        >>> import govreport
        >>> govreport.load("data").agency("150821-minzhengju").region
        '内蒙古自治区/巴彦淖尔市/五原县'
        """
        return agency_from_row(self.agencies.iloc[self._agency_index[self.agency_id(key)]])

    @property
    def _report_keys(self) -> np.ndarray:
        """The key of every report (:mod:`govreport.core.keys`), ascending."""
        return derived(self, "report_keys", lambda: frame_keys(self.reports))

    def _report_pos(self, agency_id: str, year: int) -> int | None:
        cats = self.reports["agency_id"].cat.categories
        code = cats.get_indexer([agency_id])[0]
        if code < 0:
            return None
        key = int(agency_year_key(code, int(year)))
        keys = self._report_keys
        pos = int(np.searchsorted(keys, key))
        if pos < len(keys) and keys[pos] == key:
            return pos
        return None

    def has_report(self, agency: str, year: int) -> bool:
        """Whether the dataset holds this agency-year (agency by id or full name).

        Examples
        --------
        >>> import govreport
        >>> ds = govreport.load("data")
        >>> ds.has_report("五原县民政局", 2020), ds.has_report("五原县民政局", 2021)
        (True, False)
        """
        return self._report_pos(self.agency_id(agency), year) is not None

    def years(self, agency: str | None = None) -> list[int]:
        """The report years in the dataset, or of one agency (by id or full name), ascending.

        Examples
        --------
        >>> import govreport
        >>> govreport.load("data").years("五原县民政局")
        [2020]
        """
        frame = self.reports
        if agency is not None:
            frame = frame[frame["agency_id"] == self.agency_id(agency)]
        return sorted({int(y) for y in frame["year"]})

    def keys(self) -> list[tuple[str, int]]:
        """Every (agency_id, year) in canonical order.

        Examples
        --------
        >>> import govreport
        >>> govreport.load("data").keys()
        [('150821-minzhengju', 2020)]
        """
        return list(zip(self.reports["agency_id"].astype(str), self.reports["year"].astype(int), strict=True))

    def _slice(self, frame: pd.DataFrame, agency_id: str, year: int) -> pd.DataFrame:
        bounds = self._bounds(frame)
        pos = self._report_pos(agency_id, year)
        if pos is None or bounds is None:
            return frame.iloc[0:0]
        return frame.iloc[bounds[pos]: bounds[pos + 1]]

    def _bounds(self, frame: pd.DataFrame) -> np.ndarray | None:
        """Row offsets of each report's block in a frame sorted by (agency, year).

        Memoised for the dataset's own frames (cells, channels, categories), by the frame's field name."""
        def build() -> np.ndarray:
            keys = frame_keys(frame)
            return np.searchsorted(keys, np.concatenate([self._report_keys, [np.iinfo(np.int64).max]]))

        name = next((n for n in _ROW_FRAMES if getattr(self, n) is frame), None)
        return build() if name is None else derived(self, "bounds", build, name)

    def report(self, agency: str, year: int) -> Report:
        """One agency-year as a :class:`~govreport.core.model.Report`.

        Parameters
        ----------
        agency : str
            Agency id or full Chinese name.
        year : int
            Report year.

        Returns
        -------
        Report
            Agency, period, format, proactive figures, official tables and narrative sections; displays as a
            Chinese summary in JupyterLab. ``Report.to_frame()`` lists its figures.

        Raises
        ------
        NotFoundError
            When the agency or the agency-year is not in the dataset (the hint lists the years it has).

        Examples
        --------
        >>> import govreport
        >>> r = govreport.load("data").report("五原县民政局", 2020)
        >>> r.title
        '五原县民政局2020年政府信息公开工作年度报告'
        """
        agency_id = self.agency_id(agency)
        pos = self._report_pos(agency_id, int(year))
        if pos is None:
            have = self.years(agency_id)
            name = self.agencies["name"].iloc[self._agency_index[agency_id]]
            raise NotFoundError(
                f"没有{name}（{agency_id}）{year} 年度的报告",
                hint=f"该单位有数据的年度：{'、'.join(map(str, have)) or '无'}",
            )
        sections = self.sections_of(agency_id, int(year))
        return report_from_rows(
            self.agency(agency_id),
            self.reports.iloc[pos],
            self._slice(self.cells, agency_id, int(year)),
            self._slice(self.channels, agency_id, int(year)),
            self._slice(self.categories, agency_id, int(year)),
            sections,
        )

    # ---------------------------------------------------------------------------------- narratives

    def sections_of(self, agency_id: str, year: int) -> pd.DataFrame:
        if self._sections is not None:
            s = self._sections
            return s[(s["agency_id"] == agency_id) & (s["year"] == year)]
        if self.root is None:
            return pd.DataFrame(columns=["agency_id", "year", "seq", "heading", "body", "file", "line"])
        from govreport.store.narrative import read_sections

        return read_sections(self.root, [(agency_id, year, layout.narrative_path(agency_id, year))])

    @property
    def sections(self) -> pd.DataFrame:
        """All narrative sections (read on first use: checks and statistics do not need them)."""
        if self._sections is None:
            from govreport.store.narrative import read_sections

            paths = [(a, y, layout.narrative_path(a, y)) for a, y in self.keys()]
            self._sections = read_sections(self.root, paths) if self.root else read_sections(Path("."), [])
        return self._sections

    # ------------------------------------------------------------------------------------ identity

    def report_hash(self, agency_id: str, year: int) -> str:
        """A hash of everything one agency-year's outputs depend on: its rows, its agency and its narrative."""
        h = hashlib.blake2b(digest_size=16)
        pos = self._report_pos(agency_id, year)
        if pos is None:
            raise NotFoundError(f"没有 {agency_id} {year} 年度的报告", hint="核对单位和年度")
        a = self.agencies.iloc[self._agency_index[agency_id]].drop(labels=["line"], errors="ignore")
        h.update(repr(a.tolist()).encode())
        h.update(report_row_bytes(self.reports.iloc[pos].drop(labels=["line"])))
        for frame, spec in ((self.cells, layout.CELLS), (self.channels, layout.CHANNELS),
                            (self.categories, layout.CATEGORIES)):
            rows = self._slice(frame, agency_id, year)
            part = rows.drop(columns=["line", *omitted_columns(rows, spec)], errors="ignore")
            h.update(pd.util.hash_pandas_object(part.astype(str), index=False).to_numpy().tobytes())
            extra = extra_row_hashes(rows, spec)
            if extra is not None and extra[1].any():
                h.update(extra[0].tobytes())
        if self.root is not None:
            from govreport.store.narrative import narrative_bytes

            raw = narrative_bytes(self.root / layout.narrative_path(agency_id, year))
            if raw is not None:
                h.update(raw)
        return h.hexdigest()

    @property
    def is_synthetic(self) -> bool:
        """Whether the dataset is a synthetic one (``govreport synth`` writes a ``SYNTHETIC.txt`` marker).

        Examples
        --------
        >>> import govreport
        >>> govreport.load("data").is_synthetic
        False
        """
        return self.root is not None and (self.root / layout.SYNTHETIC_MARKER).exists()

    # -------------------------------------------------------------------------------------- views

    def subset(self, agencies: list[str] | None = None, years: list[int] | None = None) -> Dataset:
        """A dataset restricted to some agencies and years.

        Parameters
        ----------
        agencies : list of str, optional
            Agency ids or full names; default all.
        years : list of int, optional
            Report years; default all.

        Returns
        -------
        Dataset
            A new dataset over the same directory (the frames are filtered copies).

        Examples
        --------
        >>> import govreport
        >>> len(govreport.load("data").subset(years=[2021]))
        0
        """
        ids = {self.agency_id(a) for a in agencies} if agencies else None

        def keep(frame: pd.DataFrame) -> pd.DataFrame:
            m = np.ones(len(frame), dtype=bool)
            if ids is not None:
                m &= frame["agency_id"].astype(str).isin(ids).to_numpy()
            if years is not None and "year" in frame:
                m &= frame["year"].isin(years).to_numpy()
            return frame[m].reset_index(drop=True)

        return Dataset(
            agencies=keep(self.agencies), reports=keep(self.reports), cells=keep(self.cells),
            channels=keep(self.channels), categories=keep(self.categories), root=self.root, data_hash=self.data_hash,
            _sections=None if self._sections is None else keep(self._sections),
        )

    def check(self, **kwargs) -> CheckResult:
        """Run every rule over the dataset in one pass.

        Parameters
        ----------
        **kwargs
            ``agencies``, ``years``, ``rules``: restrict the run; see :func:`govreport.checks.run`.

        Returns
        -------
        CheckResult
            Every finding (``.to_frame()`` for a DataFrame) and per-rule counts.

        Examples
        --------
        >>> import govreport
        >>> result = govreport.load("data").check()
        >>> result.ok, result.errors
        (True, 0)
        """
        from govreport.checks import run

        return run(self, **kwargs)

    # ------------------------------------------------------------------------------ labelled frames

    def table(self, table: str, agency: str, year: int, *, version: str | None = None,
              labels: Labels = "label") -> LabelledTable:
        """One official table of one agency-year in its printed layout, with Chinese labels.

        Parameters
        ----------
        table : str
            Table id: ``t2a`` … ``t2e`` (第二十条 blocks), ``t3`` (applications), ``t4`` (review and
            litigation) or ``fee`` (信息处理费).
        agency : str
            Agency id or full Chinese name.
        year : int
            Report year.
        version : {"2019", "2021"}, optional
            Table layout; default the one the report uses (or the format in force that year).
        labels : {"label", "id"}
            Chinese labels as printed (default) or the model's ids on both axes.

        Returns
        -------
        LabelledTable
            ``.values`` (nullable ``Int64``/``Float64``, ``<NA>`` for blank and 不适用), ``.status``
            (``reported``/``blank``/``not_applicable``), ``.text`` (as printed) and a rich display that
            shows blank, 0 and 不适用 differently. See :mod:`govreport.core.labelled`.

        Examples
        --------
        >>> import govreport
        >>> t3 = govreport.load("data").table("t3", "五原县民政局", 2020)
        >>> t3.values.shape
        (23, 7)
        >>> total = ("三、本年度办理结果", "（七）总计", "")    # row labels: group header, row, sub-row
        >>> t3.status.loc[total].iloc[[0, -1]].tolist()     # 自然人 blank, 总计 a reported 0
        ['blank', 'reported']
        """
        from govreport.core.formats import FORMATS
        from govreport.core.labelled import labelled_table

        r = self.report(agency, year)
        v = version or r.table_version(table)
        if v not in FORMATS or not FORMATS[v].has_table(table):
            have = "、".join(t.id for t in FORMATS[v].tables) if v in FORMATS else "、".join(FORMATS)
            raise NotFoundError(f"{v}年格式没有表格 {table!r}",
                                hint=f"可用的表格：{have}" if v in FORMATS else f"可用的格式：{have}")
        return labelled_table(r.table(table, v), agency=r.agency.name, year=r.year, labels=labels)

    def tidy(self) -> pd.DataFrame:
        """Every recorded table figure of every agency-year, one row each, with Chinese labels.

        Returns
        -------
        pandas.DataFrame
            See :func:`govreport.core.labelled.tidy_figures` (``value`` nullable, ``status`` beside it).

        Examples
        --------
        >>> import govreport
        >>> govreport.load("data").tidy()["status"].value_counts().to_dict()
        {'reported': 5, 'blank': 0, 'not_applicable': 0}
        """
        from govreport.core.labelled import tidy_figures

        return tidy_figures(self)

    def wide(self, tables: list[str] | tuple[str, ...] | None = None, *, what: What = "value"
             ) -> pd.DataFrame | LabelledFrame:
        """All agency-years as one wide frame: a row per agency-year, a column per table cell.

        Parameters
        ----------
        tables : list of str, optional
            Table ids to keep; default all.
        what : {"value", "status", "text", "labelled"}
            Nullable numbers, statuses, printed text, or numbers and statuses together as a
            :class:`~govreport.core.labelled.LabelledFrame` (see :func:`govreport.core.labelled.wide_figures`).

        Returns
        -------
        pandas.DataFrame or LabelledFrame
            Index ``(agency_id, year)``; columns ``(table, row, column)`` Chinese labels.

        Examples
        --------
        >>> import govreport
        >>> govreport.load("data").wide(["t4"]).shape
        (1, 3)
        """
        from govreport.core.labelled import wide_figures

        return wide_figures(self, tables=tables, what=what)

    def panel(self) -> pd.DataFrame:
        """Key measures per agency-year (totals, outcomes, rates) with agency attributes.

        Returns
        -------
        pandas.DataFrame
            :func:`govreport.analysis.stats.panel`: one row per agency-year; a blank figure is NaN, never 0.

        Examples
        --------
        >>> import govreport
        >>> govreport.load("data").panel()[["name", "year", "proactive_total", "received"]]
             name  year  proactive_total  received
        0  五原县民政局  2020            418.0       0.0
        """
        from govreport.analysis.stats import panel

        return panel(self)

    def __len__(self) -> int:
        return len(self.reports)

    def __repr__(self) -> str:
        where = f" at {self.root}" if self.root else ""
        return f"<govreport.Dataset{where}: {len(self.agencies)} agencies, {len(self.reports)} agency-years>"

    def _repr_html_(self) -> str:
        from govreport.render.display import dataset_html

        return dataset_html(self)


def load(path: str | os.PathLike[str] = "data", *, use_cache: bool = True) -> Dataset:
    """Load and validate a dataset directory.

    Parameters
    ----------
    path : str or path-like
        The dataset directory (``agencies.csv``, ``reports.csv``, ``cells.csv``, ``channels.csv``,
        ``categories.csv``, ``narratives/``): the repository's ``data/``, a synthetic dataset written by
        ``govreport synth`` or a folder written by ``govreport ingest --out``.
    use_cache : bool
        Read and write the Parquet cache in ``<path>/.cache/`` (default True); the CSV stays the source.

    Returns
    -------
    Dataset
        The validated tidy frames.

    Raises
    ------
    DataError
        On bad input, naming the file, line and column and saying how to fix it.

    Examples
    --------
    >>> import govreport
    >>> ds = govreport.load("data")
    >>> len(ds), ds.agencies["name"].tolist()
    (1, ['五原县民政局'])
    """
    frames, data_hash = read_frames(path, use_cache=use_cache)
    # derived arrays (the cell matrices) may be kept beside the Parquet cache
    where = cache_dir(Path(path)) if use_cache else None
    return Dataset(**frames, root=Path(path), data_hash=data_hash, cache_dir=where)


#: ``signature(directory) -> Dataset`` (see :mod:`govreport.store.cache`); a few datasets per process at most.
_SHARED = Memo(maxsize=4)


def load_shared(path: str | os.PathLike[str]) -> Dataset:
    """:func:`load` through the per-process memo of loaded datasets, keyed by
    :func:`govreport.store.cache.signature` (narratives are read by the dataset on demand, as always)."""
    root = Path(path)
    if not root.is_dir():
        return load(root)
    return _SHARED.get(signature(root), lambda: load(root))


def from_frames(frames: dict[str, pd.DataFrame], root: Path | None = None) -> Dataset:
    """Build a dataset from validated (typed) frames, e.g. an ingested report not written anywhere."""
    linked = link_frames(frames, root)
    return Dataset(**linked, root=root)


__all__ = [
    "Dataset",
    "from_frames",
    "load",
    "load_shared",
]



# The ``omit_when_empty`` columns (core/schema.py) enter a hash only when set, so a dataset written before
# such a column existed keeps its hashes (and its renders stay current). batch.plan hashes the same way.


def omitted_columns(frame: pd.DataFrame, spec: layout.FileSpec) -> list[str]:
    """The ``omit_when_empty`` columns of ``spec`` that ``frame`` has."""
    return [f.name for f in spec.fields if f.omit_when_empty and f.name in frame.columns]


def report_row_bytes(row: pd.Series) -> bytes:
    """One reports.csv row as hashed: its values, then those of its ``omit_when_empty`` columns when set."""
    omit = [f.name for f in layout.REPORTS.fields if f.omit_when_empty and f.name in row.index]
    out = repr(row.drop(labels=omit).tolist()).encode()
    filled = [str(row[c]) for c in omit if not pd.isna(row[c]) and str(row[c]) != ""]
    return out + repr(filled).encode() if filled else out


def extra_row_hashes(frame: pd.DataFrame, spec: layout.FileSpec) -> tuple[np.ndarray, np.ndarray] | None:
    """Per row: the hash of its ``omit_when_empty`` columns and whether any is set (None: it has none)."""
    cols = omitted_columns(frame, spec)
    if not cols:
        return None
    part = frame[cols].astype("string").fillna("")
    return (pd.util.hash_pandas_object(part.astype(str), index=False).to_numpy(),
            part.ne("").any(axis=1).to_numpy(dtype=bool))
