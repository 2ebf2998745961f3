"""Reading figures from the prose of a normalised report: the shared helpers, and 表三/表四/表二 figures in prose.

Every prose reader (here, :mod:`.particulars` and :mod:`.proactive`) returns what it read together with the
:class:`~govreport.readers.source.Source` of each item, and a :class:`~govreport.readers.source.NotRead` for
each statement it recognised but could not turn into a figure with certainty. Nothing is assigned by position,
and nothing is guessed:

* "目前没有依申请公开办理情况"-type statements give 表三 new-received and results totals of 0 (read clause
  by clause, dates and list numbers are not counts; "未收到其他申请" is not a zero);
  "未收到法人或者其他组织…申请" only gives the legal-person columns; "未发生行政复议、行政诉讼" gives the
  three 表四 totals of 0; "无…纠错案件" gives nothing (no case corrected ≠ no case).
"""


from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from govreport.core.formats import TableCell, table_spec
from govreport.core.numerals import chinese, parse_chinese
from govreport.core.values import Figure
from govreport.readers.document import Document
from govreport.readers.sections import Outline
from govreport.readers.source import NotRead, Source

NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
UNITS = "万人次|人次|条次|条|篇|件|个|期|场|次|宗|份|项|人|户|起"
ITEM_UNITS = frozenset({"条", "条次", "篇", "件", "个", "期", "场", "次", "宗", "份", "项", "起"})
_SENTENCE = re.compile(r"[^。！？\n]+[。！？]?")

# ----------------------------------------------------------------------------------------- helpers


def to_number(text: str, wan: str = "") -> float:
    if text and not text[0].isdigit():
        n = parse_chinese(text)
        if n is None:
            raise ValueError(text)
        v = float(n)
    else:
        v = float(text.replace(",", ""))
    if wan:
        v *= 10_000
        v = round(v, 6)
    return v


def sentences(doc: Document, start: int, end: int) -> Iterator[tuple[int, int]]:
    for m in _SENTENCE.finditer(doc.text, start, end):
        a, b = m.span()
        while a < b and doc.text[a] in " ，、；":
            a += 1
        if b > a:
            yield a, b


@dataclass(slots=True)
class Findings:
    """What the prose readers found, with provenance."""

    sources: dict[tuple, Source] = field(default_factory=dict)
    not_read: list[NotRead] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: how each sourced item was found (same keys as ``sources``): title, metadata, opening, signature,
    #: contact, period, published, prose, prose-none (a "none received" sentence), table, table-text,
    #: inferred (follows with certainty from another figure read). Absent: "prose".
    methods: dict[tuple, str] = field(default_factory=dict)

    def miss(self, item: str, reason: str, source: Source | None = None) -> None:
        self.not_read.append(NotRead(item, reason, source))

    def found(self, key: tuple, src: Source | None, method: str) -> None:
        """Record that ``key`` was found (at ``src``, when known) by ``method``."""
        if src is not None:
            self.sources[key] = src
        self.methods[key] = method



# ----------------------------------------------------------------------- applications and reviews

_NEG_APP = re.compile(
    r"(?P<neg>没有|暂无|尚未|均未|无(?!法|正当|需|关|偿)|未(?!按|能|经|予))(?P<verb>收到|接到|受理|接收|发生|产生|办理|处理)?(?:过)?(?P<gap>[^，。；\n]{0,30}?)"
    r"(?P<obj>依申请公开|政府信息公开申请|信息公开申请|公开申请|申请公开|申请)(?P<after>[^，。；\n]{0,8})"
)
_APP_DISQUALIFY = re.compile(r"超期|逾期|答复|收费|补正|延期|复议|诉讼|投诉|举报|纠错|撤销|败诉|不予|无法|重复")
_NP = re.compile(r"自然人|公民|个人")
_ORG = re.compile(r"法人|其他组织|企业|单位")
T3_ORG_COLUMNS = table_spec("2021", "t3").parts("column", "legal_or_org")

