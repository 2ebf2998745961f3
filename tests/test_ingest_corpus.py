"""Published-report text as it comes: the fixture corpus (one hand-written report per failure mode of real
pages) is read to ≥ 97 % of its figures with nothing invented, and each failure mode says how it read."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from govreport.cli import main
from govreport.readers import ingest_path, read_prose
from tests.corpus_score import score_corpus

CORPUS = Path(__file__).resolve().parent / "fixtures" / "ingest" / "corpus"


def got(name: str):
    return ingest_path(CORPUS / f"{name}.txt")


def js(name: str) -> dict:
    return got(name).to_json()


def cell(doc: dict, part: str, row: str | None, column: str) -> dict | None:
    return next((c for c in doc[part] if (row is None or c["row"] == row) and c["column"] == column), None)


def test_corpus_is_read_right_with_nothing_invented() -> None:
    sc = score_corpus(CORPUS)
    assert sc.total >= 380
    assert not sc.invented, sc.invented
    assert sc.hit / sc.total >= 0.97, "\n".join(sc.misses)


def test_every_figure_says_how_it_was_found() -> None:
    methods = set()
    for f in sorted(CORPUS.glob("*.txt")):
        d = ingest_path(f).to_json()
        p = d["proactive"]
        items = p["channels"] + p["categories"] + d["applications"] + d["reviews"] + d["article20"] + d["fees"]
        for it in items:
            assert it["method"], (f.name, it)
            methods.add(it["method"])
        if p["total"] is not None:
            assert p["method"], f.name
            methods.add(p["method"])
        if d["year"] is not None:
            assert d["year_method"], f.name
    assert {"prose", "prose-none", "table-text", "inferred", "prose-cn-numeral"} <= methods


# ------------------------------------------------------------------------------------------ titles

@pytest.mark.parametrize(("name", "agency", "method"), [
    ("t01-split-title", "青石县水利局", "title"),
    ("t02-runin-title", "柳河镇人民政府", "title"),
    ("t03-no-gongzuo", "石桥乡人民政府", "title"),
    ("t04-niandu-twice", "白沙区商务局", "title"),
    ("t05-guanyu", "东湖街道办事处", "title"),
    ("t06-traditional", "南岭县财政局", "title"),
    ("t07-metadata", "平川县自然资源局", "metadata"),
    ("s04-chrome", "大河县退役军人事务局", "title"),
    ("s05-fawen-jiguan", "林口县生态环境分局", "metadata"),
    ("t08-signoff", "云岭乡人民政府", "signature"),
    ("t09-opening-sentence", "南丰县人民政府", "opening"),
    ("t10-compiled-by", "金湾区发展和改革局", "opening"),
    ("tb03-pipes-2019", "银川路街道办事处", "title"),
])
def test_agency_and_how_it_was_found(name: str, agency: str, method: str) -> None:
    a = js(name)["agency"]
    assert (a["name"], a["method"]) == (agency, method)


def test_a_title_over_two_lines_is_sourced_on_both() -> None:
    src = got("t01-split-title").source_of(("agency", "name"))
    assert src.text == "青石县水利局\n2020年政府信息公开工作年度报告"


def test_a_short_form_is_kept_unless_the_text_gives_the_full_name() -> None:
    a = js("t12-short-form")["agency"]
    assert (a["name"], a["as_written"]) == ("河口区发展和改革委员会", "河口区发改委")
    assert js("t13-short-kept")["agency"]["name"] == "北原市工信局"


def test_a_report_that_only_says_wo_ju_has_no_agency_and_says_so() -> None:
    g = got("t11-wo-ju")
    assert g.agency is None and g.agency_name is None
    assert any("我局" in n.reason for n in g.not_read if n.item == "机关名称")


# -------------------------------------------------------------------------------------------- year

@pytest.mark.parametrize(("name", "year", "method"), [
    ("t02-runin-title", 2021, "title"),
    ("y01-broken-period", 2019, "period"),
    ("y02-doubled-year", 2020, "period"),
    ("y03-opening-year", 2021, "opening"),
    ("y04-published-date", 2022, "inferred"),
    ("t09-opening-sentence", 2019, "opening"),
    ("s05-fawen-jiguan", 2022, "title"),
])
def test_year_and_how_it_was_found(name: str, year: int, method: str) -> None:
    d = js(name)
    assert (d["year"], d["year_method"]) == (year, method)


def test_a_year_inferred_from_the_publication_date_is_flagged() -> None:
    d = js("y04-published-date")
    assert any("发布日期" in w and "推定" in w for w in d["warnings"])
    assert d["year_confidence"] == "low" and js("t01-split-title")["year_confidence"] == "high"


def test_title_year_and_data_year_disagreeing_is_a_finding_not_a_guess() -> None:
    d = js("y05-year-conflict")
    assert d["year"] == 2021
    assert any("2021" in w and "2020" in w and "不一致" in w for w in d["warnings"])


# ---------------------------------------------------------------------------------- none received

@pytest.mark.parametrize("name", ["n01-quannian-wu", "n03-no-application-no-review", "n04-traditional-none",
                                  "n05-spam-spliced", "n06-no-applicant", "n07-none-handled",
                                  "t10-compiled-by", "s06-traditional-spam-none"])
def test_none_received_sentences_are_zeros_with_the_sentence_as_source(name: str) -> None:
    d = js(name)
    c = cell(d, "applications", "new_received", "total")
    assert c is not None and c["value"] == 0 and c["method"] == "prose-none"
    assert re.search(r"未|无|没有", c["source"]["text"])
    for col in ("review_total", "direct_total", "after_review_total"):
        r = cell(d, "reviews", None, col)
        assert r is not None and r["value"] == 0, col


def test_zero_litigation_gives_both_kinds_of_suit_as_inferred() -> None:
    d = js("n02-zero-digit")
    assert cell(d, "reviews", None, "direct_total")["method"] == "inferred"
    assert cell(d, "applications", "new_received", "total")["value"] == 0


# -------------------------------------------------------------------------------------- proactive

def test_qualifiers_chinese_numerals_and_wan() -> None:
    p = js("p01-qualifiers")["proactive"]
    assert (p["total"], p["qualifier"]) == (400, "余")
    assert [(c["value"], c["qualifier"]) for c in p["channels"]] == [(300, "近"), (120, "约")]
    p = js("p02-chinese-numerals")["proactive"]
    assert (p["total"], p["qualifier"], p["method"]) == (40, "余", "prose-cn-numeral")
    assert js("p03-wan")["proactive"]["total"] == 41400


def test_decoy_numbers_are_never_channel_counts() -> None:
    d = js("p07-decoys")
    p = d["proactive"]
    assert [(c["label"], c["value"]) for c in p["channels"]] == [("县政府门户网站", 410), ("政务微博", 110)]
    assert not p["categories"]
    assert p["total"] == 520


def test_parts_stated_before_their_total() -> None:
    p = js("p05-total-after-parts")["proactive"]
    assert p["total"] == 100 and sorted(c["value"] for c in p["channels"]) == [20, 80]


@pytest.mark.parametrize(("name", "total"), [("p08-subcategory-not-total", 230), ("p09-cumulative-decoy", 215)])
def test_sub_items_and_cumulative_figures_are_not_the_total(name: str, total: int) -> None:
    assert js(name)["proactive"]["total"] == total


# ---------------------------------------------------------------------------------- tables as text

def test_aligned_layout_tables_are_read_and_the_header_line_is_never_a_row() -> None:
    d = js("tb01-layout-2021")
    assert cell(d, "applications", "new_received", "total")["value"] == 27
    assert cell(d, "applications", "partial", "natural_person")["value"] == 4  # row label wrapped over 2 lines
    assert cell(d, "applications", "results_total", "total")["method"] == "table-text"
    assert [cell(d, "reviews", None, c)["value"] for c in ("review_total", "direct_total", "after_review_total")] \
        == [2, 1, 1]


def test_a_t4_whose_values_cannot_be_placed_is_present_not_read_and_prose_is_used() -> None:
    d = js("tb02-layout-t4-header-only")
    assert [cell(d, "reviews", None, c)["value"] for c in ("review_total", "direct_total", "after_review_total")] \
        == [3, 2, 1]
    assert all(cell(d, "reviews", None, c)["method"] == "prose" for c in ("review_total", "direct_total"))
    t4 = [n for n in d["not_read"] if n["item"].startswith("表四")]
    assert t4 and all("没有该表" not in n["reason"] for n in t4)


@pytest.mark.parametrize("name", ["tb03-pipes-2019", "tb04-cell-per-line"])
def test_bar_and_one_cell_per_line_tables_are_read_when_every_row_has_all_its_cells(name: str) -> None:
    d = js(name)
    assert all(c["method"] == "table-text" for c in d["applications"] + d["reviews"])
    assert len(d["reviews"]) == 15


@pytest.mark.parametrize("name", ["tb05-cell-per-line-gaps", "tb06-run-together"])
def test_tables_with_missing_or_run_together_cells_are_not_read(name: str) -> None:
    d = js(name)
    assert all(c["method"] != "table-text" for c in d["applications"] + d["reviews"])
    assert any(n["item"].startswith("表三") and "有该表" in n["reason"] for n in d["not_read"])


def test_signed_article20_cells_in_text_are_present_not_read() -> None:
    d = js("tb07-signed-cells")
    assert not d["article20"]
    assert any(n["item"].startswith("表二") and "有该表" in n["reason"] for n in d["not_read"])


def test_audit_does_not_claim_a_report_with_unread_tables_has_none(capsys) -> None:
    main(["audit", str(CORPUS / "tb06-run-together.txt"), "--json"])
    doc = json.loads(capsys.readouterr().out)
    t3 = [n for n in doc["not_read"] if n["item"].startswith("表三（")]
    assert t3 and all("没有该表" not in n["reason"] for n in t3)


# ---------------------------------------------------------------------------------- spam and damage

def test_gambling_spam_is_cut_and_listed() -> None:
    d = js("s01-casino")
    assert d["proactive"]["total"] == 92
    assert d["normalisation"]["spam_words"] == ["真人百家乐"]
    assert any("娱乐" in line for line in d["normalisation"]["removed_lines"])
    d = js("n05-spam-spliced")
    assert d["agency"]["name"] == "金沙乡人民政府"  # a place name is not spam


def test_mojibake_is_skipped_and_listed() -> None:
    d = js("s02-mojibake")
    assert len(d["normalisation"]["damaged_removed"]) == 2
    assert any("乱码" in w for w in d["warnings"])
    assert cell(d, "applications", "new_received", "total")["value"] == 12


def test_empty_brackets_and_cut_names_do_not_stop_the_reading() -> None:
    d = js("s03-name-cut")
    assert d["proactive"]["total"] == 57 and len(d["proactive"]["channels"]) == 2


# ------------------------------------------------------------------------------------------- audit

def test_audit_of_an_unidentified_agency_reports_its_arithmetic_errors(capsys) -> None:
    assert main(["audit", str(CORPUS / "a01-arith-unidentified.txt")]) == 1
    out = capsys.readouterr().out
    assert "未识别机关（a01-arith-unidentified.txt）" in out
    assert "R1" in out and "R3" in out
    assert main(["audit", str(CORPUS / "t11-wo-ju.txt"), str(CORPUS / "t01-split-title.txt"), "--json"]) == 0
    docs = json.loads(capsys.readouterr().out)
    assert [d["agency_identified"] for d in docs] == [False, True]


def test_read_prose_is_the_entry_point_for_text_from_any_source() -> None:
    text = (CORPUS / "t04-niandu-twice.txt").read_text(encoding="utf-8")
    g = read_prose(text, "from-a-pdf.pdf")
    assert g.source_kind == "text" and g.agency.name == "白沙区商务局" and g.proactive.total.value == 165


@pytest.mark.parametrize(("sentence", "cells"), [
    ("本年度行政复议、行政诉讼均未发生。",
     {("t4", "value", "review_total"): 0, ("t4", "value", "direct_total"): 0,
      ("t4", "value", "after_review_total"): 0}),
    ("本年度收到申请3件，除此之外未收到其他政府信息公开申请。", {("t3", "new_received", "total"): 3}),
    ("2020年，我镇收到0件信息公开申请。", {("t3", "new_received", "total"): 0}),
    ("全年主动公开涉农补贴信息12条。", {}),  # a category's count is not the total
])
def test_prose_wordings(sentence: str, cells: dict) -> None:
    g = read_prose(f"一、总体情况\n{sentence}\n", "x.txt")
    got = {(t.spec.id, *k): v.value for t in g.tables for k, v in t.cells.items() if k[0] != "results_total"}
    assert got == cells
    assert g.proactive.total.value is None


def test_channel_statements_without_a_total() -> None:
    text = "一、总体情况\n通过政府网站发布信息120条，微信公众号发布80条，政务微博发布30条。网站访问量达3万人次。\n"
    g = read_prose(text, "x.txt")
    assert [(c.channel, c.figure.value) for c in g.proactive.channels] == [("website", 120), ("wechat", 80),
                                                                           ("weibo", 30)]
    assert not g.proactive.total.is_value


@pytest.mark.parametrize(("sentence", "cells"), [
    ("全年收到政府信息公开申请为零。", {("t3", "new_received", "total"): 0}),
    ("行政复议、行政诉讼均为零。", {("t4", "value", "review_total"): 0, ("t4", "value", "direct_total"): 0,
                                 ("t4", "value", "after_review_total"): 0}),
    ("被纠错的行政复议案件为零。", {}),
])
def test_zero_in_words(sentence: str, cells: dict) -> None:
    g = read_prose(f"一、总体情况\n{sentence}\n", "x.txt")
    assert {(t.spec.id, *k): v.value for t in g.tables for k, v in t.cells.items()} == cells


# ------------------------------------------- generalising to published pages (own wording, own numbers)

@pytest.mark.parametrize(("name", "agency", "as_written", "method"), [
    # breadcrumb lines and a 组配分类 field are page chrome, not the title; the town's full name is in the text
    ("r01-breadcrumb-parts", "桐川县青桐镇人民政府", "青桐镇", "title"),
    # a title without the city: the contact sentence writes the full name
    ("r02-full-name-in-contact", "松江市柏林区卫生健康局", "柏林区卫生健康局", "title"),
    ("r03-xianjiang-count-first", "云屏县审计局", "云屏县审计局", "opening"),  # 现将2021年X…报告予以公布
    ("r04-subject-gongbu-meta", "兴安市河阳区统计局", "河阳区统计局", "metadata"),  # 发文机关: | X |
    ("r06-sole-figure", "梧桐街道办事处", "梧桐街道办事处", "opening"),  # 现公开X2022年…
    ("r07-subject-total-opening-subject", "北湾区商务局", "北湾区商务局", "opening"),  # 2019年，X认真…
])
def test_agency_of_published_pages(name: str, agency: str, as_written: str, method: str) -> None:
    a = js(name)["agency"]
    assert (a["name"], a["as_written"], a["method"]) == (agency, as_written, method)


def test_a_title_whose_name_is_spam_leaves_the_agency_unidentified() -> None:
    d = js("r09-spam-cut-name")
    assert d["agency"] is None or not d["agency"].get("name")
    assert d["year"] == 2019 and d["proactive"]["total"] == 864


@pytest.mark.parametrize(("name", "total", "channels"), [
    ("r01-breadcrumb-parts", 385, [("镇政务公开专栏", 241), ("村务公开栏", 144)]),  # …累计发布各类信息N条，其中…
    ("r02-full-name-in-contact", 276, [("区政府信息公开网站", 276)]),  # the one channel the total went through
    ("r03-xianjiang-count-first", 183, []),  # 通过各种媒体…公开183条信息
    ("r04-subject-gongbu-meta", 147, []),  # 共计公开各类信息N条，其中 categories
    ("r06-sole-figure", 92, [("区政府门户网站", 92)]),  # the only figure of a （一）主动公开 paragraph
    ("r07-subject-total-opening-subject", 260, [("北湾区政府门户网站", 21), ("政务微信号发布工作动态信息", 70),
                                                ("区商务局网站", 1530)]),
    ("r08-until-year-end", 31, [("信息公开目录系统", 31)]),  # 截至12月31日…累计: the year's own count
])
def test_totals_as_published_pages_state_them(name: str, total: int, channels: list) -> None:
    p = js(name)["proactive"]
    assert p["total"] == total
    assert [(c["label"], c["value"]) for c in p["channels"]] == channels


def test_a_channel_count_followed_by_other_channels_is_not_the_total() -> None:
    p = js("r05-one-channel-of-several")["proactive"]
    assert p["total"] is None
    # 14项惠民资金 counts funds, 通过网站提交申请的1件 counts applications: neither is a channel
    assert [(c["channel"], c["value"]) for c in p["channels"]] == [("website", 38), ("wechat", 126)]
    d = js("r05-one-channel-of-several")
    assert cell(d, "reviews", "value", "review_total")["value"] == 0  # 行政复议0条


def test_application_sentences_that_name_a_table_row() -> None:
    d = js("r06-sole-figure")
    assert cell(d, "applications", "new_received", "total")["value"] == 0
    assert cell(d, "applications", "carried_over", "total")["value"] == 0
    d = js("r09-spam-cut-name")  # 收到依申请公开政府信息要求5条
    assert cell(d, "applications", "new_received", "total")["value"] == 5
    d = js("r04-subject-gongbu-meta")  # 申请行政复议、提起行政诉讼0件: both are 0
    assert cell(d, "reviews", "value", "review_total")["value"] == 0
    assert cell(d, "reviews", "value", "direct_total")["value"] == 0


def test_a_channel_count_with_its_own_breakdown_after_another_channel_is_not_the_total() -> None:
    d = js("r10-channel-before-total")
    assert d["proactive"]["total"] is None  # 138篇，其中… is the WeChat account's count, not the total
    assert [c["value"] for c in d["proactive"]["channels"]] == [47, 138]
    # its 其中 list is that account's own breakdown: content headings as written, no total made from them
    assert [(c["label"], c["value"]) for c in d["proactive"]["categories"]] == [("工作动态", 61), ("政策宣传", 42),
                                                                                ("其他内容", 35)]
    # 未收到任何公民、法人和其他组织提出的公开政府信息的申请: none received
    assert cell(d, "applications", "new_received", "total")["value"] == 0


def test_a_breakdown_stops_where_another_statement_starts() -> None:
    d = js("r11-xinxishu-list-break")
    p = d["proactive"]
    assert (p["total"], [c["value"] for c in p["channels"]]) == (512, [188, 324])
    assert p["categories"] == []  # ；同时…行政许可信息67条: licensing records, not a part of the 512
    assert (d["agency"]["name"], d["agency"]["method"]) == ("宁江县自然资源和规划局", "opening")  # 现公布2023年X…
    assert cell(d, "applications", "new_received", "total")["value"] == 4  # 受理依申请公开件4件


@pytest.mark.parametrize(("text", "name"), [
    # an address is not a name: 安徽省亳州市望疃镇振兴大道 does not make 望疃镇 a longer name
    ("望疃镇2023年政府信息公开工作年度报告\n如有疑问请联系（地址：安徽省亳州市望疃镇振兴大道）。\n", "望疃镇"),
    # the verb in front of a place is not part of it
    ("梧州区民政局2022年政府信息公开工作年度报告\n现向社会公布苍山市梧州区民政局2022年报告。\n", "苍山市梧州区民政局"),
    ("梧州区民政局2022年政府信息公开工作年度报告\n请联系苍山市梧州区民政局（电话）。\n", "苍山市梧州区民政局"),
    ("柳塘镇2022年政府信息公开工作年度报告\n本报告由柳塘镇人民政府编制。\n", "柳塘镇人民政府"),
])
def test_a_name_is_completed_only_where_the_text_writes_it_as_a_name(text: str, name: str) -> None:
    assert read_prose(text, "x.txt").agency_name == name


def test_channels_counted_in_brackets_and_a_line_of_counted_headings() -> None:
    d = js("r12-bracket-counts-list-line")
    p = d["proactive"]
    assert p["total"] == 141
    # 《竹山简报》（6期） is no channel of the table: left out and listed, never guessed
    assert [(c["label"], c["value"]) for c in p["channels"]] == [("政府信息公开网站", 94), ("村务公开栏", 41)]
    assert any("竹山简报" in n["item"] for n in d["not_read"])
    p = js("r13-list-line-no-total")["proactive"]
    assert p["total"] is None  # the headings are read as written; no total is made from them
    assert [(c["label"], c["value"]) for c in p["categories"]] == [("工作动态", 24), ("通知公告", 7), ("财政信息", 5),
                                                                   ("人事信息", 2)]
