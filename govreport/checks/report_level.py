"""Kernels of the report as a whole: its period, data cutoff and publication date, the format it declares against
the tables it has, and tables of a format used outside the format's years.

One check type, ``ReportPredicate``, whose ``kind`` names a kernel registered with :func:`_report_kind`; the
reports' dates are read once per run as day numbers (:func:`_report_dates`, kept on the engine).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from govreport.checks.registry import kernel, registrar
from govreport.checks.results import _FAIL, _NA, _PASS
from govreport.checks.rules import ReportPredicate, Rule
from govreport.core.formats import FORMATS, format_for_year
from govreport.core.model import AgencyKind, ReportFormat
from govreport.store.matrix import luts as _luts

if TYPE_CHECKING:  # pragma: no cover
    from govreport.checks.engine import _Engine


def _days(col: pd.Series) -> np.ndarray:
    """Dates as int64 day numbers; missing = INT64 min."""
    arr = col.to_numpy(dtype="datetime64[D]") if len(col) else np.zeros(0, dtype="datetime64[D]")
    out = arr.astype(np.int64)
    out[np.isnat(arr)] = _NO_DATE
    return out


_NO_DATE = np.iinfo(np.int64).min
_EPOCH = dt.date(1970, 1, 1)


def _date_text(day: int) -> str:
    d = _EPOCH + dt.timedelta(days=int(day))
    return f"{d.year}年{d.month}月{d.day}日"


def _year_day(years: np.ndarray, month: int, day: int) -> np.ndarray:
    """Day number of month/day in each year (vectorised calendar arithmetic)."""
    y = (np.asarray(years, dtype=np.int64) - 1970).astype("datetime64[Y]")
    return ((y.astype("datetime64[M]") + (month - 1)).astype("datetime64[D]") + (day - 1)).astype(np.int64)


def _year_bounds(years: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return _year_day(years, 1, 1), _year_day(years, 12, 31)


def _report_dates(engine: _Engine) -> dict[str, np.ndarray]:
    """Each report's period, cutoff, publication date (days) and declared format, once per run."""
    return engine.memo("dates", lambda: _dates(engine))


def _dates(engine: _Engine) -> dict[str, np.ndarray]:
    rep = engine.ds.reports
    first, last = _year_bounds(engine.years)
    out = {"start": _days(rep["period_start"]), "end": _days(rep["period_end"]), "cutoff": _days(rep["data_cutoff"]),
           "published": _days(rep["published"]), "first": first, "last": last,
           "format": rep["format"].astype("string").fillna("").to_numpy(dtype=object)}
    return out


def _report_finding(engine: _Engine, rule: Rule, p: int, place: str, message: str, expected: str,
                    found: str) -> None:
    file, line = engine.report_place(p)
    engine.add(rule, p, place=place, message=message, expected=expected, found=found, file=file, line=line)


def _period_text(start: int, end: int) -> str:
    s = _date_text(start) if start != _NO_DATE else "（未载明）"
    e = _date_text(end) if end != _NO_DATE else "（未载明）"
    return f"{s}至{e}"


def _versions_present(engine: _Engine) -> dict[str, np.ndarray]:
    """version -> bool per report: has cells of an official table of the version (信息处理费 aside)."""
    lut = _luts()
    out = {}
    for v in lut.versions:
        keys = [i for i, k in enumerate(lut.table_keys) if k[0] == v and k[1] != "fee"]
        out[v] = engine.present[:, keys].any(axis=1)
    return out


def _tables_of(engine: _Engine, p: int, version: str) -> str:
    lut = _luts()
    refs = [FORMATS[v].table(t).ref for i, (v, t) in enumerate(lut.table_keys)
            if v == version and t != "fee" and engine.present[p, i]]
    return "、".join(dict.fromkeys(refs))


def _format_label(fmt: str) -> str:
    return ReportFormat(fmt).label


@dataclass(slots=True)
class _ReportCtx:
    """What a report-predicate kernel reads: the engine, the rule and its check, and the reports' dates as day
    numbers (:func:`_report_dates`; ``has[name]``: the report states that date)."""

    engine: _Engine
    rule: Rule
    check: ReportPredicate
    d: dict[str, np.ndarray]
    has: dict[str, np.ndarray]

    def emit(self, applies: np.ndarray, fail: np.ndarray, na: np.ndarray | None = None) -> np.ndarray:
        """Tally the rule over the selected reports it applies to; the positions of those that fail."""
        engine = self.engine
        applies = applies & engine.sel
        na = np.zeros(engine.n, dtype=bool) if na is None else na
        fail = applies & fail & ~na
        idx = np.flatnonzero(applies)
        engine.tally(self.rule, idx, np.where(na[idx], _NA, np.where(fail[idx], _FAIL, _PASS)))
        return np.flatnonzero(fail)