_APP_COUNTS: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"(?:新)?(?:收到|受理|接到|接收)(?:各类)?(?:政府信息公开|依申请公开|信息公开)?申请(?:共计|共)?"
                r"(?P<n>\d+)(?:件|条|个|宗|份|次)"), "new_received"),
    (re.compile(r"上一?年(?:度)?(?:结转|转结)(?:的)?(?:政府信息公开|依申请公开|信息公开)?(?:申请)?(?:数量|件数)?(?:共|为)?"
                r"(?P<n>\d+)件"), "carried_over"),
    (re.compile(r"结转(?:至)?下一?年度?(?:继续办理)?(?P<n>\d+)件"), "carried_forward"),
    (re.compile(r"(?<!不)(?:予以公开|同意公开)(?P<n>\d+)件"), "granted"),
    (re.compile(r"(?<!不予)部分公开(?P<n>\d+)件"), "partial"),
    (re.compile(r"(?<!按时)(?<!按期)(?:共)?办结(?:申请)?(?P<n>\d+)件"), "results_total"),
)
_NP_COUNT = re.compile(r"自然人(?:申请|提出)?(?P<n>\d+)件")
_ORG_COUNT = re.compile(r"法人(?:或|或者|和)?其他组织(?:申请|提出)?(?P<n>\d+)件")

_NEG_REVIEW = re.compile(
    r"(?P<neg>没有|暂无|尚未(?!审结)|均未|无(?!法)|未(?!经复议|审结|结案))(?:发生|收到|出现|产生|涉及|有|被)?"
    r"(?P<gap>[^，。；\n]{0,24}?)(?P<obj>行政复议|行政诉讼|复议|诉讼|起诉)"
)
_CORRECTED = re.compile(r"纠错|纠正|撤销|败诉|确认违法|被改变")
_NEG_CORRECTED = re.compile(r"(?:没有|暂无|无|未)[^，。；]{0,20}?(?:被)?(?:纠错|纠正|撤销|败诉|确认违法)")
_REVIEW_COUNTS: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"(?:未经复议)?直接(?:提起)?(?:行政)?(?:诉讼|起诉)(?:案件|案)?(?:共)?(?P<n>\d+)(?:件|起|宗)"),
     "direct_total"),
    (re.compile(r"复议后(?:提起)?(?:行政)?(?:诉讼|起诉)(?:案件|案)?(?:共)?(?P<n>\d+)(?:件|起|宗)"),
     "after_review_total"),
    (re.compile(r"行政复议(?:案件|申请|案)?(?:共计|共|数量|总数)?(?:为)?(?P<n>\d+)(?:件|起|宗|条)"), "review_total"),
)
#: 申请行政复议、提起行政诉讼0件: one zero for both, so each is 0 (a non-zero joint count is not split)
_JOINT_ZERO = re.compile(
    r"行政复议(?:[、和及与或]|以及)(?:提起)?(?:行政)?诉讼(?:案件|案)?(?:均为|均|共计|共|为)?0(?:件|起|宗|条)"
)
_LITIGATION_COUNT = re.compile(
    r"(?<!直接)(?<!复议后)(?:行政)?诉讼(?:案件|案)?(?:共计|共|数量|总数)?(?:为)?(?P<n>\d+)(?:件|起|宗|条)"
)
_REVIEW_DETAIL = (
    (re.compile(r"(?:结果)?维持(?:原)?(?:行政行为|决定)?(?P<n>\d+)(?:件|起)"), "maintained"),
    (re.compile(r"(?:结果)?纠正(?P<n>\d+)(?:件|起)"), "corrected"),
    (re.compile(r"其他结果(?P<n>\d+)(?:件|起)"), "other"),
    (re.compile(r"(?:尚未审结|正在审理|正在办理|未审结)(?:中)?(?P<n>\d+)(?:件|起)"), "pending"),
)
_SUBJECT = re.compile(
    r"^(?:我局|本局|我单位|本单位|我委|本委|我办|本办|我镇|本镇|我乡|我街道|我区|我县|我市|我院|我厅)"
)


@dataclass(slots=True)
class ProseCell:
    figure: Figure
    note: str
    source: Source
    method: str = "prose"  # prose | prose-none (a "none received" sentence) | inferred


