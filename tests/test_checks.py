"""The checking engine: each rule passes on consistent figures and catches the inconsistent ones."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import govreport
from govreport.checks import FINDING_COLUMNS, SUMMARY_COLUMNS, check_report, run
from govreport.checks.rules import RULE_BY_ID, RULES
from govreport.cli import main
from govreport.core.errors import NotFoundError, ParameterError
from govreport.core.model import Report
from govreport.render.display import findings_html
from govreport.store.update import add_reports
from tests.conftest import REPO, SEED_AGENCY, SEED_AGENCY_ID, SEED_YEAR
from tests.strategies import (
    agency,
    part_cells,
    proactive,
    replace_cell,
    report,
    reports,
    t3_cells,
    t4_cells,
    table,
    total_cells,
    value_of,
)

D = dt.date

# ----------------------------------------------------------------------------------------- fixtures

T3_OUTCOMES = {"granted": {"natural_person": 3, "commercial": 1}, "partial": {"natural_person": 1},
               "np_repeat": {"natural_person": 1}}
T4_PARTS = {"review": {"maintained": 1, "corrected": 1}, "direct": {"pending": 1}}


def t3(version: str = "2021", **changes: object):
    """A consistent Table 3 (自然人: 新收 5, 上年结转 1, 办理 5, 结转 1; 商业企业: 1 / 0 / 1 / 0), then
    ``changes`` as row__column=value."""
    cells = t3_cells(version, T3_OUTCOMES, {"natural_person": 1}, {"natural_person": 1})
    for key, v in changes.items():
        r, c = key.split("__")
        cells[(r, c)] = v
    return table(version, "t3", cells)


def t4(version: str = "2021", **changes: object):
    cells = t4_cells(T4_PARTS)
    for key, v in changes.items():
        cells[("value", key)] = v
    return table(version, "t4", cells)


def t2_2021(**changes: object):
    a: dict[tuple[str, str], object] = {("regulations", c): "不适用" for c in ("issued", "repealed", "in_force")}
    a |= {("normative_docs", "issued"): 2, ("normative_docs", "repealed"): 1, ("normative_docs", "in_force"): 10}
    out = {"t2a": a, "t2b": {("licensing", "decisions"): 100},
           "t2c": {("penalty", "decisions"): 5, ("coercion", "decisions"): 0},
           "t2d": {("admin_fees", "amount"): 12.5}}
    for key, v in changes.items():
        t, r, c = key.split("__")
        out[t][(r, c)] = v
    return tuple(table("2021", t, cells) for t, cells in out.items())


def t2_2019(**changes: object):
    out = {
        "t2a": {("normative_docs", "new_made"): 2, ("normative_docs", "new_published"): 2,
                ("normative_docs", "total_published"): 10},
        "t2b": {("licensing", "prev_items"): 20, ("licensing", "delta_items"): -2, ("licensing", "decisions"): 50},
        "t2c": {("penalty", "prev_items"): 5, ("penalty", "delta_items"): 0, ("penalty", "decisions"): 7},
        "t2d": {("admin_fees", "prev_items"): 3, ("admin_fees", "delta_items"): 1},
        "t2e": {("central_procurement", "projects"): 4, ("central_procurement", "amount"): 52.15},
    }
    for key, v in changes.items():
        t, r, c = key.split("__")
        out[t][(r, c)] = v
    return tuple(table("2019", t, cells) for t, cells in out.items())


CHANNELS = [("website", "县政府门户网站", 58), ("service_platform", "“三务公开”等各便民服务平台", 303),
            ("wechat", "微信公众号", 22), ("notice_board", "线下各类公开栏", 35)]


def valid(year: int = 2021, *, ag_id: str = "t-001", name: str = "测试县测试局", kind: str = "department",
          t3_table=None, t4_table=None, t2=None, **kw) -> Report:
    version = "2019" if year <= 2020 else "2021"
    t2 = t2 if t2 is not None else (t2_2019() if version == "2019" else t2_2021())
    tables = (*t2, t3_table if t3_table is not None else t3(version), t4_table if t4_table is not None else t4(version))
    kw.setdefault("proactive", proactive(418, CHANNELS, overlap=False))
    kw.setdefault("published", D(year + 1, 1, 20))
    return report(year, tables, ag=agency(ag_id, name, kind), **kw)


def load(tmp_path: Path, reps: list[Report], name: str = "ds") -> govreport.Dataset:
    root = tmp_path / name
    add_reports(root, reps)
    return govreport.load(root, use_cache=False)


def check(tmp_path: Path, *reps: Report, **kw):
    return run(load(tmp_path, list(reps)), **kw)


def only(result, rule: str) -> pd.DataFrame:
    return result.findings[result.findings["rule"] == rule].reset_index(drop=True)


def summary(result, rule: str) -> dict:
    return result.summary.set_index("rule").loc[rule].to_dict()


# ----------------------------------------------------------------------------------------- valid reports

ALWAYS_EVALUATED_2021 = ("R1", "R2", "R3", "R4", "R6", "R7", "R8", "R9", "T1", "C1", "C3", "P1", "P4",
                         "F1", "F2", "F3", "F4", "F5", "D1", "D2")


@pytest.mark.parametrize("year", [2019, 2020, 2021, 2023])
def test_valid_report_has_no_finding(tmp_path, year):
    result = check(tmp_path, valid(year))
    assert result.findings.empty, result.to_text()
    assert result.ok and result.errors == 0 and result.warnings == 0
    s = result.summary.set_index("rule")
    for rid in ALWAYS_EVALUATED_2021:
        assert s.loc[rid, "evaluated"] > 0 and s.loc[rid, "failed"] == 0, rid
    if year <= 2020:
        assert s.loc["R12b", "passed"] > 0


def test_summary_counts_add_up(tmp_path):
    result = check(tmp_path, valid(2021), valid(2021, ag_id="t-002", name="测试县另一局",
                                                t3_table=t3(granted__total=99)))
    s = result.summary
    assert list(s.columns) == list(SUMMARY_COLUMNS)
    assert (s["evaluated"] == s["passed"] + s["failed"] + s["not_assessable"]).all()
    per_rule = result.findings.groupby("rule").size()
    for rid, n in per_rule.items():
        assert summary(result, rid)["failed"] == n


# ----------------------------------------------------------------------------------------- Table 3


def test_r1_balance_per_column(tmp_path):
    # 结转下年度 +1 in 自然人 and in 总计: every row still adds up (R3), the balance does not
    result = check(tmp_path, valid(t3_table=t3(carried_forward__natural_person=2, carried_forward__total=2)))
    f = only(result, "R1")
    assert set(f["column"]) == {"natural_person", "total"}
    row = f[f["column"] == "natural_person"].iloc[0]
    assert row["place"] == "表三 “（七）总计” 行 “自然人” 列"
    assert row["severity"] == "error" and row["expected"] == "6" and row["found"] == "7"
    assert row["message"] == ("一、本年新收 5 + 二、上年结转 1 = 6，但（七）总计 5 + 四、结转下年度继续办理 2 = 7，"
                              "相差 1。")
    assert row["file"].endswith("cells.csv") and row["line"] > 1
    assert set(result.findings["rule"]) == {"R1"}


def test_r1_blank_operand_is_not_assessable(tmp_path):
    result = check(tmp_path, valid(t3_table=t3(carried_over__natural_person=None)))
    assert only(result, "R1").empty
    assert summary(result, "R1")["not_assessable"] == 1
    # the blank is not read as 0: R3 on that row is not assessable either, and no rule reports it
    assert result.errors == 0


def test_r2_partial_cannot_exceed_total_even_when_other_outcomes_are_blank(tmp_path):
    cells = {("results_total", "natural_person"): 3, ("partial", "natural_person"): 5}
    result = check(tmp_path, valid(t3_table=table("2021", "t3", cells)))
    f = only(result, "R2")
    assert len(f) == 1
    assert f.loc[0, "place"] == "表三 “（七）总计” 行 “自然人” 列"
    assert f.loc[0, "expected"] == "不超过 3" and f.loc[0, "found"] == "5"
    assert "区分处理" in f.loc[0, "message"]
    assert only(result, "R4").empty  # the other outcomes are blank: R4 cannot say anything
    passing = check(tmp_path / "ok", valid(t3_table=table("2021", "t3", {
        ("results_total", "natural_person"): 6, ("partial", "natural_person"): 5, ("granted", "natural_person"): 1})))
    assert only(passing, "R2").empty and summary(passing, "R2")["passed"] == 1


def test_r3_row_total(tmp_path):
    result = check(tmp_path, valid(t3_table=t3(granted__total=5, results_total__total=7, new_received__total=8)))
    # granted: parts 3 + 1 = 4 but 总计 5; the 总计 column is also off for R4 and R1, which is right
    f = only(result, "R3")
    granted = f[f["row"] == "granted"].iloc[0]
    assert granted["place"] == "表三 “（一）予以公开” 行 “总计” 列"
    assert granted["message"].startswith("自然人 3 + 商业企业 1")
    assert granted["expected"] == "4" and granted["found"] == "5"


def test_r3_only_row_total_wrong(tmp_path):
    result = check(tmp_path, valid(t3_table=t3(np_repeat__total=2, np_repeat__commercial=0)))
    assert set(result.findings["rule"]) == {"R3", "R4"}


def test_not_applicable_contributes_nothing(tmp_path):
    # 商业企业 is 不适用 on the 予以公开 row: the 总计 of that row is the 自然人 figure alone
    cells = t3_cells("2021", {"granted": {"natural_person": 3, "commercial": "不适用"}}, {}, {})
    result = check(tmp_path, valid(t3_table=table("2021", "t3", cells)))
    assert result.findings.empty, result.to_text()
    assert summary(result, "R3")["passed"] == 25


def test_not_applicable_total_with_parts_is_a_finding(tmp_path):
    result = check(tmp_path, valid(t3_table=t3(granted__total="不适用")))
    f = only(result, "R3")
    assert len(f) == 1 and f.loc[0, "found"] == "不适用" and f.loc[0, "expected"] == "4"
    assert "总计 不适用" in f.loc[0, "message"]


def test_r4_results_total(tmp_path):
    # one more 予以公开 in 自然人 (row total kept consistent): only the results do not add up
    result = check(tmp_path, valid(t3_table=t3(granted__natural_person=4, granted__total=5)))
    assert set(result.findings["rule"]) == {"R4"}
    f = only(result, "R4")
    assert set(f["column"]) == {"natural_person", "total"}
    row = f[f["column"] == "natural_person"].iloc[0]
    assert row["place"] == "表三 “（七）总计” 行 “自然人” 列"
    assert "（一）予以公开 4" in row["message"] and "其余各项为 0" in row["message"]
    assert row["expected"] == "6" and row["found"] == "5"


def test_r4_2019_uses_the_single_other_handling_row(tmp_path):
    ok = check(tmp_path, valid(2020, t3_table=table("2019", "t3", t3_cells(
        "2019", {"other_handling": {"natural_person": 2}}, {}, {}))))
    assert ok.findings.empty, ok.to_text()
    bad = check(tmp_path / "b", valid(2020, t3_table=t3("2019", other_handling__natural_person=3,
                                                         other_handling__total=3)))
    assert set(bad.findings["rule"]) == {"R4"}


def test_r5_no_data_in_subtotal_rows(tmp_path):
    result = check(tmp_path, valid(t3_table=t3(denied__natural_person=0, denied__total=4)))
    f = only(result, "R5")
    assert set(f["column"]) == {"natural_person", "total"}
    assert f.loc[0, "place"] == "表三 “（三）不予公开” 行 “自然人” 列"
    assert "不应填报" in f.loc[0, "message"]
    # the 2019 （六）其他处理 is a data row, not a group
    ok = check(tmp_path / "ok", valid(2020))
    assert only(ok, "R5").empty


def test_r13_no_data_in_group_headers(tmp_path):
    result = check(tmp_path, valid(t3_table=t3(new_received__legal_or_org=1),
                                   t4_table=t4(litigation=0)))
    f = only(result, "R13")
    assert set(zip(f["table"], f["column"], strict=True)) == {("t3", "legal_or_org"), ("t4", "litigation")}
    assert "表三 “一、本年新收” 行 “法人或其他组织” 列" in set(f["place"])
    # a blank cell written for a group header is fine
    ok = check(tmp_path / "ok", valid(t3_table=t3(new_received__legal_or_org=None)))
    assert only(ok, "R13").empty and summary(ok, "R13")["passed"] == 1


# ----------------------------------------------------------------------------------------- Table 4


@pytest.mark.parametrize(("rid", "route", "label"), [("R6", "review", "行政复议"), ("R7", "direct", "未经复议直接起诉"),
                                                     ("R8", "after_review", "复议后起诉")])
def test_t4_route_totals(tmp_path, rid, route, label):
    result = check(tmp_path, valid(t4_table=t4(**{f"{route}_total": 9})))
    assert set(result.findings["rule"]) == {rid}
    f = only(result, rid)
    assert f.loc[0, "found"] == "9" and f.loc[0, "column"] == f"{route}_total"
    assert label in f.loc[0, "place"] and f.loc[0, "place"].startswith("表四")


# ----------------------------------------------------------------------------------------- R9 value types


def test_r9_counts_signed_and_decimals(tmp_path):
    ok = check(tmp_path, valid(2020, t2=t2_2019(t2b__licensing__delta_items=-8, t2e__central_procurement__amount=0.5)))
    assert only(ok, "R9").empty
    bad = check(tmp_path / "b", valid(2021, t2=t2_2021(t2b__licensing__decisions=2.5, t2c__penalty__decisions=-1,
                                                        t2d__admin_fees__amount=-3.25)))
    f = only(bad, "R9")
    got = {(r.table, r.row, r.column): (r.expected, r.found) for r in f.itertuples()}
    assert got == {("t2b", "licensing", "decisions"): ("非负整数", "2.5"),
                   ("t2c", "penalty", "decisions"): ("非负整数", "-1"),
                   ("t2d", "admin_fees", "amount"): ("非负数", "-3.25")}
    assert all(ln > 1 for ln in f["line"])


def test_r9_tolerance(tmp_path):
    ok = check(tmp_path, valid(t2=t2_2021(t2b__licensing__decisions=100.0000000001)))
    assert only(ok, "R9").empty


# ----------------------------------------------------------------------------------------- cross-year


def test_r10_carry_over_continuity_across_format_change(tmp_path):
    y2020 = valid(2020)  # 2019 tables: 结转下年度 自然人 1
    ok = check(tmp_path, y2020, valid(2021))
    assert ok.findings.empty and summary(ok, "R10")["passed"] == 7
    # 2021 says 上年结转 2 (and 新收 one less so that the year itself balances): only R10 notices
    bad = valid(2021, t3_table=t3(carried_over__natural_person=2, carried_over__total=2,
                                  new_received__natural_person=4, new_received__total=5))
    result = check(tmp_path / "b", y2020, bad)
    assert set(result.findings["rule"]) == {"R10"}
    f = only(result, "R10")
    assert set(f["column"]) == {"natural_person", "total"} and (f["year"] == 2021).all()
    assert f.loc[0, "severity"] == "warning"
    assert f.loc[0, "place"] == "表三 “二、上年结转” 行 “自然人” 列"
    assert "上年（2020年）四、结转下年度继续办理 1" in f.loc[0, "message"]


def test_cross_year_needs_the_previous_year(tmp_path):
    result = check(tmp_path, valid(2021))
    assert summary(result, "R10")["evaluated"] == 0


def test_cross_year_reads_the_previous_year_even_when_not_selected(tmp_path):
    bad = valid(2021, t3_table=t3(carried_over__natural_person=2, carried_over__total=2,
                                  new_received__natural_person=4, new_received__total=5))
    ds = load(tmp_path, [valid(2020), bad])
    result = run(ds, years=[2021])
    assert len(result.reports) == 1 and set(result.findings["rule"]) == {"R10"}


def test_r11_documents_in_force(tmp_path):
    y1 = valid(2021)  # 行政规范性文件: 现行有效 10
    ok = valid(2022, t2=t2_2021(t2a__normative_docs__in_force=11))  # 10 + 2 − 1
    assert check(tmp_path, y1, ok).findings.empty
    bad = valid(2022, t2=t2_2021(t2a__normative_docs__in_force=15))
    result = check(tmp_path / "b", y1, bad)
    f = only(result, "R11")
    assert len(f) == 1 and f.loc[0, "severity"] == "warning"
    assert f.loc[0, "expected"] == "11" and f.loc[0, "found"] == "15"
    assert f.loc[0, "message"] == ("上年（2021年）现行有效件数 10 + 本年制发件数 2 − 本年废止件数 1 = 11，"
                                   "但现行有效件数 15，相差 4。")
    assert set(result.findings["rule"]) == {"R11"}


def test_r12_items_2019_format(tmp_path):
    y1 = valid(2019)  # 行政许可: 上一年项目数量 20, 本年增/减 −2; 行政事业性收费: 3, +1
    ok = valid(2020, t2=t2_2019(t2b__licensing__prev_items=18, t2d__admin_fees__prev_items=4))
    assert check(tmp_path, y1, ok).findings.empty
    bad = valid(2020, t2=t2_2019(t2d__admin_fees__prev_items=4))  # 行政许可 still 20
    f = only(check(tmp_path / "b", y1, bad), "R12")
    assert len(f) == 1 and f.loc[0, "expected"] == "18" and f.loc[0, "found"] == "20"
    assert f.loc[0, "place"] == "表二（第二十条第（五）项） “行政许可” 行 “上一年项目数量” 列"


def test_r12b_published_not_above_total(tmp_path):
    result = check(tmp_path, valid(2020, t2=t2_2019(t2a__normative_docs__new_published=12)))
    f = only(result, "R12b")
    assert len(f) == 1 and f.loc[0, "severity"] == "warning" and f.loc[0, "found"] == "12"
    assert set(result.findings["rule"]) == {"R12b"}


# ----------------------------------------------------------------------------------------- totals present


def test_t1_blank_total_with_parts(tmp_path):
    result = check(tmp_path, valid(t3_table=t3(granted__total=None), t4_table=t4(review_total=None)))
    f = only(result, "T1")
    places = set(zip(f["table"], f["row"], f["column"], strict=True))
    assert places == {("t3", "granted", "total"), ("t4", "value", "review_total")}
    row = f[f["table"] == "t3"].iloc[0]
    assert row["expected"] == "4" and row["found"] == "空白" and row["severity"] == "warning"
    assert "自然人 3、商业企业 1" in row["message"]
    assert only(result, "R3").empty  # the blank total makes R3 not assessable, T1 reports it


def test_t1_absent_total_row_points_at_a_part(tmp_path):
    cells = {k: v for k, v in t3_cells("2021", T3_OUTCOMES, {}, {}).items() if k != ("granted", "total")}
    result = check(tmp_path, valid(t3_table=table("2021", "t3", cells)))
    f = only(result, "T1")
    assert len(f) == 1 and f.loc[0, "file"].endswith("cells.csv") and f.loc[0, "line"] > 1


# ----------------------------------------------------------------------------------------- channels


def test_c1_channel_sum_exact(tmp_path):
    bad = valid(proactive=proactive(420, CHANNELS, overlap=False))
    f = only(check(tmp_path, bad), "C1")
    assert len(f) == 1 and f.loc[0, "severity"] == "error"
    assert f.loc[0, "expected"] == "420" and f.loc[0, "found"] == "418"
    assert "县政府门户网站 58 + “三务公开”等各便民服务平台 303" in f.loc[0, "message"]
    assert f.loc[0, "file"].endswith("reports.csv")


@pytest.mark.parametrize(("total", "values", "quals", "total_q", "fails"), [
    (418, [58, 300, 22, 35], {1: "余"}, "", False),  # 300余: the sum is at least 415
    (418, [58, 400, 22, 35], {1: "余"}, "", True),  # at least 515 > 418
    (418, [58, 310, 22, 35], {1: "近"}, "", False),  # 近310: at most 425
    (418, [58, 300, 22, 35], {1: "近"}, "", True),  # at most 415 < 418
    (418, [58, 303, 22, 33], {3: "约"}, "", False),  # 约33 (±10 %)
    (400, [58, 303, 22, 35], {}, "余", False),  # 400余 total
    (400, [58, 303, 22, 35], {}, "约", False),  # 418 lies within 约400 (360–440)
    (370, [58, 303, 22, 35], {}, "约", True),  # 约370 is at most 407 < 418
])
def test_c1_qualifiers(tmp_path, total, values, quals, total_q, fails):
    chans = [(c, label, v) for (c, label, _), v in zip(CHANNELS, values, strict=True)]
    rep = valid(proactive=proactive(total, chans, overlap=False, qualifiers=quals, total_qualifier=total_q))
    f = only(check(tmp_path, rep), "C1")
    assert (len(f) == 1) is fails, f.to_dict("records")


def test_c2_overlap_unknown_or_yes(tmp_path):
    unknown = valid(proactive=proactive(420, CHANNELS, overlap=None))
    r = check(tmp_path, unknown)
    assert only(r, "C1").empty and len(only(r, "C2")) == 1
    assert only(r, "C2").loc[0, "severity"] == "warning" and "未说明" in only(r, "C2").loc[0, "message"]
    # overlapping channels may add up to more than the total ...
    more = valid(proactive=proactive(300, CHANNELS, overlap=True))
    r = check(tmp_path / "m", more)
    assert r.findings.empty and summary(r, "C2")["passed"] == 1
    # ... but not to less
    less = valid(proactive=proactive(500, CHANNELS, overlap=True))
    assert len(only(check(tmp_path / "l", less), "C2")) == 1


def test_channels_with_audience_units_stay_out_of_the_sum(tmp_path):
    chans = [*CHANNELS, ("wechat", "公众号关注人数", 12000)]
    rep = valid(proactive=proactive(418, chans, overlap=False, units={4: "人次"}))
    assert check(tmp_path, rep).findings.empty
    # with a channel left out, a sum below the total proves nothing ...
    less = valid(proactive=proactive(500, chans, overlap=False, units={4: "人次"}))
    r = check(tmp_path / "l", less)
    assert only(r, "C1").empty and summary(r, "C1")["not_assessable"] == 1
    # ... but a sum above it still does
    above = valid(proactive=proactive(400, chans, overlap=False, units={4: "人次"}))
    f = only(check(tmp_path / "a", above), "C1")
    assert len(f) == 1 and "公众号关注人数" in f.loc[0, "message"]


def test_blank_channel_figure_is_not_assessable(tmp_path):
    chans = [*CHANNELS[:3], ("notice_board", "线下各类公开栏", None)]
    r = check(tmp_path, valid(proactive=proactive(500, chans, overlap=False)))
    assert only(r, "C1").empty and summary(r, "C1")["not_assessable"] == 1


def test_c3_negative_channel(tmp_path):
    chans = [*CHANNELS[:3], ("notice_board", "线下各类公开栏", -35)]
    r = check(tmp_path, valid(proactive=proactive(348, chans, overlap=False)))
    f = only(r, "C3")
    assert len(f) == 1 and f.loc[0, "channel_seq"] == 4 and f.loc[0, "file"].endswith("channels.csv")
    assert "线下各类公开栏" in f.loc[0, "place"]


def test_m1_implausibly_large_figures_are_warnings_naming_the_cell(tmp_path):
    rep = replace_cell(valid(), "t3", "new_received", "natural_person", 1_000_000_000)
    r = check(tmp_path, rep)
    f = only(r, "M1")
    assert len(f) == 1 and f.loc[0, "severity"] == "warning" and f.loc[0, "table"] == "t3"
    assert f.loc[0, "file"].endswith("cells.csv") and f.loc[0, "line"] > 1
    assert "一、本年新收" in f.loc[0, "place"] and "1000000000" in f.loc[0, "message"]
    assert summary(r, "M1")["failed"] == 1 and summary(r, "M1")["passed"] > 100
    big = valid(proactive=proactive(200_000_000, CHANNELS, overlap=True))
    f = only(check(tmp_path / "b", big), "M1")
    assert len(f) == 1 and f.loc[0, "place"] == "主动公开 总数" and f.loc[0, "file"].endswith("reports.csv")
    assert only(check(tmp_path / "c", replace_cell(valid(), "t3", "new_received", "natural_person", 999_999)),
                "M1").empty


# ----------------------------------------------------------------------------------------- dates


def test_p1_period_outside_the_year(tmp_path):
    r = check(tmp_path, valid(2020, period=(D(2019, 12, 1), D(2020, 11, 30))))
    f = only(r, "P1")
    assert len(f) == 1 and f.loc[0, "severity"] == "error" and f.loc[0, "place"] == "统计期限"
    assert "2019年12月1日至2020年11月30日" in f.loc[0, "message"]
    shorter = check(tmp_path / "s", valid(2020, period=(D(2020, 3, 1), D(2020, 12, 31))))
    assert only(shorter, "P1").empty
    reversed_ = check(tmp_path / "r", valid(2020, period=(D(2020, 12, 31), D(2020, 1, 1))))
    assert len(only(reversed_, "P1")) == 1


def test_p2_cutoff_before_period_end(tmp_path):
    r = check(tmp_path, valid(2020, cutoff=D(2020, 12, 28)))
    f = only(r, "P2")
    assert len(f) == 1 and f.loc[0, "severity"] == "warning"
    assert f.loc[0, "expected"] == "2020年12月31日" and f.loc[0, "found"] == "2020年12月28日"
    assert set(r.findings["rule"]) == {"P2"}
    assert only(check(tmp_path / "ok", valid(2020, cutoff=D(2020, 12, 31))), "P2").empty


def test_p3_cutoff_after_period_end(tmp_path):
    r = check(tmp_path, valid(2020, cutoff=D(2021, 1, 5)))
    assert set(r.findings["rule"]) == {"P3"}


def test_p4_no_period(tmp_path):
    r = check(tmp_path, valid(2021, period=(None, None)))
    f = only(r, "P4")
    assert len(f) == 1 and f.loc[0, "severity"] == "info" and r.ok


def test_d1_publication_deadline_by_kind(tmp_path):
    late_dept = check(tmp_path / "a", valid(2020, kind="department", published=D(2021, 2, 15)))
    f = only(late_dept, "D1")
    assert len(f) == 1 and f.loc[0, "expected"] == "不晚于2021年1月31日" and "逾期 15 天" in f.loc[0, "message"]
    gov_ok = check(tmp_path / "b", valid(2020, kind="government", published=D(2021, 3, 31)))
    assert only(gov_ok, "D1").empty and summary(gov_ok, "D1")["passed"] == 1
    gov_late = check(tmp_path / "c", valid(2020, kind="government", published=D(2021, 4, 1)))
    assert len(only(gov_late, "D1")) == 1
    other = check(tmp_path / "d", valid(2020, kind="other", published=D(2021, 6, 1)))
    assert summary(other, "D1")["evaluated"] == 0
    unknown = check(tmp_path / "e", valid(2020, published=None))
    assert summary(unknown, "D1")["evaluated"] == 0


def test_d2_published_before_the_period_ended(tmp_path):
    r = check(tmp_path, valid(2020, published=D(2020, 12, 1)))
    assert set(r.findings["rule"]) == {"D2"}


# ----------------------------------------------------------------------------------------- the text


def _with_sections(r: Report, **bodies: str) -> Report:
    """``r`` with some official parts' text replaced (heading numeral → body; '' empties the part)."""
    out = []
    for s in r.sections:
        key = s.heading.split("、", 1)[0]
        out.append(dataclasses.replace(s, body=bodies[key]) if key in bodies else s)
    return dataclasses.replace(r, sections=tuple(out))


