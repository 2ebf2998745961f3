"""The data model of one annual report: one agency, one year.

These are plain immutable dataclasses. A :class:`Report` is built from the tidy frames of a
:class:`~govreport.store.dataset.Dataset` (``Dataset.report``), from an Excel template
(:mod:`govreport.render.xlsx_template`) or from a published text (:mod:`govreport.readers`), and is turned back into
tidy rows by :func:`govreport.store.frames.report_to_frames`. Every figure is a :class:`~govreport.core.values.Figure`
so that a reported 0, a blank and 不适用 stay distinct.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from govreport.core.formats import FORMATS, TableSpec, table_spec
from govreport.core.values import Figure, Mark

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from govreport.core.labelled import LabelledTable


class AgencyKind(StrEnum):
    DEPARTMENT = "department"  # 政府部门: report due 31 January
    GOVERNMENT = "government"  # 人民政府 (its 主管部门 publishes): due 31 March
    OTHER = "other"  # township/street, public institution: local rules

    @property
    def label(self) -> str:
        return {"department": "政府部门", "government": "人民政府", "other": "其他机关单位"}[self.value]


class Level(StrEnum):
    NATIONAL = "national"
    PROVINCE = "province"
    PREFECTURE = "prefecture"
    COUNTY = "county"
    TOWNSHIP = "township"

    @property
    def label(self) -> str:
        return {
            "national": "国家级",
            "province": "省级",
            "prefecture": "市级",
            "county": "县级",
            "township": "乡级",
        }[self.value]


@dataclass(frozen=True, slots=True)
class Agency:
    id: str
    name: str
    kind: AgencyKind
    level: Level
    region: str = ""  # e.g. 内蒙古自治区/巴彦淖尔市/五原县
    region_code: str = ""  # GB/T 2260 code, e.g. 150821
    superior: str = ""  # the government the agency belongs to
    short_name: str = ""
    address: str = ""
    postcode: str = ""
    phone: str = ""
    fax: str = ""
    email: str = ""
    office: str = ""  # the office that compiles the report


@dataclass(frozen=True, slots=True)
class Period:
    """Statistical period and the optional earlier data cut-off."""

    start: dt.date | None
    end: dt.date | None
    cutoff: dt.date | None = None  # counts stop here when earlier than ``end`` (seed: 28 Dec)

    def text(self) -> str:
        if self.start is None or self.end is None:
            return "未载明"
        return f"{_cn_date(self.start)}至{_cn_date(self.end)}"


def _cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


@dataclass(frozen=True, slots=True)
class ChannelFigure:
    """One channel of the proactive-disclosure breakdown."""

    channel: str  # canonical id, see govreport.core.channels
    label: str  # as written in the report
    figure: Figure
    qualifier: str = ""  # 余/多/约/近/以上
    unit: str = "条"
    host: str = ""  # website: own | superior
    account: str = ""  # named account, e.g. 五原县民政局
    note: str = ""  # the office's own remark
    source: str = ""  # the workbook cell the figure was typed in (template_read.entered_at); set by import


@dataclass(frozen=True, slots=True)
class CategoryFigure:
    category: str
    label: str
    figure: Figure
    qualifier: str = ""
    unit: str = "条"
    note: str = ""


@dataclass(frozen=True, slots=True)
class Proactive:
    """主动公开: the stated total and two independent breakdowns of it."""

    total: Figure = field(default_factory=Figure.blank)
    total_qualifier: str = ""
    unit: str = "条"
    channels: tuple[ChannelFigure, ...] = ()
    categories: tuple[CategoryFigure, ...] = ()
    channels_overlap: bool | None = None  # None: the report does not say
    total_source: str = ""  # the workbook cell the total was typed in (template_read.entered_at); set by import


@dataclass(frozen=True, slots=True)
class TableData:
    """The figures of one official table. Cells not present are blank."""

    spec: TableSpec
    cells: dict[tuple[str, str], Figure] = field(default_factory=dict)
    notes: dict[tuple[str, str], str] = field(default_factory=dict)

    def get(self, row: str, column: str) -> Figure:
        return self.cells.get((row, column), Figure(Mark.BLANK))

    def __getitem__(self, key: tuple[str, str]) -> Figure:
        return self.get(*key)

    @property
    def is_empty(self) -> bool:
        return not self.cells

    def labelled(self, *, labels: str = "label") -> LabelledTable:
        """This table in its official layout as labelled DataFrames.

        Parameters
        ----------
        labels : {"label", "id"}
            Chinese labels (default) or ids on both axes.

        Returns
        -------
        LabelledTable
            ``.values``, ``.status``, ``.text``; see :mod:`govreport.core.labelled`.

        Examples
        --------
        >>> import govreport
        >>> r = govreport.load("data").report("五原县民政局", 2020)
        >>> r.table("fee").labelled().status.iloc[0].tolist()
        ['blank', 'blank', 'blank']
        """
        from govreport.core.labelled import labelled_table

        return labelled_table(self, labels=labels)  # type: ignore[arg-type]

    def to_frame(self) -> pd.DataFrame:
        """The ``values`` frame of :meth:`labelled`: nullable numbers, ``<NA>`` for blank and 不适用.

        Returns
        -------
        pandas.DataFrame

        Examples
        --------
        >>> import govreport
        >>> r = govreport.load("data").report("五原县民政局", 2020)
        >>> int(r.table("t4").to_frame().iloc[0].sum())
        0
        """
        return self.labelled().values

    def _repr_html_(self) -> str:
        from govreport.render.display import table_html

        return table_html(self)


@dataclass(frozen=True, slots=True)
class Section:
    heading: str  # '' for the opening paragraphs
    body: str  # Markdown
    level: int = 2


class ReportFormat(StrEnum):
    F2019 = "2019"
    F2021 = "2021"
    HYBRID = "hybrid"
    NONE = "none"

    @property
    def label(self) -> str:
        return {
            "2019": "2019年试行格式",
            "2021": "2021年格式",
            "hybrid": "混用2019与2021年格式",
            "none": "未使用统一表格（纯文字报告）",
        }[self.value]


@dataclass(frozen=True, slots=True)
class Report:
    """One annual report: one agency, one year. Get one with :meth:`govreport.Dataset.report`.

    Attributes
    ----------
    agency : Agency
    year : int
    format : ReportFormat
        2019 trial format, 2021 format, both (hybrid) or none (narrative only).
    period : Period
        Statistical period and data cut-off.
    proactive : Proactive
        主动公开: the stated total and its channel and category breakdowns.
    tables : tuple of TableData
        The official tables the report gives (``table()`` also returns empty ones it does not give).
    sections : tuple of Section
        The narrative, one entry per heading.
    """

    agency: Agency
    year: int
    format: ReportFormat
    period: Period
    published: dt.date | None = None
    proactive: Proactive = field(default_factory=Proactive)
    tables: tuple[TableData, ...] = ()
    sections: tuple[Section, ...] = ()
    source: str = ""  # where the figures were transcribed from
    notes: str = ""

    @property
    def title(self) -> str:
        return f"{self.agency.name}{self.year}年政府信息公开工作年度报告"

    def table(self, table_id: str, version: str | None = None) -> TableData:
        """The table with this id (of ``version`` if given); an empty table of the year's format if absent.

        Parameters
        ----------
        table_id : str
            ``t2a`` … ``t2e``, ``t3``, ``t4`` or ``fee``.
        version : {"2019", "2021"}, optional

        Returns
        -------
        TableData
            Its figures by (row, column) id; ``.labelled()`` for DataFrames.

        Examples
        --------
        >>> import govreport
        >>> r = govreport.load("data").report("五原县民政局", 2020)
        >>> r.table("t3").spec.version, r.table("t3").get("results_total", "total").text()
        ('2019', '0')
        """
        for t in self.tables:
            if t.spec.id == table_id and (version is None or t.spec.version == version):
                return t
        v = version or self.table_version(table_id)
        return TableData(table_spec(v, table_id))

    def table_version(self, table_id: str) -> str:
        for t in self.tables:
            if t.spec.id == table_id:
                return t.spec.version
        if self.format in (ReportFormat.F2019, ReportFormat.F2021):
            return self.format.value
        return "2019" if self.year <= 2020 else "2021"

    @property
    def versions(self) -> frozenset[str]:
        return frozenset(t.spec.version for t in self.tables if t.spec.id != "fee")

    def figure(self, table_id: str, row: str, column: str) -> Figure:
        """One figure by table, row and column id; a blank :class:`~govreport.core.values.Figure` if absent.

        Examples
        --------
        >>> import govreport
        >>> r = govreport.load("data").report("五原县民政局", 2020)
        >>> r.figure("t3", "results_total", "total").text(), r.figure("t3", "granted", "total").text()
        ('0', '')
        """
        return self.table(table_id).get(row, column)

    def to_frame(self) -> pd.DataFrame:
        """Every data cell of the report's tables as a tidy DataFrame with Chinese labels.

        Returns
        -------
        pandas.DataFrame
            Columns ``version, table, table_label, row, row_label, column, column_label, value``
            (nullable ``Float64``), ``status`` (``reported``/``blank``/``not_applicable``) and ``text``.
            Cells the report does not give are listed as blank.

        Examples
        --------
        >>> import govreport
        >>> f = govreport.load("data").report("五原县民政局", 2020).to_frame()
        >>> f[f["status"] == "reported"]["column_label"].tolist()[:3]
        ['总计', '总计', '行政复议·总计']
        """
        from govreport.core.labelled import report_frame

        return report_frame(self)

    def _repr_html_(self) -> str:
        from govreport.render.display import report_html

        return report_html(self)


def known_versions() -> tuple[str, ...]:
    return tuple(FORMATS)


__all__ = [
    "Agency",
    "AgencyKind",
    "CategoryFigure",
    "ChannelFigure",
    "Level",
    "Period",
    "Proactive",
    "Report",
    "ReportFormat",
    "Section",
    "TableData",
    "known_versions",
]