def _note(doc: Document, outline: Outline, sa: int, sb: int) -> str:
    part = outline.section_of(sa)
    where = "正文"
    if part is not None and part.number:
        where += chinese(part.number) if part.number <= 10 else str(part.number)
    sentence = _SUBJECT.sub("", doc.text[sa:sb].strip().rstrip("。；"))
    return f"{where}：{sentence}"


class _CellSink:
    def __init__(self, f: Findings) -> None:
        self.cells: dict[TableCell, ProseCell] = {}
        self.conflicts: set[TableCell] = set()
        self.f = f

    def put(self, key: TableCell, value: float, note: str, src: Source, method: str = "prose") -> None:
        if key in self.conflicts:
            return
        old = self.cells.get(key)
        if old is not None and old.figure.value != value:
            self.conflicts.add(key)
            del self.cells[key]
            self.f.miss(f"{key[0]} {key[1]} {key[2]}", "正文对同一项给出了不同的数字", src)
            return
        if old is None:
            self.cells[key] = ProseCell(Figure.of(value), note, src, method)


def _scoped(doc: Document, outline: Outline, topic: str) -> list[tuple[int, int]]:
    """The whole text: reports state these figures in their overview as often as in their own section
    (the patterns themselves are specific enough)."""
    return [(0, len(doc.text))]


_DATEISH = re.compile(
    r"^\s*\d{1,2}[、.．)）]|[（(]\d{1,2}[)）]|\d{4}(?:\d{2})?年(?:度)?|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
    r"|\d{1,2}月(?:\d{1,2}日)?|\d+(?:\.\d+)?%"
)
_CLAUSE = re.compile(r"[^，；：,;]+")
_TABLE_LINE = re.compile(r"\||(?:\d+\s+){3,}\d+|" + "|".join(
    re.escape(re.sub(r"^[一二三四五六七八九十]+、", "", r.label)) for r in table_spec("2021", "t3").rows
    if r.id in ("new_received", "carried_over")))
_TABLE_HEADER = re.compile("|".join(sorted(
    {re.escape(c.label) for c in table_spec("2021", "t4").columns if c.parent is not None and c.label != "总计"},
    key=len, reverse=True)))


def _tableish(s: str) -> bool:
    """A line of a table laid out as text (values or a header), not a sentence."""
    if "|" in s or re.search(r"(?:\d+\s+){3,}\d+", s):
        return True
    if _TABLE_LINE.search(s):
        # a row label in a sentence that counts in words (全年新收政府信息公开申请数量0件，…) is prose
        return not re.search(r"\d+\s*(?:件|个|宗)(?:[，。；,;]|$)", s)
    return (bool(_TABLE_HEADER.search(s)) and not re.search(r"\d+(?:件|起|宗)", s)
                                           and not re.search(r"[没未无]", s.replace("未经复议", "")))
_NEW_RECEIVED = re.compile(
    r"(?:新收|收到|受理|接到|接收)(?P<gap>[^，。；\d]{0,40}?)(?:申请|依申请公开)(?:政府信息)?(?:要求|事项|件数|数量|总数|总量|情况|件)?"
    r"(?:共计|共|合计|计|为|总数为)?[：:]?(?P<n>\d+)(?:件|条|个|宗|份|次|起)"
)
_NEW_RECEIVED_BEFORE = re.compile(  # 收到0件信息公开申请: the count before what was received
    r"(?:新收|收到|受理|接到|接收)(?:各类)?(?:共计|共)?(?P<n>\d+)(?:件|个|条|份)(?P<gap>[^，。；\d]{0,12}?)(?:申请)"
)
_NEW_GAP_BAD = re.compile(r"复议|诉讼|投诉|举报|信访|咨询|补正|结转|来信|建议|提案")


def _has_count(text: str) -> bool:
    """Whether a text states a count (a digit that is not part of a date, a year or a percentage)."""
    return re.search(r"\d", _DATEISH.sub("", text)) is not None