def test_n1_empty_parts_of_a_formatted_report(tmp_path):
    r = check(tmp_path, _with_sections(valid(2021), 一="", 五=""))
    f = only(r, "N1")
    assert list(f["place"]) == ["正文“一、总体情况”", "正文“五、存在的主要问题及改进情况”"]
    assert set(f["severity"]) == {"error"} and not r.ok
    assert f.loc[0, "file"].endswith("narratives/t-001/2021.md") and f.loc[0, "line"] > 0
    assert "没有文字" in f.loc[0, "message"] and "govreport narrative" in f.loc[0, "message"]
    assert summary(r, "N1")["passed"] == 4


def test_n1_parts_with_figures_need_no_text_but_parts_without_do(tmp_path):
    # 三 and 四 show Tables 3 and 4: their text may be empty; 六 has no 信息处理费 figures: it may not
    r = check(tmp_path, _with_sections(valid(2021), 三="", 四="", 六=""))
    assert list(only(r, "N1")["place"]) == ["正文“六、其他需要报告的事项”"]
    assert "本部分也没有填报数字" in only(r, "N1").loc[0, "message"]


def test_n1_formatted_report_without_any_text(tmp_path):
    r = check(tmp_path, report(2021, valid(2021).tables, proactive=proactive(418, CHANNELS), text=False))
    # one finding for the missing text: 二、三、四 hold figures, 一、五、六 need text
    f = only(r, "N1")
    assert len(f) == 1 and f.loc[0, "place"] == "正文" and f.loc[0, "found"] == "缺少"
    assert f.loc[0, "message"].startswith(
        "报告没有正文：缺少“一、总体情况”、“五、存在的主要问题及改进情况”、“六、其他需要报告的事项”部分")
    assert f.loc[0, "file"].endswith("narratives/t-001/2021.md")
    assert summary(r, "N1")["failed"] == 1 and summary(r, "N2")["not_assessable"] == 1


