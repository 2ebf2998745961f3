"""Statistics: channel shares, rates, year-over-year, aggregation and league tables."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import govreport
from govreport.analysis import stats, stats_cells
from govreport.cli import main
from tests.factories import agency, channel, report, t3_column, t4, write_dataset


def test_seed_channel_shares(seed_dataset):
    ch = stats.report_channels(seed_dataset, "五原县民政局", 2020)
    assert ch["value"].tolist() == [58, 303, 22, 35]
    assert ch["share"].tolist() == [13.88, 72.49, 5.26, 8.37]
    assert ch["rank"].tolist() == [2, 1, 4, 3]
    assert round(ch["share"].sum(), 2) == 100.00
    assert ch["channel"].tolist() == ["website", "service_platform", "wechat", "notice_board"]


def test_seed_rates_not_available(seed_dataset):
    s = stats.report_stats(seed_dataset, "150821-minzhengju", 2020)
    assert s["applications"]["received"] == 0
    assert s["applications"]["carried_over"] is None  # blank stays blank
    assert s["applications"]["disclosure_rate"] is None
    assert s["applications"]["disclosure_rate_status"] == "none_handled"
    assert s["reviews"]["review_total"] == 0
    assert s["reviews"]["review_correction_rate"] is None
    assert s["year_over_year"] == []


def test_stats_cli_json(repo_root):
    out = subprocess.run(
        [sys.executable, "-m", "govreport", "stats", "--agency", "五原县民政局", "--year", "2020", "--json"],
        cwd=repo_root, capture_output=True, text=True, check=True,
    ).stdout
    data = json.loads(out)
    got = [(c["label"], c["value"], c["share"]) for c in data["proactive"]["channels"]]
    assert got == [
        ("五原县政务网站动态信息", 58, 13.88),
        ("“三务公开”等各便民服务平台", 303, 72.49),
        ("五原县民政局微信公众号", 22, 5.26),
        ("线下各类公开栏", 35, 8.37),
    ]


def test_stats_cli_unknown_year(repo_root, capsys):
    assert main(["stats", "--data", str(repo_root / "data"), "--year", "2019"]) == 2
    err = capsys.readouterr().err
    assert "2019" in err and "Traceback" not in err


@given(st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=12))
@settings(max_examples=300, deadline=None)
def test_largest_remainder_sums_to_100(values):
    v = np.array(values, dtype=float)
    shares = stats.largest_remainder(v, np.zeros(len(v), dtype=np.int64), 1)
    if v.sum() == 0:
        assert np.isnan(shares).all()
        return
    assert round(float(shares.sum()), 2) == 100.00
    exact = v / v.sum() * 100
    assert np.all(np.abs(shares - exact) < 0.01 + 1e-9)


def test_largest_remainder_groups_independent():
    v = np.array([1, 1, 1, 2, 2], dtype=float)
    g = np.array([0, 0, 0, 1, 1])
    shares = stats.largest_remainder(v, g, 2)
    assert shares.tolist() == [33.34, 33.33, 33.33, 50.0, 50.0]


def _ds(tmp_path, **kw):
    return govreport.load(write_dataset(tmp_path / "d", **kw), use_cache=False)


def test_shares_skip_blank_na_and_audience(tmp_path):
    ds = _ds(
        tmp_path,
        agencies=[agency()],
        reports=[report(proactive_total="30")],
        channels=[
            channel("t-1", 2021, 1, "website", "门户网站", "20"),
            channel("t-1", 2021, 2, "wechat", "微信公众号", "10"),
            channel("t-1", 2021, 3, "weibo", "政务微博", ""),
            channel("t-1", 2021, 4, "notice_board", "公开栏", "不适用"),
            channel("t-1", 2021, 5, "wechat", "微信公众号关注人数", "5000", unit="人次"),
        ],
    )
    ch = stats.report_channels(ds, "t-1", 2021)
    assert ch["share"].tolist()[:2] == [66.67, 33.33]
    assert np.isnan(ch["share"].tolist()[2:]).all()
    assert ch["share_status"].tolist() == ["ok", "ok", "blank", "not_applicable", "audience_metric"]


def test_mixed_units_have_no_shares(tmp_path):
    ds = _ds(
        tmp_path,
        agencies=[agency()],
        reports=[report()],
        channels=[channel("t-1", 2021, 1, "website", "网站", "20"), channel("t-1", 2021, 2, "gazette", "公报", "4",
                                                                           unit="期")],
    )
    ch = stats.report_channels(ds, "t-1", 2021)
    assert np.isnan(ch["share"]).all()
    assert set(ch["share_status"]) == {"mixed_units"}


def test_rank_ties():
    v = np.array([5, 7, 7, 1, np.nan])
    assert stats_cells.competition_rank(v, np.zeros(5, dtype=np.int64))[:4].tolist() == [3, 1, 1, 4]


T3_FULL = {
    "new_received": 10, "carried_over": 2, "granted": 4, "partial": 2, "denied_state_secret": 0,
    "denied_law_forbidden": 0, "denied_three_safety": 0, "denied_third_party": 1, "denied_internal": 0,
    "denied_process": 0, "denied_enforcement_file": 0, "denied_admin_query": 0, "unable_not_held": 2,
    "unable_needs_creation": 0, "unable_unclear": 0, "np_petition": 0, "np_repeat": 1, "np_publication": 0,
    "np_mass": 0, "np_confirm": 0, "oh_no_correction": 0, "oh_unpaid_fee": 0, "oh_other": 0, "results_total": 10,
    "carried_forward": 2,
}


def test_application_outcomes(tmp_path):
    partial_blank = dict(T3_FULL, partial="")
    na_part = dict(T3_FULL, denied_internal="不适用")
    ds = _ds(
        tmp_path,
        agencies=[agency("a"), agency("b", "乙局"), agency("c", "丙局"), agency("d", "丁局")],
        reports=[report("a"), report("b"), report("c"), report("d")],
        cells=t3_column("a", 2021, "2021", "total", T3_FULL)
        + t3_column("b", 2021, "2021", "total", partial_blank)
        + t3_column("c", 2021, "2021", "total", {"new_received": 0, "results_total": 0})
        + t3_column("d", 2021, "2021", "total", na_part),
    )
    a = stats.application_outcomes(ds).set_index("agency_id")
    assert a.loc["a", "disclosure_rate"] == 60.0 and a.loc["a", "disclosure_rate_status"] == "ok"
    assert a.loc["a", "denied"] == 1 and a.loc["a", "unable"] == 2 and a.loc["a", "not_processed"] == 1
    assert a.loc["a", "other"] == 0
    assert np.isnan(a.loc["b", "disclosure_rate"]) and a.loc["b", "disclosure_rate_status"] == "missing"
    assert np.isnan(a.loc["c", "disclosure_rate"]) and a.loc["c", "disclosure_rate_status"] == "none_handled"
    assert np.isnan(a.loc["c", "denied"])  # blank parts: no subtotal, not 0
    assert a.loc["d", "denied"] == 1  # 不适用 counts as none in a subtotal


def test_2019_other_handling_single_row(tmp_path):
    vals = {k: v for k, v in T3_FULL.items() if not k.startswith("oh_")}
    vals["other_handling"] = 0
    ds = _ds(tmp_path, agencies=[agency()], reports=[report(year=2020, fmt="2019")],
             cells=t3_column("t-1", 2020, "2019", "total", vals))
    a = stats.application_outcomes(ds).iloc[0]
    assert a["other"] == 0 and a["disclosure_rate"] == 60.0


def test_review_rates(tmp_path):
    ds = _ds(
        tmp_path,
        agencies=[agency()],
        reports=[report()],
        cells=t4("t-1", 2021, "2021", {
            "review_maintained": 2, "review_corrected": 1, "review_other": 0, "review_pending": 1, "review_total": 4,
            "direct_maintained": 1, "direct_corrected": 1, "direct_other": 0, "direct_pending": 0, "direct_total": 2,
            "after_review_maintained": 0, "after_review_corrected": 0, "after_review_other": 0,
            "after_review_pending": 2, "after_review_total": 2,
        }),
    )
    r = stats.review_rates(ds).iloc[0]
    assert r["review_correction_rate"] == pytest.approx(33.33)
    assert r["direct_correction_rate"] == 50.0
    assert np.isnan(r["after_review_correction_rate"]) and r["after_review_correction_rate_status"] == "none_handled"
    assert r["litigation_correction_rate"] == 50.0


def test_year_over_year(tmp_path):
    ds = _ds(
        tmp_path,
        agencies=[agency()],
        reports=[report(year=2021, proactive_total="100"), report(year=2022, proactive_total="150")],
        channels=[channel("t-1", 2021, 1, "website", "网站", "100"), channel("t-1", 2022, 1, "website", "网站", "120"),
                  channel("t-1", 2022, 2, "wechat", "公众号", "30")],
    )
    y = stats.year_over_year(ds, "t-1", 2022).set_index("measure")
    assert y.loc["proactive_total", "change"] == 50 and y.loc["proactive_total", "change_pct"] == 50.0
    assert y.loc["channel:website", "change_pct"] == 20.0
    assert np.isnan(y.loc["channel:wechat", "previous"]) and np.isnan(y.loc["channel:wechat", "change_pct"])
    assert stats.year_over_year(ds, "t-1", 2021).empty
    ch = stats.changes(ds, ["proactive_total"])
    assert ch[["year", "previous", "current"]].values.tolist() == [[2022, 100, 150]]


def test_aggregate_pools_and_league_min_n(tmp_path):
    big = dict(T3_FULL, new_received=40, carried_over=0, granted=30, partial=0, unable_not_held=0, denied_third_party=0,
               np_repeat=0, results_total=30, carried_forward=10)
    ds = _ds(
        tmp_path,
        agencies=[agency("a", region="甲市"), agency("b", "乙局", region="甲市"), agency("c", "丙局", region="乙市")],
        reports=[report("a"), report("b"), report("c")],
        cells=t3_column("a", 2021, "2021", "total", T3_FULL) + t3_column("b", 2021, "2021", "total", big)
        + t3_column("c", 2021, "2021", "total", {"new_received": 0, "results_total": 0}),
    )
    agg = stats.aggregate(ds, ("region",)).set_index("region")
    assert agg.loc["甲市", "disclosure_rate"] == pytest.approx(36 / 40 * 100)  # pooled, not mean of 60 and 100
    assert agg.loc["甲市", "agency_years"] == 2 and agg.loc["甲市", "received"] == 50
    lt = stats.league_table(ds, "disclosure_rate", min_n=30)
    assert lt.iloc[0]["agency_id"] == "b" and lt.iloc[0]["rank"] == 1 and lt.iloc[0]["ranked"]
    assert not lt.set_index("agency_id").loc["a", "ranked"]  # 10 handled < 30
    assert np.isnan(lt.set_index("agency_id").loc["a", "rank"])
    with pytest.raises(ValueError):
        stats.league_table(ds, "received")
