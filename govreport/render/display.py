"""Rich displays for JupyterLab: ``_repr_html_`` of :class:`~govreport.core.model.TableData`,
:class:`~govreport.core.model.Report`, :class:`~govreport.store.dataset.Dataset`,
:class:`~govreport.core.labelled.LabelledFrame` (and its pandas ``Styler``) and
:class:`~govreport.checks.results.CheckResult` (and the findings table the reviewer renditions show).

Imported lazily by those classes. Tables use the same layout and renderer as the published report
(:mod:`govreport.render.tables`): grouped headers, merged labels, blank shown blank, 不适用 as 不适用.
Everything from the data is escaped. No matplotlib, no nbconvert: displays stay instant.
"""

from __future__ import annotations

import math
from functools import cache
from html import escape
from importlib import resources
from typing import TYPE_CHECKING

import pandas as pd

from govreport.checks.results import FINDING_HEADERS, SUMMARY_COLUMNS, SUMMARY_HEADERS, where_text
from govreport.checks.rules import SEVERITY_LABELS
from govreport.render import tables as T
from govreport.render.charts import figure_with_qualifier

if TYPE_CHECKING:  # pragma: no cover
    from pandas.io.formats.style import Styler

    from govreport.checks.results import CheckResult
    from govreport.core.labelled import LabelledFrame
    from govreport.core.model import Report, TableData
    from govreport.store.dataset import Dataset

MAX_AGENCIES = 50

@cache
def _style() -> str:
    """The displays' stylesheet, ``static/display.css`` (one rule a line in the file, served as one line)."""
    css = resources.files("govreport.render").joinpath("static", "display.css").read_text(encoding="utf-8")
    return "<style>" + "".join(css.splitlines()) + "</style>"


#: How blank, 0 and 不适用 look, under every display that shows figures.
LEGEND = ('<p class="gr-legend"><span class="swatch"></span> 空白（未填报） · 0 为填报的零 · '
          '<i style="color:#666">不适用</i></p>')


def _wrap(body: str) -> str:
    return f'<div class="govreport-display">{_style()}{body}</div>'


def _dl(rows: list[tuple[str, str]]) -> str:
    return "<dl>" + "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in rows if v) + "</dl>"


def _table_caption(t: TableData) -> str:
    spec = t.spec
    return f"{spec.ref} {spec.title}（{spec.version}年格式）" if spec.ref != spec.title else spec.title


def table_block(t: TableData) -> str:
    """One official table in its printed layout, with a caption naming the table and the format."""
    import dataclasses

    layout = dataclasses.replace(T.official_table(t), caption=_table_caption(t))
    return T.render_table(layout)


def table_html(t: TableData) -> str:
    return _wrap(table_block(t) + LEGEND)


def channels_block(report: Report) -> str:
    p = report.proactive
    if not p.channels:
        return ""
    from govreport.core.channels import CHANNEL_BY_ID

    rows = []
    for i, ch in enumerate(p.channels, start=1):
        kind = {0: "value", 1: "blank", 2: "na"}[int(ch.figure.mark)]
        label = CHANNEL_BY_ID[ch.channel].label if ch.channel in CHANNEL_BY_ID else ch.channel
        rows.append((
            T.Cell(str(i), kind="num"),
            T.Cell(ch.label, kind="text"),
            T.Cell(label, kind="text"),
            T.Cell(figure_with_qualifier(ch.figure.value, ch.figure.mark, ch.qualifier, ch.unit), kind=kind),
        ))
    total = figure_with_qualifier(p.total.value, p.total.mark, p.total_qualifier, p.unit)
    overlap = {True: "渠道间有重复", False: "渠道间无重复", None: "未说明是否重复"}[p.channels_overlap]
    caption = f"主动公开：共{total or '（未填报）'}，{overlap}"
    layout = T.simple_table(("序号", "发布渠道（原文）", "渠道类别", "数量"), rows, html_id="gr-display-channels",
                            caption=caption)
    return T.render_table(layout)


def report_html(report: Report) -> str:
    """A report at a glance: identity, period, format, proactive figures, its tables and its parts."""
    a = report.agency
    cutoff = report.period.cutoff
    rows = [
        ("机关", f"{a.name}（{a.id}）"),
        ("年度", f"{report.year}年"),
        ("报告格式", report.format.label),
        ("统计期限", report.period.text()),
        ("数据截止", f"{cutoff.year}年{cutoff.month}月{cutoff.day}日" if cutoff else ""),
        ("地区", a.region),
        ("编制单位", a.office),
    ]
    parts = [f"<h3>{escape(report.title)}</h3>", _dl(rows), channels_block(report)]
    parts += [table_block(t) for t in report.tables]
    if report.tables:
        parts.append(LEGEND)
    headings = [s.heading for s in report.sections if s.heading]
    if headings:
        parts.append("<p><strong>正文各部分：</strong>" + escape("；".join(headings)) + "</p>")
    return _wrap("".join(parts))


