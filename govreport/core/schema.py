"""The on-disk layout of a dataset directory, declared as data.

::

    data/
      agencies.csv            one row per agency
      reports.csv             one row per agency-year: format, period, proactive total
      cells.csv               one row per agency-year-table-row-column (official tables + 信息处理费)
      channels.csv            one row per agency-year-channel figure
      categories.csv          one row per agency-year-content-category figure
      narratives/<agency_id>/<year>.md   the narrative sections, Markdown
      sources/                copies of published reports the figures were transcribed from

Every CSV is UTF-8 (a BOM, GBK or GB18030 is also read), comma-separated, with a header row.
A figure column holds a number, nothing (blank: not reported) or 不适用 (also ``/`` or ``—``).

This module is the one declaration language of the package: a :class:`Field` of a :class:`Kind` declares a
column of a CSV file (:class:`FileSpec`) and, with a label and help text, an input of the Excel data-entry
template (its blocks are declared in :mod:`govreport.core.template_schema`, each input derived from the CSV
column it fills with :meth:`Field.entry`). Reading and validating the CSV files
(:mod:`govreport.store.csvstore`), writing and reading the template (:mod:`govreport.render.xlsx_template`,
:mod:`govreport.readers.xlsx_template`) and the open-data dictionary (:mod:`govreport.analysis.export`) all
read these declarations.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from enum import StrEnum

from govreport.core.channels import Qualifier
from govreport.core.formats import FORMATS, REPORT_FORMATS


class Kind(StrEnum):
    """What a field holds: how a CSV column is validated and how the template writes and reads the input."""

    TEXT = "text"  # free text, may be empty
    ID = "id"  # required identifier: non-empty, no surrounding spaces
    AGENCY_ID = "agency-id"  # an agency id as govreport.core.ids defines it (safe as a folder name)
    YEAR = "year"  # integer year
    INT = "int"  # required integer (e.g. seq)
    DATE = "date"  # ISO date YYYY-MM-DD, may be empty
    FIGURE = "figure"  # number / blank / 不适用
    CHOICE = "choice"  # one of ``choices`` (empty allowed when ``required`` is False)
    BOOL = "bool"  # yes/no/empty


@dataclass(frozen=True, slots=True)
class Choice:
    """One allowed value of a field: the value stored, the label a dropdown shows, other spellings read."""

    value: str
    label: str
    aliases: tuple[str, ...] = ()


def _values(*values: str) -> tuple[Choice, ...]:
    """Choices labelled with their own value (the labelled ones live with the template's blocks)."""
    return tuple(Choice(v, v) for v in values)


@dataclass(frozen=True, slots=True)
class Field:
    """One declared value: a column of a dataset CSV file, or an input of the Excel template (:meth:`entry`)."""

    name: str  # the CSV column; the template's key of the input
    kind: Kind = Kind.TEXT
    required: bool = False  # the column must exist in the file
    choices: tuple[Choice, ...] = ()  # a field with choices is a dropdown in the template
    doc: str = ""
    unit: str = ""
    #: the column is written only when some row has a value (a column added later: files without it,
    #: e.g. a transcribed dataset, keep their bytes)
    omit_when_empty: bool = False
    label: str = ""  # the template: the label written, and matched when reading
    help: str = ""  # the template: the help text written beside the input
    aliases: tuple[str, ...] = ()  # the template: other labels accepted when reading
    span: int = 1  # the template: grid columns the input cell spans (list blocks)

    @property
    def values(self) -> tuple[str, ...]:
        """The stored values of ``choices``."""
        return tuple(c.value for c in self.choices)

    def labels(self) -> tuple[str, ...]:
        """Every label the template reader accepts: the label, without a trailing （…）, the aliases."""
        short = re.sub(r"（.*?）$", "", self.label)
        return (self.label, short, *self.aliases)

    def entry(self, label: str, *, name: str = "", kind: Kind | None = None,
              choices: tuple[Choice, ...] | None = None, help: str = "", aliases: tuple[str, ...] = (),
              span: int = 1) -> Field:
        """This column as an input of the template: its kind and choices unless given, a label and help."""
        return replace(self, name=name or self.name, kind=kind or self.kind,
                       choices=self.choices if choices is None else choices,
                       label=label, help=help, aliases=aliases, span=span)


@dataclass(frozen=True, slots=True)
class FileSpec:
    name: str  # file name inside the dataset directory
    fields: tuple[Field, ...]
    key: tuple[str, ...]
    doc: str = ""

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


#: How exact a stated figure is (govreport.core.channels.Qualifier); empty = exact.
QUALIFIER_CHOICES: tuple[Choice, ...] = _values(*(q.value for q in Qualifier if q.value))
YES = Choice("yes", "是", ("yes", "true", "y", "1"))
NO = Choice("no", "否", ("no", "false", "n", "0"))
BOOL_CHOICES: tuple[Choice, ...] = (YES, NO)
HOST_CHOICES: tuple[Choice, ...] = (
    Choice("own", "本单位网站", ("本级网站", "自有网站")),
    Choice("superior", "上级政府网站", ("上级网站",)),
)
_QUALIFIER_DOC = "余/多/以上 = at least, 近 = at most, 约 = about, empty = exact"
_AGENCY_ID = Field("agency_id", Kind.ID, True, doc="agency id (see agencies.csv)")
_YEAR = Field("year", Kind.YEAR, True, doc="report year (the year the figures describe)")
_ENTERED_AT_DOC = "the workbook cell the figure was typed in (e.g. 文件.xlsx 年度报告数据!C12); set by import"

AGENCIES = FileSpec(
    "agencies.csv",
    (
        Field("agency_id", Kind.AGENCY_ID, True,
              doc="stable ASCII id, e.g. 150821-minzhengju (region code + slug); see govreport.core.ids"),
        Field("name", Kind.ID, True, doc="full Chinese name, e.g. 五原县民政局"),
        Field("kind", Kind.CHOICE, True, _values("department", "government", "other"),  # = model.AgencyKind (tested)
              doc="department: due 31 Jan; government: due 31 Mar; other: local rules"),
        Field("level", Kind.CHOICE, True,
              _values("national", "province", "prefecture", "county", "township"),  # = model.Level
              doc="administrative level of the agency: national / province / prefecture / county / township"),
        Field("region", doc="administrative region path, e.g. 内蒙古自治区/巴彦淖尔市/五原县"),
        Field("region_code", doc="GB/T 2260 code of the region"),
        Field("superior", doc="the government the agency belongs to"),
        Field("short_name", doc="short name used in running text"),
        Field("address", doc="postal address of the office that answers questions on the report"),
        Field("postcode", doc="postcode (邮编)"),
        Field("phone", doc="telephone (电话)"),
        Field("fax", doc="fax (传真); may equal the phone number"),
        Field("email", doc="e-mail (电子邮箱)"),
        Field("office", doc="the office that compiles the report"),
    ),
    key=("agency_id",),
    doc="one row per agency",
)

REPORTS = FileSpec(
    "reports.csv",
    (
        _AGENCY_ID,
        _YEAR,
        Field("format", Kind.CHOICE, True, _values(*REPORT_FORMATS),
              doc="table format the report uses: 2019 trial tables, 2021 tables, hybrid (tables of both), "
                  "or none (narrative-only report)"),
        Field("period_start", Kind.DATE, doc="first day of the statistical period as stated; empty if not stated"),
        Field("period_end", Kind.DATE, doc="last day of the statistical period as stated; empty if not stated"),
        Field("data_cutoff", Kind.DATE, doc="day the counts stop when earlier than period_end; empty otherwise"),
        Field("published", Kind.DATE, doc="publication date; empty if unknown"),
        Field("proactive_total", Kind.FIGURE, doc="stated total of proactively disclosed items",
              unit="see proactive_unit"),
        Field("proactive_qualifier", Kind.CHOICE, False, QUALIFIER_CHOICES, doc=_QUALIFIER_DOC),
        Field("proactive_unit", doc="unit of the stated total (条, 篇 …)"),
        Field("channels_overlap", Kind.BOOL, choices=BOOL_CHOICES,
              doc="yes: channel figures count the same items more than once; empty: not stated"),
        Field("source", doc="where the figures were transcribed from"),
        Field("notes"),
        Field("proactive_total_source", doc=_ENTERED_AT_DOC.replace("the figure", "proactive_total"),
              omit_when_empty=True),
    ),
    key=("agency_id", "year"),
    doc="one row per agency-year",
)

CELLS = FileSpec(
    "cells.csv",
    (
        _AGENCY_ID,
        _YEAR,
        Field("version", Kind.CHOICE, True, _values(*FORMATS), doc="table layout: 2019 (trial format) or 2021"),
        Field("table", Kind.ID, True, doc="t2a–t2e: Table 2 blocks (Article 20; t2e 2019 only); t3: applications; "
                                          "t4: review and litigation; fee: 信息处理费"),
        Field("row", Kind.ID, True, doc="row id of the table (see govreport.core.formats)"),
        Field("column", Kind.ID, True, doc="column id of the table"),
        Field("value", Kind.FIGURE, True, doc="the figure", unit="see unit"),
        Field("note", doc="where the figure came from: the sentence of the text it was read from, or the "
                          "workbook cell it was typed in (e.g. 文件.xlsx 年度报告数据!D23)"),
    ),
    key=("agency_id", "year", "version", "table", "row", "column"),
    doc="one row per agency-year-table-row-column; a cell absent from the file is blank",
)

CHANNELS = FileSpec(
    "channels.csv",
    (
        _AGENCY_ID,
        _YEAR,
        Field("seq", Kind.INT, True, doc="order in the report, from 1"),
        Field("channel", Kind.ID, True, doc="canonical channel id (govreport.core.channels)"),
        Field("label", Kind.ID, True, doc="the channel as written in the report"),
        Field("value", Kind.FIGURE, True, doc="the figure", unit="see unit"),
        Field("qualifier", Kind.CHOICE, False, QUALIFIER_CHOICES, doc=_QUALIFIER_DOC),
        Field("unit", doc="条, 篇, 期 … ; 人次 and similar are audience metrics, not items"),
        Field("host", Kind.CHOICE, False, HOST_CHOICES,
              doc="website only: own or a superior government's site"),
        Field("account", doc="named account, e.g. the WeChat account's name"),
        Field("note", doc="the office's own remark on the figure"),
        Field("source", doc=_ENTERED_AT_DOC, omit_when_empty=True),
    ),
    key=("agency_id", "year", "seq"),
    doc="one row per agency-year-channel figure",
)

CATEGORIES = FileSpec(
    "categories.csv",
    (
        _AGENCY_ID,
        _YEAR,
        Field("seq", Kind.INT, True, doc="order in the report, from 1"),
        Field("category", Kind.ID, True, doc="canonical content category id (govreport.core.channels.CATEGORIES)"),
        Field("label", Kind.ID, True, doc="the category as written in the report"),
        Field("value", Kind.FIGURE, True, doc="the figure", unit="see unit"),
        Field("qualifier", Kind.CHOICE, False, QUALIFIER_CHOICES, doc=_QUALIFIER_DOC),
        Field("unit", doc="条, 篇 …"),
        Field("note"),
    ),
    key=("agency_id", "year", "seq"),
    doc="one row per agency-year-content-category figure",
)

FILES: tuple[FileSpec, ...] = (AGENCIES, REPORTS, CELLS, CHANNELS, CATEGORIES)
FILE_BY_NAME: dict[str, FileSpec] = {f.name: f for f in FILES}

NARRATIVES_DIR = "narratives"
SOURCES_DIR = "sources"
CACHE_DIR = ".cache"
SYNTHETIC_MARKER = "SYNTHETIC.txt"


def dataset_name(root: str | os.PathLike[str] | None) -> str:
    """A dataset as outputs record it: its directory's name only, never an absolute path (``""`` for a
    dataset that has no directory, e.g. one built from frames)."""
    return "" if root is None else os.path.basename(os.path.normpath(os.fspath(root)))


def narrative_path(agency_id: str, year: int) -> str:
    return f"{NARRATIVES_DIR}/{agency_id}/{year}.md"