def test_n1_narrative_only_report_without_text_and_no_zero_parts(tmp_path):
    from govreport.render.document import default_opening

    bare = report(2018, (), proactive=proactive(418, CHANNELS), text=False)
    r = check(tmp_path, bare)
    f = only(r, "N1")
    assert len(f) == 1 and f.loc[0, "place"] == "正文" and f.loc[0, "severity"] == "error"
    opening = default_opening(bare, [])
    assert "0部分" not in opening and "部分组成" not in opening
    assert only(check(tmp_path / "b", report(2018, (), proactive=proactive(418, CHANNELS))), "N1").empty


def test_n1_n2_n3_not_assessable_without_the_text(tmp_path):
    bare = report(2021, valid(2021).tables, proactive=proactive(418, CHANNELS), text=False)
    r = check_report(bare)  # a report checked on its own, its text unknown
    for rule in ("N1", "N2", "N3"):
        assert summary(r, rule)["failed"] == 0 and summary(r, rule)["not_assessable"] == 1
    assert len(only(check_report(bare, text=True), "N1")) == 1


def test_n2_text_contradicts_table_three_and_the_total(tmp_path):
    good = valid(2021)
    t3_text = next(s.body for s in good.sections if s.heading.startswith("三"))
    assert "新收到政府信息公开申请" in t3_text
    new = good.figure("t3", "new_received", "total").value
    pro = next(s.body for s in good.sections if s.heading.startswith("二"))
    bad = _with_sections(good, 三=t3_text.replace(f"申请{new:g}件", f"申请{new - 1:g}件", 1),
                         二=pro.replace("418条", "420条", 1))
    r = check(tmp_path, bad)
    f = only(r, "N2")
    assert len(f) == 2 and set(f["severity"]) == {"error"}
    total = f[f["table"] == ""].iloc[0]
    assert total["expected"] == "418" and total["found"] == "420" and "reports.csv 第 2 行" in total["message"]
    cell = f[f["table"] == "t3"].iloc[0]
    # both places: the text (file, line, sentence) and the table (its place in the report, its line in cells.csv)
    assert cell["place"] == "表三 “一、本年新收” 行 “总计” 列（正文与表格）"
    assert cell["file"].endswith("2021.md") and f"正文第 {cell['line']} 行" in cell["message"]
    assert "cells.csv 第" in cell["message"] and cell["expected"] == f"{new:g}" and cell["found"] == f"{new - 1:g}"
    assert (cell["row"], cell["column"]) == ("new_received", "total")
    assert summary(r, "N2")["passed"] > 5
    assert only(check(tmp_path / "ok", good), "N2").empty


