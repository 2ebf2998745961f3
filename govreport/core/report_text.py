"""The report's text as data: the official skeleton, the standard sentences, the figures the text states.

Pure functions over :class:`~govreport.core.model.Report` objects (the files are read and written by
:mod:`govreport.store.narrative` and the commands):

* :func:`assign_topics` gives each of a report's own sections one of the six official parts
  (:data:`govreport.core.formats.SECTION_SPECS`), in the report's order (a section never moves before an
  earlier one); the renderer and the checks share it.
* :func:`standard_sentences` writes, from the figures, the sentences parts 二、三、四、六 usually open with
  (主动公开 total and channels, applications received and handled, reviews and suits, 信息处理费). They are
  worded so that the prose reader (:mod:`govreport.readers`) reads back exactly the figures they were
  made from: text and tables agree from the start.
* :func:`skeleton` is the text of a new agency-year: the official headings of the year's format, the
  standard sentences, and last year's text of the other parts as a draft marked :data:`DRAFT_MARK`
  (rule N3 holds a report back while the mark is left in).
* :func:`govreport.readers.stated.stated_figures` (a layer up) reads the figures a text states, through the
  prose reader's public entry point (rule N2 compares them with the tables).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from govreport.core.formats import SECTION_SPECS, format_for_year, section_topic
from govreport.core.model import Report, Section
from govreport.core.values import Figure, format_value

#: Put in front of text carried over from last year's report; rule N3 finds it until it is removed.
DRAFT_MARK = "【草稿：沿用上年文字，请修改】"

TOPICS: tuple[str, ...] = tuple(s.topic for s in SECTION_SPECS)


#: A level-2 Markdown heading (``## 一、总体情况``): where a part of the stored text starts.
_H2 = re.compile(r"^##(?!#)\s*(.*?)\s*#*\s*$")


def split_sections(text: str) -> list[tuple[str, str, int]]:
    """Split Markdown into ``(heading, body, line)``; the opening part has heading ''.

    ``line`` is the 1-based line where the section's heading (or the file) starts.
    """
    sections: list[tuple[str, list[str], int]] = [("", [], 1)]
    in_fence = False
    for n, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        m = None if in_fence else _H2.match(line)
        if m:
            sections.append((m.group(1), [], n))
        else:
            sections[-1][1].append(line)
    out = [(h, "\n".join(body).strip("\n"), ln) for h, body, ln in sections]
    if out and out[0][0] == "" and not out[0][1].strip():
        out = out[1:]
    return out


def join_sections(sections: list[Section] | tuple[Section, ...]) -> str:
    """The Markdown of ``sections``: the opening first (no heading), then ``## heading`` and body per section."""
    parts: list[str] = []
    for s in sections:
        if s.heading:
            parts.append(f"## {s.heading}\n\n{s.body.strip()}\n" if s.body.strip() else f"## {s.heading}\n")
        else:
            parts.append(s.body.strip() + "\n")
    return "\n".join(parts)



def official_headings(year: int) -> tuple[str, ...]:
    """The part headings of the format in force for a report year (the current format before 2019)."""
    fmt = format_for_year(year) or format_for_year(2021)
    assert fmt is not None
    return fmt.headings


def assign_topics(headings: Sequence[str]) -> list[str | None]:
    """The official part of each section (None for the opening, whose heading is empty).

    A heading naming a part moves the report on to that part; one naming none (or an earlier part)
    stays in the current part, so that the report's order is never changed.
    """
    current = 0
    out: list[str | None] = []
    for h in headings:
        if not h:
            out.append(None)
            continue
        t = section_topic(h)
        if t is not None and TOPICS.index(t) >= current:
            current = TOPICS.index(t)
        out.append(TOPICS[current])
    return out


# ---------------------------------------------------------------------------------------- sentences


def _n(fig: Figure) -> str:
    return format_value(fig.value, fig.mark)


def _proactive_sentence(report: Report) -> str:
    p = report.proactive
    if not p.total.is_value:
        return ""
    q = p.total_qualifier if p.total_qualifier in ("余", "多", "以上") else ""
    approx = {"约": "约", "近": "近"}.get(p.total_qualifier, "")
    text = f"{report.year}年，本机关主动公开政府信息{approx}{_n(p.total)}{q}{p.unit or '条'}。"
    parts = [f"通过{c.label}发布{c.qualifier if c.qualifier in ('约', '近') else ''}{_n(c.figure)}"
             f"{c.qualifier if c.qualifier in ('余', '多', '以上') else ''}{c.unit or '条'}"
             for c in p.channels if c.figure.is_value and c.label]
    if parts:
        text += "其中，" + "，".join(parts) + "。"
    return text


def _applications_sentence(report: Report) -> str:
    t3 = report.table("t3")

    def v(row: str) -> Figure:
        return t3.get(row, "total")

    new, carried, done, cf = v("new_received"), v("carried_over"), v("results_total"), v("carried_forward")
    granted, partial = v("granted"), v("partial")
    def none(f: Figure) -> bool:
        return not f.is_value or f.value == 0

    if new.is_value and new.value == 0 and none(carried) and none(done) and none(cf):
        no_carry = "，无上年结转申请" if carried.is_value else ""
        return f"{report.year}年，本机关未收到政府信息公开申请{no_carry}。"
    clauses: list[str] = []
    if new.is_value:
        clauses.append(f"本机关新收到政府信息公开申请{_n(new)}件")
    if carried.is_value:
        clauses.append(f"上年结转申请{_n(carried)}件")
    done_parts: list[str] = []
    if done.is_value:
        done_parts.append(f"办结申请{_n(done)}件")
    if granted.is_value:
        done_parts.append(f"予以公开{_n(granted)}件")
    if partial.is_value:
        done_parts.append(f"部分公开{_n(partial)}件")
    if cf.is_value:
        done_parts.append(f"结转下年度继续办理{_n(cf)}件")
    if not clauses and not done_parts:
        return ""
    text = f"{report.year}年，" + "，".join(clauses) + ("。" if clauses else "")
    if done_parts:
        text += "本年度" + "，".join(done_parts) + "。"
    return text


