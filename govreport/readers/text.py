"""Reading figures from the prose of a normalised report.

Every reader returns what it read together with the :class:`~govreport.readers.source.Source` of
each item, and a :class:`~govreport.readers.source.NotRead` for each statement it recognised but
could not turn into a figure with certainty. Nothing is assigned by position, and nothing is guessed:

* a proactive total is a ``主动公开 … N条`` statement; a 累计 figure counts only when the sentence ties it
  to the report year (otherwise it may be cumulative to date);
* channel figures come from the ``其中…`` list after the total (or ``通过X发布信息N条`` statements); each
  item's label is kept as written, minus the leading preposition and trailing publishing verb; items that
  name several channels, audience figures (关注/订阅/访问/人次…) and unknown labels are not channels;
* the agency and the year come from the title (also over two lines, run into the text, 关于…的报告, year in
  brackets), else the page's metadata block, the opening (现公布X2019年…, 由X办公室编制), the sign-off, the
  contact line; a short form is resolved only with the text's own 「（以下简称…）」; the year else from the
  statistical period (broken forms too), the opening 「2021年，我镇…」 or, as a flagged guess, the
  publication date;
* "目前没有依申请公开办理情况"-type statements give 表三 new-received and results totals of 0 (read clause
  by clause, dates and list numbers are not counts; "未收到其他申请" is not a zero);
  "未收到法人或者其他组织…申请" only gives the legal-person columns; "未发生行政复议、行政诉讼" gives the
  three 表四 totals of 0; "无…纠错案件" gives nothing (no case corrected ≠ no case).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from govreport.core.channels import classify_category, classify_channel
from govreport.core.formats import TableCell, table_spec
from govreport.core.values import Figure
from govreport.readers.document import Document
from govreport.readers.normalize import CJK
from govreport.readers.sections import Outline
from govreport.readers.source import NotRead, Source

NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
UNITS = "万人次|人次|条次|条|篇|件|个|期|场|次|宗|份|项|人|户|起"
ITEM_UNITS = frozenset({"条", "条次", "篇", "件", "个", "期", "场", "次", "宗", "份", "项", "起"})
_AUDIENCE_UNITS = frozenset({"人", "人次", "万人次", "户"})
_AUDIENCE_WORDS = re.compile(r"关注|订阅|粉丝|访问|浏览|点击|阅读|观看|播放|用户|下载|人数|访客|转发量|点赞")
_SENTENCE = re.compile(r"[^。！？\n]+[。！？]?")

# ----------------------------------------------------------------------------------------- helpers


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUM = "[零〇一二两三四五六七八九十百千]+"


def cn_number(text: str) -> int | None:
    """A Chinese numeral below 10 000 (``四十``, ``一百二十三``, ``十五``); None when not well formed."""
    total, digit = 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            if digit is not None and digit != 0:
                return None  # two digits in a row: not a numeral (一二 …)
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        else:
            return None
    if digit:
        total += digit
    return total if total > 0 or text in ("零", "〇") else None


def to_number(text: str, wan: str = "") -> float:
    if text and not text[0].isdigit():
        n = cn_number(text)
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


# ------------------------------------------------------------------------------------ title, agency

_TITLE_TAIL = r"(?:政府信息公开|政务公开|信息公开)(?:工作)?(?:情况)?(?:的)?(?:年度)?(?:报告|年报)"
_TITLE_AFTER = re.compile(rf"^(?P<name>.*?)(?:关于)?(?P<year>\d{{4}})(?:\d{{2}})?年度?的?{_TITLE_TAIL}")
_TITLE_BEFORE = re.compile(rf"^(?P<year>\d{{4}})(?:\d{{2}})?年度?(?P<name>.*?){_TITLE_TAIL}")
_TITLE_PAREN = re.compile(rf"^(?P<name>.*?)(?:关于)?{_TITLE_TAIL}[（(](?P<year>\d{{4}})年?度?[)）]$")
_TITLE_NOYEAR = re.compile(rf"^(?P<name>.*?)(?:关于)?{_TITLE_TAIL}$")
_NOT_A_NAME = frozenset({"", "政府", "政务", "年度", "关于"})
AGENCY_SUFFIX = (
    r"(?:人民政府办公室|人民政府办公厅|人民政府|街道办事处|管理委员会|管委会|委员会|办公室|办公厅|分局|局|厅|委|办|署|"
    r"中心|院|镇|乡|街道|馆|站)"
)
_AGENCY_PREFIX = re.compile(rf"^(?P<name>[{CJK}（）()]{{2,40}}?{AGENCY_SUFFIX})")
_EXTEND = re.compile(r"(?:员会|人民政府|办事处)")  # matched at the end of the name (Pattern.match(s, pos))
_SIGNATURE = re.compile(rf"^[{CJK}（）]{{2,40}}{AGENCY_SUFFIX}$")
_DATE_LINE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")


def agency_prefix(text: str) -> str | None:
    """The agency name an office name starts with: 五原县民政局政务公开领导小组办公室 → 五原县民政局."""
    m = _AGENCY_PREFIX.match(text)
    if not m:
        return None
    name = m.group("name")
    ext = _EXTEND.match(text, len(name))
    if ext:
        name += ext.group()
    if name.startswith(("我", "本")):
        return None
    return name


def read_title(title: str) -> tuple[str | None, int | None]:
    """(agency name as written, year) of a title; either may be None."""
    t = title.strip().strip("《》|｜ ")
    for rx in (_TITLE_BEFORE, _TITLE_AFTER, _TITLE_PAREN, _TITLE_NOYEAR):
        m = rx.match(t)
        if m:
            name = re.sub(r"^(?:关于)|(?:关于|的|年度)$", "", m.group("name").strip("的 《》"))
            if name in _NOT_A_NAME or name.startswith(("我", "本")) or not re.search(f"[{CJK}]{{2}}", name) \
                    or not re.fullmatch(f"[{CJK}（）()·]+", name):  # punctuation or spaces: damaged or chrome
                name = ""
            year = int(m.group("year")) if "year" in m.groupdict() else None
            return (name or None), year
    return None, None


# ------------------------------------------------------------------ agency and year outside the title

_AGENCY_END = re.compile(rf"(?:{AGENCY_SUFFIX[3:-1]}|所)$")
_META_AGENCY = re.compile(
    rf"(?:发布机构|发文机关|发文单位|发布单位|制发机关|公开主体|信息来源|来源)\s*[：:|｜][：:|｜\s]*(?P<name>[{CJK}（）]{{3,60}})"
)
_META_STOP = re.compile(r"(?:发布时间|发布日期|成文日期|浏览|点击|作者|时间|日期|字号|索引号|文号|主题分类|访问).*$")
_OPENING_AGENCY = (
    re.compile(rf"现(?:将|予以|向社会)?(?:公布|公开|发布)(?P<name>[{CJK}（）]{{3,40}}?)(?P<year>\d{{4}})年"),
    re.compile(rf"现将(?P<name>[{CJK}（）]{{3,40}}?)(?P<year>\d{{4}})年度?(?:政府信息公开|政务公开|信息公开)"),
    # 现将2021年X政府信息公开工作年度报告予以公布: the year before the name
    re.compile(rf"现(?:将|予以|向社会)?(?:公布|公开|发布)?(?P<year>\d{{4}})年度?(?P<name>[{CJK}（）]{{3,40}}?)"
               rf"(?:政府信息公开|政务公开|信息公开)"),
    # X特向社会公布2021年度政府信息公开工作年度报告: the agency as the sentence's subject
    re.compile(rf"(?:^|[，。；\n])(?P<name>[{CJK}（）]{{3,40}}?)(?:特|现)?向社会(?:公布|公开|发布)"
               rf"(?:本单位|本机关)?(?P<year>\d{{4}})年度?(?:政府信息公开|政务公开|信息公开)"),
    re.compile(rf"《(?P<name>[{CJK}（）]{{3,40}}?)(?P<year>\d{{4}})年度?(?:政府信息公开|政务公开)"),
    re.compile(rf"由(?P<name>[{CJK}（）]{{3,40}}?)(?:负责)?(?:组织)?编制"),
    # 2019年，X认真贯彻…: the agency as the subject of the opening year's sentence
    re.compile(rf"(?:^|[。\n])(?P<year>\d{{4}})年(?:度)?[，,]?(?P<name>[{CJK}（）]{{3,40}}?{AGENCY_SUFFIX})"
               r"(?:认真|坚持|严格|深入|全面|紧紧|紧密|高度|按照|围绕|积极|进一步|始终|持续|不断|扎实|以)"),
)
_OFFICE_TAIL = re.compile(
    r"(?:政务公开(?:工作)?领导小组办公室|党政综合办公室|综合办公室|党政办公室|党政办|政务公开办|办公室|综合科|办公厅)$"
)
_SHORT_FORM = re.compile(
    rf"(?P<full>[{CJK}]{{4,40}})[（(](?:以下)?简称[“\"「]?(?P<short>[{CJK}]{{2,12}})[”\"」]?[)）]"
)
_SELF = re.compile(
    r"我局|本局|我镇|本镇|我乡|本乡|我街道|本街道|我街|我委|本委|我办|本办|我单位|本单位|我中心|本中心|我院|我馆|本机关|我部门"
)
_OPENING_YEAR = re.compile(
    r"(?:^|[。；\n])(?:\d{1,2}[、.．]|[（(][一二三四五六七八九十\d]{1,2}[)）])?(?:本年度|今年|全年)?(?P<y>(?:19|20)\d{2})(?P<dup>\d{2})?年(?:度)?(?=[，,、\u4e00-\u9fff])(?![月底初末])"
)


#: 县自然资源局, 市卫生健康委: the level without the place's name (市中区财政局 names a place and is kept)
_LEVEL_ONLY = re.compile(r"^[县市区省][^县市区省州旗]*$")


def _clean_name(name: str) -> str | None:
    """An agency name when ``name`` ends like one (局, 人民政府, 街道办事处 …), else None."""
    name = name.strip("（）() ")
    if len(name) < 3 or name.startswith(("我", "本", "各")) or not _AGENCY_END.search(name) \
            or _LEVEL_ONLY.match(name):
        return None
    return name


def read_metadata_agency(doc: Document, removed: tuple[str, ...]) -> tuple[str, Source | None] | None:
    """The agency of a page's metadata block (发布机构 / 发文机关 / 来源 …), kept or dropped as page chrome."""
    head = doc.lines[:15]
    for k, line in enumerate(head):
        m = _META_AGENCY.search(line)
        if m:
            name = _clean_name(_META_STOP.sub("", m.group("name")))
            if name:
                a = doc.starts[k] + m.start("name")
                return name, doc.source(a, a + len(name))
    for line in removed:
        m = _META_AGENCY.search(line)
        if m:
            name = _clean_name(_META_STOP.sub("", m.group("name")))
            if name:
                return name, None
    return None


