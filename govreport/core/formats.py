"""The official report formats as data: sections, tables, rows and columns with their exact labels.

Two formats exist (described in ``docs/domain/format.md``): the 2019 trial format (国办公开办函〔2019〕60号,
report years 2019–2020) and the 2021 format (国办公开办函〔2021〕30号, report years 2021 on). A report
may also be narrative-only (format ``none``), like the seed.

Tables are identified by ``(version, table)``: e.g. ``("2021", "t2a")``. Table 3 and 4 keep their ids
across versions; Table 3's rows differ only in （六）其他处理. ``fee`` holds the 信息处理费 figures that
reports give in section 六 (not an official table; modelled like one so the same machinery applies).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache


class ValueType(StrEnum):
    COUNT = "count"  # non-negative integer
    SIGNED = "signed"  # integer, may be negative (2019 本年增/减)
    DECIMAL = "decimal"  # non-negative decimal (money)


@dataclass(frozen=True, slots=True)
class Axis:
    """A row or a column of a table. ``group`` entries are headers that carry no data (R5, R13).

    ``parent`` places an entry under a group; ``total`` marks the child of a group that is the sum of the
    group's other data entries (e.g. （七）总计 under 三、本年度办理结果). The groups that rules, statistics
    and generators work with are derived from these two fields (:meth:`TableSpec.parts` and friends).
    """

    id: str
    label: str
    parent: str | None = None
    group: bool = False
    short: str | None = None  # label used in findings when ``label`` is long
    total: bool = False

    @property
    def name(self) -> str:
        return self.short or self.label


@dataclass(frozen=True, slots=True)
class Column(Axis):
    unit: str = "件"
    value_type: ValueType = ValueType.COUNT


@dataclass(frozen=True, slots=True)
class TableSpec:
    version: str
    id: str
    title: str  # caption as printed
    ref: str  # how a reviewer names the table: 表二（第二十条第（一）项）, 表三, 表四
    rows: tuple[Axis, ...]
    columns: tuple[Column, ...]
    row_header_label: str = "信息内容"
    corner_note: str | None = None
    unit: str = "件"
    _rows_by_id: dict[str, Axis] = field(init=False, repr=False, compare=False)
    _cols_by_id: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_rows_by_id", {r.id: r for r in self.rows})
        object.__setattr__(self, "_cols_by_id", {c.id: c for c in self.columns})

    @property
    def data_rows(self) -> tuple[Axis, ...]:
        return tuple(r for r in self.rows if not r.group)

    @property
    def data_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if not c.group)

    @property
    def group_rows(self) -> tuple[Axis, ...]:
        return tuple(r for r in self.rows if r.group)

    @property
    def group_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.group)

    def row(self, row_id: str) -> Axis:
        return self._rows_by_id[row_id]

    def column(self, col_id: str) -> Column:
        return self._cols_by_id[col_id]

    def has_row(self, row_id: str) -> bool:
        return row_id in self._rows_by_id

    def has_column(self, col_id: str) -> bool:
        return col_id in self._cols_by_id

    def _axis(self, axis: str) -> tuple[Axis, ...]:
        if axis not in ("row", "column"):
            raise ValueError(f"axis must be 'row' or 'column', not {axis!r}")
        return self.rows if axis == "row" else self.columns

    def children(self, axis: str, parent: str) -> tuple[Axis, ...]:
        """The entries directly under ``parent``, in document order."""
        return tuple(a for a in self._axis(axis) if a.parent == parent)

    def ancestors(self, axis: str, entry: Axis) -> tuple[Axis, ...]:
        """The groups ``entry`` sits under, outermost first (empty for an entry at the top level)."""
        items = self._axis(axis)  # checks the axis name
        by_id: Mapping[str, Axis] = self._rows_by_id if items is self.rows else self._cols_by_id
        out: list[Axis] = []
        p = entry.parent
        while p is not None:
            out.append(by_id[p])
            p = by_id[p].parent
        return tuple(reversed(out))

    def descendants(self, axis: str, group: str) -> tuple[Axis, ...]:
        """Every entry under ``group`` at any depth, in document order."""
        return tuple(a for a in self._axis(axis) if any(g.id == group for g in self.ancestors(axis, a)))

    def parts(self, axis: str, group: str) -> tuple[str, ...]:
        """Ids of the data entries under ``group`` (any depth) that add up to its total, in document order:
        every descendant that is neither a header nor a total. E.g. the outcome rows of 表三 (``results``),
        the six applicant columns (``applicant``), the four outcomes of one 表四 route (``review``)."""
        return tuple(a.id for a in self.descendants(axis, group) if not a.group and not a.total)

    def total_of(self, axis: str, group: str) -> str | None:
        """Id of the child of ``group`` marked as its total (None when the group has none)."""
        return next((a.id for a in self.children(axis, group) if a.total), None)

    def subgroups(self, axis: str, group: str) -> tuple[str, ...]:
        """Ids of the header entries directly under ``group`` (e.g. （三）不予公开 … under ``results``)."""
        return tuple(a.id for a in self.children(axis, group) if a.group)

    def totalled_groups(self, axis: str) -> tuple[str, ...]:
        """Ids of the groups that have a total child, in document order (表四: review, direct, after_review)."""
        return tuple(a.id for a in self._axis(axis) if a.group and self.total_of(axis, a.id) is not None)

    def place(self, row_id: str | None = None, col_id: str | None = None) -> str:
        """A cell, row or column named in the report's own words, e.g. 表三 “（七）总计” 行 “自然人” 列."""
        text = self.ref
        if row_id is not None and self.row(row_id).label:
            text += f" “{self.row(row_id).name}” 行"
        if col_id is not None:
            col = self.column(col_id)
            label = col.name
            if col.parent and self.column(col.parent).group and col.parent != "applicant":
                label = f"{self.column(col.parent).name}·{label}"
            text += f" “{label}” 列"
        return text


