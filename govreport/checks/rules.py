"""The consistency rules, declared as data. :mod:`govreport.checks.engine` evaluates them; nothing here computes.

Every rule has a stable ``id``, a ``severity`` (``error``: the figures contradict each other or the
format; ``warning``: probably wrong or worth a reviewer's look; ``info``: worth knowing), a ``scope``
(what one instance of the rule is: a table column, a table row, a cell, a report, a pair of years, the
channel list) and a Chinese ``title``. ``checks`` holds one or more declarative specifications; the
table versions and tables a rule applies to follow from them (``Rule.versions``, ``Rule.tables``).

=====  ========  ============  =========================================================================
id     severity  scope         rule
=====  ========  ============  =========================================================================
R1     error     table-column  表三 each column: 一、本年新收 + 二、上年结转 = （七）总计 + 四、结转下年度继续办理
R2     error     table-column  表三 each column: （一）予以公开 + （二）部分公开 ≤ （七）总计 (what the numbers can
                               show of the 区分处理 rule; R4 carries the rest: with every outcome reported, a
                               double-counted application makes the outcomes exceed the total)
R3     error     table-row     表三 each row: 总计 = 自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他
R4     error     table-column  表三 each column: （七）总计 = sum of every outcome row (2019: single （六）其他处理;
                               2021: its three sub-rows)
R5     error     table-row     表三 （三）（四）（五） (and 2021 （六）) are group labels with no subtotal: no data
R6     error     table-row     表四 行政复议: 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结
R7     error     table-row     表四 未经复议直接起诉: 总计 = 维持 + 纠正 + 其他结果 + 尚未审结
R8     error     table-row     表四 复议后起诉: 总计 = 维持 + 纠正 + 其他结果 + 尚未审结
R9     error     cell          every figure fits its column's type (formats.ValueType): count = non-negative
                               integer, signed = integer (2019 本年增/减), decimal = non-negative
R10    warning   cross-year    表三 each column: 二、上年结转 (N) = 四、结转下年度继续办理 (N−1)
R11    warning   cross-year    2021 表二（一） each row: 现行有效件数 (N) = 现行有效件数 (N−1) + 本年制发件数 (N)
                               − 本年废止件数 (N)
R12    warning   cross-year    2019 表二（五）（六）（八） each row: 上一年项目数量 (N) = 上一年项目数量 (N−1) +
                               本年增/减 (N−1)
R12b   warning   table-row     2019 表二（一） each row: 本年新公开数量 ≤ 对外公开总数量 (the in-year half of R12)
R13    error     structure     group headers carry no data: 表三 “三、本年度办理结果” row, “申请人情况” and
                               “法人或其他组织” columns; 表四 “行政复议”, “行政诉讼”, “未经复议直接起诉”,
                               “复议后起诉” columns
T1     warning   table-total   a total is filled in when any of its parts is (the totals of R3, R4, R6–R8)
C1     error     channels      channels do not overlap (channels_overlap = no): the channel figures add up
                               to the stated 主动公开 total, within what the qualifiers allow
C2     warning   channels      overlap unknown: the channel figures do not match the total; overlap = yes:
                               the channel figures add up to less than the total (they may exceed it)
C3     error     channels      the stated total and every channel figure are non-negative
M1     warning   cell          plausible magnitude: no figure larger than a threshold by unit (see
                               ``MAGNITUDE_LIMITS``: 件/项/个 of 表三, 表四 and 信息处理费 ≤ 1,000,000; 件/项 of
                               表二 ≤ 10,000,000; 万元 and 元 ≤ 100,000,000; stated 主动公开 total ≤ 100,000,000):
                               a larger one is most likely a typing slip (extra digits)
P1     error     report        the statistical period lies inside the report year and starts before it ends
P2     warning   report        the data cut-off is earlier than the end of the statistical period
P3     error     report        the data cut-off lies outside the statistical period
P4     info      report        the report states no statistical period
F1     warning   report        narrative-only report (format none) in a year the official tables applied
F2     warning   report        tables of a format no longer in force for the year (2019 tables from 2021)
F3     error     report        tables of a format not yet issued for the year (2021 tables before 2021)
F4     error     report        the declared format contradicts the version of the table cells present
F5     warning   report        declared hybrid with one version only, or a table format without any table
D1     warning   report        published after the Art. 49 deadline: department 31 Jan of N+1, government
                               31 Mar of N+1 (agencies of kind ``other``: no national deadline, not checked)
D2     warning   report        published before the statistical period ended
N1     error     text          a part the report must have is missing or empty: in a 2019/2021/hybrid report
                               each of the six official parts (formats.SECTION_SPECS) has text, or figures in
                               the tables printed under it; a narrative-only report has some text
N2     error     text          a figure the text states (read by the prose reader, govreport.readers) differs
                               from the data: the 主动公开 total, a 表三/表四/表二 cell, the 信息处理费
N3     error     text          the text still carries the draft mark of last year's text (report_text.DRAFT_MARK)
=====  ========  ============  =========================================================================

The text rules read the agency-year's narrative (``narratives/<agency_id>/<year>.md``, or the text a
report being imported carries); an agency-year whose text is not known (a report checked on its own,
e.g. an audited published report) is *not assessable* for them.

The rules are explained in ``docs/domain/rules.md``. Semantics shared by the arithmetic rules (see
:mod:`govreport.checks.engine` for the engine):

* A **blank** operand makes that instance *not assessable*: it is counted in the summary and produces
  no finding. A blank is never read as 0. (T1 reports a blank total whose parts are filled in.)
* **不适用** contributes nothing to a sum. An instance whose operands are all 不适用 is not assessable.
  A 不适用 total whose parts hold non-zero figures is therefore a finding of the sum rule
  (expected the parts' sum, found 不适用).
* Decimals compare with an absolute tolerance of ``TOLERANCE`` (1e-6).
* R2 and R12b compare a lower bound: the parts that are filled in (counts are non-negative, so blank
  parts can only add) against the whole; they need the named ``require`` parts and the whole.

Channels (C1, C2) follow the modelling rules of ``docs/domain/channels.md``: a figure qualified 余/多/以上
is a lower bound, 近 an upper bound, 约 an approximation within ``APPROX_TOLERANCE`` (±10 %); the same applies
to the stated total.
Audience figures (人次, 关注 …) and counts of issues, events or times (期, 场, 次) are not item counts and
stay out of the sum; when any channel is left out, only a sum that *exceeds* the total can be shown wrong.
A blank channel figure makes the report's comparison not assessable; 不适用 contributes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from govreport.core.formats import T4_ROUTES, table_spec

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")
SEVERITY_LABELS: dict[str, str] = {"error": "错误", "warning": "警告", "info": "提示"}

#: Absolute tolerance when comparing figures (decimals: 万元, 元).
TOLERANCE = 1e-6
#: Relative tolerance of a figure qualified 约 (about).
APPROX_TOLERANCE = 0.10
#: Channel units that count items and may be added up (期/场/次 count issues, events, times: not items).
SUMMABLE_UNITS: frozenset[str] = frozenset({"条", "条次", "篇", "件", "个", "份", "项", "宗"})

Axis = Literal["row", "column"]


# ------------------------------------------------------------------------------------------ specifications


@dataclass(frozen=True, slots=True)
class Term:
    """One operand of an identity: a row (``for_each="column"``) or column (``for_each="row"``) id.

    ``year_offset`` -1 reads the same agency's previous report year; ``sign`` -1 subtracts.
    """

    operand: str
    sign: int = 1
    year_offset: int = 0


class _OneTable:
    """A check of one table of one format version: ``versions`` and ``tables`` from its two fields."""

    __slots__ = ()
    version: str
    table: str

    @property
    def versions(self) -> tuple[str, ...]:
        return (self.version,)

    @property
    def tables(self) -> tuple[str, ...]:
        return (self.table,)


@dataclass(frozen=True, slots=True)
class SumIdentity(_OneTable):
    """``Σ lhs = Σ rhs`` in one table, for each data column (``for_each="column"``: operands are rows)
    or for each data row (``for_each="row"``: operands are columns). ``primary`` is the operand a finding
    points at (the total); ``over`` restricts the instances (default: every data row/column)."""

    version: str
    table: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    primary: str
    for_each: Axis
    over: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class CrossYear:
    """``Σ lhs = Σ rhs`` where terms may read the previous report year of the same agency.

    The identity is checked for every pair (current version, previous version) listed."""

    table: str
    lhs: tuple[Term, ...]
    rhs: tuple[Term, ...]
    primary: str
    for_each: Axis
    current_versions: tuple[str, ...]
    previous_versions: tuple[str, ...]
    over: tuple[str, ...] | None = None

    @property
    def versions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.current_versions + self.previous_versions))

    @property
    def tables(self) -> tuple[str, ...]:
        return (self.table,)


@dataclass(frozen=True, slots=True)
class PartsWithinTotal(_OneTable):
    """``Σ parts ≤ whole`` for each instance; needs ``whole`` and the ``require`` parts to be figures.

    Other parts count when filled in (a lower bound of the true sum: counts are non-negative)."""

    version: str
    table: str
    parts: tuple[str, ...]
    whole: str
    require: tuple[str, ...]
    for_each: Axis
    over: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class TotalPresent(_OneTable):
    """The ``total`` operand is not blank when any of ``parts`` holds a figure."""

    version: str
    table: str
    total: str
    parts: tuple[str, ...]
    for_each: Axis
    over: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class NoData(_OneTable):
    """Group headers carry no data: cells whose row is in ``rows`` (any column), or whose column is in
    ``columns`` and whose row is a data row, hold neither a figure nor 不适用."""

    version: str
    table: str
    rows: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CellDomain:
    """Every figure of the version's tables fits its column's :class:`~govreport.core.formats.ValueType`."""

    version: str

    @property
    def versions(self) -> tuple[str, ...]:
        return (self.version,)

    @property
    def tables(self) -> tuple[str, ...]:
        from govreport.core.formats import FORMATS

        return tuple(t.id for t in FORMATS[self.version].tables)


@dataclass(frozen=True, slots=True)
class ChannelSum:
    """The stated 主动公开 total against the sum of the channel figures, for reports whose
    ``channels_overlap`` is one of ``overlap`` (``yes``, ``no``, ``unknown``). With ``exceed_ok`` a sum
    above the total is accepted (overlapping channels count an item once per channel)."""

    overlap: tuple[str, ...]
    exceed_ok: tuple[str, ...] = ()
    versions: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NonNegativeFigures:
    """The stated 主动公开 total and every channel figure are ≥ 0."""

    versions: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()


ReportPredicateKind = Literal[
    "period_within_year",
    "cutoff_before_period_end",
    "cutoff_outside_period",
    "period_missing",
    "narrative_only",
    "outdated_tables",
    "premature_tables",
    "declared_format_contradiction",
    "declared_format_incomplete",
    "publication_deadline",
    "published_before_period_end",
]


@dataclass(frozen=True, slots=True)
class ReportPredicate:
    """A property of one report row (dates, declared format, table versions present).

    ``params`` holds the predicate's parameters as (name, value) pairs, e.g. the deadlines by agency kind.
    """

    kind: ReportPredicateKind
    params: tuple[tuple[str, object], ...] = ()
    versions: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()

    def param(self, name: str, default: object = None) -> object:
        return dict(self.params).get(name, default)


@dataclass(frozen=True, slots=True)
class Magnitude:
    """No figure of the version's tables exceeds, in absolute value, the limit of its table and unit
    (``limits``: ``(table id, unit, largest plausible figure)``; unit ``""``: any unit of that table); with
    ``proactive_total`` the stated 主动公开 total is held to that limit as well."""

    version: str
    limits: tuple[tuple[str, str, float], ...]
    proactive_total: float | None = None

    @property
    def versions(self) -> tuple[str, ...]:
        return (self.version,)

    @property
    def tables(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t for t, _, _ in self.limits))


TextPredicateKind = Literal["parts_present", "figures_agree", "no_draft_mark"]


@dataclass(frozen=True, slots=True)
class TextPredicate:
    """A property of the report's text (its narrative) against its format and its figures."""

    kind: TextPredicateKind
    versions: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()