def test_n3_draft_mark_left_in(tmp_path):
    from govreport.core.report_text import DRAFT_MARK

    r = check(tmp_path, _with_sections(valid(2021), 五=f"{DRAFT_MARK}\n\n上年的问题与改进。"))
    f = only(r, "N3")
    assert len(f) == 1 and f.loc[0, "place"] == "正文“五、存在的主要问题及改进情况”部分"
    assert DRAFT_MARK in f.loc[0, "message"] and f.loc[0, "severity"] == "error"


# ----------------------------------------------------------------------------------------- formats


def test_f1_narrative_only_when_tables_applied(tmp_path):
    r = check(tmp_path, report(2021, (), proactive=proactive(418, CHANNELS)))
    f = only(r, "F1")
    assert len(f) == 1 and f.loc[0, "severity"] == "warning" and "国办公开办函〔2021〕30号" in f.loc[0, "message"]
    before = check(tmp_path / "b", report(2018, (), proactive=proactive(418, CHANNELS)))
    assert only(before, "F1").empty


def test_f2_outdated_tables_hybrid(tmp_path):
    hybrid = valid(2022, t3_table=t3("2019"), t4_table=t4("2019"), fmt="hybrid")
    r = check(tmp_path, hybrid)
    f = only(r, "F2")
    assert len(f) == 1 and f.loc[0, "place"] == "表三、表四（2019年试行格式）"
    assert set(r.findings["rule"]) == {"F2"}
    # both versions' figures were read: the 2019 Table 3 and the 2021 Table 2 are checked in full
    assert summary(r, "R3")["passed"] == 23 and summary(r, "R4")["passed"] == 7
    assert summary(r, "R9")["passed"] == 23 * 7 + 15 + 6 + 1 + 2 + 1


