"""Reading the proactive-disclosure figures from a report's prose (total, channels, categories).

* a proactive total is a ``主动公开 … N条`` statement; a 累计 figure counts only when the sentence ties it
  to the report year (otherwise it may be cumulative to date);
* channel figures come from the ``其中…`` list after the total (or ``通过X发布信息N条`` statements); each
  item's label is kept as written, minus the leading preposition and trailing publishing verb; items that
  name several channels, audience figures (关注/订阅/访问/人次…) and unknown labels are not channels.
"""


from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from govreport.core.channels import classify_category, classify_channel
from govreport.core.numerals import NUMERAL, parse_chinese
from govreport.core.values import Figure
from govreport.readers.document import Document
from govreport.readers.normalize import CJK
from govreport.readers.particulars import MD_DATE, parse_loose_date
from govreport.readers.sections import Outline
from govreport.readers.source import Source
from govreport.readers.text import ITEM_UNITS, NUM, UNITS, Findings, sentences, to_number

_AUDIENCE_UNITS = frozenset({"人", "人次", "万人次", "户"})
_AUDIENCE_WORDS = re.compile(r"关注|订阅|粉丝|访问|浏览|点击|阅读|观看|播放|用户|下载|人数|访客|转发量|点赞")


# --------------------------------------------------------------------------------------- proactive