def read_applications(doc: Document, outline: Outline, f: Findings) -> dict[TableCell, ProseCell]:
    sink = _CellSink(f)
    text = doc.text
    for a, b in _scoped(doc, outline, "applications"):
        for sa, sb in sentences(doc, a, b):
            s = text[sa:sb]
            if "申请" not in s or _tableish(s):
                continue
            note = _note(doc, outline, sa, sb)
            src = doc.source(sa, sb)
            for m in [*_NEW_RECEIVED.finditer(s), *_NEW_RECEIVED_BEFORE.finditer(s)]:
                if _NEW_GAP_BAD.search(m.group("gap")):
                    continue
                clause = s[max(0, m.start() - 12):m.end()]
                if re.search(r"含|包括|上年结转", clause):
                    f.miss("表三 本年新收申请数", "正文的收到申请数包含上年结转，口径与表三不同", src)
                    continue
                _put_new(sink, s, m, note, src, f)
            for rx, row in _APP_COUNTS:
                if row == "new_received":
                    continue
                for m in rx.finditer(s):
                    sink.put(("t3", row, "total"), float(m.group("n")), note, src)
            for cm in _CLAUSE.finditer(s):
                clause = cm.group()
                if not _has_count(clause):
                    _read_negative_app(clause, sink, note, src, f)
    return sink.cells


def _put_new(sink: _CellSink, s: str, m: re.Match, note: str, src: Source, f: Findings) -> None:
    sink.put(("t3", "new_received", "total"), float(m.group("n")), note, src)
    tail = s[m.end():m.end() + 40]
    mn = _NP_COUNT.search(tail)
    if mn:
        sink.put(("t3", "new_received", "natural_person"), float(mn.group("n")), note, src)
    mo = _ORG_COUNT.search(tail)
    if mo and int(mo.group("n")) == 0:
        for col in T3_ORG_COLUMNS:
            sink.put(("t3", "new_received", col), 0.0, note, src)
    elif mo:
        f.miss("表三 “法人或其他组织” 各列", "正文只给出法人或其他组织合计数，无法分到五类", src)


_NO_OTHER = re.compile(r"(?<!或)(?<!或者)(?<!和)其他(?!组织)|其它|以外|之外|此外|另外")


_ZERO_WORD = re.compile(r"(?:均|皆|都)?(?:为|是)?[零〇](?:件|起|宗|个)?$")
_RECEIVED_ZERO = re.compile(r"(?:新收|收到|受理|接到|接收)[^，。；\d]{0,24}?(?:申请|依申请公开)(?:数量|件数|总数)?")


def _read_negative_app(s: str, sink: _CellSink, note: str, src: Source, f: Findings) -> bool:
    """A "none received" clause: 0 for the figures it speaks of. True when one was read. "No other
    application" (未收到其他申请) says nothing about the total and is not read."""
    if _NO_OTHER.search(s):
        return False
    if _ZERO_WORD.search(s.rstrip("。；，")) and _RECEIVED_ZERO.search(s) and not _APP_DISQUALIFY.search(s):
        sink.put(("t3", "new_received", "total"), 0.0, note, src, "prose-none")  # 收到申请为零
        return True
    for m in _NEG_APP.finditer(s):
        gap = m.group("gap") or ""
        if _APP_DISQUALIFY.search(gap + m.group("obj") + (m.group("after") or "")):
            continue
        np_, org = bool(_NP.search(gap)), bool(_ORG.search(gap))
        if "结转" in gap:
            if not np_ and not org:
                sink.put(("t3", "carried_over", "total"), 0.0, note, src, "prose-none")
                return True
            continue
        verb = m.group("verb") or ""
        handled = verb in ("办理", "处理") or "办理" in (m.group("after") or "")
        received_only = verb in ("收到", "接到", "受理", "接收") and not handled
        if org and not np_:
            for col in T3_ORG_COLUMNS:
                sink.put(("t3", "new_received", col), 0.0, note, src, "prose-none")
            f.miss("表三 “自然人” 列及 “总计” 列",
                   "正文只说未收到法人或其他组织的申请，没有说明自然人的申请情况", src)
            return True
        if np_ and not org:
            sink.put(("t3", "new_received", "natural_person"), 0.0, note, src, "prose-none")
            f.miss("表三 “法人或其他组织” 各列及 “总计” 列",
                   "正文只说未收到自然人的申请，没有说明法人或其他组织的申请情况", src)
            return True
        sink.put(("t3", "new_received", "total"), 0.0, note, src, "prose-none")
        if not received_only:
            sink.put(("t3", "results_total", "total"), 0.0, note, src, "prose-none")
        return True
    return False