_ReportKernel = Callable[[_ReportCtx], None]
#: One kernel per :data:`~govreport.checks.rules.ReportPredicateKind`, registered with :func:`_report_kind`.
_REPORT_KINDS: dict[str, _ReportKernel] = {}


def _report_kind(kind: str) -> Callable[[_ReportKernel], _ReportKernel]:
    return registrar(_REPORT_KINDS, kind)


@kernel(ReportPredicate)
def _report_predicate(engine: _Engine, rule: Rule, check: ReportPredicate) -> None:
    d = _report_dates(engine)
    has = {k: d[k] != _NO_DATE for k in ("start", "end", "cutoff", "published")}
    _REPORT_KINDS[check.kind](_ReportCtx(engine, rule, check, d, has))


@_report_kind("period_within_year")
def _period_within_year(c: _ReportCtx) -> None:
    engine, rule, has = c.engine, c.rule, c.has
    start, end, first, last = c.d["start"], c.d["end"], c.d["first"], c.d["last"]
    outside = (has["start"] & (start < first)) | (has["end"] & (end > last)) | \
        (has["start"] & has["end"] & (start > end))
    for p in c.emit(has["start"] | has["end"], outside):
        y = int(engine.years[p])
        period = _period_text(start[p], end[p])
        why = "起始日期晚于截止日期" if has["start"][p] and has["end"][p] and start[p] > end[p] else \
            f"超出 {y} 年度"
        _report_finding(engine, rule, p, "统计期限", f"统计期限为{period}，{why}；年度报告应统计 {y}年1月1日至"
                        f"{y}年12月31日 的数据。", f"{y}年1月1日至{y}年12月31日之内", period)


@_report_kind("cutoff_before_period_end")
def _cutoff_before_period_end(c: _ReportCtx) -> None:
    engine, rule, has = c.engine, c.rule, c.has
    start, end, cutoff = c.d["start"], c.d["end"], c.d["cutoff"]
    applies = has["cutoff"] & has["end"]
    fail = (cutoff < end) & (~has["start"] | (cutoff >= start))
    for p in c.emit(applies, fail):
        days = int(end[p] - cutoff[p])
        _report_finding(engine, rule, p, "数据统计截止日期",
                        f"数据统计截止于{_date_text(cutoff[p])}，早于统计期末{_date_text(end[p])}"
                        f"（相差 {days} 天），此后 {days} 天的数据未计入。",
                        _date_text(end[p]), _date_text(cutoff[p]))


@_report_kind("cutoff_outside_period")
def _cutoff_outside_period(c: _ReportCtx) -> None:
    engine, rule, has = c.engine, c.rule, c.has
    start, end, cutoff = c.d["start"], c.d["end"], c.d["cutoff"]
    applies = has["cutoff"] & (has["start"] | has["end"])
    fail = (has["end"] & (cutoff > end)) | (has["start"] & (cutoff < start))
    for p in c.emit(applies, fail):
        period = _period_text(start[p], end[p])
        _report_finding(engine, rule, p, "数据统计截止日期",
                        f"数据统计截止日期{_date_text(cutoff[p])}不在统计期限{period}之内。", f"{period}之内",
                        _date_text(cutoff[p]))


@_report_kind("period_missing")
def _period_missing(c: _ReportCtx) -> None:
    engine, rule, has = c.engine, c.rule, c.has
    for p in c.emit(np.ones(engine.n, dtype=bool), ~has["start"] & ~has["end"]):
        y = int(engine.years[p])
        _report_finding(engine, rule, p, "统计期限", f"报告未载明统计期限（通常为 {y}年1月1日至{y}年12月31日）。",
                        "载明统计期限", "未载明")


@_report_kind("narrative_only")
def _narrative_only(c: _ReportCtx) -> None:
    engine, rule = c.engine, c.rule
    first_year = int(c.check.param("first_year", 2019))  # type: ignore[arg-type]
    for p in c.emit(np.ones(engine.n, dtype=bool), (c.d["format"] == "none") & (engine.years >= first_year)):
        y = int(engine.years[p])
        fmt = format_for_year(y)
        _report_finding(engine, rule, p, "报告格式",
                        f"报告为纯文字报告，未使用统一表格；{y} 年度应使用《{fmt.title}》（{fmt.doc_no}）的表格。",
                        f"{_format_label(fmt.version)}表格", _format_label("none"))


@_report_kind("outdated_tables")
def _outdated_tables(c: _ReportCtx) -> None:
    """Tables of a format in a report of a year after the format's last year."""
    _tables_outside_years(c, lambda spec, years: np.zeros(len(years), dtype=bool) if spec.last_year is None
                          else years > spec.last_year)