_TOTAL = re.compile(
    rf"主动(?:公开|发布)(?:了)?(?:的)?(?:各类|政务|政府|相关|各项)?(?:的)?(?:信息|政务信息|政府信息)?(?:内容)?"
    rf"(?:数量|总数|总量|数)?[，：]?"
    rf"(?:共计|共|合计|累计|总计|计|达|为)?(?P<pre>约|近|超过|逾)?(?P<num>{NUM}|{NUMERAL})(?P<wan>万)?(?P<post>余|多)?"
    rf"(?P<unit>{UNITS})(?P<over>以上)?"
)
_TOTAL_LOOSE = re.compile(
    rf"(?:公开|发布)(?:各类|政务|政府|相关)?信息(?:共计|共|合计|累计|总计|计|达)?[，：]?"
    rf"(?P<pre>约|近|超过|逾)?(?P<num>{NUM})(?P<wan>万)?(?P<post>余|多)?(?P<unit>{UNITS})(?P<over>以上)?"
)
#: a total whose words run between 主动公开 and 信息 (主动公开涉及疫情防控、社会救助等方面信息423条), and the
#: looser 共公开政府信息15条: used only when no plain 主动公开…N条 total is stated
_TOTAL_GAP = re.compile(
    rf"主动(?:公开|发布)(?:了)?(?P<gap>[^，。；：\d\n]{{1,60}}?)(?:信息)(?:共计|共|合计|累计|总计|计|达|为)?"
    rf"(?P<pre>约|近|超过|逾)?(?P<num>{NUM})(?P<wan>万)?(?P<post>余|多)?(?P<unit>{UNITS})(?P<over>以上)?"
)
_TOTAL_COMMON = re.compile(
    rf"(?:^|[，。；：\s])(?:全年|本年度?|年度|今年)?(?:共计|共|累计|合计)(?:公开|发布)(?:各类|政务|政府)?信息"
    rf"(?P<pre>约|近|超过|逾)?(?P<num>{NUM})(?P<wan>万)?(?P<post>余|多)?(?P<unit>{UNITS})(?P<over>以上)?"
)
#: a publication statement whose figure is broken down right after it (…发布各类信息716条，其中…): the total
_TOTAL_PARTS = re.compile(
    rf"(?:公开|发布|公布)(?:了)?(?P<gap>(?:(?!公开|发布|公布)[^，。；！？：\d\n]){{0,30}}?)(?:信息|稿件)"
    rf"(?:共计|共|合计|累计|总计|计|达)?[，：]?"
    rf"(?P<pre>约|近|超过|逾)?(?P<num>{NUM})(?P<wan>万)?(?P<post>余|多)?(?P<unit>{UNITS})(?P<over>以上)?"
)  # and 其中 right after (checked past the sentence's end: …1469条。其中，…)
_LIST_BREAK = re.compile(r"[；;]\s*(?:同时|另外|此外|另|并且|还)")
_THEN_PARTS = re.compile(r"\s*[，,；;。：:]?\s*其中")
#: the count before the noun: 通过各种媒体、网站和其他方式公开329条信息 (a total only where the clause
#: says so: 共/累计/各种/多种/等, or a breakdown follows)
_TOTAL_NUM_FIRST = re.compile(
    rf"(?:公开|发布|公布)(?:了)?(?:各类)?(?P<pre>约|近|超过|逾)?(?P<num>{NUM})(?P<wan>万)?(?P<post>余|多)?"
    rf"(?P<unit>条|篇|件)(?P<over>以上)?(?:各类)?(?:的)?(?:政府|政务)?信息"
)
#: 各类公开主体共发布信息150余条: 共/累计 right before the verb, no channel named in the clause
_TOTAL_SUBJECT = re.compile(
    rf"(?:共计|共|累计|合计|总计)(?:主动)?(?:公开|发布)(?:了)?(?:各类|政务|政府|相关)?(?:的)?(?:信息|政务信息|政府信息)"
    rf"(?:共计|共|计|达)?(?P<pre>约|近|超过|逾)?(?P<num>{NUM})(?P<wan>万)?(?P<post>余|多)?(?P<unit>{UNITS})(?P<over>以上)?"
)
#: the one publication figure of a paragraph about proactive disclosure ((一)主动公开。…公开…等政府信息106条。)
_TOTAL_SOLE = re.compile(
    rf"(?:公开|发布|公布)(?:了)?(?P<gap>(?:(?!公开|发布|公布)[^，。；！？：\d\n]){{0,40}}?)(?:信息|稿件)"
    rf"(?:共计|共|合计|累计|总计|计|达)?[，：]?"
    rf"(?P<pre>约|近|超过|逾)?(?P<num>{NUM})(?P<wan>万)?(?P<post>余|多)?(?P<unit>{UNITS})(?P<over>以上)?"
)
_GENERIC_GAP = re.compile(
    r"^(?:各类|各项|各种|政务|政府|相关|的|了|公开|主动|及时|依法|向社会|对外|全部|上传|上网|发布)*$"
)
_PROACTIVE_HEAD = re.compile(r"主动公开|主动发布")
_LOOSE_TOTALS_SAID = re.compile(r"共|累计|合计|总计|各种|多种|各类|等")
#: a channel named in front of a figure (通过县政府网站…, 在微信公众号…): the figure is that channel's count
_CHANNEL_LEAD = re.compile(
    r"(?:通过|依托|利用|借助|在)(?P<ch>[^，。；：\d]{2,30}?)(?:上|中|内)?(?:共计|共|累计|主动|及时)?"
    r"(?:公开|发布|公布|推送|更新)(?!网|平台|专栏|栏|目录|系统|板块|专区|信息网)"
)
_GAP_LIST = re.compile(r"涉及|等|各类|各项|方面|领域|类别|政务公开|政府信息公开")
_CUMULATIVE = re.compile(r"截至目前|截止目前|至今|建站以来|开通以来|上线以来|历年|成立以来|累计至今")
_ANNUAL = re.compile(r"全年|本年|今年|年度|年内|\d{4}年")
_DATE_RANGE = re.compile(
    rf"(?P<a>\d{{4}}年\d{{1,2}}月\d{{1,2}}日|{MD_DATE})\s*(?:至|到|—|－|-|~|～)\s*"
    rf"(?P<b>\d{{4}}年\d{{1,2}}月\d{{1,2}}日|{MD_DATE})"
)
_UNTIL = re.compile(r"(?:截至|截止)(?:到)?\s*(?P<b>\d{4}年\d{1,2}月\d{1,2}日|\d{1,2}月\d{1,2}日)")
_FIGURE = re.compile(
    rf"(?P<pre>约|近|超过|逾)?(?P<num>{NUM})(?P<wan>万)?(?P<post>余|多)?(?P<unit>{UNITS})(?P<over>以上)?"
)
_ITEM_BREAK = re.compile(r"[，；。！？\n]")


class _ItemMatch:
    """An item of a list: its label (from the previous item or delimiter up to the figure) and figure.

    Found figure first, then label backwards, so that the search stays linear in the text's length (a
    lazy label in front of the figure made the regex quadratic on long lines without figures)."""

    __slots__ = ("_label", "_m", "_start")

    def __init__(self, label_start: int, label: str, m: re.Match) -> None:
        self._start, self._label, self._m = label_start, label, m

    def group(self, name: str | int = 0) -> str | None:
        if name == "label":
            return self._label
        if name == 0:
            return self._label + self._m.group()
        return self._m.group(name)

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._m.end()


def _iter_items(text: str, start: int, end: int) -> Iterator[_ItemMatch]:
    pos = start
    for m in _FIGURE.finditer(text, start, end):
        a = m.start()
        # the label runs back to the previous item or delimiter
        b = a
        while b > pos and not _ITEM_BREAK.match(text, b - 1):
            b -= 1
        yield _ItemMatch(b, text[b:a], m)
        pos = m.end()
