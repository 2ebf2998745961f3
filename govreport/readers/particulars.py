"""Reading a report's particulars from its prose: agency, year, sign-off, contact and statistical period.

The agency and the year come from the title (also over two lines, run into the text, 关于…的报告, year in
brackets), else the page's metadata block, the opening (现公布X2019年…, 由X办公室编制), the sign-off, the
contact line; a short form is resolved only with the text's own 「（以下简称…）」; the year else from the
statistical period (broken forms too), the opening 「2021年，我镇…」 or, as a flagged guess, the
publication date. Each item comes with its :class:`~govreport.readers.source.Source`.
"""


from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from govreport.readers.document import Document
from govreport.readers.normalize import CJK
from govreport.readers.source import Source
from govreport.readers.text import Findings

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
MD_DATE = r"\d{1,2}月\d{1,2}日"
_RANGE = re.compile(
    rf"(?:自|从|为|是|：)?\s*(?P<a>{_LOOSE_DATE})(?:起)?\s*(?:至|到|—|－|-|~|～)\s*"
    rf"(?P<b>{_LOOSE_DATE}|{MD_DATE})(?:止)?"
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