def read_opening_agency(doc: Document) -> tuple[str, int | None, Source] | None:
    """The agency (and year) named in the opening: 现公布X2019年…, 现将X2020年度…, 由X办公室组织编制."""
    end = min(len(doc.text), 800)
    for rx in _OPENING_AGENCY:
        m = rx.search(doc.text, 0, end)
        if not m:
            continue
        raw = m.group("name")
        name = _clean_name(raw)
        if "year" not in m.groupdict():  # 由X(办公室)编制: the office's agency
            stripped = _OFFICE_TAIL.sub("", raw)
            name = _clean_name(stripped) if stripped != raw else name
        if name:
            year = int(m.group("year")) if "year" in m.groupdict() else None
            a = m.start("name") + raw.find(name)
            return name, year, doc.source(a, a + len(name))
    return None


def resolve_short_form(name: str, doc: Document) -> tuple[str, Source] | None:
    """The full name the text itself gives for a short form (河口区发展和改革委员会（以下简称区发改委）)."""
    for m in _SHORT_FORM.finditer(doc.text):
        short, full = m.group("short"), m.group("full")
        if short != name and not name.endswith(short):
            continue
        region = name[: len(name) - len(short)]
        if region and region in full:
            full = full[full.index(region):]
        full = _clean_name(full)
        if full and full != name:
            return full, doc.source(m.start("full") + m.group("full").find(full), m.end("full"))
    return None