_LIST_START = re.compile(r"^(?:其中|按|从|包括|涉及|主要包括|具体为|分别为|分别是)")
_LEAD = re.compile(
    r"^(?:其中|另外|此外|同时|并|还|全年度|全年|本年度|本年|今年|年内|分别)?[，：]?(?:包括|主要有|含)?"
    r"(?:通过|利用|在|经由|经|依托|借助|于|用|以)?"
)
_TRAIL = re.compile(
    r"(?:(?:共计|共|合计|累计|计)?(?:主动)?(?:发布|公开|公布|推送|更新|刊登|刊载|上传|报送|编发|发送|登载|张贴)(?:了)?"
    r"(?:各类|政务|政府|相关|工作)?(?:信息|稿件|文章|内容)?)?(?:共计|共|合计|累计|计|达|为|有)?[，：]?$"
)
_VERB_INSIDE = re.compile(r"(?:发布|公开|公布|推送|更新|刊登|刊载|上传|报送|编发|张贴)(?=..)")
_PLACE_TRAIL = re.compile(r"(?<=..)(?:上|中|内)$")
_EXPLICIT_LEAD = re.compile(r"^(?:其中|另外|此外|同时|并|还)?[，：]?(?:通过|利用|依托|借助|在)")
_PUBLISH_VERB = re.compile(r"发布|公开|推送|更新|刊登|刊载|张贴|公示|推出")
_NOT_CONTENT = re.compile(r"申请|复议|诉讼|投诉|咨询|访问|浏览|关注|热线|工单|来电|办件|回复|留言|答复")
_OVERLAP = re.compile(r"同步(?:发布|推送|公开|更新|转载)|均(?:已)?(?:同步)?(?:在|通过)|同时(?:在|通过)|一并(?:在|通过)")
_NOT_ITEMS = re.compile(r"申请|复议|诉讼|投诉|举报|热线|工单|来电|办件|留言|答复|信访")
#: a figure followed by the noun it counts when that noun is not the published items themselves
_COUNTS_OTHER = re.compile(
    rf"(?!其中|占|均|全部|以上|左右|信息|政府信息|政务信息|稿件|文章|内容|条目|次|并|同比|较|分别|等|的|为|是|已|"
    rf"主要|包括|涉及|含|在|通过|和|及|与|，|。)[{CJK}]{{2}}"
)
_SPLIT_PARTS = re.compile(r"[、和及与]|以及")
_QUOTED = re.compile(r"[“\"「]([^”\"」]{2,30})[”\"」]")
_ACCOUNT = re.compile(
    r"^(?P<name>.{2,30}?)(?:政务微信公众号|微信公众号|官方微信|政务微信|微信号|公众号|政务微博|官方微博|微博|抖音号|抖音|"
    r"头条号|视频号)"
)
_GENERIC_ACCOUNT = re.compile(r"^(?:政务|官方|本局|我局|本单位|我单位|单位|部门|各类|各|县|市|区|局|本|我)$")
_OWN_SITE = re.compile(r"本局|我局|本单位|我单位|局门户|局网站|单位网站|部门网站|官网|官方网站|局官网")
_GOV_SITE = re.compile(r"政府|政务网")
_MEDIUM = re.compile(r"网站|网|平台|公众号|微博|栏|号|屏|报|台|专区|系统|客户端")


@dataclass(slots=True)
class Item:
    label: str  # as written, cleaned
    raw: str  # the whole item as written
    value: float
    qualifier: str
    unit: str
    span: tuple[int, int]
    note: str = ""


@dataclass(slots=True)
class ProactiveRead:
    total: Figure = field(default_factory=Figure.blank)
    qualifier: str = ""
    unit: str = "条"
    cutoff: dt.date | None = None
    channels: list[tuple[Item, str, str, str]] = field(default_factory=list)  # item, channel, host, account
    categories: list[tuple[Item, str]] = field(default_factory=list)
    audience: list[Item] = field(default_factory=list)
    overlap: bool | None = None
    channel_counts: set[int] = field(default_factory=set)  # ends of total-like figures that are one channel's
    channel_breakdowns: list[tuple[int, int]] = field(default_factory=list)  # spans of those figures' 其中 lists


def _qualifier(m: re.Match) -> tuple[str, str]:
    """(qualifier, note) from the qualifier groups of a figure match."""
    pre, post, over = m.group("pre") or "", m.group("post") or "", m.group("over") or ""
    note = ""
    if pre in ("超过", "逾"):
        note = f"原文“{pre}”"
        pre = "以上"
    if pre and post:
        return pre, f"原文“{pre}…{post}”"
    return (pre or post or over), note