def _review_sentence(report: Report) -> str:
    t4 = report.table("t4")
    review, direct, after = (t4.get("value", c) for c in ("review_total", "direct_total", "after_review_total"))
    if not (review.is_value and direct.is_value and after.is_value):
        return ""
    if review.value == direct.value == after.value == 0:
        return f"{report.year}年，本机关未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。"
    return (f"{report.year}年，本机关因政府信息公开工作被申请行政复议{_n(review)}件，"
            f"未经复议直接提起行政诉讼{_n(direct)}件，复议后提起行政诉讼{_n(after)}件。")


def _fee_sentence(report: Report) -> str:
    fee = report.table("fee")
    notices, billed, collected = (fee.get("processing_fee", c) for c in ("notices", "billed", "collected"))
    if not notices.is_value:
        return ""
    if notices.value == 0 and (not collected.is_value or collected.value == 0):
        return f"{report.year}年，本机关未收取政府信息公开信息处理费。"
    text = f"{report.year}年，本机关发出收费通知书{_n(notices)}件"
    if billed.is_value:
        text += f"，应收金额{_n(billed)}元"
    if collected.is_value:
        text += f"，实收金额{_n(collected)}元"
    return text + "。"


def standard_sentences(report: Report) -> dict[str, str]:
    """The standard opening sentence of each part the figures allow (topic → text; parts without one
    are left out)."""
    out = {
        "proactive": _proactive_sentence(report),
        "applications": _applications_sentence(report),
        "review": _review_sentence(report),
        "other": _fee_sentence(report),
    }
    return {k: v for k, v in out.items() if v}


def skeleton(report: Report, previous: Report | None = None) -> tuple[Section, ...]:
    """The text of a new agency-year: official headings, standard sentences, last year's text as a draft.

    A part with a standard sentence gets it; a part without one gets the body of the same part of
    ``previous`` (last year's report), marked :data:`DRAFT_MARK`; otherwise it is left empty for the office
    to write (rule N1 reports it until it is written).
    """
    sentences = standard_sentences(report)
    before: dict[str, list[str]] = {}
    if previous is not None and previous.sections:
        topics = assign_topics([s.heading for s in previous.sections])
        for s, t in zip(previous.sections, topics, strict=True):
            if t is not None and s.body.strip() and DRAFT_MARK not in s.body:
                before.setdefault(t, []).append(s.body.strip())
    out: list[Section] = []
    for spec, heading in zip(SECTION_SPECS, official_headings(report.year), strict=True):
        body = sentences.get(spec.topic, "")
        if not body and before.get(spec.topic):
            body = DRAFT_MARK + "\n\n" + "\n\n".join(before[spec.topic])
        out.append(Section(heading, body))
    return tuple(out)


def text_rows(sections: Sequence[Section], year: int) -> tuple[str, tuple[str, ...]]:
    """The opening and one text per official part (the rows of the template's text sheet).

    A part's text is the body of its first section; further sections of the same part follow as
    ``## heading`` blocks, and a report's own heading that differs from the official one is kept as the
    first line (``## own heading``), so that :func:`sections_from_rows` gives the same sections back.
    """
    heads = official_headings(year)
    opening = "\n\n".join(s.body.strip() for s in sections if not s.heading and s.body.strip())
    parts: dict[str, list[str]] = {t: [] for t in TOPICS}
    for s, t in zip(sections, assign_topics([s.heading for s in sections]), strict=True):
        if t is None:
            continue
        own = parts[t]
        official = heads[TOPICS.index(t)]
        if own or s.heading != official:
            own.append(f"## {s.heading}\n\n{s.body.strip()}".rstrip())
        else:
            own.append(s.body.strip())
    return opening, tuple("\n\n".join(parts[t]).strip() for t in TOPICS)


def sections_from_rows(year: int, opening: str, bodies: Sequence[str]) -> tuple[Section, ...]:
    """Sections from the opening and one text per official part (see :func:`text_rows`); an empty part
    gives no section (rule N1 reports a missing part)."""
    heads = official_headings(year)
    if len(bodies) != len(heads):
        raise ValueError(f"{len(bodies)} texts for {len(heads)} parts")
    out = [Section("", opening.strip())] if opening.strip() else []
    for heading, text in zip(heads, bodies, strict=True):
        if not text.strip():
            continue
        chunks = split_sections(text.strip())
        if not chunks or chunks[0][0]:
            chunks = [("", "", 1), *chunks]
        first_body = chunks[0][1]
        if not first_body.strip() and len(chunks) > 1:  # the part starts with the report's own heading
            out += [Section(h, b.strip()) for h, b, _ in chunks[1:]]
            continue
        out.append(Section(heading, first_body.strip()))
        out += [Section(h, b.strip()) for h, b, _ in chunks[1:]]
    return tuple(out)


def same_text(a: Sequence[Section], b: Sequence[Section]) -> bool:
    """The same headings and texts, whitespace at the ends aside."""
    def key(ss: Sequence[Section]) -> list[tuple[str, str]]:
        return [(s.heading.strip(), s.body.strip()) for s in ss if s.heading.strip() or s.body.strip()]

    return key(a) == key(b)


__all__ = [
    "DRAFT_MARK",
    "assign_topics",
    "join_sections",
    "official_headings",
    "same_text",
    "sections_from_rows",
    "skeleton",
    "split_sections",
    "standard_sentences",
    "text_rows",
]
