"""Hypothesis strategies for valid annual reports and tables, and small builders for hand-written cases.

Every table drawn here satisfies the arithmetic rules of ``govreport.checks.rules`` (R1–R4, R6–R8, R9, R12b)
by construction: parts are drawn first and totals are computed from them. A whole applicant column of
Table 3 may be 不适用 (an agency writes “/” down a column it has no applicants for), which the rules
treat as contributing nothing. Reports use the format of their year, a full calendar-year period, no
early cut-off, and (when drawn) a publication date inside the Art. 49 deadline, so a drawn report has no
finding at all.

>>> from hypothesis import given
>>> from tests.strategies import reports
>>> @given(reports("2021"))
... def test_something(report): ...
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace

from hypothesis import strategies as st

from govreport.checks.rules import T3_APPLICANTS, T3_OUTCOMES
from govreport.core.formats import T4_OUTCOMES, T4_ROUTES, table_spec
from govreport.core.model import (
    Agency,
    AgencyKind,
    ChannelFigure,
    Level,
    Period,
    Proactive,
    Report,
    ReportFormat,
    Section,
    TableData,
)
from govreport.core.values import Figure

YEARS: dict[str, tuple[int, int]] = {"2019": (2019, 2020), "2021": (2021, 2024)}

# ----------------------------------------------------------------------------------------- builders


def figure(v: object) -> Figure:
    """1 / 2.5 → a value; "不适用" or "/" → 不适用; None or "" → blank."""
    if isinstance(v, Figure):
        return v
    if v is None or v == "":
        return Figure.blank()
    if v in ("不适用", "/", "—"):
        return Figure.na()
    return Figure.of(float(v))  # type: ignore[arg-type]


def table(version: str, table_id: str, cells: Mapping[tuple[str, str], object]) -> TableData:
    """A table from {(row, column): value}; a value of None writes an explicit blank cell."""
    return TableData(table_spec(version, table_id), {k: figure(v) for k, v in cells.items()})


def agency(agency_id: str = "t-001", name: str = "测试县测试局", kind: str = "department") -> Agency:
    return Agency(id=agency_id, name=name, kind=AgencyKind(kind), level=Level.COUNTY, region="测试省/测试市/测试县",
                  superior="测试县人民政府")


def report(year: int, tables: tuple[TableData, ...] = (), *, fmt: str | None = None, ag: Agency | None = None,
           period: tuple[dt.date | None, dt.date | None] | None = None, cutoff: dt.date | None = None,
           published: dt.date | None = None, proactive: Proactive | None = None, text: bool = True) -> Report:
    """A report; the format defaults to the version of its tables (``none`` without tables). With ``text``
    it has a complete text that agrees with its figures (:func:`complete_text`), as a publishable report does."""
    if fmt is None:
        versions = {t.spec.version for t in tables if t.spec.id != "fee"}
        fmt = versions.pop() if len(versions) == 1 else ("hybrid" if versions else "none")
    start, end = period if period is not None else (dt.date(year, 1, 1), dt.date(year, 12, 31))
    r = Report(agency=ag or agency(), year=year, format=ReportFormat(fmt), period=Period(start, end, cutoff),
               published=published, proactive=proactive or Proactive(), tables=tables)
    return replace(r, sections=complete_text(r)) if text else r


def complete_text(r: Report) -> tuple[Section, ...]:
    """Every official part with text: the standard sentences of the figures, a line of the office's own
    words in the others (test text, not a real report's)."""
    from govreport.core.report_text import skeleton

    return tuple(Section(s.heading, s.body or "（测试用文字）本部分情况说明。") for s in skeleton(r))


def proactive(total: object, channels: list[tuple[str, str, object]], *, overlap: bool | None = False,
              total_qualifier: str = "", qualifiers: Mapping[int, str] | None = None,
              units: Mapping[int, str] | None = None) -> Proactive:
    """channels: (channel id, label, value); qualifiers/units by position."""
    qualifiers, units = qualifiers or {}, units or {}
    figs = tuple(ChannelFigure(channel=c, label=label, figure=figure(v), qualifier=qualifiers.get(i, ""),
                               unit=units.get(i, "条")) for i, (c, label, v) in enumerate(channels))
    return Proactive(total=figure(total), total_qualifier=total_qualifier, channels=figs, channels_overlap=overlap)


def t3_cells(version: str, outcomes: Mapping[str, Mapping[str, object]], carried_over: Mapping[str, object],
             carried_forward: Mapping[str, object]) -> dict[tuple[str, str], object]:
    """A consistent Table 3 from its parts: outcomes[row][applicant], carry-overs by applicant.

    Applicants missing from a mapping are 0; a column whose every part is 不适用 stays 不适用 throughout.
    """
    cells: dict[tuple[str, str], object] = {}
    for col in T3_APPLICANTS:
        col_vals = {r: outcomes.get(r, {}).get(col, 0) for r in T3_OUTCOMES[version]}
        if all(v == "不适用" for v in col_vals.values()):
            for r in (*T3_OUTCOMES[version], "new_received", "carried_over", "results_total", "carried_forward"):
                cells[(r, col)] = "不适用"
            continue
        res = sum(float(v) for v in col_vals.values() if v != "不适用")
        co, cf = float(carried_over.get(col, 0)), float(carried_forward.get(col, 0))  # type: ignore[arg-type]
        for r, v in col_vals.items():
            cells[(r, col)] = v
        cells[("results_total", col)] = res
        cells[("carried_over", col)] = co
        cells[("carried_forward", col)] = cf
        cells[("new_received", col)] = res + cf - co
    for r in (*T3_OUTCOMES[version], "new_received", "carried_over", "results_total", "carried_forward"):
        vals = [cells[(r, c)] for c in T3_APPLICANTS]
        cells[(r, "total")] = sum(float(v) for v in vals if v != "不适用")  # type: ignore[arg-type]
    return cells


def t4_cells(parts: Mapping[str, Mapping[str, int]]) -> dict[tuple[str, str], object]:
    """parts[route][outcome] → Table 4 with each route's 总计."""
    cells: dict[tuple[str, str], object] = {}
    for route in T4_ROUTES:
        vals = {o: parts.get(route, {}).get(o, 0) for o in T4_OUTCOMES}
        for o, v in vals.items():
            cells[("value", f"{route}_{o}")] = v
        cells[("value", f"{route}_total")] = sum(vals.values())
    return cells


# ----------------------------------------------------------------------------------------- strategies

_count = st.integers(min_value=0, max_value=40)
_sparse_count = st.one_of(st.just(0), st.just(0), _count)


@st.composite
def t3_tables(draw: st.DrawFn, version: str) -> TableData:
    """A valid Table 3 of ``version`` (R1–R4 hold; totals computed from parts)."""
    na_column = draw(st.one_of(st.none(), st.sampled_from(T3_APPLICANTS[1:])))
    outcomes: dict[str, dict[str, object]] = {}
    for r in T3_OUTCOMES[version]:
        outcomes[r] = {c: ("不适用" if c == na_column else draw(_sparse_count)) for c in T3_APPLICANTS}
    carried_forward = {c: draw(st.integers(0, 5)) for c in T3_APPLICANTS if c != na_column}
    carried_over = {}
    for c in T3_APPLICANTS:
        if c == na_column:
            continue
        handled = sum(int(v) for v in (outcomes[r][c] for r in T3_OUTCOMES[version]))  # type: ignore[call-overload]
        carried_over[c] = draw(st.integers(0, min(5, handled + carried_forward[c])))
    return table(version, "t3", t3_cells(version, outcomes, carried_over, carried_forward))


@st.composite
def t4_tables(draw: st.DrawFn, version: str) -> TableData:
    parts = {route: {o: draw(st.integers(0, 6)) for o in T4_OUTCOMES} for route in T4_ROUTES}
    return table(version, "t4", t4_cells(parts))


_money = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False, allow_infinity=False).map(float)
_na_or_count = st.one_of(st.just("不适用"), _count)