_PLACE_PREFIX = re.compile(rf"^(?:[{CJK}]{{2,7}}?(?:省|自治区|市|自治州|州|盟|地区|县|区|旗))+$")
#: words that are no part of a place name (the end of a verb phrase before the name: 请联系…, 向社会公布…)
_NOT_PLACE = re.compile(r"联系|公布|公开|发布|社会|编制|报告|请|与|由|将|于|在|对|向|的|和|及|为|是|经|据|现|特|本|我")
_GOV_SUFFIX = re.compile(r"人民政府|办事处")
#: what may stand right before a name written in full: the end of 请联系, 由, 现将, 向社会公布 …
_NAME_BOUNDARY = re.compile(r"(?:联系|请与|可与|由|将|公布|公开|发布|关于|根据|为|是|对|向|与|和|及|经|在|系|同)$")
#: what may follow an agency's name where the text writes it in full (not an address: 望疃镇振兴大道)
_AFTER_NAME = re.compile(
    rf"[^{CJK}]|$|联系|编制|特|现|在|认真|按照|根据|坚持|严格|始终|全面|紧紧|高度|积极|进一步|以|关于|对|的|"
    r"\d|政府信息|政务公开|信息公开|办公室|党政|领导小组|网站|门户"
)


def resolve_full_name(name: str, doc: Document) -> tuple[str, Source] | None:
    """The full name the text itself gives for a name that lacks its place or its 人民政府/办事处.

    洪泽区人民政府 → 淮安市洪泽区人民政府 where the text writes 淮安市洪泽区人民政府; 建章路街道 → 建章路街道办事处,
    横山镇 → 横山镇人民政府 where the text writes those. Only where the longer form stands as a name: the place
    prefix made of place names only (淮安市, 安徽省亳州市), a suffix only for a town, township or subdistrict,
    and followed by punctuation or the start of a clause (not an address such as 望疃镇振兴大道)."""
    if not name or len(name) < 3:
        return None
    best: tuple[int, int] | None = None  # normalised span of the longest full form
    text = doc.text
    pos = text.find(name)
    while pos >= 0:
        a, b = pos, pos + len(name)
        if re.search(r"(?:镇|乡|街道)$", name):
            sm = _GOV_SUFFIX.match(text, b)
            if sm and (sm.group() == "人民政府" or name.endswith("街道")):
                b = sm.end()
        if _AFTER_NAME.match(text, b):
            for k in range(max(0, a - 12), a):
                pre = text[k:a]
                if _PLACE_PREFIX.match(pre) and not _NOT_PLACE.search(pre) and (
                        k == 0 or not re.match(f"[{CJK}]", text[k - 1])
                        or _NAME_BOUNDARY.search(text, max(0, k - 6), k)):
                    a = k
                    break
            if (a, b) != (pos, pos + len(name)) and (best is None or b - a > best[1] - best[0]):
                best = (a, b)
        pos = text.find(name, pos + 1)
    if best is None:
        return None
    full = text[best[0]:best[1]]
    if not _clean_name(full):
        return None
    return full, doc.source(*best)