def dataset_html(ds: Dataset) -> str:
    """Agencies and the years each has data for (the first :data:`MAX_AGENCIES` agencies)."""
    where = f"（{ds.root}）" if ds.root is not None else ""
    head = (f"<p><strong>govreport 数据集</strong>{escape(where)}：{len(ds.agencies)} 个机关，{len(ds)} 份年度报告，"
            f"{len(ds.cells)} 个表格数值，{len(ds.channels)} 个渠道数值。</p>")
    rows = []
    shown = ds.agencies.head(MAX_AGENCIES)
    for aid, name, region in zip(shown["agency_id"].astype(str), shown["name"].astype(str),
                                 shown["region"].astype(str), strict=True):
        years = "、".join(str(y) for y in ds.years(aid))
        rows.append((T.Cell(aid, kind="text"), T.Cell(name, kind="text"), T.Cell(region, kind="text"),
                     T.Cell(years, kind="text")))
    more = len(ds.agencies) - len(shown)
    notes = (f"另有 {more} 个机关未列出。",) if more > 0 else ()
    layout = T.simple_table(("编号", "机关", "地区", "有数据的年度"), rows, html_id="gr-display-dataset", notes=notes)
    return _wrap(head + T.render_table(layout))


# ------------------------------------------------------------------------------------- labelled frames

_CSS_CLASS = {"reported": "gr-value", "blank": "gr-blank", "not_applicable": "gr-na"}
_STYLES = [
    {"selector": "", "props": "border-collapse:collapse;font-size:12px"},
    {"selector": "th, td", "props": "border:1px solid #bbb;padding:2px 6px"},
    {"selector": "td", "props": "text-align:right;min-width:2.5em"},
    {"selector": "th.row_heading", "props": "text-align:left;font-weight:normal"},
    {"selector": "th.col_heading", "props": "text-align:center"},
    {"selector": "caption", "props": "caption-side:top;text-align:left;font-weight:bold;padding:.3em 0"},
    {"selector": "td.gr-blank", "props": "background:repeating-linear-gradient(45deg,#f4f4f4 0 4px,#e4e4e4 4px 8px)"},
    {"selector": "td.gr-na", "props": "color:#777;font-style:italic;background:#fafafa"},
    {"selector": "td.gr-zero", "props": "color:#000"},
]
_LABELLED_LEGEND = ("<p style=\"font-size:11px;color:#555;margin:.2em 0\">"
                    "<span style=\"display:inline-block;width:2em;height:1em;vertical-align:middle;"
                    "background:repeating-linear-gradient(45deg,#f4f4f4 0 4px,#e4e4e4 4px 8px);border:1px solid #bbb\">"
                    "</span> 空白（未填报） · 0 为填报的零 · <i style=\"color:#777\">不适用</i></p>")


def labelled_style(frame: LabelledFrame) -> Styler:
    """:meth:`LabelledFrame.style <govreport.core.labelled.LabelledFrame.style>`: a pandas ``Styler`` of the
    frame's ``text``; blank cells are empty and hatched, 不适用 is grey italic, numbers (0 included) are plain."""
    from pandas.io.formats.style import Styler

    classes = frame.status.apply(lambda col: col.map(_CSS_CLASS).astype(object))
    styler = Styler(frame.text, uuid="gr", cell_ids=False, caption=escape(frame.title) if frame.title else None)
    styler = styler.format(escape="html").format_index(escape="html", axis=0).format_index(escape="html", axis=1)
    return styler.set_td_classes(classes).set_table_styles(_STYLES)


def labelled_html(frame: LabelledFrame) -> str:
    """A labelled frame's table (:func:`labelled_style`) and the legend of blank, 0 and 不适用."""
    return labelled_style(frame).to_html() + _LABELLED_LEGEND


# ------------------------------------------------------------------------------------- check results


def findings_html(findings: pd.DataFrame) -> str:
    """An HTML table of findings with Chinese headers; every value from the data is escaped."""
    if findings is None or len(findings) == 0:
        return "<p>未发现问题。</p>"
    cols = ["severity", "rule", "agency", "year", "place", "message", "expected", "found", "file"]
    if "source" in findings and (findings["source"].astype(str) != "").any():
        cols.append("source")  # where the figures were typed in, when any finding has one
    head = "".join(f"<th>{FINDING_HEADERS[c]}</th>" for c in cols)
    body = []
    for rec in findings.to_dict("records"):
        cells = []
        for c in cols:
            v = rec.get(c, "")
            if c == "severity":
                text = SEVERITY_LABELS.get(str(v), str(v))
                cells.append(f"<td class=\"sev-{escape(str(v))}\">{escape(text)}</td>")
                continue
            if c == "file":
                text = where_text(v, rec.get("line"))
            else:
                text = "" if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else str(v)
            cells.append(f"<td>{escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f"<table class=\"govreport-findings\"><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>")


def check_result_html(result: CheckResult) -> str:
    """A check result: the summary line, the findings table and the per-rule counts (folded)."""
    head = f"<p><strong>检查结果</strong>：{escape(result.summary_line())}</p>"
    shown = result.summary[result.summary["evaluated"] > 0]
    rows = "".join(
        "<tr>" + "".join(f"<td>{escape(str(r[c]))}</td>" if c != "severity" else
                         f"<td>{escape(SEVERITY_LABELS[str(r[c])])}</td>" for c in SUMMARY_COLUMNS) + "</tr>"
        for r in shown.to_dict("records")
    )
    summary = ("<details><summary>各规则检查情况</summary><table><thead><tr>"
               + "".join(f"<th>{SUMMARY_HEADERS[c]}</th>" for c in SUMMARY_COLUMNS)
               + f"</tr></thead><tbody>{rows}</tbody></table></details>")
    return f"<div class=\"govreport-checks\">{head}{findings_html(result.findings)}{summary}</div>"