def test_f3_premature_tables(tmp_path):
    r = check(tmp_path, report(2020, (t3("2021"),)))
    assert set(r.findings["rule"]) == {"F3"} and not r.ok


def test_f4_declared_format_contradicts_cells(tmp_path):
    r = check(tmp_path, valid(2021, fmt="2019"))
    assert "F4" in set(r.findings["rule"])
    f = only(r, "F4")
    assert "cells.csv" in f.loc[0, "message"] and "hybrid" in f.loc[0, "message"]


def test_f5_declared_hybrid_with_one_version(tmp_path):
    r = check(tmp_path, valid(2021, fmt="hybrid"))
    assert set(r.findings["rule"]) == {"F5"}
    no_tables = check(tmp_path / "n", report(2021, (), fmt="2021", proactive=proactive(418, CHANNELS)))
    assert set(no_tables.findings["rule"]) == {"F5"}


# ----------------------------------------------------------------------------------------- the seed


def test_seed_gets_the_cutoff_warning_and_no_error(seed_dir):
    result = run(govreport.load(seed_dir, use_cache=False))
    assert result.ok and result.errors == 0
    p2 = only(result, "P2")
    assert len(p2) == 1
    row = p2.iloc[0]
    assert (row["agency_id"], row["agency"], row["year"]) == (SEED_AGENCY_ID, SEED_AGENCY, SEED_YEAR)
    assert row["severity"] == "warning"
    assert row["expected"] == "2020年12月31日" and row["found"] == "2020年12月28日"
    assert row["file"] == str(seed_dir / "reports.csv") and row["line"] == 2
    # the only other finding: a narrative-only report in a year the 2019 tables applied
    kinds = set(zip(result.findings["rule"], result.findings["severity"], strict=True))
    assert kinds == {("P2", "warning"), ("F1", "warning")}
    # 418 = 58 + 303 + 22 + 35 holds
    assert summary(result, "C1")["passed"] == 1