def _clean_label(label: str) -> str:
    s = _LEAD.sub("", label.strip(" 、"), count=1)
    prev = None
    while prev != s:
        prev = s
        s = _TRAIL.sub("", s)
        s = _PLACE_TRAIL.sub("", s)
    return s.strip(" ，：、")


def _channel_classes(label: str) -> set[str]:
    classes = {c for part in _SPLIT_PARTS.split(label) if part for c in [classify_channel(part)] if c}
    if len(classes) > 1:
        classes.discard("other")
    if classes & {"wechat", "weibo", "short_video", "news_app"}:
        classes.discard("new_media")
    return classes


def _find_total(doc: Document, scopes: list[tuple[int, int]], rx: re.Pattern, f: Findings,
                channel_counts: set[int], breakdowns: list[tuple[int, int]]) -> tuple[re.Match, int, int] | None:
    """The first statement of the proactive total ``rx`` finds in ``scopes``: (match, sentence span)."""
    found: tuple[re.Match, int, int] | None = None
    for a, b in scopes:
        for sa, sb in sentences(doc, a, b):
            for m in rx.finditer(doc.text, sa, sb):
                if m.group("unit") not in ITEM_UNITS:
                    continue
                if not m.group("num")[0].isdigit() and parse_chinese(m.group("num")) is None:
                    continue
                if "其中" in doc.text[sa:m.start()]:  # a part of a total stated earlier, not the total
                    continue
                gap = m.groupdict().get("gap")
                if rx is _TOTAL_GAP and not _GAP_LIST.search(gap or ""):
                    continue  # 主动公开其他信息12条, 主动公开涉农补贴信息3条: a category's count, not the total
                if rx is _TOTAL_PARTS and not _THEN_PARTS.match(doc.text, m.end()):
                    continue
                if rx is _TOTAL_SOLE and not _sole_figure_of_proactive_paragraph(doc, m):
                    continue
                if rx in (_TOTAL_PARTS, _TOTAL_SOLE) and not (
                        _GENERIC_GAP.match(gap or "") or _GAP_LIST.search(gap or "") or "、" in (gap or "")):
                    continue  # 公开涉农补贴信息12条: one kind of information, not all of it
                clause = doc.text[_clause_start(doc.text, sa, m.start()):m.start()]
                if rx in (_TOTAL_PARTS, _TOTAL_NUM_FIRST, _TOTAL_SUBJECT, _TOTAL_SOLE) and _NOT_CONTENT.search(
                        doc.text[sa:m.end()]):
                    continue  # 申请, 回复, 咨询 …: not a count of published items
                if rx is _TOTAL_NUM_FIRST and not (_LOOSE_TOTALS_SAID.search(clause)
                                                    or _THEN_PARTS.match(doc.text, m.end())):
                    continue
                said = doc.text[_clause_start(doc.text, sa, m.start()):m.end()]  # the clause, its verb included
                if rx is _TOTAL_SUBJECT and (_CHANNEL_LEAD.search(said) or classify_channel(clause)):
                    continue  # 在区政府网站共发布信息16条, 委网站共发布信息3972条: one channel's count
                if _one_channel_of_several(doc, said, m.start(), m.end()):
                    channel_counts.add(m.end())
                    if _THEN_PARTS.match(doc.text, m.end()):  # …18篇，其中…: that channel's own breakdown
                        stop = _LIST_BREAK.search(doc.text, m.end(), sb)
                        breakdowns.append((m.end(), stop.start() if stop else sb))
                    f.miss("主动公开总数", "该数字是一个渠道的条数（同段还列出了其他渠道），不作为总数",
                           doc.source(m.start(), m.end()))
                    continue
                sentence = doc.text[sa:m.end()]
                if "累计" in sentence or _CUMULATIVE.search(sentence):
                    until = _UNTIL.search(sentence)
                    annual = _DATE_RANGE.search(sentence) or (_ANNUAL.search(sentence)
                                                              and not _CUMULATIVE.search(sentence)) or (
                        # 截至12月31日，…累计…: counted to the year's end, in a paragraph about that year
                        until is not None and until.group("b").endswith("12月31日")
                        and _ANNUAL.search(doc.text, doc.starts[doc.line_index(sa)], sa))
                    if not annual:
                        f.miss("主动公开总数", "该数字为累计数（未限定本年度），不作为本年度总数",
                               doc.source(m.start(), m.end()))
                        continue
                found = (m, sa, sb)
                break
            if found:
                break
        if found:
            break
    return found


def _clause_start(text: str, lo: int, pos: int) -> int:
    """Where the clause holding ``pos`` starts (after the last ，；： before it, not before ``lo``)."""
    k = max(text.rfind(c, lo, pos) for c in "，；：,;")
    return lo if k < 0 else k + 1


