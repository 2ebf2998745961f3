"""govreport.analysis.compare: parameters, scope and the frame of every section of the comparison notebook.

Hand-built datasets (tests/factories.py) pin exact numbers; a ``govreport synth`` dataset (30 agencies ×
2019–2023) checks the frames against the statistics they are built on.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from bs4 import BeautifulSoup

import govreport
from govreport.analysis import compare, compare_parts, stats
from govreport.checks import run as run_checks
from govreport.core.errors import NotFoundError, ParameterError
from govreport.render.compare_document import CompareDocument
from tests.factories import agency, channel, report, t3_column, t4, write_dataset

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"


def small_dataset(root: Path, *, name_a1: str = "甲县民政局") -> Path:
    """Five agencies, 2021–2022, with every case the comparison must keep apart.

    a1 甲县民政局   proactive 100 → 150; one application handled, granted (1/1 = 100 %); 2022 nothing handled
    a2 乙县民政局   proactive blank (2021), 不适用 (2022); no Table 3 at all
    a3 丙市教育局   proactive 200 → 120; 40 and 20 handled: (20+4+10+0)/60 = 56.67 %; 2022 breaks R1
    a4 丁省财政厅   no report
    a5 戊县水利局   2022 only: proactive 0, nothing handled
    """
    ag = [agency("a1", name_a1, region="甲省/甲市/甲县"), agency("a2", "乙县民政局", region="甲省/甲市/乙县"),
          agency("a3", "丙市教育局", level="prefecture", region="甲省/甲市"),
          agency("a4", "丁省财政厅", level="province", region="丁省"),
          agency("a5", "戊县水利局", region="甲省/甲市/甲县")]
    reps = [report("a1", 2021, proactive_total=100), report("a1", 2022, proactive_total=150),
            report("a2", 2021), report("a2", 2022, proactive_total="不适用"),
            report("a3", 2021, proactive_total=200), report("a3", 2022, proactive_total=120),
            report("a5", 2022, proactive_total=0)]
    cells = (
        t3_column("a1", 2021, "2021", "total", {"new_received": 1, "carried_over": 0, "granted": 1, "partial": 0,
                                                "results_total": 1, "carried_forward": 0})
        + t3_column("a1", 2022, "2021", "total", {"new_received": 0, "results_total": 0})
        + t3_column("a3", 2021, "2021", "total", {"new_received": 40, "granted": 20, "partial": 4,
                                                  "results_total": 40})
        + t3_column("a3", 2022, "2021", "total", {"new_received": 20, "carried_over": 0, "granted": 10,
                                                  "partial": 0, "results_total": 20, "carried_forward": 5})
        + t3_column("a5", 2022, "2021", "total", {"new_received": 0, "results_total": 0})
        + t4("a3", 2021, "2021", {"review_corrected": 1, "review_pending": 0, "review_total": 1})
    )
    chans = [
        channel("a1", 2021, 1, "website", "门户网站", 60), channel("a1", 2021, 2, "wechat", "微信公众号", 40),
        channel("a1", 2021, 3, "gazette", "政府公报", 4, unit="期"),
        channel("a1", 2021, 4, "weibo", "政务微博关注人数", 5000, unit="人次"),
        channel("a1", 2021, 5, "notice_board", "公开栏", None),
        channel("a1", 2021, 6, "short_video", "抖音号", "不适用"),
        channel("a3", 2021, 1, "website", "门户网站", 100),
        channel("a3", 2021, 2, "wechat", "微信公众号", 100, qualifier="余"),
        channel("a1", 2022, 1, "website", "门户网站", 90), channel("a1", 2022, 2, "wechat", "微信公众号", 60),
    ]
    return write_dataset(root, agencies=ag, reports=reps, cells=cells, channels=chans)


@pytest.fixture()
def small(tmp_path: Path) -> Path:
    return small_dataset(tmp_path / "small")


@pytest.fixture()
def scope(small: Path) -> compare.Scope:
    return compare.validate({"data_dir": str(small)})


@pytest.fixture(scope="module")
def synth_dir(tmp_path_factory) -> Path:
    from govreport.analysis.synth import write_dataset as synth

    out = tmp_path_factory.mktemp("synth") / "s"
    synth(out, agencies=30, years=range(2019, 2024))
    return out


@pytest.fixture(scope="module")
def synth_scope(synth_dir: Path) -> compare.Scope:
    return compare.validate({"data_dir": str(synth_dir)})


# ============================================================================================ parameters


@pytest.mark.parametrize(("text", "years"), [
    ("", None), ("  ", None), ("2019-2023", (2019, 2020, 2021, 2022, 2023)), ("2021", (2021,)),
    ("2019,2021-2022", (2019, 2021, 2022)), ("２０１９—２０２０", (2019, 2020)), ("2019年至2020年", (2019, 2020)),
    ("2021、2019", (2019, 2021)), ("2020,2020", (2020,)),
])
def test_parse_years(text, years):
    assert compare.parse_years(text) == years


@pytest.mark.parametrize("text", ["2023-2019", "19-23", "twenty", "2019-", "1800", "2019..2020"])
def test_parse_years_rejects(text):
    with pytest.raises(ParameterError) as err:
        compare.parse_years(text)
    assert err.value.hint


def test_years_text_and_label():
    assert compare.years_text((2019, 2020, 2021, 2023)) == "2019-2021,2023"
    assert compare.years_label((2019, 2020, 2021, 2023)) == "2019—2021、2023年"
    assert compare.years_label((2020,)) == "2020年"


def test_check_parameters_names_types_and_defaults():
    p = compare.check_parameters({"years": "2021", "agencies": "甲县民政局，a3、a3", "region": " 甲省 / 甲市/ "})
    assert p.years == (2021,) and p.agencies == ("甲县民政局", "a3") and p.region == "甲省/甲市"
    assert p.min_n == compare.DEFAULT_MIN_N and p.data_dir == "data"
    with pytest.raises(ParameterError, match="比较分析没有参数 agency"):
        compare.check_parameters({"agency": "x"})
    with pytest.raises(ParameterError, match="参数 years 应为文字"):
        compare.check_parameters({"years": 2021})
    for bad in (0, -3, True, "30", 2.5):
        with pytest.raises(ParameterError, match="min_n"):
            compare.check_parameters({"min_n": bad})


def test_resolve_against_the_dataset(small):
    s = compare.validate({"data_dir": str(small), "region": "甲省/甲市"})
    assert s.agency_ids == ("a1", "a2", "a3", "a5") and s.years == (2021, 2022)
    assert s.title == "政府信息公开工作年度报告比较分析（甲省甲市，2021—2022年）"
    # region matches whole components only
    with pytest.raises(NotFoundError) as err:
        compare.validate({"data_dir": str(small), "region": "甲省/甲"})
    assert "甲省/甲市" in err.value.hint
    one = compare.validate({"data_dir": str(small), "agencies": "甲县民政局", "years": "2022"})
    assert one.agency_ids == ("a1",) and one.agency_years == 1
    assert one.title == "政府信息公开工作年度报告比较分析（甲县民政局，2022年）"
    with pytest.raises(NotFoundError, match="未知的单位"):
        compare.validate({"data_dir": str(small), "agencies": "甲县民政局,不存在局"})
    with pytest.raises(NotFoundError) as err:
        compare.validate({"data_dir": str(small), "years": "2019-2020"})
    assert err.value.hint == "有数据的年度：2021-2022"
    with pytest.raises(NotFoundError, match="所选机关在数据集中没有报告"):
        compare.validate({"data_dir": str(small), "agencies": "a4"})
    with pytest.raises(NotFoundError, match="所列机关都不在地区"):
        compare.validate({"data_dir": str(small), "agencies": "a4", "region": "甲省"})
    with pytest.raises(NotFoundError, match="找不到数据集目录"):
        compare.validate({"data_dir": str(small / "nope")})


def test_preflight_gives_title_and_provenance_without_paths(small):
    import json

    out = compare.preflight({"data_dir": str(small), "years": "2022", "region": "甲省"})
    assert out["title"] == "政府信息公开工作年度报告比较分析（甲省，2022年）"
    assert out["dataset"] == "small" and out["data_hash"] == govreport.load(small).data_hash
    assert out["scope"] == {"agencies": 4, "years": "2022", "agency_years": 4}
    assert str(small) not in json.dumps(out, ensure_ascii=False)
    with pytest.raises(NotFoundError):
        compare.preflight({"data_dir": str(small), "years": "2030"})


def test_relative_data_dir_resolves_against_base(small):
    s = compare.validate({"data_dir": "small"}, base=small.parent)
    assert s.data_dir == small and s.params.public()["data_dir"] == "small"


# ============================================================================================ coverage


def test_coverage_keeps_agencies_without_reports_and_counts_findings(scope):
    from govreport.checks.rules import RULES

    # the small dataset has no narratives: leave out the text rules (which report every agency-year)
    result = run_checks(scope.dataset, rules=[r.id for r in RULES if r.scope != "text"])
    cov = compare.coverage(scope.data.agencies, scope.data.reports, scope.years, result.findings)
    assert len(cov) == 5 * 2
    row = cov.set_index(["agency_id", "year"])
    assert not row.loc[("a4", 2021), "has_report"] and not row.loc[("a5", 2021), "has_report"]
    assert row.loc[("a3", 2022), "errors"] == 1 and row.loc[("a3", 2021), "errors"] == 0
    assert row.loc[("a2", 2021), "warnings"] == 1
    by_year = compare.coverage_by_year(cov).set_index("year")
    assert by_year.loc[2021, ["agencies", "reports", "missing", "with_errors"]].tolist() == [5, 3, 2, 0]
    assert by_year.loc[2022, ["reports", "missing", "with_errors", "with_warnings"]].tolist() == [4, 1, 1, 1]
    assert compare.agencies_without_data(cov)["agency_id"].tolist() == ["a4"]
    flagged = compare.flagged(result.findings, {"a3": "丙市教育局", "a2": "乙县民政局"})
    assert flagged.iloc[0][["name", "year", "errors", "rules"]].tolist() == ["丙市教育局", 2022, 1, "R1"]


# ========================================================================================== channel mix


def test_channel_mix_pools_item_counts_only(scope):
    mix = compare.channel_mix(scope.data.channels)
    y21 = mix[mix["year"] == 2021].set_index("channel")
    assert y21["value"].to_dict() == {"website": 160.0, "wechat": 140.0}  # 期, 人次, blank, 不适用 left out
    assert y21["share"].to_dict() == {"website": 53.33, "wechat": 46.67}
    assert y21.loc["wechat", "approximate"] == 1 and y21.loc["website", "agency_years"] == 2
    for _, g in mix.groupby("year"):
        assert round(g["share"].sum(), 2) == 100.0
    basis = compare.channel_basis(scope.data.channels, scope.data.reports).set_index("year")
    assert basis.loc[2021, ["agency_years", "with_channels", "pooled", "blank", "not_applicable",
                            "other_unit"]].tolist() == [3, 2, 4, 1, 1, 2]
    assert basis.loc[2022, ["agency_years", "with_channels", "pooled"]].tolist() == [4, 1, 2]
    wide = compare.mix_table(mix)
    assert wide["channel"].tolist() == ["website", "wechat"]
    assert wide.loc[0, "value_2022"] == 90 and wide.loc[1, "share_2022"] == 40.0


def test_channel_mix_of_nothing_is_empty():
    empty = compare.channel_mix(govreport.load(DATA).channels.iloc[0:0])
    assert len(empty) == 0 and list(empty.columns) == list(compare.MIX_COLUMNS)


# =============================================================================================== movers


def test_movers_rises_falls_and_blank_pairs(scope):
    pairs = compare.year_pairs(scope)
    moved = compare.movers(pairs, "proactive_total")
    assert moved[["direction", "agency_id", "year", "previous", "current", "change", "change_pct"]].values.tolist() == [
        ["rise", "a1", 2022, 100.0, 150.0, 50.0, 50.0],
        ["fall", "a3", 2022, 200.0, 120.0, -80.0, -40.0],
    ]
    # a2 has two years but no figure to compare (blank, then 不适用): counted, never treated as 0
    assert compare.movers_basis(pairs, "proactive_total") == {
        "pairs": 3, "comparable": 2, "rises": 1, "falls": 1, "unchanged": 0}
    received = compare.movers_basis(pairs, "received")
    assert received == {"pairs": 3, "comparable": 2, "rises": 0, "falls": 2, "unchanged": 0}


def test_movers_previous_year_may_lie_before_the_scope(small):
    later = compare.validate({"data_dir": str(small), "years": "2022"})
    assert compare.movers_basis(compare.year_pairs(later), "proactive_total")["comparable"] == 2
    first = compare.validate({"data_dir": str(small), "years": "2021"})
    assert len(compare.year_pairs(first)) == 0


def test_movers_ties_and_zero_base_are_deterministic():
    pairs = pd.DataFrame({
        "agency_id": ["b", "a", "c", "d", "e"], "name": ["乙", "甲", "丙", "丁", "戊"], "year": [2022] * 5,
        "measure": ["received"] * 5, "label": ["x"] * 5,
        "previous": [10.0, 10.0, 0.0, 5.0, np.nan], "current": [15.0, 15.0, 3.0, 5.0, 9.0],
    })
    pairs["change"] = pairs["current"] - pairs["previous"]
    pairs["change_pct"] = np.where(pairs["previous"] > 0, pairs["change"] / pairs["previous"] * 100, np.nan)
    moved = compare.movers(pairs, "received", top=2)
    assert moved["agency_id"].tolist() == ["a", "b"]  # equal changes: by agency id
    assert moved["rank"].tolist() == [1, 2]
    all_rises = compare.movers(pairs, "received")
    assert all_rises["agency_id"].tolist() == ["a", "b", "c"]  # d unchanged, e not comparable
    assert math.isnan(all_rises.iloc[2]["change_pct"])  # previous 0: no percentage


# ======================================================================================== league tables


def test_min_n_rule_never_ranks_one_out_of_one(scope):
    p = compare.scope_panel(scope)
    table = compare.league(scope.data, p, "disclosure_rate", min_n=30).set_index("agency_id")
    assert table.loc["a3", ["value", "n", "ranked", "rank", "reason"]].tolist() == [56.67, 60.0, True, 1.0, "ranked"]
    a1 = table.loc["a1"]
    assert a1["value"] == 100.0 and a1["n"] == 1 and not a1["ranked"] and math.isnan(a1["rank"])
    assert a1["reason"] == "below_min_n"
    assert table.loc["a5", "reason"] == "none" and math.isnan(table.loc["a5", "value"])  # nothing handled
    assert table.loc["a2", "reason"] == "missing"  # Table 3 not reported at all
    assert list(table.index[:1]) == ["a3"]  # ranked first
    # the rule is the parameter: with min_n=1 the 1/1 agency ranks first
    loose = compare.league(scope.data, p, "disclosure_rate", min_n=1).set_index("agency_id")
    assert loose.loc["a1", "rank"] == 1 and loose.loc["a3", "rank"] == 2


def test_league_of_review_rate_and_bad_metric(scope):
    p = compare.scope_panel(scope)
    table = compare.league(scope.data, p, "review_correction_rate").set_index("agency_id")
    assert table.loc["a3", ["value", "n", "reason"]].tolist() == [100.0, 1.0, "below_min_n"]
    assert not table["ranked"].any()
    with pytest.raises(ParameterError):
        compare.league(scope.data, p, "proactive_total")


# ======================================================================================== distributions


def test_distribution_keeps_blank_na_and_zero_apart(scope):
    p = compare.scope_panel(scope)
    d = compare.distribution(p, "proactive_total").iloc[0]
    assert d[["agency_years", "n", "blank", "not_applicable"]].tolist() == [7, 5, 1, 1]
    assert d["min"] == 0.0 and d["max"] == 200.0 and d["median"] == 120.0
    by_level = compare.distribution(p, "proactive_total", by="level")
    assert by_level["group"].tolist() == ["prefecture", "county"]  # administrative order
    rate = compare.distribution(p, "disclosure_rate").iloc[0]
    # a1 2021 100 %, a3 60 % and 50 %; a1 2022 and a5 handled nothing; a2 did not report
    assert rate[["n", "none", "blank", "min", "max"]].tolist() == [3, 2, 2, 50.0, 100.0]


def test_rate_histogram_splits_by_min_n(scope):
    p = compare.scope_panel(scope)
    h = compare.rate_histogram(p, "disclosure_rate", min_n=30)
    # a3 2021: 24/40 = 60 % (40 handled ≥ 30); a3 2022: 10/20 = 50 % and a1 2021: 1/1 = 100 % (below 30)
    assert h["large"].tolist() == [0] * 6 + [1] + [0] * 3
    assert h["small"].tolist() == [0] * 5 + [1] + [0] * 3 + [1]  # 100 % falls in the last band


# =========================================================================================== aggregates


def test_aggregates_by_year_level_and_area(scope):
    p = compare.scope_panel(scope)
    by_year = compare.aggregates(scope.data, p, "year").set_index("year")
    assert by_year.loc[2021, ["agency_years", "proactive_total", "n_proactive_total"]].tolist() == [3, 300.0, 2]
    assert by_year.loc[2021, "disclosure_rate"] == pytest.approx(25 / 41 * 100, abs=0.01)
    assert by_year.loc[2022, "disclosure_rate"] == 50.0
    by_level = compare.aggregates(scope.data, p, "level")
    assert by_level["level"].tolist() == ["prefecture", "county"]
    areas = set(compare.aggregates(scope.data, p, "area")["area"])
    assert areas == {"甲省/甲市（本级）", "甲省/甲市/甲县", "甲省/甲市/乙县"}
    with pytest.raises(ParameterError):
        compare.aggregates(scope.data, p, "kind")


def test_area_depth_below_the_region_prefix():
    regions = ["甲省/甲市/甲县", "甲省/甲市/乙县", "甲省/甲市"]
    assert compare_parts.area_depth(regions) == 3
    assert compare_parts.area_depth(regions, "甲省/甲市") == 3
    assert compare_parts.area_label("甲省/甲市/甲县", 3, "甲省/甲市") == "甲县"
    assert compare_parts.area_label("甲省/甲市", 3, "甲省/甲市") == "甲市（本级）"
    assert compare_parts.area_depth(["甲省/甲市", "乙省"]) == 1


# =============================================================================================== synth


def test_synth_frames_agree_with_the_statistics(synth_scope):
    s = synth_scope
    assert s.agency_years == 150 and s.years == (2019, 2020, 2021, 2022, 2023)
    p = compare.scope_panel(s)
    cov = compare.coverage(s.data.agencies, s.data.reports, s.years, run_checks(s.dataset).findings)
    assert int(cov["has_report"].sum()) == 150 and int(cov["errors"].sum()) == 0
    mix = compare.channel_mix(s.data.channels)
    for year, g in mix.groupby("year"):
        assert round(float(g["share"].sum()), 2) == 100.0
        ch = s.data.channels
        own = ch[(ch["year"] == year) & (ch["value_mark"] == 0) & ch["unit"].astype(str).isin(["条"])]
        assert g["value"].sum() == own["value"].sum()
    for metric in compare.RATES:
        table = compare.league(s.data, p, metric, min_n=30)
        assert len(table) == 30
        ranked = table[table["ranked"]]
        assert (ranked["n"] >= 30).all() and (table.loc[~table["ranked"], "rank"].isna()).all()
        assert ranked["rank"].is_monotonic_increasing and ranked["value"].is_monotonic_decreasing
        # the pooled rate equals the stats module's pooling
        ref = stats.league_table(s.data, metric, min_n=30)
        assert dict(zip(ref["agency_id"].astype(str), ref["value"].fillna(-1), strict=True)) == dict(
            zip(table["agency_id"], table["value"].fillna(-1), strict=True))
    pairs = compare.year_pairs(s)
    moved = compare.movers(pairs, "received")
    rises = moved[moved["direction"] == "rise"]["change"].to_numpy()
    assert len(rises) == compare.TOP_N and (np.diff(rises) <= 0).all()
    ch = pairs[(pairs["measure"] == "received") & pairs["change"].notna()]
    assert rises[0] == ch["change"].max()
    agg = compare.aggregates(s.data, p, "year")
    assert agg["agency_years"].tolist() == [30] * 5


def test_synth_region_scope(synth_dir):
    s = compare.validate({"data_dir": str(synth_dir), "region": "合成示例省1/合成示例市101", "years": "2022-2023"})
    regions = s.data.agencies["region"].astype(str)
    assert len(s.agency_ids) > 0 and regions.str.startswith("合成示例省1/合成示例市101").all()
    assert set(s.data.reports["year"].astype(int)) == {2022, 2023}


# ============================================================================================= document


def test_document_shows_not_available_and_min_n(small):
    doc = CompareDocument.prepare(small)
    html = "".join(f.html for f in doc.fragments())
    assert "政府信息公开工作年度报告比较分析（全部5个机关，2021—2022年）" in html
    league = doc.league_tables().html
    ranked_part = league.split("实质公开率未排名的机关")[0]
    assert "丙市教育局" in ranked_part and "56.67%" in ranked_part
    assert "甲县民政局" not in ranked_part.split("表　实质公开率排名")[1]  # 1/1 is not in the ranked table
    assert "样本不足" in league and "无可计算案件" in league and "未填报" in league
    assert "无法计算" in league
    table = BeautifulSoup(doc.distributions().html, "html.parser").find(id="gr-cmp-dist-proactive_total-table")
    heads = [th.get_text() for th in table.find("thead").find_all("th")]
    row = next(tr for tr in table.find("tbody").find_all("tr") if tr.find("th").get_text() == "全部")
    cells = dict(zip(heads[1:], [td.get_text() for td in row.find_all("td")], strict=True))
    # 7 agency-years: 5 figures (one of them 0), one blank, one 不适用 — never merged
    wanted = ("机关年度", "有数字", "空白", "不适用", "最小", "中位数")
    assert [cells[k] for k in wanted] == ["7", "5", "1", "1", "0", "120"]
    rate = BeautifulSoup(doc.distributions().html, "html.parser").find(id="gr-cmp-dist-disclosure_rate-table")
    row = next(tr for tr in rate.find("tbody").find_all("tr") if tr.find("th").get_text() == "全部")
    assert [td.get_text() for td in row.find_all("td")][:5] == ["7", "3", "2", "2", "50.00%"]
    movers = doc.movers().html
    assert "+50" in movers and "-80" in movers and "-40.00%" in movers


def test_document_escapes_data_and_is_deterministic(tmp_path):
    root = small_dataset(tmp_path / "evil", name_a1="<script>alert(1)</script>局")
    first = "".join(f.html for f in CompareDocument.prepare(root, min_n=1).fragments())
    again = "".join(f.html for f in CompareDocument.prepare(root, min_n=1).fragments())
    assert first == again
    assert "<script>" not in first and "&lt;script&gt;alert(1)&lt;/script&gt;局" in first
    assert str(tmp_path) not in first


def test_document_for_the_seed_says_there_is_nothing_to_compare():
    doc = CompareDocument.prepare(DATA)
    html = "".join(f.html for f in doc.fragments())
    assert "（五原县民政局，2020年）" in doc.title
    assert "只有一个机关年度" in html
    assert "没有可比较的相邻年度数据" in html
    assert "没有机关的分母达到30件，本项不排名" in html
    assert "418" in html and "303（72.49%）" in html