def self_reference(doc: Document) -> str | None:
    m = _SELF.search(doc.text)
    return m.group() if m else None


def read_opening_year(doc: Document, skip_line: int | None) -> tuple[int, Source] | None:
    """The year a report opens with: 「2021年，我镇…」 (also 「202020年」 with the year's end doubled)."""
    end = doc.starts[min(len(doc.lines) - 1, 8)] + len(doc.lines[min(len(doc.lines) - 1, 8)])
    for m in _OPENING_YEAR.finditer(doc.text, 0, end):
        if skip_line is not None and doc.line_index(m.start("y")) == skip_line:
            continue
        y, dup = m.group("y"), m.group("dup")
        if dup and dup != y[2:]:
            continue
        return int(y), doc.source(m.start("y"), m.end("dup") if dup else m.end("y"))
    return None




def read_signature(doc: Document) -> tuple[str, Source] | None:
    """An agency name on its own line followed by a date line near the end of the report."""
    lines = doc.lines
    for i in range(len(lines) - 1, max(-1, len(lines) - 6), -1):
        if _DATE_LINE.match(lines[i]) and i > 0 and _SIGNATURE.match(lines[i - 1]):
            a = doc.starts[i - 1]
            return lines[i - 1], doc.source(a, a + len(lines[i - 1]))
    return None