def _sole_figure_of_proactive_paragraph(doc: Document, m: re.Match) -> bool:
    """``m`` is the only count of items in a paragraph headed 主动公开 (on its line or the line before)."""
    i = doc.line_index(m.start())
    line = doc.lines[i]
    head = line[:16]
    if not _PROACTIVE_HEAD.search(head):
        prev = doc.lines[i - 1] if i > 0 else ""
        if not (len(prev) <= 24 and _PROACTIVE_HEAD.search(prev)):
            return False
    figures = [x for x in _FIGURE.finditer(line) if x.group("unit") in ITEM_UNITS]
    return len(figures) == 1


def _one_channel_of_several(doc: Document, clause: str, start: int, end: int) -> bool:
    """A figure named with a single channel (在市政府网站…公开信息20条) while the same paragraph, before or
    after it, gives another channel its own figure (…通过微信公众号发布85条): a channel's count, not the total."""
    lead = _CHANNEL_LEAD.search(clause)
    if lead is None or re.search(r"等|各种|多种|各类|、|和|及", lead.group("ch")) \
            or not classify_channel(lead.group("ch")):
        return False
    i = doc.line_index(start)
    lo, hi = doc.starts[i], doc.starts[i] + len(doc.lines[i])
    for m in _CHANNEL_LEAD.finditer(doc.text, lo, hi):
        if start - len(clause) <= m.start() < end:
            continue  # the figure's own channel
        if not (classify_channel(m.group("ch")) or _MEDIUM.search(m.group("ch"))):
            continue
        stop = doc.text.find("。", m.end(), hi)
        tail = doc.text[m.end():hi if stop < 0 else stop]
        fig = _FIGURE.search(tail)
        if fig and fig.group("unit") in ITEM_UNITS and "其中" not in doc.text[max(lo, m.start() - 4):m.start()]:
            return True
    return False


def read_proactive(doc: Document, outline: Outline, year: int | None, period_end: dt.date | None,
                   agency_name: str, agency_is_government: bool, f: Findings) -> ProactiveRead:
    out = ProactiveRead()
    scopes = outline.scopes("proactive") + outline.scopes("overview") + outline.scopes("opening")
    if not outline.scopes("proactive"):
        scopes = [(0, len(doc.text))]
    found: tuple[re.Match, int, int] | None = None  # the total match and its sentence
    for rx in (_TOTAL, _TOTAL_GAP, _TOTAL_COMMON, _TOTAL_SUBJECT, _TOTAL_PARTS, _TOTAL_NUM_FIRST, _TOTAL_SOLE):
        found = _find_total(doc, scopes, rx, f, out.channel_counts, out.channel_breakdowns)
        if found:
            if rx is not _TOTAL:
                f.methods[("proactive_total",)] = "prose-loose"
            break
    list_start = list_end = None
    if found:
        list_start, list_end = _read_total(doc, found, year, period_end, out, f)
    else:
        f.miss("主动公开总数", "报告未载明本年度主动公开信息总数")
    if list_start is not None:
        _read_items(doc, list_start, list_end, out, agency_name, agency_is_government, f, explicit_only=False)
    if found and not out.channels:
        _paren_channels(doc, found[1], found[2], out, agency_name, agency_is_government, f)
    if found and not out.channels:
        _total_channel(doc, found, out, agency_name, agency_is_government, f)
    if not found and not out.categories:
        _list_lines(doc, scopes, out, f)
    if not out.channels:
        for a, b in scopes:
            _read_items(doc, a, b, out, agency_name, agency_is_government, f, explicit_only=True,
                        skip=(list_start, list_end))
    if not found:
        _channel_breakdowns(doc, out, agency_name, agency_is_government, f)
    if found:
        _stated_overlap(doc, found, list_end, out, f)
    if out.overlap is None and out.channels and out.total.is_value and not out.qualifier:
        exact = all(not it.qualifier and it.unit == out.unit for it, *_ in out.channels)
        if exact and sum(it.value for it, *_ in out.channels) == out.total.value:
            out.overlap = False
    return out


