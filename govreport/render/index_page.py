"""``reports_out/index.html``: every agency-year with links, check status and key figures, plus coverage.

One self-contained page: inline CSS and a small inline script for sorting and filtering (the table
is complete without the script). Every string from the data is escaped. The page carries no time
stamp, so the same inputs give the same bytes.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from govreport import __version__

#: The files the index links, in link order. The publication copies (report.html, report.pdf, report.docx)
#: are absent when a render held them back (errors found), so only what is on disk is linked.
OUTPUT_FILES = {"report.html": "公开版", "report.pdf": "PDF", "report.docx": "Word", "review.html": "审核版"}


@dataclass(frozen=True, slots=True)
class EntryStatus:
    """What the batch knows of one agency-year's outputs."""

    outputs: tuple[str, ...] = ()  # file names present under <agency_id>/<year>/
    failed: str = ""  # the reason of the last failure, if it failed
    stale: bool = False  # the outputs are from an earlier render whose inputs have changed since


@dataclass(frozen=True, slots=True)
class IndexInput:
    panel: pd.DataFrame  # govreport.analysis.stats.panel(ds)
    findings: pd.DataFrame  # CheckResult.findings
    status: dict[tuple[str, int], EntryStatus] = field(default_factory=dict)
    agencies: pd.DataFrame | None = None  # for coverage: every agency, even without reports
    years: tuple[int, ...] = ()
    provenance: dict[str, str] = field(default_factory=dict)


def collect_status(out_dir: Path, keys: list[tuple[str, int]], failures: dict[tuple[str, int], str] | None = None,
                   *, stale: set[tuple[str, int]] | frozenset[tuple[str, int]] = frozenset()
                   ) -> dict[tuple[str, int], EntryStatus]:
    """Which output files exist for each agency-year (I/O, kept out of the page builder)."""
    failures = failures or {}
    status = {}
    for agency_id, year in keys:
        d = out_dir / agency_id / str(year)
        present = tuple(name for name in OUTPUT_FILES if (d / name).exists())
        key = (agency_id, year)
        status[key] = EntryStatus(present, failures.get(key, ""), stale=key in stale and bool(present))
    return status