@st.composite
def t2_tables(draw: st.DrawFn, version: str) -> tuple[TableData, ...]:
    """Valid Table 2 blocks of ``version`` (2019: 对外公开总数量 ≥ 本年新公开数量, signed 本年增/减)."""
    if version == "2021":
        t2a = {(r, c): draw(_na_or_count) for r in ("regulations", "normative_docs")
               for c in ("issued", "repealed", "in_force")}
        return (
            table(version, "t2a", t2a),
            table(version, "t2b", {("licensing", "decisions"): draw(_count)}),
            table(version, "t2c", {(r, "decisions"): draw(_count) for r in ("penalty", "coercion")}),
            table(version, "t2d", {("admin_fees", "amount"): draw(st.one_of(st.just("不适用"), _money))}),
        )
    t2a: dict[tuple[str, str], object] = {}
    for r in ("regulations", "normative_docs"):
        new_pub = draw(_count)
        t2a[(r, "new_made")] = draw(_count)
        t2a[(r, "new_published")] = new_pub
        t2a[(r, "total_published")] = new_pub + draw(_count)
    items = {}
    for t, rows in (("t2b", ("licensing", "other_services")), ("t2c", ("penalty", "coercion")),
                    ("t2d", ("admin_fees",))):
        cells: dict[tuple[str, str], object] = {}
        for r in rows:
            cells[(r, "prev_items")] = draw(_count)
            cells[(r, "delta_items")] = draw(st.integers(-10, 10))
            if t != "t2d":
                cells[(r, "decisions")] = draw(_count)
        items[t] = cells
    t2e = {("central_procurement", "projects"): draw(_count), ("central_procurement", "amount"): draw(_money)}
    return (table(version, "t2a", t2a), *(table(version, t, c) for t, c in items.items()),
            table(version, "t2e", t2e))