def test_cli_check_seed(seed_dir, capsys):
    assert main(["check", str(seed_dir)]) == 0
    out = capsys.readouterr().out
    assert "五原县民政局" in out and "P2" in out and "数据统计截止于2020年12月28日" in out
    assert "[错误]" not in out
    assert out.strip().splitlines()[-1].startswith("共检查 1 份年度报告")


def test_cli_check_default_data_subprocess(seed_dir):
    proc = subprocess.run([sys.executable, "-m", "govreport", "check"], cwd=seed_dir.parent, capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "P2" in proc.stdout and "错误 0 条" in proc.stdout


# ----------------------------------------------------------------------------------------- CLI


def test_cli_exit_1_on_error(tmp_path, capsys):
    root = tmp_path / "ds"
    add_reports(root, [valid(t4_table=t4(review_total=9))])
    assert main(["check", str(root)]) == 1
    out = capsys.readouterr().out
    assert "[错误] R6" in out and "测试县测试局（t-001）2021 年度" in out


def test_cli_exit_0_with_warnings_only(tmp_path, capsys):
    root = tmp_path / "ds"
    add_reports(root, [valid(cutoff=D(2021, 12, 20))])
    assert main(["check", str(root)]) == 0
    assert "[警告] P2" in capsys.readouterr().out


def test_cli_json_shape(tmp_path, capsys):
    root = tmp_path / "ds"
    add_reports(root, [valid(t4_table=t4(review_total=9)), valid(2021, ag_id="t-002", name="测试县另一局")])
    assert main(["check", str(root), "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) == {"reports", "errors", "warnings", "infos", "ok", "findings", "summary"}
    assert doc["reports"] == 2 and doc["errors"] == 1 and doc["ok"] is False
    assert [list(f) for f in doc["findings"]] == [list(FINDING_COLUMNS)]
    f = doc["findings"][0]
    assert f["rule"] == "R6" and isinstance(f["line"], int) and f["channel_seq"] is None and f["year"] == 2021
    assert {s["rule"] for s in doc["summary"]} == set(RULE_BY_ID)
    assert all(list(s) == list(SUMMARY_COLUMNS) for s in doc["summary"])


def test_cli_filters(tmp_path, capsys):
    root = tmp_path / "ds"
    add_reports(root, [valid(t4_table=t4(review_total=9)), valid(2021, ag_id="t-002", name="测试县另一局")])
    assert main(["check", str(root), "--agency", "测试县另一局", "--year", "2021", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["reports"] == 1 and doc["findings"] == []
    assert main(["check", str(root), "--rule", "R6", "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert [s["rule"] for s in doc["summary"]] == ["R6"]


@pytest.mark.parametrize("args", [["--agency", "不存在的机关"], ["--year", "1999"], ["--rule", "R99"]])
def test_cli_user_mistakes_exit_2_without_traceback(seed_dir, capsys, args):
    assert main(["check", str(seed_dir), *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("govreport：错误：") and "Traceback" not in err


def test_cli_bad_dataset_exit_2(tmp_path, capsys):
    assert main(["check", str(tmp_path / "missing")]) == 2
    root = tmp_path / "bad"
    add_reports(root, [valid()])
    text = (root / "cells.csv").read_text(encoding="utf-8").splitlines()
    text[3] = text[3].rsplit(",", 2)[0] + ",abc,"  # a value that is not a figure
    (root / "cells.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    assert main(["check", str(root)]) == 2
    err = capsys.readouterr().err
    assert "cells.csv" in err and "第 4 行" in err and "Traceback" not in err


# ----------------------------------------------------------------------------------------- result object


def test_for_report_and_counts(tmp_path):
    ds = load(tmp_path, [valid(t4_table=t4(review_total=9)), valid(2021, ag_id="t-002", name="测试县另一局")])
    result = run(ds)
    one = result.for_report("t-001", 2021)
    assert len(one.reports) == 1 and list(one.findings["rule"]) == ["R6"]
    assert summary(one, "R6") == {**summary(one, "R6"), "evaluated": 1, "failed": 1}
    other = result.for_report("测试县另一局", 2021)
    assert other.findings.empty and other.ok
    assert summary(result, "R3")["evaluated"] == summary(one, "R3")["evaluated"] + summary(other, "R3")["evaluated"]
    with pytest.raises(NotFoundError):
        result.for_report("t-001", 2020)


def test_run_filters_and_rule_selection(tmp_path):
    ds = load(tmp_path, [valid(t4_table=t4(review_total=9)), valid(2021, ag_id="t-002", name="测试县另一局")])
    assert run(ds, agencies=["测试县另一局"]).findings.empty
    assert len(run(ds, agencies="t-001", years=2021).findings) == 1
    only_r3 = run(ds, rules=["R3"])
    assert list(only_r3.summary["rule"]) == ["R3"] and only_r3.findings.empty
    with pytest.raises(NotFoundError):
        run(ds, agencies=["不存在"])
    with pytest.raises(ParameterError):
        run(ds, rules=["R99"])


def test_text_output_groups_by_agency_year(tmp_path):
    ds = load(tmp_path, [valid(t4_table=t4(review_total=9)),
                         valid(2021, ag_id="t-002", name="测试县另一局", cutoff=D(2021, 12, 1))])
    text = run(ds).to_text()
    first = text.index("测试县测试局（t-001）2021 年度：错误 1 条")
    assert first < text.index("测试县另一局（t-002）2021 年度：警告 1 条")
    last = text.rstrip().splitlines()[-1]
    assert last.startswith("共检查 2 份年度报告") and "错误 1 条，警告 1 条，提示 0 条" in last


def test_html_is_escaped_and_chinese(tmp_path):
    ds = load(tmp_path, [valid(name="<script>alert(1)</script>局", t4_table=t4(review_total=9))])
    result = run(ds)
    html = result._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html
    for header in ("级别", "规则", "机关", "位置", "说明", "应为", "实为"):
        assert f"<th>{header}</th>" in html
    assert findings_html(result.findings[:0]) == "<p>未发现问题。</p>"
    assert "<script>" not in findings_html(result.findings)


def test_same_input_same_output_and_stable_fingerprints(tmp_path):
    bad = valid(t4_table=t4(review_total=9), cutoff=D(2021, 12, 1))
    ds = load(tmp_path, [bad], "a")
    a = run(ds)
    b = run(load(tmp_path, [bad, valid(2021, ag_id="t-002", name="测试县另一局", t3_table=t3(granted__total=7))], "b"))
    assert json.dumps(a.to_json(), ensure_ascii=False) == json.dumps(run(ds).to_json(), ensure_ascii=False)
    assert a.to_text() == run(govreport.load(tmp_path / "a")).to_text()
    fa = dict(zip(a.findings["rule"], a.findings["fingerprint"], strict=True))
    fb = b.for_report("t-001", 2021).findings
    assert dict(zip(fb["rule"], fb["fingerprint"], strict=True)) == fa  # another agency's data changes nothing
    assert b.findings["fingerprint"].is_unique


def test_frames_in_any_order_give_the_same_result(tmp_path):
    """The engine's fast paths assume the canonical sort order; shuffled frames take the general path."""
    hybrid = valid(2022, ag_id="t-003", name="测试县第三局", t3_table=t3("2019"), fmt="hybrid")
    ds = load(tmp_path, [valid(2020), valid(2021, t4_table=t4(review_total=9), cutoff=D(2021, 12, 1)),
                         valid(2021, ag_id="t-002", name="测试县另一局", t3_table=t3(denied__total=1)), hybrid])
    shuffled = dataclasses.replace(ds, cells=ds.cells.sample(frac=1, random_state=1).reset_index(drop=True),
                                   channels=ds.channels.sample(frac=1, random_state=2).reset_index(drop=True))
    a, b = run(ds), run(shuffled)
    assert not a.findings.empty
    pd.testing.assert_frame_equal(a.findings, b.findings)
    pd.testing.assert_frame_equal(a.summary, b.summary)


def test_check_report_without_a_dataset():
    bad = valid(t4_table=t4(review_total=9))
    result = check_report(bad)
    f = only(result, "R6")
    assert len(f) == 1 and f.loc[0, "file"] == "" and pd.isna(f.loc[0, "line"])
    assert f.loc[0, "place"] == "表四 “行政复议·总计” 列"
    assert check_report(valid()).findings.empty


def test_one_pass_over_100_reports(tmp_path, monkeypatch):
    """100 agency-years, every kind of defect planted at known places, collected by one run."""
    reps, expected = [], set()
    for i in range(50):
        aid, name = f"t-{i:03d}", f"测试县第{i}局"
        y2020, y2021 = valid(2020, ag_id=aid, name=name), valid(2021, ag_id=aid, name=name)
        match i % 6:
            case 1:
                y2021 = valid(2021, ag_id=aid, name=name, t4_table=t4(direct_total=5))
                expected.add((aid, 2021, "R7"))
            case 2:
                y2020 = valid(2020, ag_id=aid, name=name, proactive=proactive(419, CHANNELS))
                expected.add((aid, 2020, "C1"))
            case 3:
                y2021 = valid(2021, ag_id=aid, name=name, t2=t2_2021(t2c__coercion__decisions=0.5))
                expected.add((aid, 2021, "R9"))
            case 4:
                y2021 = valid(2021, ag_id=aid, name=name, cutoff=D(2021, 12, 25))
                expected.add((aid, 2021, "P2"))
            case 5:
                y2021 = valid(2021, ag_id=aid, name=name, t3_table=t3(
                    carried_over__natural_person=2, carried_over__total=2,
                    new_received__natural_person=4, new_received__total=5))
                expected.add((aid, 2021, "R10"))
        reps += [y2020, y2021]
    ds = load(tmp_path, reps)
    assert len(ds.reports) == 100

    def no_objects(*a, **k):
        raise AssertionError("the engine must not build a Report per agency-year")

    monkeypatch.setattr(govreport.Dataset, "report", no_objects)
    result = run(ds)
    got = set(zip(result.findings["agency_id"], result.findings["year"], result.findings["rule"], strict=True))
    assert got == expected
    assert len(result.reports) == 100 and summary(result, "R1")["evaluated"] == 100 * 7
    # checking one agency-year alone (the renderer does) reads only its rows and gives the same result
    for aid, year, _ in sorted(expected)[:6]:
        alone = run(ds, agencies=[aid], years=[year])
        pd.testing.assert_frame_equal(alone.findings, result.for_report(aid, year).findings)
        pd.testing.assert_frame_equal(alone.summary, result.for_report(aid, year).summary)


# ----------------------------------------------------------------------------------------- properties

_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ARITHMETIC = ("R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9", "R12b", "R13", "T1", "C1", "C2", "C3")


@_SETTINGS
@given(rep=reports())
def test_random_valid_reports_pass_every_rule(rep):
    result = check_report(rep)
    assert result.findings.empty, result.to_text()
    s = result.summary.set_index("rule")
    assert s.loc[list(ARITHMETIC), "failed"].sum() == 0
    assert s.loc["R1", "passed"] + s.loc["R1", "not_assessable"] == 7


def _perturb(rep: Report, cell: tuple[str, str, str], delta: int) -> Report | None:
    t, r, c = cell
    fig = value_of(rep, t, r, c)
    if not fig.is_value or fig.value is None or fig.value + delta < 0:
        return None
    return replace_cell(rep, t, r, c, fig.value + delta)


@_SETTINGS
@given(data=st.data(), version=st.sampled_from(["2019", "2021"]), delta=st.sampled_from([-3, -1, 1, 2, 7]))
def test_any_single_perturbed_total_is_caught(data, version, delta):
    rep = data.draw(reports(version))
    # a 不适用 total (its whole column is 不适用) has no number to perturb
    cells = [c for c in total_cells(version) if value_of(rep, *c).is_value]
    cell = data.draw(st.sampled_from(cells))
    bad = _perturb(rep, cell, delta) or _perturb(rep, cell, abs(delta))
    assert bad is not None
    result = check_report(bad)
    assert result.errors > 0
    t, r, c = cell
    hit = result.findings[(result.findings["table"] == t) & ((result.findings["row"] == r) |
                                                             (result.findings["column"] == c))]
    assert not hit.empty, result.to_text()


@_SETTINGS
@given(data=st.data(), version=st.sampled_from(["2019", "2021"]), delta=st.sampled_from([-2, -1, 1, 3]))
def test_any_single_perturbed_part_is_caught(data, version, delta):
    rep = data.draw(reports(version))
    cells = [c for c in part_cells(version) if value_of(rep, *c).is_value]
    cell = data.draw(st.sampled_from(cells))
    bad = _perturb(rep, cell, delta) or _perturb(rep, cell, abs(delta))
    assert bad is not None
    result = check_report(bad)
    assert result.errors > 0
    assert set(result.findings["rule"]) <= {"R1", "R3", "R4", "R6", "R7", "R8", "R2"}


@_SETTINGS
@given(rep=reports("2021"), shift=st.integers(1, 3))
def test_cross_year_property(tmp_path_factory, rep, shift):
    """Year N+1 built from year N: 上年结转 = 结转下年度 holds, and shifting it is caught by R10."""
    prev = rep
    t = prev.table("t3")
    carried = {c: t.get("carried_forward", c) for c in ("natural_person", "commercial", "research", "public_welfare",
                                                        "legal_service", "other_org")}
    outcomes = {"granted": {c: 1 for c in carried}}
    co = {c: (f.value if f.is_value else 0) for c, f in carried.items()}
    if any(not f.is_value for f in carried.values()):
        return  # a 不适用 column: nothing to carry
    nxt_cells = t3_cells("2021", outcomes, co, {})
    nxt = dataclasses.replace(prev, year=prev.year + 1,
                              tables=(*(x for x in prev.tables if x.spec.id != "t3"),
                                      table("2021", "t3", nxt_cells)),
                              period=dataclasses.replace(prev.period, start=D(prev.year + 1, 1, 1),
                                                         end=D(prev.year + 1, 12, 31)),
                              published=None)
    root = tmp_path_factory.mktemp("xy")
    assert math.isclose(value_of(nxt, "t3", "carried_over", "total").value or 0,
                        value_of(prev, "t3", "carried_forward", "total").value or 0)
    ok = check(root, prev, nxt, rules=["R10"])
    assert ok.findings.empty and ok.summary.loc[0, "passed"] == 7
    shifted = {**nxt_cells, ("carried_over", "natural_person"): co["natural_person"] + shift,
               ("new_received", "natural_person"): nxt_cells[("new_received", "natural_person")] - shift}
    if shifted[("new_received", "natural_person")] < 0:
        return
    bad = dataclasses.replace(nxt, tables=(*(x for x in nxt.tables if x.spec.id != "t3"),
                                           table("2021", "t3", shifted)))
    result = check(root / "bad", prev, bad, rules=["R10"])
    assert set(result.findings["column"]) == {"natural_person"}


def test_repo_seed_command_line_default_is_data():
    # the documented command: `govreport check` with the repository as working directory reads data/
    import argparse

    from govreport.cli import check as check_cmd

    parser = argparse.ArgumentParser()
    check_cmd.add_arguments(parser)
    assert parser.parse_args([]).data == Path("data")
    assert (REPO / "data" / "reports.csv").exists()


def test_every_rule_has_a_failing_case_in_this_file():
    import inspect

    src = inspect.getsource(sys.modules[__name__])
    for r in RULES:
        assert f'"{r.id}"' in src, f"no test names rule {r.id}"


def test_every_report_predicate_kind_has_one_registered_kernel():
    """Report predicates are dispatched through a registry, not a chain of ``elif kind ==``: each kind named
    in rules.py has its kernel, and the registry holds no kind that rules.py does not name."""
    from typing import get_args

    from govreport.checks import report_level
    from govreport.checks.rules import ReportPredicate, ReportPredicateKind

    kinds = set(get_args(ReportPredicateKind))
    assert set(report_level._REPORT_KINDS) == kinds
    used = {c.kind for r in RULES for c in r.checks if isinstance(c, ReportPredicate)}
    assert used <= kinds and used


def test_every_check_is_dispatched_through_a_registry():
    """Each check type has one kernel, each text predicate kind one text kernel, and no module of the checks
    dispatches on a kind with an ``if``/``elif`` chain."""
    import ast
    from typing import get_args

    from govreport.checks import registry
    from govreport.checks import text as text_kernels
    from govreport.checks.rules import Check, TextPredicateKind

    assert set(registry.KERNELS) == set(get_args(Check))
    assert set(text_kernels._TEXT_KINDS) == set(get_args(TextPredicateKind))
    for path in (REPO / "govreport" / "checks").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Compare) and isinstance(node.left, ast.Attribute) and node.left.attr == "kind":
                raise AssertionError(f"{path.name}:{node.lineno} compares a kind: dispatch through a registry")
