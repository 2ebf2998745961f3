"""The pieces of an annual report, as displayable objects for the notebook.

:class:`ReportDocument` holds one agency-year's report, statistics and check findings and hands out the
document in order: :meth:`~ReportDocument.front_matter` (title, opening paragraph with the legal basis,
the parts, the statistical period, and the contact block), :meth:`~ReportDocument.part` for each part,
the channel chart, the channel table, the year-over-year comparison, and the reviewer's appendix.

Part order
    Reports in the 2019 or 2021 format get the six national parts in the national wording, with 表二 under
    二, 表三 under 三, 表四 under 四 and the 信息处理费 under 六. A narrative-only report (the seed) keeps its
    own parts and headings. Narrative sections are matched to the six topics by their headings and
    assigned in the report's own order (a section never moves before an earlier one).

Two renditions
    Each piece is a :class:`Fragment` whose MIME bundle carries ``text/html`` (the publication copy) and,
    when it differs, :data:`REVIEW_MIME` (the reviewer's copy: finding markers in table cells, notes under
    the channel table and the opening, the recorded figures of a narrative-only report). The reviewer's
    exporter prefers :data:`REVIEW_MIME`; JupyterLab shows ``text/html``. The appendix cell is tagged
    ``review-only`` and dropped from the publication copy.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING, Any

from govreport.checks.rules import SEVERITY_LABELS
from govreport.core.formats import FORMATS, SECTION_SPECS, SECTIONS, TableSpec, section_topic
from govreport.core.model import Report, ReportFormat, Section, TableData
from govreport.core.schema import dataset_name
from govreport.core.values import Mark, format_value
from govreport.render import tables as T
from govreport.render.charts import figure_with_qualifier, format_share
from govreport.render.markup import markdown_html

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from govreport.store.dataset import Dataset

REVIEW_MIME = "application/vnd.govreport.review+html"
REVIEW_ONLY_TAG = "review-only"

TOPICS: tuple[str, ...] = tuple(s.topic for s in SECTION_SPECS)
TOPIC_HEADINGS: dict[str, str] = {s.topic: s.heading for s in SECTION_SPECS}
_TOPIC_TABLES: dict[str, tuple[str, ...]] = {s.topic: s.tables for s in SECTION_SPECS if s.tables}


# ------------------------------------------------------------------------------------ fragments


@dataclass(frozen=True, slots=True)
class Fragment:
    """One displayable piece of the report: publication HTML, reviewer HTML (None: the same), plain text."""

    html: str
    review: str | None = None
    text: str = ""

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        data = {"text/plain": self.text, "text/html": self.html}
        if self.review is not None and self.review != self.html:
            data[REVIEW_MIME] = self.review
        return data

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text or "<Fragment>"


def join(fragments: Iterable[Fragment | None]) -> Fragment:
    parts = [f for f in fragments if f is not None]
    return Fragment(
        html="".join(f.html for f in parts),
        review="".join(f.review if f.review is not None else f.html for f in parts),
        text="\n".join(f.text for f in parts if f.text),
    )


# ---------------------------------------------------------------------------------- findings


@dataclass(frozen=True, slots=True)
class Routed:
    """Findings of one agency-year, sorted to the place where the reviewer's copy shows them."""

    front: tuple[T.Note, ...] = ()
    channels: tuple[T.Note, ...] = ()
    tables: dict[str, tuple[T.Note, ...]] = field(default_factory=dict)  # "t3", "t4", "t2", "fee"

    def table(self, table_id: str) -> tuple[T.Note, ...]:
        return self.tables.get(table_id, ())