@dataclass(frozen=True, slots=True)
class FormatSpec:
    version: str  # "2019" or "2021"
    title: str
    doc_no: str
    first_year: int
    last_year: int | None
    tables: tuple[TableSpec, ...]
    sections: tuple[SectionSpec, ...] = field(default=())

    @property
    def headings(self) -> tuple[str, ...]:
        """The official part headings of the format, in order."""
        return tuple(s.heading for s in self.sections)

    def table(self, table_id: str) -> TableSpec:
        for t in self.tables:
            if t.id == table_id:
                return t
        raise KeyError(f"format {self.version} has no table {table_id!r}")

    def has_table(self, table_id: str) -> bool:
        return any(t.id == table_id for t in self.tables)

    def applies_to(self, year: int) -> bool:
        return year >= self.first_year and (self.last_year is None or year <= self.last_year)


@dataclass(frozen=True, slots=True)
class SectionSpec:
    """One of the six official parts of a report.

    ``topic`` is its stable id; ``heading`` the national wording; ``keywords`` the words that recognise
    a report's own heading as this part (checked in the order of :data:`SECTION_MATCH_ORDER`);
    ``tables`` the official tables printed under it (``t2`` = every 表二 block); ``proactive`` when the
    主动公开 total and channel list are shown in it. A part whose figures are filled in is not empty
    without text; a part without figures needs text (rule N1).
    """

    topic: str
    heading: str
    keywords: tuple[str, ...]
    tables: tuple[str, ...] = ()
    proactive: bool = False

    @property
    def number(self) -> str:
        """The heading's numeral: '一' for '一、总体情况'."""
        return self.heading.split("、", 1)[0]

    @property
    def name(self) -> str:
        """The heading without its numeral: '总体情况'."""
        return self.heading.split("、", 1)[1]