# ----------------------------------------------------------------------------------------- contact

_OFFICE = re.compile(
    rf"(?:可与|请与|可联系|请联系|联系单位[：:]|联系部门[：:]|联系机构[：:])(?P<office>[{CJK}（）]{{4,50}}?)(?:联系|[，。（(])"
)
_ADDRESS = re.compile(r"(?:联系|通讯|通信|办公)?地址[：:]\s*(?P<v>[^）)\n；;。，]+)")
_POSTCODE = re.compile(r"(?:邮编|邮政编码)[：:]\s*(?P<v>\d{6})(?!\d)")
_PHONE_NUM = r"(?:\d{3,4}\s*[-—－–]\s*)?\d{7,8}(?:\s*[-—－–]\s*\d{1,4})?|1\d{10}"
_PHONE = re.compile(rf"(?:联系)?电话(?P<fax>[/、]传真)?[：:]\s*(?P<v>{_PHONE_NUM})(?P<tail>[（(]传真[)）])?")
_FAX = re.compile(rf"传真(?:电话)?[：:]\s*(?P<v>{_PHONE_NUM})")
_EMAIL = re.compile(r"(?:电子邮箱|电子信箱|邮箱|E-?mail|电子邮件)[：:]\s*(?P<v>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)",
                    re.IGNORECASE)
_DASHES = re.compile(r"\s*[-—－–]\s*")


def _phone(text: str) -> str:
    return _DASHES.sub("-", text.strip())


def read_contact(doc: Document, f: Findings) -> dict[str, str]:
    text = doc.text
    out: dict[str, str] = {}

    def put(field_: str, value: str, a: int, b: int) -> None:
        if field_ in out:
            return
        out[field_] = value
        f.sources[("agency", field_)] = doc.source(a, b)

    m = _OFFICE.search(text)
    if m and not m.group("office").startswith(("我", "本")):
        put("office", m.group("office"), *m.span("office"))
    m = _ADDRESS.search(text)
    if m:
        put("address", m.group("v").strip(), *m.span("v"))
    m = _POSTCODE.search(text)
    if m:
        put("postcode", m.group("v"), *m.span("v"))
    m = _PHONE.search(text)
    if m:
        put("phone", _phone(m.group("v")), *m.span("v"))
        if m.group("fax") or m.group("tail"):
            put("fax", _phone(m.group("v")), m.start("v"), m.end())
    m = _FAX.search(text)
    if m:
        put("fax", _phone(m.group("v")), *m.span("v"))
    m = _EMAIL.search(text)
    if m:
        put("email", m.group("v"), *m.span("v"))
    return out


# ------------------------------------------------------------------------------------------ period

_PERIOD_KEY = re.compile(r"统计(?:期限|时限|时间段|时间|区间|周期|时段|期间|截止时间|口径)|所列数据")
_LOOSE_DATE = r"\d{4}(?:\d{2}(?=年))?年?(?:\d{1,2}月\d{1,2}|\d{1,2}月?\d{1,2}|\d{2,4})日"
_MD_DATE = r"\d{1,2}月\d{1,2}日"
_RANGE = re.compile(
    rf"(?:自|从|为|是|：)?\s*(?P<a>{_LOOSE_DATE})(?:起)?\s*(?:至|到|—|－|-|~|～)\s*"
    rf"(?P<b>{_LOOSE_DATE}|{_MD_DATE})(?:止)?"
)
_START_ONLY = re.compile(rf"(?:自|从)\s*(?P<a>{_LOOSE_DATE})起?")
_FULL_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_MD = re.compile(r"^(\d{1,2})月(\d{1,2})日$")