Check = SumIdentity | CrossYear | PartsWithinTotal | TotalPresent | NoData | CellDomain | ChannelSum | \
    NonNegativeFigures | ReportPredicate | Magnitude | TextPredicate


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: Severity
    scope: str
    title: str  # Chinese, shown to reviewers
    checks: tuple[Check, ...]
    basis: str = ""  # where the rule comes from
    hint: str = ""  # Chinese sentence appended to every finding's message: what the rule means, how to fix

    @property
    def versions(self) -> tuple[str, ...]:
        """Table versions the rule reads (empty: the rule does not read table cells)."""
        return tuple(dict.fromkeys(v for c in self.checks for v in c.versions))

    @property
    def tables(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t for c in self.checks for t in c.tables))

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS[self.severity]


# ------------------------------------------------------------------------------------------ table operands

V19, V21 = "2019", "2021"
BOTH = (V19, V21)

# The groups are derived from the table declarations in govreport/core/formats.py (``parent=``, ``group=``,
# ``total=``), never typed again here.
_T3 = {v: table_spec(v, "t3") for v in BOTH}
_T4 = table_spec(V21, "t4")

#: The six applicant columns whose sum is the 总计 column (the same in both versions).
T3_APPLICANTS: tuple[str, ...] = _T3[V21].parts("column", "applicant")
#: The outcome rows whose sum is （七）总计, by version.
T3_OUTCOMES: dict[str, tuple[str, ...]] = {v: _T3[v].parts("row", "results") for v in BOTH}
#: The header rows under 三、本年度办理结果 (they carry no data, R5), by version.
T3_SUBTOTAL_GROUPS: dict[str, tuple[str, ...]] = {v: _T3[v].subgroups("row", "results") for v in BOTH}