def _e(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _num(v: object, digits: int = 0) -> tuple[str, str]:
    """(display text, sort key) of a figure; blank shows as — and sorts last."""
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return "—", ""
    f = float(v)
    text = f"{f:.{digits}f}" if digits else (str(int(f)) if f.is_integer() else f"{f:g}")
    return text, repr(f)


def _rate(v: object, status: str) -> tuple[str, str]:
    if status == "none_handled":
        return "不适用", ""
    text, key = _num(v, 2)
    return (f"{text}%" if key else "—"), key


@cache
def _static(name: str) -> str:
    """The page's stylesheet or script, kept as a file in ``render/static/`` and inlined into the page."""
    return resources.files("govreport.render").joinpath("static", name).read_text(encoding="utf-8")


_COLUMNS = (
    ("机关", "text"), ("地区", "text"), ("年度", "num"), ("格式", "text"), ("核验", "text"),
    ("主动公开总数", "num"), ("本年新收申请", "num"), ("实质公开率", "num"), ("复议纠错率", "num"),
    ("诉讼纠错率", "num"), ("报告", "text"),
)
_FORMAT = {"2019": "2019试行", "2021": "2021", "hybrid": "混用", "none": "纯文字"}


def _check_counts(findings: pd.DataFrame) -> dict[tuple[str, int], tuple[int, int]]:
    if len(findings) == 0:
        return {}
    f = findings.assign(agency_id=findings["agency_id"].astype(str), year=findings["year"].astype(int))
    g = f.groupby(["agency_id", "year"])["severity"]
    errors = g.apply(lambda s: int((s == "error").sum()))
    warnings = g.apply(lambda s: int((s == "warning").sum()))
    return {k: (int(errors[k]), int(warnings[k])) for k in errors.index}


def _finding_lines(findings: pd.DataFrame) -> dict[tuple[str, int], list[str]]:
    """Each agency-year's findings in one line each: rule, place, and where the figure was entered."""
    out: dict[tuple[str, int], list[str]] = {}
    if len(findings) == 0:
        return out
    def col(name: str) -> pd.Series:
        return findings[name] if name in findings else pd.Series([""] * len(findings), index=findings.index)

    for a, y, rule, place, src in zip(findings["agency_id"].astype(str), findings["year"].astype(int),
                                      col("rule"), col("place"), col("source"), strict=True):
        text = f"{rule} {place}"
        if isinstance(src, str) and src:
            text += f"（录入位置：{src}）"
        out.setdefault((a, int(y)), []).append(text)
    return out


def build_index(data: IndexInput) -> str:
    """The index page as a string (pure)."""
    p = data.panel.sort_values(["name", "agency_id", "year"], kind="stable")
    counts = _check_counts(data.findings)
    lines = _finding_lines(data.findings)
    regions = sorted({str(r) for r in p["region"] if str(r)})
    years = sorted({int(y) for y in p["year"]})
    rows = []
    for r in p.itertuples(index=False):
        key = (str(r.agency_id), int(r.year))
        errors, warnings = counts.get(key, (0, 0))
        st = data.status.get(key, EntryStatus())
        if st.failed:
            state, check_html = "failed", f'<span class="err" title="{_e(st.failed)}">生成失败</span>'
        elif errors:
            state, check_html = "errors", f'<span class="err">错误 {errors}</span>'
        elif warnings:
            state, check_html = "warnings", f'<span class="warn">警告 {warnings}</span>'
        else:
            state, check_html = "passed", '<span class="ok">通过</span>'
        if errors and warnings:
            check_html += f' <span class="warn">警告 {warnings}</span>'
        if lines.get(key) and not st.failed:  # every finding, with where its figure was entered, on hover
            check_html = f'<span class="findings" title="{_e(chr(10).join(lines[key]))}">{check_html}</span>'
        if errors and "review.html" in st.outputs and "report.html" not in st.outputs:
            check_html += ' <span class="err" title="核验发现错误，公开版未生成">公开版未生成</span>'
        links = " ".join(
            f'<a href="{_e(r.agency_id)}/{int(r.year)}/{name}">{label}</a>'
            for name, label in OUTPUT_FILES.items() if name in st.outputs
        ) or "未生成"
        if st.stale and st.outputs:
            links += ' <span class="warn" title="数据、笔记本、版本或版式已变化，需重新生成">（已过期）</span>'
        total, total_key = _num(r.proactive_total)
        received, received_key = _num(r.received)
        dr, dr_key = _rate(r.disclosure_rate, r.disclosure_rate_status)
        rr, rr_key = _rate(r.review_correction_rate, _status_of(r, "review"))
        lr, lr_key = _rate(r.litigation_correction_rate, _status_of(r, "litigation"))
        agency_text = f"{r.name} {r.agency_id}"
        rows.append(
            f'<tr data-agency="{_e(agency_text)}" data-region="{_e(r.region)}" data-year="{int(r.year)}" '
            f'data-status="{state}">'
            f'<td>{_e(r.name)}</td><td>{_e(r.region)}</td><td class="num" data-sort="{int(r.year)}">{int(r.year)}</td>'
            f"<td>{_e(_FORMAT.get(str(r.format), r.format))}</td>"
            f'<td data-sort="{errors * 1000 + warnings:06d}">{check_html}</td>'
            f'<td class="num" data-sort="{total_key}">{_e(total)}</td>'
            f'<td class="num" data-sort="{received_key}">{_e(received)}</td>'
            f'<td class="num" data-sort="{dr_key}">{_e(dr)}</td>'
            f'<td class="num" data-sort="{rr_key}">{_e(rr)}</td>'
            f'<td class="num" data-sort="{lr_key}">{_e(lr)}</td>'
            f"<td>{links}</td></tr>"
        )
    head = "".join(f'<th data-type="{t}" scope="col">{_e(label)}</th>' for label, t in _COLUMNS)
    region_opts = "".join(f'<option value="{_e(x)}">{_e(x)}</option>' for x in regions)
    year_opts = "".join(f'<option value="{y}">{y}</option>' for y in years)
    prov = " · ".join(f"{_e(k)}: {_e(v)}" for k, v in {"govreport": __version__, **data.provenance}.items())
    return (
        '<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="govreport {_e(__version__)}">'
        "<title>政府信息公开工作年度报告索引</title>"
        f"<style>\n{_static('index.css')}</style></head><body>"
        "<h1>政府信息公开工作年度报告索引</h1>"
        f'<p class="prov">{prov}</p>'
        '<div class="filters">'
        '<label>机关 <input id="f-agency" type="search" placeholder="名称或编号"></label>'
        f'<label>地区 <select id="f-region"><option value="">全部</option>{region_opts}</select></label>'
        f'<label>年度 <select id="f-year"><option value="">全部</option>{year_opts}</select></label>'
        '<label>核验 <select id="f-status"><option value="">全部</option><option value="errors">有错误</option>'
        '<option value="warnings">有警告</option><option value="passed">通过</option>'
        '<option value="failed">生成失败</option></select></label>'
        '<span id="count"></span></div>'
        f'<table id="reports"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
        f"{_coverage(data, years)}"
        f"<script>\n{_static('index.js')}</script></body></html>\n"
    )


def _status_of(r, route: str) -> str:
    return str(getattr(r, f"{route}_correction_rate_status", "missing"))


def _coverage(data: IndexInput, years: list[int]) -> str:
    """Agencies × years: report rendered, data only, failed, or no data."""
    all_years = sorted(set(years) | set(data.years))
    if not all_years:
        return ""
    agencies = data.agencies if data.agencies is not None else data.panel[["agency_id", "name"]].drop_duplicates()
    have = {(str(a), int(y)) for a, y in zip(data.panel["agency_id"], data.panel["year"], strict=True)}
    head = "".join(f"<th>{y}</th>" for y in all_years)
    body = []
    for a in agencies.sort_values(["name", "agency_id"]).itertuples(index=False):
        cells = []
        for y in all_years:
            key = (str(a.agency_id), y)
            st = data.status.get(key)
            if key not in have:
                cells.append('<td class="none" title="无数据">无数据</td>')
            elif st and st.failed:
                cells.append(f'<td class="failed" title="{_e(st.failed)}">失败</td>')
            elif st and "report.html" in st.outputs and st.stale:
                href = f"{_e(a.agency_id)}/{y}/report.html"
                cells.append(f'<td class="data" title="输入已变化，报告已过期"><a href="{href}">已过期</a></td>')
            elif st and "report.html" in st.outputs:
                cells.append(f'<td class="rendered"><a href="{_e(a.agency_id)}/{y}/report.html">已生成</a></td>')
            else:
                cells.append('<td class="data" title="有数据，未生成报告">未生成</td>')
        body.append(f"<tr><th scope=\"row\">{_e(a.name)}</th>{''.join(cells)}</tr>")
    return (
        '<h2>覆盖情况</h2><p class="prov">已生成：报告已生成；已过期：报告生成后输入已变化；未生成：有数据但尚无报告；'
        "失败：上次生成失败；无数据：该年度无数据。</p>"
        f'<table class="cov" id="coverage"><thead><tr><th>机关</th>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def provenance_json(data: IndexInput) -> str:
    return json.dumps(data.provenance, ensure_ascii=False, sort_keys=True)