def _read_total(doc: Document, found: tuple[re.Match, int, int], year: int | None, period_end: dt.date | None,
                out: ProactiveRead, f: Findings) -> tuple[int, int]:
    """The stated total (with its qualifier and cut-off date); returns the span of its breakdown: the rest of
    the sentence, then following sentences that start a list."""
    m, sa, sb = found
    q, note = _qualifier(m)
    out.total = Figure.of(to_number(m.group("num"), m.group("wan") or ""))
    out.qualifier, out.unit = q, m.group("unit")
    src = doc.source(m.start(), m.end())
    f.sources[("proactive_total",)] = src
    if note:
        f.warnings.append(f"主动公开总数：{note}，记作“{q}”")
    cut = _cutoff(doc.text[sa:sb], year, period_end)
    if cut is not None:
        out.cutoff = cut[0]
        f.sources[("cutoff",)] = doc.source(sa + cut[1][0], sa + cut[1][1])
    if not m.group("num")[0].isdigit():
        f.methods[("proactive_total",)] = "prose-cn-numeral"
    list_start, list_end = m.end(), sb
    other = _LIST_BREAK.search(doc.text, m.end(), sb)  # …其中…；同时，在另一平台发布…: another statement
    if other:
        list_end = other.start()
    before = doc.text[sa:m.start()].rstrip("，, ")
    lead = re.search(r"(?:合计|共计|总计|以上共|共)$", before)
    if lead and _FIGURE.search(doc.text, sa, sa + lead.start()):  # the parts come first, then their total
        list_start, list_end = sa, sa + lead.start()
    nxt = sb
    for _ in range(3):
        tail = doc.text[nxt:nxt + 12].lstrip("，。 \n")
        if not _LIST_START.match(tail):
            break
        n_end = doc.text.find("。", nxt)
        n_end = len(doc.text) if n_end < 0 else n_end + 1
        line_end = doc.text.find("\n", nxt + 1)
        if 0 <= line_end < n_end:
            n_end = line_end
        list_end = nxt = n_end
    return list_start, list_end


def _channel_breakdowns(doc: Document, out: ProactiveRead, agency_name: str, is_gov: bool, f: Findings) -> None:
    """The breakdown of a channel whose count looked like a total (通过门户网站发布18篇，其中土地资源6篇…;
    同时，…): its content headings, as written."""
    for a0, b0 in sorted(set(out.channel_breakdowns)):
        before, n_channels, unit = len(out.categories), len(out.channels), out.unit
        out.unit = next((u for u in UNITS.split("|") if doc.text.endswith(u, 0, a0)), unit)  # the channel's unit
        _read_items(doc, a0, b0, out, agency_name, is_gov, f, explicit_only=False)
        out.unit = unit
        for k in range(n_channels, len(out.channels)):  # channels are read from their own statements
            f.sources.pop(("channel", k + 1), None)
        del out.channels[n_channels:]
        for item, _cat in out.categories[before:]:
            item.note = (item.note + "；" if item.note else "") + "为某一渠道条数的细分"


def _stated_overlap(doc: Document, found: tuple[re.Match, int, int], list_end: int | None, out: ProactiveRead,
                    f: Findings) -> None:
    """Overlap between channels, stated next to the total and its breakdown (the sentence after the list too)."""
    after = doc.text.find("。", (list_end or found[2]) + 1)
    end = len(doc.text) if after < 0 else after + 1
    line_end = doc.text.find("\n", (list_end or found[2]) + 1)
    if 0 <= line_end < end:
        end = line_end
    mo = _OVERLAP.search(doc.text, found[1], end)
    if mo:
        out.overlap = True
        f.sources[("overlap",)] = doc.source(mo.start(), mo.end())


_PAREN_ITEM = re.compile(
    rf"(?P<label>[^、，。；（()）\d]{{2,24}})[（(](?P<pre>约|近|超过|逾)?(?P<num>{NUM})(?P<wan>万)?(?P<post>余|多)?"
    rf"(?P<unit>{UNITS})(?P<over>以上)?[)）]"
)
#: a line that is nothing but a list of counted headings: 工作信息30条、文件通知3条、财政信息4条。
_LIST_LINE = re.compile(rf"^(?:[{CJK}“”（）]{{2,16}}\d+(?:条|篇|件)[、，；,;]?){{3,}}[。；]?$")
_LIST_ITEM = re.compile(rf"(?P<label>[{CJK}“”（）]{{2,16}}?)(?P<num>\d+)(?P<unit>条|篇|件)")


def _paren_channels(doc: Document, sa: int, sb: int, out: ProactiveRead, agency_name: str, is_gov: bool,
                    f: Findings) -> None:
    """Channels counted in brackets in the total's sentence: 政府信息公开网站（108条）、公开栏（35条）等平台."""
    for m in _PAREN_ITEM.finditer(doc.text, sa, sb):
        label = _clean_label(re.sub(r"^.*(?:为|有|是|：|:)", "", m.group("label")).strip("“”《》 "))
        if m.group("unit") not in ITEM_UNITS or not label:
            continue
        classes = _channel_classes(label)
        if len(classes) != 1:
            if not classes:
                f.miss(f"“{label}”", "括号中的条数所属渠道不在渠道表中，未读取", doc.source(m.start(), m.end()))
            continue
        q, note = _qualifier(m)
        item = Item(label, m.group().strip(), to_number(m.group("num"), m.group("wan") or ""), q, m.group("unit"),
                    (m.start(), m.end()), note)
        channel = classes.pop()
        host, account = _host_account(label, channel, agency_name, is_gov)
        out.channels.append((item, channel, host, account))
        f.sources[("channel", len(out.channels))] = doc.source(m.start(), m.end())