def _t4_parts(route: str) -> tuple[str, ...]:
    return _T4.parts("column", route)


# ------------------------------------------------------------------------------------------------ rules

#: M1's thresholds: the largest figure that is still plausible, by table and unit. Applications (表三), reviews
#: and suits (表四) and fees (信息处理费 件) of even a national ministry or a province stay in the tens of
#: thousands a year; 表二's documents and decisions (处罚, 许可 …) reach the hundreds of thousands for a
#: province; money (万元 in 表二, 元 for fees) allows 1e8. A figure above its limit is a warning, never an error.
COUNT_LIMIT, TABLE2_LIMIT, MONEY_LIMIT = 1_000_000.0, 10_000_000.0, 100_000_000.0
PROACTIVE_TOTAL_LIMIT = 100_000_000.0  # 条 of the stated 主动公开 total
MAGNITUDE_LIMITS: dict[str, tuple[tuple[str, str, float], ...]] = {
    V19: (("t2a", "", TABLE2_LIMIT), ("t2b", "", TABLE2_LIMIT), ("t2c", "", TABLE2_LIMIT), ("t2d", "", TABLE2_LIMIT),
          ("t2e", "万元", MONEY_LIMIT), ("t2e", "个", COUNT_LIMIT), ("t3", "", COUNT_LIMIT), ("t4", "", COUNT_LIMIT),
          ("fee", "件", COUNT_LIMIT), ("fee", "元", MONEY_LIMIT)),
    V21: (("t2a", "", TABLE2_LIMIT), ("t2b", "", TABLE2_LIMIT), ("t2c", "", TABLE2_LIMIT), ("t2d", "", MONEY_LIMIT),
          ("t3", "", COUNT_LIMIT), ("t4", "", COUNT_LIMIT), ("fee", "件", COUNT_LIMIT), ("fee", "元", MONEY_LIMIT)),
}