def parse_loose_date(text: str, year: int | None = None) -> dt.date | None:
    """A date as written, also with 年 or 月 dropped (``202011日`` = 2020-01-01, ``20201231日`` = 2020-12-31).

    Returns None when the digits allow more than one date (``2020111日``) or none.
    """
    dup = re.match(r"^(\d{4})(\d{2})年", text)
    if dup:  # 202020年 = 2020年 (the year's end typed twice); any other six digits are not a year
        if dup.group(2) != dup.group(1)[2:]:
            return None
        text = dup.group(1) + text[6:]
    m = _FULL_DATE.match(text)
    if m:
        return _date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _MD.match(text)
    if m:
        return _date(year, int(m.group(1)), int(m.group(2))) if year else None
    m = re.match(r"^(\d{4})年?(.*)日$", text)
    if not m:
        return None
    y, rest = int(m.group(1)), m.group(2)
    if "月" in rest:
        mo, d = rest.split("月", 1)
        return _date(y, int(mo), int(d)) if mo.isdigit() and d.isdigit() else None
    if not rest.isdigit():
        return None
    found = {dd for k in (1, 2) if 0 < k < len(rest) for dd in [_date(y, int(rest[:k]), int(rest[k:]))] if dd}
    return found.pop() if len(found) == 1 else None


def _date(y: int | None, m: int, d: int) -> dt.date | None:
    if y is None:
        return None
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


@dataclass(slots=True)
class PeriodRead:
    start: dt.date | None = None
    end: dt.date | None = None


def read_period(doc: Document, f: Findings) -> PeriodRead:
    text = doc.text
    out = PeriodRead()
    for km in _PERIOD_KEY.finditer(text):
        sent_end = min((i for i in (text.find("。", km.end()), text.find("\n", km.end())) if i >= 0),
                       default=len(text))
        window_end = min(sent_end, km.end() + 60)
        m = _RANGE.search(text, km.end(), window_end)
        if m:
            a = parse_loose_date(m.group("a"))
            b = parse_loose_date(m.group("b"), a.year if a else None)
            src = doc.source(m.start("a"), m.end("b"))
            if a is None or b is None:
                f.miss("统计期限", "统计期限的日期写法残缺，无法唯一确定", src)
                if a is not None:
                    out.start = a
                    f.sources[("period",)] = src
                return out
            if b < a:
                f.miss("统计期限", "统计期限的结束日期早于开始日期", src)
                return out
            out.start, out.end = a, b
            f.sources[("period",)] = src
            return out
        m = _START_ONLY.search(text, km.end(), window_end)
        if m:
            a = parse_loose_date(m.group("a"))
            src = doc.source(m.start("a"), m.end("a"))
            if a is None:
                f.miss("统计期限", "统计期限的日期写法残缺，无法唯一确定", src)
                return out
            out.start = a
            f.sources[("period",)] = src
            f.miss("统计期限结束日期", "报告只写明起始日期，未写结束日期", src)
            return out
        f.miss("统计期限", "提到统计期限但未能读出日期", doc.source(km.start(), window_end))
        return out
    f.miss("统计期限", "报告未载明统计期限")
    return out


# --------------------------------------------------------------------------------------- proactive