def _s(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    try:
        import pandas as pd

        if v is pd.NA:
            return ""
    except ImportError:  # pragma: no cover
        pass
    return str(v)


def route_findings(findings: pd.DataFrame | None) -> Routed:
    """Pure: table findings to their table (cell, row, column or whole table), channel findings to the
    channel table (by ``channel_seq`` when given), everything else to the front matter."""
    if findings is None or len(findings) == 0:
        return Routed()
    front: list[T.Note] = []
    channels: list[T.Note] = []
    by_table: dict[str, list[T.Note]] = {}
    for rec in findings.to_dict("records"):
        sev = _s(rec.get("severity")) or "info"
        rule = _s(rec.get("rule"))
        place = _s(rec.get("place"))
        message = f"{rule} {place}：{_s(rec.get('message'))}" if place else f"{rule} {_s(rec.get('message'))}"
        if _s(rec.get("source")) and _s(rec.get("source")) not in message:
            message += f"（录入位置：{_s(rec.get('source'))}）"
        table = _s(rec.get("table"))
        seq = rec.get("channel_seq")
        seq_s = "" if seq is None or _s(seq) == "" else str(int(float(seq)))
        if table:
            key = "t2" if table.startswith("t2") else table
            by_table.setdefault(key, []).append(T.Note(
                sev, message, row=_s(rec.get("row")) or None, column=_s(rec.get("column")) or None,
                table=table if key == "t2" else None,
            ))
        elif seq_s or rule.startswith("C"):
            channels.append(T.Note(sev, message, row=seq_s or None))
        else:
            front.append(T.Note(sev, message))
    return Routed(tuple(front), tuple(channels), {k: tuple(v) for k, v in by_table.items()})


# -------------------------------------------------------------------------------------- plan


def topic_of(heading: str) -> str | None:
    return section_topic(heading)


def plan_sections(sections: Sequence[Section]) -> tuple[str, dict[str, tuple[Section, ...]]]:
    """The opening text and the narrative sections per topic, never reordering the report's sections."""
    from govreport.core.report_text import assign_topics

    opening = "\n\n".join(s.body for s in sections if not s.heading and s.body.strip())
    out: dict[str, list[Section]] = {t: [] for t in TOPICS}
    for s, t in zip(sections, assign_topics([s.heading for s in sections]), strict=True):
        if t is not None:
            out[t].append(s)
    return opening, {t: tuple(v) for t, v in out.items()}


def is_formatted(report: Report) -> bool:
    return report.format in (ReportFormat.F2019, ReportFormat.F2021, ReportFormat.HYBRID)


def format_version(report: Report) -> str:
    if report.format in (ReportFormat.F2019, ReportFormat.F2021):
        return report.format.value
    return "2019" if report.year <= 2020 else "2021"


# ------------------------------------------------------------------------------------- texts


def default_opening(report: Report, part_names: Sequence[str]) -> str:
    """The opening paragraph a report without its own: legal basis, parts, statistical period, contact."""
    fmt = FORMATS[format_version(report)] if is_formatted(report) else None
    basis = "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）第四十九条、第五十条"
    if fmt is not None:
        basis += f"和《{fmt.title}》（{fmt.doc_no}）的要求"
    else:
        basis += "的规定"
    parts = "、".join(part_names)
    count = "一二三四五六七八九十"[len(part_names) - 1] if 0 < len(part_names) <= 10 else str(len(part_names))
    office = report.agency.office or report.agency.name
    # a report without any part (no text, no tables) does not claim to consist of "0 parts" (rule N1 says so)
    composed = f"本报告由{parts}{count}部分组成。" if part_names else ""
    text = (f"{basis}，{report.agency.name}编制本报告。{composed}"
            f"本报告所列数据的统计期限为{report.period.text()}。"
            f"如对本报告有任何疑问，请与{office}联系。")
    return text


def _part_name(heading: str) -> str:
    """'二、主动公开政府信息情况' → '主动公开政府信息情况'."""
    for sep in ("、", "．", ".", " "):
        if sep in heading[:4]:
            return heading.split(sep, 1)[1].strip()
    return heading.strip()


def contact_rows(report: Report) -> list[tuple[str, str]]:
    a = report.agency
    rows = [("联系单位", a.office or a.name), ("地址", a.address), ("邮政编码", a.postcode), ("联系电话", a.phone),
            ("传真", a.fax), ("电子邮箱", a.email)]
    return [(k, v) for k, v in rows if v]


def _num(value: float | None, *, rate: bool = False, signed: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if rate:
        return f"{value:+.2f}%" if signed else f"{value:.2f}%"
    text = format_value(float(value), Mark.VALUE)
    if signed and value > 0:
        return "+" + text
    return text


# ---------------------------------------------------------------------------------- document


class ReportDocument:
    """One agency-year's report, ready to display piece by piece (see the module docstring)."""

    def __init__(
        self,
        report: Report,
        *,
        distribution: pd.DataFrame | None = None,
        year_over_year: pd.DataFrame | None = None,
        findings: pd.DataFrame | None = None,
        check_summary: str = "",
        provenance: Any = None,
        data_root: str | None = None,
    ) -> None:
        self.report = report
        self.distribution = distribution
        self.yoy = year_over_year
        self.findings = findings
        self.check_summary = check_summary
        self.provenance = provenance
        self.data_root = data_root
        self.routed = route_findings(findings)
        self.opening_text, self.sections_by_topic = plan_sections(report.sections)

    # ------------------------------------------------------------------------ construction

    @classmethod
    def prepare(cls, ds: Dataset | str | os.PathLike[str], agency: str, year: int, *,
                parameters: dict[str, Any] | None = None) -> ReportDocument:
        """Load (if given a path), then compute the statistics and run the checks of one agency-year."""
        from govreport.analysis import stats
        from govreport.checks import run as run_checks
        from govreport.store import provenance as prov
        from govreport.store.dataset import Dataset, load_shared

        data_dir = None
        if not isinstance(ds, Dataset):
            data_dir = ds
            ds = load_shared(ds)
        agency_id = ds.agency_id(agency)
        report = ds.report(agency_id, int(year))
        result = run_checks(ds, agencies=[agency_id], years=[int(year)]).for_report(agency_id, int(year))
        params = parameters or prov.public_parameters(report.agency.name, int(year), data_dir or ds.root or "")
        return cls(
            report,
            distribution=stats.report_channels(ds, agency_id, int(year)),
            year_over_year=stats.year_over_year(ds, agency_id, int(year)),
            findings=result.findings,
            check_summary=result.summary_line(),
            provenance=prov.for_report(ds, agency_id, int(year), params),
            data_root=str(ds.root) if ds.root is not None else None,
        )

    # ------------------------------------------------------------------------ pieces

    @property
    def formatted(self) -> bool:
        return is_formatted(self.report)

    def part_topics(self) -> tuple[str, ...]:
        """The topics that produce a part, in order."""
        if self.formatted:
            return TOPICS
        return tuple(t for t in TOPICS if self.sections_by_topic[t])

    def part_names(self) -> list[str]:
        if self.formatted:
            return [_part_name(h) for h in SECTIONS]
        return [_part_name(s.heading) for t in self.part_topics() for s in self.sections_by_topic[t]]

    def front_matter(self) -> Fragment:
        r = self.report
        title = f'<h1 class="title">{escape(r.title)}</h1>'
        if self.opening_text.strip():
            opening = markdown_html(self.opening_text)
        else:
            opening = f"<p>{escape(default_opening(r, self.part_names()))}</p>"
        contact = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in contact_rows(r))
        contact_html = f'<dl class="contact">{contact}</dl>' if contact else ""
        html = f'<header class="front">{title}<div class="opening">{opening}</div>{contact_html}</header>'
        review = html
        if self.routed.front:
            notes = T.annotate(T.TableLayout(id="gr-front", head=(), body=()), self.routed.front).findings
            review = (f'<header class="front">{title}<div class="opening">{opening}</div>{contact_html}'
                      f'<aside class="review-note"><p class="review-label">核验提示</p>'
                      f"{T.findings_list(notes)}</aside></header>")
        return Fragment(html, review, text=r.title)

    def part(self, topic: str) -> Fragment | None:
        """One part of the report (``overview``, ``proactive``, ``applications``, ``review``, ``problems``,
        ``other``); None when the report has no such part."""
        if topic not in TOPICS:
            raise ValueError(f"unknown part {topic!r}; one of {', '.join(TOPICS)}")
        sections = self.sections_by_topic[topic]
        if not self.formatted and not sections:
            return None
        pub: list[str] = []
        rev: list[str] = []
        first = sections[0] if sections else None
        heading = TOPIC_HEADINGS[topic] if self.formatted else (first.heading if first else "")
        head = f"<h2>{escape(heading)}</h2>"
        body = markdown_html(first.body) if first is not None else ""
        pub += [head, body]
        rev += [head, body]
        if self.formatted and first is None:
            rev.append('<p class="review-note">数据中没有本部分的文字。</p>')
        tables_pub, tables_rev = self._topic_tables(topic)
        pub.append(tables_pub)
        rev.append(tables_rev)
        for s in sections[1:]:
            more = f"<h2>{escape(s.heading)}</h2>{markdown_html(s.body)}"
            pub.append(more)
            rev.append(more)
        sid = f"gr-part-{topic}"
        return Fragment(f'<section class="part" id="{sid}">{"".join(pub)}</section>',
                        f'<section class="part" id="{sid}">{"".join(rev)}</section>', text=heading)

    def _official(self, table_id: str) -> tuple[TableData, ...]:
        r = self.report
        if table_id == "t2":
            version = r.table_version("t2a")
            ids = [t.id for t in FORMATS[version].tables if t.id.startswith("t2")]
            return tuple(r.table(t, version) for t in ids)
        return (r.table(table_id),)

    def topic_layouts(self, topic: str) -> list[tuple[str, T.TableLayout, bool]]:
        """The official tables of a part as layouts: ``(table id, layout, has figures)`` in order (the
        信息处理费 only when it has figures). Every renderer (HTML, Word, the official PDF) starts here."""
        out: list[tuple[str, T.TableLayout, bool]] = []
        for tid in _TOPIC_TABLES.get(topic, ()):
            tables = self._official(tid)
            present = any(not t.is_empty for t in tables)
            if tid == "fee" and not present:
                continue
            layout = T.art20_table(tables) if tid == "t2" else T.official_table(tables[0], html_id=f"gr-{tid}")
            if tid == "fee":
                layout = _caption(layout, "政府信息公开信息处理费")
            out.append((tid, layout, present))
        return out

    def _topic_tables(self, topic: str) -> tuple[str, str]:
        pub: list[str] = []
        rev: list[str] = []
        for tid, layout, present in self.topic_layouts(topic):
            reviewed = T.render_table(T.annotate(layout, self.routed.table(tid)), review=True)
            if self.formatted:
                pub.append(T.render_table(layout))
                rev.append(reviewed)
            elif present or self.routed.table(tid):
                spec: TableSpec = self._official(tid)[0].spec
                label = "表二" if tid == "t2" else spec.ref
                note = f"核验用：原报告为纯文字报告，未列{label}；以下为据正文转写入数据集的数值（空白格为未填报）。"
                rev.append(f'<div class="review-note"><p class="review-label">{escape(note)}</p>{reviewed}</div>')
        return "".join(pub), "".join(rev)

    # ------------------------------------------------------------------------ channels

    def _channel_rows(self) -> list[Any]:
        d = self.distribution
        if d is None or len(d) == 0:
            return []
        return list(d.sort_values("seq", kind="stable").itertuples(index=False))

    def channel_figure(self) -> tuple[Any, str] | None:
        """The channel chart's :class:`~govreport.render.charts.ChartSpec` and its caption, or None when the
        report gives no channel figures (every renderer draws the chart from this)."""
        from govreport.render.charts import channel_chart_spec

        if self.distribution is None or len(self.distribution) == 0:
            return None
        spec = channel_chart_spec(self.distribution)
        if spec is None:
            return None
        p = self.report.proactive
        total = figure_with_qualifier(p.total.value, p.total.mark, p.total_qualifier, p.unit)
        caption = "图1　主动公开信息发布渠道分布"
        if total:
            caption += f"（主动公开信息共{total}）"
        return spec, caption

    def channel_chart(self) -> Fragment | None:
        """The channel-distribution chart (SVG), or None when the report gives no channel figures."""
        from govreport.render.charts import render_svg

        figure = self.channel_figure()
        if figure is None:
            return None
        spec, caption = figure
        svg = render_svg(spec)
        html = (f'<figure class="chart" id="gr-channel-chart">{svg}'
                f"<figcaption>{escape(caption)}</figcaption></figure>")
        return Fragment(html, text=caption)

    def channel_layout(self) -> T.TableLayout | None:
        """The channel table's layout (count and share per channel), or None without channel figures."""
        rows = self._channel_rows()
        if not rows:
            return None
        p = self.report.proactive
        body = []
        item_sum = 0.0
        summable = True
        units = set()
        for r in rows:
            mark = int(r.value_mark)
            value_text = figure_with_qualifier(r.value, mark, _s(r.qualifier), _s(r.unit))
            if mark == Mark.VALUE:
                share = format_share(r.share) or "不适用"
                item_sum += float(r.value)
                units.add(_s(r.unit))
                if _s(r.qualifier):
                    summable = False
            elif mark == Mark.NA:
                share = "不适用"
            else:
                share = ""
                summable = False
            body.append((
                T.Cell(str(int(r.seq)), kind="num", key=f"{int(r.seq)}:"),
                T.Cell(_s(r.label), kind="text"),
                T.Cell(_s(r.channel_label), kind="text"),
                T.Cell(value_text, kind={0: "value", 1: "blank", 2: "na"}[mark], key=f"{int(r.seq)}:value"),
                T.Cell(share, kind="value" if share and share != "不适用" else ("na" if share else "blank"),
                       key=f"{int(r.seq)}:share"),
            ))
        notes = []
        if p.channels_overlap:
            notes.append("注：同一信息可能在多个渠道发布，各渠道数量不宜相加。")
        elif summable and len(units) == 1:
            unit = next(iter(units))
            body.append((
                T.Cell("合计", kind="label", header=True, colspan=3, key="total:"),
                T.Cell(f"{format_value(item_sum, Mark.VALUE)}{unit}", kind="value", key="total:value"),
                T.Cell("100.00%" if any(r.share == r.share for r in rows) else "", kind="value"),
            ))
        total = figure_with_qualifier(p.total.value, p.total.mark, p.total_qualifier, p.unit)
        caption = "表　主动公开信息发布渠道及占比"
        if total:
            caption += f"（报告所述主动公开信息共{total}）"
        return T.simple_table(("序号", "发布渠道（报告原文）", "渠道类别", "数量", "占比"), body,
                              html_id="gr-channels", caption=caption, classes=("channels",), notes=notes)

    def channel_table(self) -> Fragment | None:
        layout = self.channel_layout()
        if layout is None:
            return None
        reviewed = T.annotate(layout, self.routed.channels)
        return Fragment(T.render_table(layout), T.render_table(reviewed, review=True), text=layout.caption)

    # ------------------------------------------------------------------------ year over year

    def _yoy_layout(self, *, proactive_only: bool, html_id: str) -> T.TableLayout | None:
        y = self.yoy
        if y is None or len(y) == 0:
            return None
        rows = []
        for r in y.itertuples(index=False):
            m = _s(r.measure)
            if proactive_only and not (m == "proactive_total" or m.startswith("channel:")):
                continue
            rate = m.endswith("_rate")
            rows.append((
                T.Cell(_s(r.label), kind="label", header=True, key=f"{m}:"),
                _value_cell(_num(r.previous, rate=rate)),
                _value_cell(_num(r.current, rate=rate)),
                _value_cell(_num(r.change, signed=True) if not rate else _pp(r.change)),
                _value_cell("" if rate else _num(r.change_pct, rate=True, signed=True)),
            ))
        if not rows:
            return None
        year = self.report.year
        return T.simple_table(("指标", f"{year - 1}年", f"{year}年", "增减", "增减幅度"), rows, html_id=html_id,
                              caption=f"表　与{year - 1}年比较", classes=("yoy",),
                              notes=("注：空白表示该年未填报或无法计算。",))

    def year_over_year_layout(self) -> T.TableLayout | None:
        """The comparison with the previous year (proactive disclosure) as a layout, or None."""
        return self._yoy_layout(proactive_only=True, html_id="gr-yoy")

    def year_over_year(self) -> Fragment | None:
        """The comparison with the previous year (proactive disclosure), or None without a previous year."""
        layout = self.year_over_year_layout()
        if layout is None:
            return None
        return Fragment(T.render_table(layout), text=layout.caption)

    # ------------------------------------------------------------------------ appendix

    def review_appendix(self) -> Fragment:
        """「数据核验」: every finding of this agency-year (or that all passed), the year-over-year changes
        and the provenance. Shown in the reviewer's copy only (its cell is tagged ``review-only``)."""
        from govreport.render.display import findings_html

        r = self.report
        out = ['<section class="appendix" id="gr-review">', "<h2>附录　数据核验</h2>", "<h3>核验结果</h3>"]
        f = self.findings
        if f is None or len(f) == 0:
            out.append("<p class=\"all-passed\">本年度报告的数据通过了全部核验规则，未发现错误或警告。</p>")
        else:
            counts = "，".join(f"{SEVERITY_LABELS[s]} {n} 项" for s in ("error", "warning", "info")
                              if (n := int((f["severity"] == s).sum())))
            out.append(f"<p>共发现 {escape(counts)}。</p>")
            out.append(findings_html(self._relative_files(f)))
        if self.check_summary:
            out.append(f'<p class="check-summary">{escape(self.check_summary)}</p>')
        out.append("<h3>与上年比较</h3>")
        layout = self._yoy_layout(proactive_only=False, html_id="gr-yoy-all")
        if layout is None:
            out.append(f"<p>数据集中没有{r.year - 1}年度的报告，无法与上年比较。</p>")
        else:
            out.append(T.render_table(layout))
        out.append("<h3>数据来源与生成信息</h3>")
        src = [("报告格式", r.format.label), ("统计期限", r.period.text())]
        if r.period.cutoff is not None:
            src.append(("数据截止日期", f"{r.period.cutoff.year}年{r.period.cutoff.month}月{r.period.cutoff.day}日"))
        if r.source:
            src.append(("转写来源", r.source))
        if r.notes:
            src.append(("转写说明", r.notes))
        out.append('<dl class="sources">' + "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in src)
                   + "</dl>")
        if self.provenance is not None:
            out.append(_provenance_block(self.provenance.appendix_rows()))
        out.append("</section>")
        html = "".join(out)
        return Fragment(html, text="附录　数据核验")

    def _relative_files(self, f: pd.DataFrame) -> pd.DataFrame:
        """File names relative to the dataset (no absolute paths in any output)."""
        if "file" not in f.columns:
            return f
        root = os.path.normpath(self.data_root) if self.data_root else None

        def rel(v: Any) -> Any:
            s = _s(v)
            if not s:
                return v
            p = os.path.normpath(s)
            if root and (p == root or p.startswith(root + os.sep)):
                return os.path.relpath(p, root)
            if root and not os.path.isabs(root) and p.startswith(dataset_name(root) + os.sep):
                return p.split(os.sep, 1)[1]
            return os.path.basename(p) if os.path.isabs(p) else p

        out = f.copy()
        out["file"] = [rel(v) for v in out["file"]]
        return out

    # ------------------------------------------------------------------------ whole

    def fragments(self, *, review: bool = False) -> list[Fragment]:
        """Every piece in document order (what the notebook displays cell by cell)."""
        pieces: list[Fragment | None] = [self.front_matter(), self.part("overview"), self.part("proactive"),
                                         self.channel_chart(), self.channel_table(), self.year_over_year()]
        pieces += [self.part(t) for t in ("applications", "review", "problems", "other")]
        if review:
            pieces.append(self.review_appendix())
        return [p for p in pieces if p is not None]

    def _repr_html_(self) -> str:
        return join(self.fragments()).html

    def __repr__(self) -> str:
        return f"<ReportDocument {self.report.title}>"


def _pp(change: float | None) -> str:
    if change is None or (isinstance(change, float) and math.isnan(change)):
        return ""
    return f"{change:+.2f}个百分点"


def _value_cell(text: str) -> T.Cell:
    return T.Cell(text, kind="value" if text else "blank")


def _caption(layout: T.TableLayout, caption: str) -> T.TableLayout:
    import dataclasses

    return dataclasses.replace(layout, caption=caption)


def _provenance_block(rows: list[tuple[str, str]]) -> str:
    """The reviewer's provenance block: a definition list of :meth:`Provenance.appendix_rows`, escaped."""
    body = "".join(f"<dt>{escape(k)}</dt><dd><code>{escape(v)}</code></dd>" for k, v in rows)
    return f'<dl class="provenance">{body}</dl>'