@_report_kind("premature_tables")
def _premature_tables(c: _ReportCtx) -> None:
    """Tables of a format in a report of a year before the format's first year."""
    _tables_outside_years(c, lambda spec, years: years < spec.first_year)


def _tables_outside_years(c: _ReportCtx, wrong_years: Callable[[Any, np.ndarray], np.ndarray]) -> None:
    engine, rule = c.engine, c.rule
    present = _versions_present(engine)
    for v in c.check.versions:
        spec = FORMATS[v]
        wrong = wrong_years(spec, engine.years)
        for p in c.emit(present[v], wrong):
            y = int(engine.years[p])
            tables = _tables_of(engine, p, v)
            span = f"{spec.first_year}–{spec.last_year}" if spec.last_year else f"{spec.first_year} 年起"
            right = format_for_year(y)
            should = f"，{y} 年度应使用{_format_label(right.version)}" if right is not None else ""
            _report_finding(engine, rule, p, f"{tables}（{_format_label(v)}）",
                            f"{y} 年度报告使用了{_format_label(v)}的表格（{tables}），该格式适用于 {span} 年度"
                            f"{should}。", _format_label(right.version) if right is not None else "无统一格式",
                            _format_label(v))


@_report_kind("declared_format_contradiction")
def _declared_format_contradiction(c: _ReportCtx) -> None:
    engine, rule = c.engine, c.rule
    present = _versions_present(engine)
    fmt = c.d["format"]
    wrong = np.zeros(engine.n, dtype=bool)
    other = {"2019": "2021", "2021": "2019"}
    for v, o in other.items():
        wrong |= (fmt == v) & present[o]
    for p in c.emit(np.isin(fmt, list(other)), wrong):
        o = other[str(fmt[p])]
        _report_finding(engine, rule, p, "报告格式",
                        f"reports.csv 申报的格式为{_format_label(str(fmt[p]))}，但 cells.csv 中有"
                        f"{_format_label(o)}的表格（{_tables_of(engine, p, o)}）。"
                        "如确为混用，请申报为 hybrid。",
                        _format_label(str(fmt[p])), _format_label("hybrid"))


@_report_kind("declared_format_incomplete")
def _declared_format_incomplete(c: _ReportCtx) -> None:
    engine, rule, check = c.engine, c.rule, c.check
    present = _versions_present(engine)
    fmt = c.d["format"]
    n_versions = sum(present[v].astype(int) for v in check.versions)
    applies = np.isin(fmt, ["2019", "2021", "hybrid"])
    wrong = ((fmt == "hybrid") & (n_versions < 2)) | (np.isin(fmt, ["2019", "2021"]) & (n_versions == 0))
    for p in c.emit(applies, wrong):
        f = str(fmt[p])
        have = [v for v in check.versions if present[v][p]]
        found = "、".join(_format_label(v) for v in have) or "无表格数据"
        if f == "hybrid":
            msg = f"报告申报为混用格式，但只有{found}的表格。"
        else:
            msg = f"报告申报为{_format_label(f)}，但没有任何表格数据（表二、表三、表四均未填报）。"
        _report_finding(engine, rule, p, "报告格式", msg, _format_label(f), found)


@_report_kind("publication_deadline")
def _publication_deadline(c: _ReportCtx) -> None:
    engine, rule, has, pub = c.engine, c.rule, c.has, c.d["published"]
    deadlines = dict(c.check.params)
    kinds = engine.agency_kind_by_code[engine.codes]
    applies = has["published"] & np.isin(kinds, list(deadlines))
    due = np.full(engine.n, _NO_DATE, dtype=np.int64)
    for k, (month, day) in deadlines.items():  # type: ignore[misc]
        m = kinds == k
        if m.any():
            due[m] = _year_day(engine.years[m] + 1, int(month), int(day))
    for p in c.emit(applies, pub > due):
        label = AgencyKind(str(kinds[p])).label
        late = int(pub[p] - due[p])
        _report_finding(engine, rule, p, "公布日期",
                        f"公布日期{_date_text(pub[p])}晚于法定期限{_date_text(due[p])}（{label}，《条例》第四十九条），"
                        f"逾期 {late} 天。", f"不晚于{_date_text(due[p])}", _date_text(pub[p]))


@_report_kind("published_before_period_end")
def _published_before_period_end(c: _ReportCtx) -> None:
    engine, rule, has, pub = c.engine, c.rule, c.has, c.d["published"]
    period_end = np.where(has["end"], c.d["end"], c.d["last"])
    for p in c.emit(has["published"], pub <= period_end):
        _report_finding(engine, rule, p, "公布日期",
                        f"公布日期{_date_text(pub[p])}不晚于统计期末{_date_text(period_end[p])}，年度报告应在统计期结束后公布。",
                        f"晚于{_date_text(period_end[p])}", _date_text(pub[p]))