_TOTAL = re.compile(
    rf"主动(?:公开|发布)(?:了)?(?:的)?(?:各类|政务|政府|相关|各项)?(?:的)?(?:信息|政务信息|政府信息)?(?:内容)?"
    rf"(?:数量|总数|总量|数)?[，：]?"
    rf"(?:共计|共|合计|累计|总计|计|达|为)?(?P<pre>约|近|超过|逾)?(?P<num>{NUM}|{CN_NUM})(?P<wan>万)?(?P<post>余|多)?"
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
    rf"(?P<a>\d{{4}}年\d{{1,2}}月\d{{1,2}}日|{_MD_DATE})\s*(?:至|到|—|－|-|~|～)\s*"
    rf"(?P<b>\d{{4}}年\d{{1,2}}月\d{{1,2}}日|{_MD_DATE})"
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
                if not m.group("num")[0].isdigit() and cn_number(m.group("num")) is None:
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
        # the breakdown: the rest of the sentence, then following sentences that start a list
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
        # the breakdown of a channel whose count looked like a total (通过门户网站发布18篇，其中土地资源6篇…;
        # 同时，…): its content headings, as written
        for a0, b0 in sorted(set(out.channel_breakdowns)):
            before, n_channels, unit = len(out.categories), len(out.channels), out.unit
            out.unit = next((u for u in UNITS.split("|") if doc.text.endswith(u, 0, a0)), unit)  # the channel's unit
            _read_items(doc, a0, b0, out, agency_name, agency_is_government, f, explicit_only=False)
            out.unit = unit
            for k in range(n_channels, len(out.channels)):  # channels are read from their own statements
                f.sources.pop(("channel", k + 1), None)
            del out.channels[n_channels:]
            for item, _cat in out.categories[before:]:
                item.note = (item.note + "；" if item.note else "") + "为某一渠道条数的细分"
    # overlap: stated next to the total and its breakdown (the sentence after the list included)
    if found:
        after = doc.text.find("。", (list_end or found[2]) + 1)
        end = len(doc.text) if after < 0 else after + 1
        line_end = doc.text.find("\n", (list_end or found[2]) + 1)
        if 0 <= line_end < end:
            end = line_end
        mo = _OVERLAP.search(doc.text, found[1], end)
        if mo:
            out.overlap = True
            f.sources[("overlap",)] = doc.source(mo.start(), mo.end())
    if out.overlap is None and out.channels and out.total.is_value and not out.qualifier:
        exact = all(not it.qualifier and it.unit == out.unit for it, *_ in out.channels)
        if exact and sum(it.value for it, *_ in out.channels) == out.total.value:
            out.overlap = False
    return out


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
            item = Item(label, text[a:m.end()].strip(), to_number(m.group("num"), m.group("wan") or ""), q,
                        m.group("unit"), (a, m.end()), note)
            if m.group("wan"):
                item.note = (item.note + "；" if item.note else "") + f"原文“{m.group('num')}万”"
            src = doc.source(a, m.end())
            if not label:
                continue
            if "分别" in raw_label:
                f.miss(f"“{label}”", "一个数字对应多个渠道（“分别”），无法逐一对应", src)
                continue
            if _AUDIENCE_WORDS.search(label) or m.group("unit") in _AUDIENCE_UNITS:
                out.audience.append(item)
                f.sources[("audience", len(out.audience))] = src
                continue
            if m.group("unit") not in ITEM_UNITS:
                f.miss(f"“{label}”", f"单位“{m.group('unit')}”不是信息条数", src)
                continue
            classes = _channel_classes(label)
            if len(classes) > 1:
                f.miss(f"“{label}”", "一个数字对应多个渠道，无法拆分", src)
                continue
            if classes:
                if _VERB_INSIDE.search(label) and classify_category(_VERB_INSIDE.split(label)[-1]):
                    # the channel is certain; what it carried is named too: kept as a channel, as written
                    item.note = (item.note + "；" if item.note else "") + "原文同时写明了内容栏目"
                channel = classes.pop()
                host, account = _host_account(label, channel, agency_name, is_gov)
                out.channels.append((item, channel, host, account))
                stated.add((item.label, item.value))
                f.sources[("channel", len(out.channels))] = src
                continue
            category = classify_category(label)
            if category:
                out.categories.append((item, category))
                f.sources[("category", len(out.categories))] = src
                continue
            if (not explicit_only and len(label) <= 12 and not _VERB_INSIDE.search(label)
                    and not _NOT_CONTENT.search(label) and item.unit == out.unit):
                # an item of the 其中 list right after the total, under a heading the taxonomy lacks: a content
                # category as written (工作规则, 民生信息 …)
                item.note = (item.note + "；" if item.note else "") + "栏目不在分类表中，按原文名称记录"
                out.categories.append((item, "other"))
                f.sources[("category", len(out.categories))] = src
                continue
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
        where += "一二三四五六七八九十"[part.number - 1] if part.number <= 10 else str(part.number)
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