def read_reviews(doc: Document, outline: Outline, f: Findings) -> dict[TableCell, ProseCell]:
    sink = _CellSink(f)
    text = doc.text
    for a, b in _scoped(doc, outline, "reviews"):
        for sa, sb in sentences(doc, a, b):
            s = text[sa:sb]
            if _tableish(s):
                continue
            if _NEG_CORRECTED.search(s) and not _has_count(s):
                f.miss("表四 各项", "正文只说没有被纠错的案件（“无…纠错”），不等于没有案件", doc.source(sa, sb))
                continue
            if "复议" not in s and "诉讼" not in s and "起诉" not in s:
                continue
            note = _note(doc, outline, sa, sb)
            src = doc.source(sa, sb)
            for cm in _CLAUSE.finditer(s):
                clause = cm.group()
                if "复议" not in clause and "诉讼" not in clause and "起诉" not in clause:
                    continue
                if re.search(r"\d+(?:件|起|宗|次|条)", _DATEISH.sub("", clause)):
                    _review_counts(clause, sink, note, src, f)
                    continue
                if _has_count(clause):
                    continue
                _review_negative(clause, sink, note, src, f)
            if "复议" in s and "诉讼" not in s and "起诉" not in s:
                for rx, kind in _REVIEW_DETAIL:
                    for m in rx.finditer(s):
                        sink.put(("t4", "value", f"review_{kind}"), float(m.group("n")), note, src)
    return sink.cells


def _review_counts(s: str, sink: _CellSink, note: str, src: Source, f: Findings) -> None:
    used: list[tuple[int, int]] = []
    for m in _JOINT_ZERO.finditer(s):
        used.append(m.span())
        sink.put(("t4", "value", "review_total"), 0.0, note, src, "inferred")
        sink.put(("t4", "value", "direct_total"), 0.0, note, src, "inferred")
        sink.put(("t4", "value", "after_review_total"), 0.0, note, src, "inferred")
    for rx, col in _REVIEW_COUNTS:
        for m in rx.finditer(s):
            if any(u[0] <= m.start() < u[1] for u in used):
                continue
            used.append(m.span())
            sink.put(("t4", "value", col), float(m.group("n")), note, src)
    for m in _LITIGATION_COUNT.finditer(s):
        if any(u[0] <= m.start() < u[1] for u in used):
            continue
        if int(m.group("n")) == 0:  # no case at all: both kinds of suit are 0
            sink.put(("t4", "value", "direct_total"), 0.0, note, src, "inferred")
            sink.put(("t4", "value", "after_review_total"), 0.0, note, src, "inferred")
        else:
            f.miss("表四 行政诉讼", "正文只给出行政诉讼合计数，未区分直接起诉与复议后起诉", src)


_NEG_REVIEW_AFTER = re.compile(
    r"(?P<obj>行政复议|行政诉讼|复议|诉讼)[^，。；\d]{0,20}?(?:均|都|皆|也)?(?:未|没有)(?:发生|出现|收到|产生|涉及)"
)