def _list_lines(doc: Document, scopes: list[tuple[int, int]], out: ProactiveRead, f: Findings) -> None:
    """Content headings counted on a line of their own (工作信息30条、文件通知3条、财政信息4条) when no total
    is stated: each is what the line says; no total is made from them."""
    for a, b in scopes:
        i = doc.line_index(a)
        while i < len(doc.lines) and doc.starts[i] < b:
            line = doc.lines[i]
            if _LIST_LINE.match(line):
                for m in _LIST_ITEM.finditer(line):
                    label = m.group("label").strip("“”、，")
                    if _NOT_ITEMS.search(label) or classify_channel(label):
                        continue
                    a0 = doc.starts[i] + m.start()
                    item = Item(label, m.group(), float(m.group("num")), "", m.group("unit"), (a0, a0 + len(m.group())),
                                "单独一行列出的栏目条数（原文未给出总数）")
                    out.categories.append((item, classify_category(label) or "other"))
                    f.sources[("category", len(out.categories))] = doc.source(a0, a0 + len(m.group()))
                return
            i += 1


def _total_channel(doc: Document, found: tuple[re.Match, int, int], out: ProactiveRead, agency_name: str,
                   is_gov: bool, f: Findings) -> None:
    """The one channel the total was published through (全年通过区政府网站共公开信息314条): that channel's
    count is the total, as the text states it. Not for several channels (通过网站、公开栏等途径)."""
    m, sa, _ = found
    said = doc.text[_clause_start(doc.text, sa, m.start()):m.end()]
    lead = _CHANNEL_LEAD.search(said)
    if lead is None or re.search(r"等|各种|多种|各类|、|和|及|与", lead.group("ch")):
        return
    classes = _channel_classes(lead.group("ch"))
    if len(classes) != 1:
        return
    label = _clean_label(lead.group("ch"))
    q, note = _qualifier(m)
    a = _clause_start(doc.text, sa, m.start()) + lead.start("ch")
    item = Item(label, doc.text[a:m.end()].strip(), out.total.value, q, m.group("unit"), (a, m.end()),
                (note + "；" if note else "") + "总数经由这一渠道发布，渠道条数即总数")
    channel = classes.pop()
    host, account = _host_account(label, channel, agency_name, is_gov)
    out.channels.append((item, channel, host, account))
    f.sources[("channel", len(out.channels))] = doc.source(a, m.end())


def _cutoff(sentence: str, year: int | None, period_end: dt.date | None
            ) -> tuple[dt.date, tuple[int, int]] | None:
    """The day the counts of ``sentence`` stop, when earlier than the period's end, and its span."""
    m = _DATE_RANGE.search(sentence) or _UNTIL.search(sentence)
    if m is None:
        return None
    start_year = None
    if "a" in m.groupdict():
        a = parse_loose_date(m.group("a"), year)
        start_year = a.year if a else None
    end = parse_loose_date(m.group("b"), start_year or year)
    if end is None:
        return None
    if period_end is not None:
        return (end, m.span()) if end < period_end else None
    return (end, m.span()) if (end.month, end.day) != (12, 31) else None