@st.composite
def fee_tables(draw: st.DrawFn, version: str) -> TableData:
    return table(version, "fee", {("processing_fee", "notices"): draw(_count),
                                  ("processing_fee", "billed"): draw(_money),
                                  ("processing_fee", "collected"): draw(_money)})


_CHANNELS = (("website", "县政府门户网站"), ("wechat", "“测试发布”微信公众号"), ("weibo", "政务微博"),
             ("notice_board", "政务公开栏"), ("service_platform", "便民服务平台"))


@st.composite
def proactives(draw: st.DrawFn) -> Proactive:
    """A stated total equal to the sum of non-overlapping channel figures (overlap no or unknown)."""
    n = draw(st.integers(1, len(_CHANNELS)))
    values = [draw(st.integers(0, 500)) for _ in range(n)]
    overlap = draw(st.sampled_from([False, None]))
    return proactive(sum(values), [(c, label, v) for (c, label), v in zip(_CHANNELS, values, strict=False)],
                     overlap=overlap)


@st.composite
def reports(draw: st.DrawFn, version: str | None = None, agency_id: str = "t-001") -> Report:
    """A valid report of a year whose format is ``version`` (drawn when None): no rule finds anything."""
    version = version or draw(st.sampled_from(("2019", "2021")))
    lo, hi = YEARS[version]
    year = draw(st.integers(lo, hi))
    tables = (*draw(t2_tables(version)), draw(t3_tables(version)), draw(t4_tables(version)))
    if draw(st.booleans()):
        tables = (*tables, draw(fee_tables(version)))
    kind = draw(st.sampled_from(("department", "government", "other")))
    published = None
    if draw(st.booleans()):
        last = 31 if kind == "department" else 90
        published = dt.date(year + 1, 1, 1) + dt.timedelta(days=draw(st.integers(0, last - 1)))
    return report(year, tables, ag=agency(agency_id, f"测试机关{agency_id}", kind), published=published,
                  proactive=draw(proactives()))


def total_cells(version: str) -> list[tuple[str, str, str]]:
    """(table, row, column) of every total a rule checks: Table 3 总计 column and （七）总计 row, Table 4 总计."""
    spec = table_spec(version, "t3")
    out = [("t3", r.id, "total") for r in spec.data_rows]
    out += [("t3", "results_total", c) for c in T3_APPLICANTS]
    out += [("t4", "value", f"{route}_total") for route in T4_ROUTES]
    return out


def part_cells(version: str) -> list[tuple[str, str, str]]:
    """(table, row, column) of every part: Table 3 cells outside the totals, Table 4 outcomes."""
    spec = table_spec(version, "t3")
    totals = set(total_cells(version))
    out = [("t3", r.id, c.id) for r in spec.data_rows for c in spec.data_columns if ("t3", r.id, c.id) not in totals]
    out += [("t4", "value", f"{route}_{o}") for route in T4_ROUTES for o in T4_OUTCOMES]
    return out


def replace_cell(rep: Report, table_id: str, row: str, column: str, value: object) -> Report:
    """The report with one cell of one table replaced (the table must exist)."""
    import dataclasses

    new_tables = []
    for t in rep.tables:
        if t.spec.id == table_id:
            cells = dict(t.cells)
            cells[(row, column)] = figure(value)
            t = TableData(t.spec, cells, t.notes)
        new_tables.append(t)
    return dataclasses.replace(rep, tables=tuple(new_tables))


def value_of(rep: Report, table_id: str, row: str, column: str) -> Figure:
    return rep.table(table_id).get(row, column)


__all__ = ["agency", "fee_tables", "figure", "part_cells", "proactive", "proactives", "replace_cell",
           "report", "reports", "t2_tables", "t3_cells", "t3_tables", "t4_cells", "t4_tables", "table",
           "total_cells", "value_of"]