def _review_negative(s: str, sink: _CellSink, note: str, src: Source, f: Findings) -> None:
    if _NO_OTHER.search(s):
        return
    if _ZERO_WORD.search(s.rstrip("。；，")) and not _CORRECTED.search(s):  # 行政复议、行政诉讼均为零
        body = s.replace("未经复议", "").replace("复议后", "")
        keys = (["review_total"] if "复议" in body else []) + (
            ["direct_total", "after_review_total"] if "诉讼" in s or "起诉" in s else [])
        for k in keys:
            sink.put(("t4", "value", k), 0.0, note, src, "prose-none")
        if keys:
            return
    for m in [*_NEG_REVIEW.finditer(s), *_NEG_REVIEW_AFTER.finditer(s)][:1]:
        clause = s[m.start():] if m.re is _NEG_REVIEW else s
        if _CORRECTED.search(clause):
            f.miss("表四 各项", "正文只说没有被纠错的案件（“无…纠错”），不等于没有案件", src)
            return
        keys = []
        if "复议" in clause.replace("复议后", "").replace("未经复议", ""):
            keys.append("review_total")
        if "诉讼" in clause or "起诉" in clause:
            keys += ["direct_total", "after_review_total"]
        for k in keys:
            sink.put(("t4", "value", k), 0.0, note, src, "prose-none")
        return
    if re.search(r"正在办理|正在审理|审理中", s):
        f.miss("表四 尚未审结", "正文提到案件正在办理中，但未给出件数", src)


# ---------------------------------------------------------------------- Article 20 and fees (prose)

_ART20_2021: tuple[tuple[re.Pattern, tuple[str, str, str]], ...] = (
    (re.compile(r"(?:制发|新制发|印发|出台)(?:行政)?规范性文件(?:共)?(?P<n>\d+)件"),
     ("t2a", "normative_docs", "issued")),
    (re.compile(r"废止(?:行政)?规范性文件(?:共)?(?P<n>\d+)件"), ("t2a", "normative_docs", "repealed")),
    (re.compile(r"现行有效(?:的)?(?:行政)?规范性文件(?:共)?(?P<n>\d+)件"), ("t2a", "normative_docs", "in_force")),
)
_ART20_BOTH: tuple[tuple[re.Pattern, tuple[str, str, str]], ...] = (
    (re.compile(r"(?:作出|办理|办结|审批)行政许可(?:事项)?(?:处理)?(?:决定)?(?:共)?(?P<n>\d+)件"),
     ("t2b", "licensing", "decisions")),
    (re.compile(r"行政许可(?:处理)?决定(?:共)?(?P<n>\d+)件"), ("t2b", "licensing", "decisions")),
    (re.compile(r"(?:作出|办理|实施|查处)行政处罚(?:决定|案件)?(?:共)?(?P<n>\d+)(?:件|起)"),
     ("t2c", "penalty", "decisions")),
    (re.compile(r"行政处罚(?:处理)?决定(?:共)?(?P<n>\d+)件"), ("t2c", "penalty", "decisions")),
    (re.compile(r"(?:作出|实施|采取)行政强制(?:措施|决定)?(?:共)?(?P<n>\d+)(?:件|起)"),
     ("t2c", "coercion", "decisions")),
)
_ART20_WORDS = re.compile(r"规范性文件|行政许可|行政处罚|行政强制|处理费|收费")
_FEE_NONE = re.compile(r"(?:未|没有|无|不)(?:收取|收)(?:任何)?(?:政府信息公开)?(?:信息处理费|处理费|费用)")
_FEE_AMOUNT = re.compile(r"收取(?:政府信息公开)?信息处理费(?:共)?(?P<n>\d+(?:\.\d+)?)元")


def read_article20_and_fee(doc: Document, outline: Outline, year: int | None, f: Findings
                           ) -> dict[TableCell, ProseCell]:
    sink = _CellSink(f)
    text = doc.text
    patterns = list(_ART20_BOTH) + (list(_ART20_2021) if year is not None and year >= 2021 else [])
    for sa, sb in sentences(doc, 0, len(text)):
        s = text[sa:sb]
        if not _ART20_WORDS.search(s):
            continue
        note = _note(doc, outline, sa, sb)
        for rx, key in patterns:
            for m in rx.finditer(s):
                sink.put(key, float(m.group("n")), note, doc.source(sa, sb))
        if "处理费" in s or "收费" in s:
            m = _FEE_AMOUNT.search(s)
            if m:
                sink.put(("fee", "processing_fee", "collected"), float(m.group("n")), note, doc.source(sa, sb))
            elif _FEE_NONE.search(s):
                sink.put(("fee", "processing_fee", "collected"), 0.0, note, doc.source(sa, sb))
    return sink.cells
