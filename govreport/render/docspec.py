"""One document spec for the print renderers: the publication copy as a flat list of typed blocks.

:func:`build` walks a :class:`~govreport.render.document.ReportDocument` in the order its notebook shows it
(front matter, the parts, the channel chart and table after part 二, the year-over-year table) and returns
a :class:`DocSpec`: title, paragraphs (narrative Markdown parsed into runs), headings by level (一、 parts,
（一） sub-headings of a narrative), official tables as :class:`~govreport.render.tables.TableLayout`
(the same layouts the HTML prints: merged header cells, row groups), the channel chart as its
:class:`~govreport.render.charts.ChartSpec` with the caption, and the contact block.

Renderers (:mod:`govreport.render.docx` for Word, :mod:`govreport.render.official_pdf` for the
GB/T 9704-2012 PDF) only decide how each block looks; the text, figures and labels come from here, that is
from the document model, so report.html, report.docx and the official PDF say the same thing. Nothing of
the reviewer's copy (finding markers, the appendix) is in the spec.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from govreport.render import tables as T

if TYPE_CHECKING:  # pragma: no cover
    from govreport.render.charts import ChartSpec
    from govreport.render.document import ReportDocument


@dataclass(frozen=True, slots=True)
class Run:
    text: str
    bold: bool = False


@dataclass(frozen=True, slots=True)
class Paragraph:
    runs: tuple[Run, ...]
    kind: str = "body"  # body | contact | note

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True, slots=True)
class Heading:
    level: int  # 1: a part (一、 黑体); 2: a narrative sub-heading (（一） 楷体); 3: deeper (仿宋 bold)
    text: str


@dataclass(frozen=True, slots=True)
class Table:
    table_id: str  # t2, t3, t4, fee, channels, yoy
    layout: T.TableLayout


@dataclass(frozen=True, slots=True)
class Figure:
    chart: ChartSpec
    caption: str

    def png(self) -> bytes:
        """The chart at 300 dpi, drawn once per process for both print renderers."""
        return chart_png(self.chart)


CHART_DPI = 300


@lru_cache(maxsize=4)
def chart_png(chart: ChartSpec) -> bytes:
    from govreport.render.charts import render_png

    return render_png(chart, dpi=CHART_DPI)


Block = Paragraph | Heading | Table | Figure


@dataclass(frozen=True, slots=True)
class DocSpec:
    title: str
    blocks: tuple[Block, ...]
    author: str  # the agency
    year: int
    keywords: str = ""  # the provenance line (version, data hash, parameters)
    title_lines: tuple[str, ...] = ()  # the title broken where its words allow (empty: one line)

    def text(self) -> str:
        """Every text of the document (title, paragraphs, headings, table cells, captions) in order."""
        out = [self.title]
        for b in self.blocks:
            if isinstance(b, Paragraph | Heading):
                out.append(b.text)
            elif isinstance(b, Figure):
                out.append(b.caption)
            else:
                lay = b.layout
                out += [lay.caption] if lay.caption else []
                out += [c.text for row in lay.head + lay.body for c in row]
                out += list(lay.notes)
        return "\n".join(out)


# ----------------------------------------------------------------------------------- markdown


def markdown_blocks(text: str, *, heading_base: int = 0) -> list[Block]:
    """Narrative Markdown as paragraphs and headings (``##`` → level 1, ``###`` → 2, deeper → 3, each
    shifted by ``heading_base``). Same parser and rules as the HTML (no links, no raw HTML)."""
    from govreport.render.markup import _parser

    if not text.strip():
        return []
    tokens = _parser().parse(text)
    out: list[Block] = []
    lists: list[list[int]] = []  # stack of [ordered?, counter]
    pending_prefix = ""
    for i, tok in enumerate(tokens):
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            start = int(tok.attrs.get("start", 1) or 1) if tok.type == "ordered_list_open" else 0
            lists.append([1 if tok.type == "ordered_list_open" else 0, start])
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif tok.type == "list_item_open" and lists:
            ordered, n = lists[-1]
            pending_prefix = f"{n}." if ordered else "· "
            if ordered:
                lists[-1][1] += 1
        elif tok.type == "inline":
            prev = tokens[i - 1].type if i else ""
            runs = _runs(tok)
            if prev == "heading_open":
                level = int(tokens[i - 1].tag[1]) - 1 + heading_base
                out.append(Heading(max(1, min(level, 3)), "".join(r.text for r in runs)))
            else:
                if pending_prefix:
                    runs = (Run(pending_prefix), *runs)
                    pending_prefix = ""
                out.append(Paragraph(tuple(runs)))
        elif tok.type in ("fence", "code_block"):
            out += [Paragraph((Run(line),)) for line in tok.content.splitlines() if line.strip()]
    return out


def _runs(tok: Any) -> tuple[Run, ...]:
    runs: list[Run] = []
    bold = 0
    for child in tok.children or ():
        if child.type == "strong_open":
            bold += 1
        elif child.type == "strong_close":
            bold -= 1
        elif child.type in ("text", "code_inline"):
            runs.append(Run(child.content, bold=bold > 0))
        elif child.type == "hardbreak":
            runs.append(Run("\n", bold=bold > 0))
        # softbreak: a line wrap inside a Chinese paragraph joins without a space
    merged: list[Run] = []
    for r in runs:
        if merged and merged[-1].bold == r.bold:
            merged[-1] = Run(merged[-1].text + r.text, r.bold)
        else:
            merged.append(r)
    return tuple(merged)


# ---------------------------------------------------------------------------------------- build


def build(doc: ReportDocument) -> DocSpec:
    """The publication copy of ``doc`` as blocks, in the order of report.html."""
    from govreport.render.document import TOPIC_HEADINGS, contact_rows, default_opening

    r = doc.report
    blocks: list[Block] = []
    if doc.opening_text.strip():
        blocks += markdown_blocks(doc.opening_text)
    else:
        blocks.append(Paragraph((Run(default_opening(r, doc.part_names())),)))
    blocks += [Paragraph((Run(f"{k}：{v}"),), kind="contact") for k, v in contact_rows(r)]

    def part(topic: str) -> None:
        sections = doc.sections_by_topic[topic]
        if not doc.formatted and not sections:
            return
        first = sections[0] if sections else None
        blocks.append(Heading(1, TOPIC_HEADINGS[topic] if doc.formatted else (first.heading if first else "")))
        if first is not None:
            blocks.extend(markdown_blocks(first.body))
        if doc.formatted:
            blocks.extend(Table(tid, layout) for tid, layout, _present in doc.topic_layouts(topic))
        for s in sections[1:]:
            blocks.append(Heading(1, s.heading))
            blocks.extend(markdown_blocks(s.body))

    part("overview")
    part("proactive")
    figure = doc.channel_figure()
    if figure is not None:
        blocks.append(Figure(*figure))
    channels = doc.channel_layout()
    if channels is not None:
        blocks.append(Table("channels", channels))
    yoy = doc.year_over_year_layout()
    if yoy is not None:
        blocks.append(Table("yoy", yoy))
    for topic in ("applications", "review", "problems", "other"):
        part(topic)
    keywords = doc.provenance.keywords(layout="official") if doc.provenance is not None else ""
    return DocSpec(title=r.title, blocks=tuple(blocks), author=r.agency.name, year=r.year, keywords=keywords,
                   title_lines=title_lines(r.title))


#: The fixed end of every report title; a title too long for one line breaks in front of it.
TITLE_TAIL = "政府信息公开工作年度报告"
TITLE_LINE_CHARS = 20  # 2号 characters on the 156 mm line


def title_lines(title: str) -> tuple[str, ...]:
    """GB/T 9704 wants a title of several lines broken between words and balanced: ``五原县民政局2020年`` /
    ``政府信息公开工作年度报告`` rather than a break inside 年度报告. () when it fits on one line or has
    no such place."""
    if len(title) <= TITLE_LINE_CHARS or not title.endswith(TITLE_TAIL):
        return ()
    head = title[: -len(TITLE_TAIL)]
    if not head or len(head) > TITLE_LINE_CHARS:
        return ()
    return (head, TITLE_TAIL)