_SPEC = "docs/domain/rules.md"

RULES: tuple[Rule, ...] = (
    Rule(
        "R1", "error", "table-column", "表三各列：本年新收 + 上年结转 = 办理结果总计 + 结转下年度",
        tuple(SumIdentity(v, "t3", ("new_received", "carried_over"), ("results_total", "carried_forward"),
                          primary="results_total", for_each="column") for v in BOTH),
        basis=f"{_SPEC} R1 (表三勾稽关系，格式明文规定)",
    ),
    Rule(
        "R2", "error", "table-column", "表三各列：予以公开 + 部分公开 不超过 办理结果总计（区分处理只计部分公开）",
        tuple(PartsWithinTotal(v, "t3", ("granted", "partial"), "results_total", require=("partial",),
                               for_each="column") for v in BOTH),
        basis=f"{_SPEC} R2 (格式行标题；其余由 R4 体现)",
        hint="区分处理的申请只计入“部分公开”，不再计入其他办理结果。",
    ),
    Rule(
        "R3", "error", "table-row", "表三各行：总计 = 各类申请人之和",
        tuple(SumIdentity(v, "t3", ("total",), T3_APPLICANTS, primary="total", for_each="row") for v in BOTH),
        basis=f"{_SPEC} R3",
    ),
    Rule(
        "R4", "error", "table-column", "表三各列：（七）总计 = 各项办理结果之和",
        tuple(SumIdentity(v, "t3", ("results_total",), T3_OUTCOMES[v], primary="results_total", for_each="column")
              for v in BOTH),
        basis=f"{_SPEC} R4 (2019/2021)",
    ),
    Rule(
        "R5", "error", "table-row", "表三（三）（四）（五）（六）为分组标题，无小计行，不应填数",
        tuple(NoData(v, "t3", rows=T3_SUBTOTAL_GROUPS[v]) for v in BOTH),
        basis=f"{_SPEC} R5",
        hint="格式未设小计行；需要小计时应由其下各项计算，不应填报。",
    ),
    *(
        Rule(
            rid, "error", "table-row",
            f"表四{_T4.column(route).label}：总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结",
            tuple(SumIdentity(v, "t4", (f"{route}_total",), _t4_parts(route), primary=f"{route}_total",
                              for_each="row") for v in BOTH),
            basis=f"{_SPEC} {rid}",
        )
        for route, rid in zip(T4_ROUTES, ("R6", "R7", "R8"), strict=True)
    ),
    Rule(
        "R9", "error", "cell", "数值类型：件数为非负整数，增减为整数，金额为非负数",
        tuple(CellDomain(v) for v in BOTH),
        basis=f"{_SPEC} R9; formats.ValueType",
    ),
    Rule(
        "R10", "warning", "cross-year", "跨年度：本年“上年结转”应等于上年“结转下年度继续办理”",
        (CrossYear("t3", (Term("carried_over"),), (Term("carried_forward", year_offset=-1),),
                   primary="carried_over", for_each="column", current_versions=BOTH, previous_versions=BOTH),),
        basis=f"{_SPEC} R10 (soft)",
        hint="机构调整、数据更正或格式变化可能造成不一致，请核对两年的报告。",
    ),
    Rule(
        "R11", "warning", "cross-year", "跨年度：现行有效件数 = 上年现行有效件数 + 本年制发件数 − 本年废止件数",
        (CrossYear("t2a", (Term("in_force"),),
                   (Term("in_force", year_offset=-1), Term("issued"), Term("repealed", sign=-1)),
                   primary="in_force", for_each="row", current_versions=(V21,), previous_versions=(V21,)),),
        basis=f"{_SPEC} R11 (soft)",
    ),
    Rule(
        "R12", "warning", "cross-year", "跨年度：本年“上一年项目数量” = 上年“上一年项目数量” + 上年“本年增/减”",
        tuple(CrossYear(t, (Term("prev_items"),),
                        (Term("prev_items", year_offset=-1), Term("delta_items", year_offset=-1)),
                        primary="prev_items", for_each="row", current_versions=(V19,), previous_versions=(V19,))
              for t in ("t2b", "t2c", "t2d")),
        basis=f"{_SPEC} R12 (soft)",
    ),
    Rule(
        "R12b", "warning", "table-row", "表二（第二十条第（一）项）：本年新公开数量不超过对外公开总数量",
        (PartsWithinTotal(V19, "t2a", ("new_published",), "total_published", require=("new_published",),
                          for_each="row"),),
        basis=f"{_SPEC} R12 (second part)",
    ),
    Rule(
        "R13", "error", "structure", "分组标题（办理结果、法人或其他组织、行政复议、行政诉讼等）不应填数",
        tuple(NoData(v, "t3", rows=tuple(r.id for r in _T3[v].group_rows if r.id not in T3_SUBTOTAL_GROUPS[v]),
                     columns=tuple(c.id for c in _T3[v].group_columns)) for v in BOTH)
        + tuple(NoData(v, "t4", columns=tuple(c.id for c in _T4.group_columns)) for v in BOTH),
        basis=f"{_SPEC} R13",
        hint="分组标题不承载数据，数字应填在其下的具体行或列。",
    ),
    Rule(
        "T1", "warning", "table-total", "已填分项时总计不应空白",
        tuple(TotalPresent(v, "t3", "total", T3_APPLICANTS, for_each="row") for v in BOTH)
        + tuple(TotalPresent(v, "t3", "results_total", T3_OUTCOMES[v], for_each="column") for v in BOTH)
        + tuple(TotalPresent(v, "t4", f"{route}_total", _t4_parts(route), for_each="row")
                for v in BOTH for route in T4_ROUTES),
        basis="totals of R3, R4, R6–R8",
    ),
    Rule(
        "C1", "error", "channels", "各渠道不重复计数时，渠道数之和应等于主动公开总数",
        (ChannelSum(overlap=("no",)),),
        basis="docs/domain/channels.md (modelling rules); channels_overlap = no",
    ),
    Rule(
        "C2", "warning", "channels", "渠道是否重复计数不明（或重复计数）时，渠道数之和与主动公开总数不符",
        (ChannelSum(overlap=("unknown", "yes"), exceed_ok=("yes",)),),
        basis="docs/domain/channels.md (modelling rules); channels_overlap = yes or unknown",
    ),
    Rule(
        "C3", "error", "channels", "主动公开总数及各渠道数不应为负数",
        (NonNegativeFigures(),),
        basis="counts",
    ),
    Rule(
        "M1", "warning", "cell", "数字大小不合常理：可能多输了位数",
        tuple(Magnitude(v, MAGNITUDE_LIMITS[v], proactive_total=PROACTIVE_TOTAL_LIMIT if v == V21 else None)
              for v in BOTH),
        basis="plausibility: the largest figures published by national and provincial bodies are far below",
        hint="核对该数字是否多输了位数；数字确实如此时可忽略本警告",
    ),
    Rule(
        "P1", "error", "report", "统计期限应在报告年度之内",
        (ReportPredicate("period_within_year"),),
        basis="Art. 49 上一年度; DB51/T 2660—2019 §2.1",
    ),
    Rule(
        "P2", "warning", "report", "数据统计截止日期早于统计期末",
        (ReportPredicate("cutoff_before_period_end"),),
        basis="statistical period vs data cut-off",
    ),
    Rule(
        "P3", "error", "report", "数据统计截止日期不在统计期限之内",
        (ReportPredicate("cutoff_outside_period"),),
        basis="statistical period vs data cut-off",
    ),
    Rule(
        "P4", "info", "report", "报告未载明统计期限",
        (ReportPredicate("period_missing"),),
        basis="docs/domain/format.md (legal basis: the period)",
    ),
    Rule(
        "F1", "warning", "report", "纯文字报告：该年度应使用统一表格格式",
        (ReportPredicate("narrative_only", (("first_year", 2019),)),),
        basis="国办公开办函〔2019〕60号, 〔2021〕30号",
    ),
    Rule(
        "F2", "warning", "report", "使用了该年度已不适用的表格格式",
        (ReportPredicate("outdated_tables", versions=BOTH),),
        basis="2019 trial format: report years 2019–2020; 2021 format from 2021",
    ),
    Rule(
        "F3", "error", "report", "使用了该年度尚未发布的表格格式",
        (ReportPredicate("premature_tables", versions=BOTH),),
        basis="2019 trial format: report years 2019–2020; 2021 format from 2021",
    ),
    Rule(
        "F4", "error", "report", "申报的表格格式与实际表格版本不一致",
        (ReportPredicate("declared_format_contradiction", versions=BOTH),),
        basis="reports.csv format vs cells.csv version",
    ),
    Rule(
        "F5", "warning", "report", "申报为混用格式或表格格式，但表格不全",
        (ReportPredicate("declared_format_incomplete", versions=BOTH),),
        basis="reports.csv format vs cells.csv version",
    ),
    Rule(
        "D1", "warning", "report", "年度报告公布日期晚于法定期限",
        (ReportPredicate("publication_deadline", (("department", (1, 31)), ("government", (3, 31)))),),
        basis="《政府信息公开条例》第四十九条",
    ),
    Rule(
        "D2", "warning", "report", "年度报告公布日期早于统计期末",
        (ReportPredicate("published_before_period_end"),),
        basis="a yearly report is published after its period",
    ),
    Rule(
        "N1", "error", "text", "报告正文缺少必备部分，或该部分既无文字也无表格数据",
        (TextPredicate("parts_present"),),
        basis="国办公开办函〔2019〕60号, 〔2021〕30号: the six parts of the report",
        hint="请在报告正文（工作簿“报告正文”表或 narratives 下的 .md 文件）中补写该部分；"
             "可用 govreport narrative 生成含统一标题和标准表述的草稿。",
    ),
    Rule(
        "N2", "error", "text", "正文所述数字与表格数据不一致",
        (TextPredicate("figures_agree"),),
        basis="the text and the tables of one report state the same figures",
        hint="请核对后改正正文或表格，使两处一致。",
    ),
    Rule(
        "N3", "error", "text", "正文仍有沿用上年文字的草稿标记，尚未修改",
        (TextPredicate("no_draft_mark"),),
        basis="report_text.DRAFT_MARK (govreport narrative)",
        hint="请按本年度情况修改该部分文字，并删去草稿标记。",
    ),
)

RULE_BY_ID: dict[str, Rule] = {r.id: r for r in RULES}