#: The six parts of the national format, in order (the same in the 2019 and 2021 formats).
SECTION_SPECS: tuple[SectionSpec, ...] = (
    SectionSpec("overview", "一、总体情况", ("总体", "概述", "概况")),
    SectionSpec("proactive", "二、主动公开政府信息情况", ("主动公开",), ("t2",), proactive=True),
    SectionSpec("applications", "三、收到和处理政府信息公开申请情况", ("申请",), ("t3",)),
    SectionSpec("review", "四、政府信息公开行政复议、行政诉讼情况", ("复议", "诉讼"), ("t4",)),
    SectionSpec("problems", "五、存在的主要问题及改进情况", ("问题", "改进", "不足")),
    SectionSpec("other", "六、其他需要报告的事项", ("其他",), ("fee",)),
)
SECTION_BY_TOPIC: dict[str, SectionSpec] = {s.topic: s for s in SECTION_SPECS}
#: Topic ids in the order a report's heading is matched against their keywords (复议 before 申请:
#: "行政复议申请" is part 四; 其他 late: "其他" appears in many headings).
SECTION_MATCH_ORDER: tuple[str, ...] = ("review", "applications", "proactive", "problems", "other", "overview")

SECTIONS: tuple[str, ...] = tuple(s.heading for s in SECTION_SPECS)


def section_topic(heading: str) -> str | None:
    """The topic of a report's own section heading, None when it names none of the six parts."""
    for topic in SECTION_MATCH_ORDER:
        if any(w in heading for w in SECTION_BY_TOPIC[topic].keywords):
            return topic
    return None

SECTION_TOPICS: tuple[str, ...] = ("主动公开", "依申请公开", "政府信息管理", "政府信息公开平台建设", "监督保障")


def _t3_rows(version: str) -> tuple[Axis, ...]:
    head = (
        Axis("new_received", "一、本年新收政府信息公开申请数量", short="一、本年新收"),
        Axis("carried_over", "二、上年结转政府信息公开申请数量", short="二、上年结转"),
        Axis("results", "三、本年度办理结果", group=True),
        Axis("granted", "（一）予以公开", parent="results"),
        Axis(
            "partial",
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            parent="results",
            short="（二）部分公开",
        ),
        Axis("denied", "（三）不予公开", parent="results", group=True),
        Axis("denied_state_secret", "1.属于国家秘密", parent="denied", short="（三）1.属于国家秘密"),
        Axis(
            "denied_law_forbidden",
            "2.其他法律行政法规禁止公开",
            parent="denied",
            short="（三）2.其他法律行政法规禁止公开",
        ),
        Axis(
            "denied_three_safety",
            "3.危及“三安全一稳定”",
            parent="denied",
            short="（三）3.危及“三安全一稳定”",
        ),
        Axis("denied_third_party", "4.保护第三方合法权益", parent="denied", short="（三）4.保护第三方合法权益"),
        Axis("denied_internal", "5.属于三类内部事务信息", parent="denied", short="（三）5.属于三类内部事务信息"),
        Axis("denied_process", "6.属于四类过程性信息", parent="denied", short="（三）6.属于四类过程性信息"),
        Axis("denied_enforcement_file", "7.属于行政执法案卷", parent="denied", short="（三）7.属于行政执法案卷"),
        Axis("denied_admin_query", "8.属于行政查询事项", parent="denied", short="（三）8.属于行政查询事项"),
        Axis("unable", "（四）无法提供", parent="results", group=True),
        Axis(
            "unable_not_held",
            "1.本机关不掌握相关政府信息",
            parent="unable",
            short="（四）1.本机关不掌握相关政府信息",
        ),
        Axis(
            "unable_needs_creation",
            "2.没有现成信息需要另行制作",
            parent="unable",
            short="（四）2.没有现成信息需要另行制作",
        ),
        Axis("unable_unclear", "3.补正后申请内容仍不明确", parent="unable", short="（四）3.补正后申请内容仍不明确"),
        Axis("not_processed", "（五）不予处理", parent="results", group=True),
        Axis("np_petition", "1.信访举报投诉类申请", parent="not_processed", short="（五）1.信访举报投诉类申请"),
        Axis("np_repeat", "2.重复申请", parent="not_processed", short="（五）2.重复申请"),
        Axis("np_publication", "3.要求提供公开出版物", parent="not_processed", short="（五）3.要求提供公开出版物"),
        Axis("np_mass", "4.无正当理由大量反复申请", parent="not_processed", short="（五）4.无正当理由大量反复申请"),
        Axis(
            "np_confirm",
            "5.要求行政机关确认或重新出具已获取信息",
            parent="not_processed",
            short="（五）5.要求行政机关确认或重新出具已获取信息",
        ),
    )
    if version == "2019":
        other: tuple[Axis, ...] = (Axis("other_handling", "（六）其他处理", parent="results"),)
    else:
        other = (
            Axis("other_handling", "（六）其他处理", parent="results", group=True),
            Axis(
                "oh_no_correction",
                "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                parent="other_handling",
                short="（六）1.申请人无正当理由逾期不补正",
            ),
            Axis(
                "oh_unpaid_fee",
                "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                parent="other_handling",
                short="（六）2.申请人逾期未按收费通知要求缴纳费用",
            ),
            Axis("oh_other", "3.其他", parent="other_handling", short="（六）3.其他"),
        )
    tail = (
        Axis("results_total", "（七）总计", parent="results", total=True),
        Axis("carried_forward", "四、结转下年度继续办理", short="四、结转下年度继续办理"),
    )
    return head + other + tail


