"""Splitting a normalised report into its title, opening paragraphs and numbered sections.

A section starts at a line ``一、…`` … ``十、…`` that is short (a heading, not a sentence) and carries
the next number in sequence, so a list ``一、…二、…`` inside a section body does not split it. Lines
``（一）…`` that are short become level-3 headings inside the body. Contact lines (地址/邮编/电话/传真/
邮箱) are read into the agency record and left out of the narrative, and so is the title line. Each
section gets a *topic* so that figures are looked for in the right place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from govreport.core.model import Section
from govreport.core.numerals import parse_chinese
from govreport.readers.document import Document

_TOP = re.compile(r"^(十[一二三四五六七八九]?|[一二三四五六七八九十])、\s*(\S.{0,39})$")
_SUB = re.compile(r"^[（(](十[一二三四五六七八九]?|[一二三四五六七八九十])[)）]\s*(\S.{0,44})$")
_CONTACT = re.compile(
    r"^(?:联系|通讯|通信)?(?:地址|邮编|邮政编码|电话|传真|电子邮箱|电子信箱|邮箱|E-?mail|网址)"
    r"(?:[/、](?:传真|电话))?[：:]",
    re.IGNORECASE,
)
_TITLE = re.compile(
    r"(?:政府信息公开|政务公开|信息公开)(?:工作)?(?:情况)?(?:的)?(?:年度)?(?:报告|年报)(?:[（(]\d{4}年?度?[)）])?"
)
_TITLE_PREFIX = re.compile(r"^(?:标题|题名|名称|文件名称)[：:]|^[|｜\s]+|[|｜\s]+$")
#: a page's metadata field whose value merely names the report's kind (信息分类：信息公开年度报告,
#: 组配分类 政府信息公开年报): never the title
_META_FIELD = re.compile(
    r"^(?:(?:信息|主题|组配|体裁|公开|所属)分类|所属栏目|公开方式|公开范围|公开类别|(?:分类|类别|栏目)\s*[：:|｜\s])"
)
_AGENCY_LINE = re.compile(
    r"^[\u4e00-\u9fff（）]{2,40}(?:人民政府办公室|人民政府|办事处|街道|委员会|管委会|办公室|局|厅|委|办|署|中心|院|镇|乡|馆|所|站)$"
)
#: a title run into the first paragraph: the title ends where a sentence of the body starts
_RUN_IN = re.compile(
    r"^(?P<title>.{4,60}?" + _TITLE.pattern + r")(?=根据|按照|依据|为|本报告|现将|[一二三四五六七八九十]、|20\d\d年)"
)


@dataclass(frozen=True, slots=True)
class Part:
    """A span of the normalised text: the opening (heading ''), a section, or a sub-section."""

    heading: str
    level: int  # 2: section, 3: sub-section
    topic: str  # overview proactive applications reviews problems other opening ''
    start: int  # normalised offsets of the body
    end: int
    number: int = 0  # 一 = 1 …


def topic_of(heading: str) -> str:
    h = heading
    if "主动公开" in h:
        return "proactive"
    if "复议" in h or "诉讼" in h:
        return "reviews"
    if "申请" in h:
        return "applications"
    if "问题" in h or "改进" in h:
        return "problems"
    if "其他" in h or "其它" in h:
        return "other"
    if any(k in h for k in ("总体", "概述", "概况", "基本情况", "总述")):
        return "overview"
    return ""


def _is_heading_text(rest: str) -> bool:
    body = rest.rstrip("。.：:")
    return "。" not in body and "；" not in body and len(body) <= 40


@dataclass(slots=True)
class Outline:
    title: str
    title_line: int | None
    parts: list[Part]  # sections (level 2) then sub-sections (level 3), each in document order
    sections: list[Section]
    contact_lines: list[int]
    title_span: tuple[int, int] | None = None  # normalised span of a title over two lines or run in

    def scopes(self, topic: str) -> list[tuple[int, int]]:
        """Spans whose figures belong to ``topic``: the section(s) and any sub-section with that topic."""
        return [(p.start, p.end) for p in self.parts if p.topic == topic]

    def section_of(self, offset: int) -> Part | None:
        best = None
        for p in self.parts:
            if p.level == 2 and p.start <= offset <= p.end:
                best = p
        return best


def outline(doc: Document, title_hints: tuple[str, ...] = ()) -> Outline:
    lines = doc.lines
    starts = doc.starts
    n = len(lines)
    title = ""
    title_line: int | None = None
    title_span: tuple[int, int] | None = None
    for i in range(min(n, 6)):
        if _META_FIELD.match(lines[i]):
            continue
        s = _TITLE_PREFIX.sub("", lines[i])
        tm = _TITLE.search(s)
        if s and "。" not in s and len(s) <= 60 and tm and not s[tm.end():].strip("》 |｜　"):
            title, title_line = s, i
            # the agency on the line above, the rest of the title on this one
            prev = re.sub(r"\d{4}年度?$", "", lines[i - 1]) if i > 0 else ""
            if prev and _AGENCY_LINE.match(prev) \
                    and re.match(r"^(?:关于)?(?:\d{4}年|政府信息公开|政务公开|信息公开)", s):
                title = lines[i - 1] + s
                title_span = (starts[i - 1], starts[i] + len(lines[i]))
            break
        m = _RUN_IN.match(s)
        if m and s == lines[i]:
            title, title_line = m.group("title"), None
            title_span = (starts[i], starts[i] + m.end("title"))
            break
    if not title:
        for hint in title_hints:
            if _TITLE.search(hint):
                title = hint
                break
    # numbered sections
    heads: list[tuple[int, int, str, int]] = []  # (line, level, heading, number)
    expect = sub_expect = 1
    for i, s in enumerate(lines):
        if i == title_line:
            continue
        m = _TOP.match(s)
        if m and _is_heading_text(m.group(2)) and parse_chinese(m.group(1)) == expect:
            heads.append((i, 2, s.rstrip("。"), expect))
            expect += 1
            sub_expect = 1
            continue
        m = _SUB.match(s)
        if m and heads and _is_heading_text(m.group(2)) and parse_chinese(m.group(1)) == sub_expect:
            heads.append((i, 3, s, sub_expect))
            sub_expect += 1
    contact = [i for i, s in enumerate(lines) if _CONTACT.match(s)]
    text_len = len(doc.text)

    def line_end(i: int) -> int:
        return starts[i] + len(lines[i]) if i < n else text_len

    parts: list[Part] = []
    top = [h for h in heads if h[1] == 2]
    first_top = top[0][0] if top else n
    body_start = title_line + 1 if title_line is not None else 0
    if body_start < n:
        parts.append(Part("", 2, "opening", starts[min(body_start, n - 1)], line_end(first_top - 1)
                          if first_top > 0 else 0))
    for k, (i, _lvl, heading, num) in enumerate(top):
        nxt = top[k + 1][0] if k + 1 < len(top) else n
        parts.append(Part(heading, 2, topic_of(heading), line_end(i) + 1 if i + 1 < n else text_len,
                          line_end(nxt - 1), num))
    subs = [h for h in heads if h[1] == 3]
    for i, _lvl, heading, num in subs:
        # a sub-section runs to the next heading of any level
        later = [h[0] for h in heads if h[0] > i]
        nxt = later[0] if later else n
        parts.append(Part(heading, 3, topic_of(heading), line_end(i) + 1 if i + 1 < n else text_len,
                          line_end(nxt - 1), num))
    sections = _markdown_sections(lines, heads, title_line, set(contact))
    return Outline(title, title_line, parts, sections, contact, title_span)


def _markdown_sections(lines: list[str], heads: list[tuple[int, int, str, int]], title_line: int | None,
                       skip: set[int]) -> list[Section]:
    """The narrative as :class:`~govreport.core.model.Section` objects with Markdown bodies."""
    level_of = {i: (lvl, h) for i, lvl, h, _ in heads}
    out: list[Section] = []
    heading = ""
    paras: list[str] = []
    started = False

    def flush() -> None:
        body = "\n\n".join(paras).strip()
        if heading or body:
            out.append(Section(heading, body))

    for i, s in enumerate(lines):
        if i == title_line or i in skip or not s:
            continue
        if i in level_of:
            lvl, h = level_of[i]
            if lvl == 2:
                if started or paras:
                    flush()
                heading, paras, started = h, [], True
                continue
            paras.append(f"### {h}")
            continue
        paras.append(s)
    flush()
    return out