def _read_items(doc: Document, start: int, end: int, out: ProactiveRead, agency_name: str, is_gov: bool,
                f: Findings, *, explicit_only: bool, skip: tuple[int | None, int | None] = (None, None)) -> None:
    """The ``label + number + unit`` items of a scope, each filed as a channel, category or audience count."""
    text = doc.text
    seen = {it.span for it, *_ in out.channels} | {it.span for it, _ in out.categories}
    stated = {(it.label, it.value) for it, *_ in out.channels}
    skip_to = -1
    for sa, sb in sentences(doc, start, end) if explicit_only else [(start, end)]:
        if skip[0] is not None and skip[1] is not None and sa < skip[1] and sb > skip[0]:
            continue
        listed = False  # an explicit channel item was read in this sentence: the items after it are its list
        for m in _iter_items(text, sa, sb):
            raw_label = m.group("label")
            if _NOT_ITEMS.search(raw_label) or _COUNTS_OTHER.match(text, m.end()):
                # 通过网站提交申请的862件 (applications), 公开了…等50余项专项资金使用情况 (the count of
                # something named after it): not a count of published items
                continue
            if explicit_only:
                lead = _EXPLICIT_LEAD.match(raw_label.strip())
                if not (lead or ((listed or _PUBLISH_VERB.search(raw_label)) and classify_channel(raw_label))):
                    continue
                listed = True
            if explicit_only and _TOTAL.search(text, m.start(), m.end()) and m.end() not in out.channel_counts:
                continue
            label = _clean_label(raw_label)
            q, note = _qualifier(m)
            a = m.start() + (len(raw_label) - len(raw_label.lstrip(" ，：")))
            if (a, m.end()) in seen or a < skip_to:  # seen through an overlapping scope, or a sub-breakdown
                continue
            if (label, to_number(m.group("num"), m.group("wan") or "")) in stated:
                # 其中通过县政府门户网站发布5469条，…: the sentence breaks down an item already read
                stop = text.find("。", m.end())
                skip_to = len(text) if stop < 0 else stop
                f.miss(f"“{label}”的细分", "该句是已读出的一项的再细分，不作为渠道或栏目重复计入",
                       doc.source(a, m.end()))
                continue
            seen.add((a, m.end()))
            item = _new_item(m, text, label, a, q, note)
            _file_item(item, m, raw_label, doc.source(a, m.end()), out, agency_name, is_gov, f, stated,
                       explicit_only=explicit_only)


def _new_item(m: re.Match, text: str, label: str, a: int, q: str, note: str) -> Item:
    """The item of a match starting at ``a`` (a figure in 万 noted as written)."""
    item = Item(label, text[a:m.end()].strip(), to_number(m.group("num"), m.group("wan") or ""), q,
                m.group("unit"), (a, m.end()), note)
    if m.group("wan"):
        item.note = (item.note + "；" if item.note else "") + f"原文“{m.group('num')}万”"
    return item


def _file_item(item: Item, m: re.Match, raw_label: str, src: Source, out: ProactiveRead, agency_name: str,
               is_gov: bool, f: Findings, stated: set[tuple[str, float]], *, explicit_only: bool) -> None:
    """One item filed as audience, channel or content category, or noted as not read (in that order)."""
    label = item.label
    if not label:
        return
    if "分别" in raw_label:
        f.miss(f"“{label}”", "一个数字对应多个渠道（“分别”），无法逐一对应", src)
        return
    if _AUDIENCE_WORDS.search(label) or m.group("unit") in _AUDIENCE_UNITS:
        out.audience.append(item)
        f.sources[("audience", len(out.audience))] = src
        return
    if m.group("unit") not in ITEM_UNITS:
        f.miss(f"“{label}”", f"单位“{m.group('unit')}”不是信息条数", src)
        return
    classes = _channel_classes(label)
    if len(classes) > 1:
        f.miss(f"“{label}”", "一个数字对应多个渠道，无法拆分", src)
        return
    if classes:
        if _VERB_INSIDE.search(label) and classify_category(_VERB_INSIDE.split(label)[-1]):
            # the channel is certain; what it carried is named too: kept as a channel, as written
            item.note = (item.note + "；" if item.note else "") + "原文同时写明了内容栏目"
        channel = classes.pop()
        host, account = _host_account(label, channel, agency_name, is_gov)
        out.channels.append((item, channel, host, account))
        stated.add((item.label, item.value))
        f.sources[("channel", len(out.channels))] = src
        return
    category = classify_category(label)
    if category:
        out.categories.append((item, category))
        f.sources[("category", len(out.categories))] = src
        return
    if (not explicit_only and len(label) <= 12 and not _VERB_INSIDE.search(label)
            and not _NOT_CONTENT.search(label) and item.unit == out.unit):
        # an item of the 其中 list right after the total, under a heading the taxonomy lacks: a content
        # category as written (工作规则, 民生信息 …)
        item.note = (item.note + "；" if item.note else "") + "栏目不在分类表中，按原文名称记录"
        out.categories.append((item, "other"))
        f.sources[("category", len(out.categories))] = src
        return
    if not explicit_only:
        f.miss(f"“{label}”", "既不是已知的发布渠道，也不是已知的内容栏目", src)


def _host_account(label: str, channel: str, agency_name: str, is_gov: bool) -> tuple[str, str]:
    host = account = ""
    if channel == "website":
        if (agency_name and agency_name in label) or _OWN_SITE.search(label):
            host = "own"
        elif _GOV_SITE.search(label):
            host = "own" if is_gov else "superior"
    if channel in ("wechat", "weibo", "short_video", "news_app"):
        q = _QUOTED.search(label)
        if q:
            account = q.group(1)
        else:
            m = _ACCOUNT.match(label)
            if m and not _GENERIC_ACCOUNT.match(m.group("name")):
                account = m.group("name")
    return host, account