T3_COLUMNS: tuple[Column, ...] = (
    Column("applicant", "申请人情况", group=True),
    Column("natural_person", "自然人", parent="applicant"),
    Column("legal_or_org", "法人或其他组织", parent="applicant", group=True),
    Column("commercial", "商业企业", parent="legal_or_org"),
    Column("research", "科研机构", parent="legal_or_org"),
    Column("public_welfare", "社会公益组织", parent="legal_or_org"),
    Column("legal_service", "法律服务机构", parent="legal_or_org"),
    Column("other_org", "其他", parent="legal_or_org"),
    Column("total", "总计", parent="applicant", total=True),
)

T3_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


def _t3(version: str) -> TableSpec:
    return TableSpec(
        version=version,
        id="t3",
        title="三、收到和处理政府信息公开申请情况",
        ref="表三",
        rows=_t3_rows(version),
        columns=T3_COLUMNS,
        row_header_label="",
        corner_note=T3_CORNER,
    )


#: 表四's outcome columns, repeated under each route as ``<route>_<outcome>``; the last is the route's total.
T4_OUTCOME_LABELS: tuple[tuple[str, str], ...] = (
    ("maintained", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"), ("pending", "尚未审结"),
    ("total", "总计"),
)
#: The outcome ids without the total (maintained, corrected, other, pending).
T4_OUTCOMES: tuple[str, ...] = tuple(k for k, _ in T4_OUTCOME_LABELS if k != "total")


def _t4_route(route: str) -> list[Column]:
    return [Column(f"{route}_{k}", lab, parent=route, total=k == "total") for k, lab in T4_OUTCOME_LABELS]


def _t4_columns() -> tuple[Column, ...]:
    cols: list[Column] = [Column("review", "行政复议", group=True), *_t4_route("review")]
    cols += [
        Column("litigation", "行政诉讼", group=True),
        Column("direct", "未经复议直接起诉", parent="litigation", group=True),
        *_t4_route("direct"),
        Column("after_review", "复议后起诉", parent="litigation", group=True),
        *_t4_route("after_review"),
    ]
    return tuple(cols)


def _t4(version: str) -> TableSpec:
    return TableSpec(
        version=version,
        id="t4",
        title="四、政府信息公开行政复议、行政诉讼情况",
        ref="表四",
        rows=(Axis("value", ""),),
        columns=_t4_columns(),
        row_header_label="",
    )


def _fee(version: str) -> TableSpec:
    return TableSpec(
        version=version,
        id="fee",
        title="信息处理费",
        ref="信息处理费",
        rows=(Axis("processing_fee", "政府信息公开信息处理费"),),
        columns=(
            Column("notices", "发出收费通知书件数", unit="件"),
            Column("billed", "应收金额（单位：元）", unit="元", value_type=ValueType.DECIMAL, short="应收金额"),
            Column("collected", "实收金额（单位：元）", unit="元", value_type=ValueType.DECIMAL, short="实收金额"),
        ),
        row_header_label="项目",
    )


def _art20(version: str, item: str, title_no: str, rows: tuple[Axis, ...], cols: tuple[Column, ...]) -> TableSpec:
    return TableSpec(
        version=version,
        id=item,
        title=f"第二十条第（{title_no}）项",
        ref=f"表二（第二十条第（{title_no}）项）",
        rows=rows,
        columns=cols,
    )


_PREV = Column("prev_items", "上一年项目数量", unit="项")
_DELTA = Column("delta_items", "本年增/减", unit="项", value_type=ValueType.SIGNED)
_DECISIONS_2019 = Column("decisions", "处理决定数量", unit="件")
_DECISIONS_2021 = Column("decisions", "本年处理决定数量", unit="件")

FORMAT_2019 = FormatSpec(
    version="2019",
    title="中华人民共和国政府信息公开工作年度报告格式（试行）",
    doc_no="国办公开办函〔2019〕60号",
    first_year=2019,
    last_year=2020,
    sections=SECTION_SPECS,
    tables=(
        _art20(
            "2019",
            "t2a",
            "一",
            (Axis("regulations", "规章"), Axis("normative_docs", "规范性文件")),
            (
                Column("new_made", "本年新制作数量"),
                Column("new_published", "本年新公开数量"),
                Column("total_published", "对外公开总数量"),
            ),
        ),
        _art20(
            "2019",
            "t2b",
            "五",
            (Axis("licensing", "行政许可"), Axis("other_services", "其他对外管理服务事项")),
            (_PREV, _DELTA, _DECISIONS_2019),
        ),
        _art20(
            "2019",
            "t2c",
            "六",
            (Axis("penalty", "行政处罚"), Axis("coercion", "行政强制")),
            (_PREV, _DELTA, _DECISIONS_2019),
        ),
        _art20("2019", "t2d", "八", (Axis("admin_fees", "行政事业性收费"),), (_PREV, _DELTA)),
        _art20(
            "2019",
            "t2e",
            "九",
            (Axis("central_procurement", "政府集中采购"),),
            (
                Column("projects", "采购项目数量", unit="个"),
                Column("amount", "采购总金额", unit="万元", value_type=ValueType.DECIMAL),
            ),
        ),
        _t3("2019"),
        _t4("2019"),
        _fee("2019"),
    ),
)

FORMAT_2021 = FormatSpec(
    version="2021",
    title="中华人民共和国政府信息公开工作年度报告格式",
    doc_no="国办公开办函〔2021〕30号",
    first_year=2021,
    last_year=None,
    sections=SECTION_SPECS,
    tables=(
        _art20(
            "2021",
            "t2a",
            "一",
            (Axis("regulations", "规章"), Axis("normative_docs", "行政规范性文件")),
            (
                Column("issued", "本年制发件数"),
                Column("repealed", "本年废止件数"),
                Column("in_force", "现行有效件数"),
            ),
        ),
        _art20("2021", "t2b", "五", (Axis("licensing", "行政许可"),), (_DECISIONS_2021,)),
        _art20("2021", "t2c", "六", (Axis("penalty", "行政处罚"), Axis("coercion", "行政强制")), (_DECISIONS_2021,)),
        _art20(
            "2021",
            "t2d",
            "八",
            (Axis("admin_fees", "行政事业性收费"),),
            (
                Column(
                    "amount",
                    "本年收费金额（单位：万元）",
                    unit="万元",
                    value_type=ValueType.DECIMAL,
                    short="本年收费金额",
                ),
            ),
        ),
        _t3("2021"),
        _t4("2021"),
        _fee("2021"),
    ),
)

FORMATS: dict[str, FormatSpec] = {"2019": FORMAT_2019, "2021": FORMAT_2021}

#: Report-level format field values. ``none`` = narrative-only report; ``hybrid`` = tables of both versions.
REPORT_FORMATS: tuple[str, ...] = ("2019", "2021", "hybrid", "none")

ART20_TABLES: tuple[str, ...] = ("t2a", "t2b", "t2c", "t2d", "t2e")

#: 表四's routes, each with its outcome columns and a total: review, direct, after_review.
T4_ROUTES: tuple[str, ...] = FORMAT_2021.table("t4").totalled_groups("column")


def format_for_year(year: int) -> FormatSpec | None:
    """The format in force for a report year (None before 2019)."""
    for spec in FORMATS.values():
        if spec.applies_to(year):
            return spec
    return None


def table_spec(version: str, table_id: str) -> TableSpec:
    try:
        return FORMATS[version].table(table_id)
    except KeyError:
        raise KeyError(f"no table {table_id!r} in format {version!r}") from None


@dataclass(frozen=True, slots=True)
class CellKey:
    """One cell of the model: format version, table, row and column ids.

    The one representation of a cell's identity: a lookup by cell uses a ``CellKey`` (e.g. :func:`cell_ids`),
    never a bare ``(version, table, row, column)`` tuple. The vectorised form is the cell's integer
    ``cell_id``, its position in :func:`cell_catalog` (the ``cell_id`` column of a dataset's cells frame).
    """

    version: str
    table: str
    row: str
    column: str

    @property
    def table_cell(self) -> TableCell:
        """The cell inside its format version: ``(table, row, column)``."""
        return (self.table, self.row, self.column)


#: A cell inside one format version, (table, row, column): a ``CellKey`` without its version, used where
#: the version is known from context (e.g. the figures read from a report's prose).
TableCell = tuple[str, str, str]


@cache
def cell_catalog() -> tuple[CellKey, ...]:
    """Every (version, table, row, column) the model knows, group headers included, in document order.

    The position of a key in this tuple is its integer ``cell_id``, used by the vectorised engine.
    """
    keys: list[CellKey] = []
    for spec in FORMATS.values():
        for t in spec.tables:
            for r in t.rows:
                for c in t.columns:
                    keys.append(CellKey(spec.version, t.id, r.id, c.id))
    return tuple(keys)


@cache
def cell_ids() -> dict[CellKey, int]:
    """The ``cell_id`` of each cell key: its position in :func:`cell_catalog`."""
    return {k: i for i, k in enumerate(cell_catalog())}


def table_order() -> dict[tuple[str, str], int]:
    """Document order of tables, for sorting."""
    order: dict[tuple[str, str], int] = {}
    for spec in FORMATS.values():
        for i, t in enumerate(spec.tables):
            order[(spec.version, t.id)] = i
    return order


__all__ = [
    "ART20_TABLES",
    "FORMATS",
    "FORMAT_2019",
    "FORMAT_2021",
    "REPORT_FORMATS",
    "SECTIONS",
    "SECTION_BY_TOPIC",
    "SECTION_MATCH_ORDER",
    "SECTION_SPECS",
    "SECTION_TOPICS",
    "T3_COLUMNS",
    "T3_CORNER",
    "T4_OUTCOMES",
    "T4_OUTCOME_LABELS",
    "T4_ROUTES",
    "Axis",
    "CellKey",
    "Column",
    "FormatSpec",
    "SectionSpec",
    "TableCell",
    "TableSpec",
    "ValueType",
    "cell_catalog",
    "cell_ids",
    "format_for_year",
    "section_topic",
    "table_order",
    "table_spec",
]
