"""Our own fixture reports (tests/fixtures/ingest), in the styles of docs/domain/channels.md, and their damaged copies.

Every fixture is also read as a traditional copy, a pinyin-garbled traditional copy (pypinyin + OpenCC
s2t, as the seed's mirror shows it), a GBK-encoded garbled copy and a Big5-encoded traditional copy:
each must give the same figures as the original.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from govreport.core.values import Figure, Mark
from govreport.readers import ingest_bytes, ingest_path
from tests.fixtures.ingest import variants

FIX = Path(__file__).resolve().parent / "fixtures" / "ingest"
SIMPLIFIED = ["narrative-2022.txt", "table-2019.html", "table-2021.html", "hybrid-2021.html",
              "period-error-2021.txt", "audit-broken-2022.html"]


def figures(doc: dict[str, Any]) -> dict[str, Any]:
    """The parts of a report's JSON that must not depend on encoding, script or garbling."""

    def strip(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{k: v for k, v in it.items() if k not in ("source", "note", "text")} for it in items]

    p = doc["proactive"]
    agency = {k: v for k, v in (doc["agency"] or {}).items() if k not in ("sources",)}
    return {
        "agency": agency, "year": doc["year"], "format": doc["format"],
        "period": {k: doc["period"][k] for k in ("start", "end", "cutoff")}, "published": doc["published"],
        "proactive": {"total": p["total"], "qualifier": p["qualifier"], "unit": p["unit"],
                      "overlap": p["channels_overlap"], "channels": strip(p["channels"]),
                      "categories": strip(p["categories"]), "audience": strip(p["audience"])},
        **{k: strip(doc[k]) for k in ("article20", "applications", "reviews", "fees")},
        "sections": doc["sections"],
        "not_read": [n["item"] for n in doc["not_read"]],
    }


def read(name: str) -> dict[str, Any]:
    return ingest_path(FIX / name).to_json()


def cells(doc: dict[str, Any], part: str) -> dict[tuple[str, str, str], Any]:
    return {(c["table"], c["row"], c["column"]): c["value"] for c in doc[part]}


# ------------------------------------------------------------------------------------ round trips


@pytest.mark.parametrize("name", SIMPLIFIED)
@pytest.mark.parametrize("variant", ["traditional", "garbled", "garbled-gbk", "traditional-big5"])
def test_damaged_copies_give_the_same_figures(name: str, variant: str) -> None:
    text = (FIX / name).read_text("utf-8")
    want = figures(read(name))
    if variant == "traditional":
        raw = variants.traditional(text).encode("utf-8")
    elif variant == "garbled":
        raw = variants.garbled(text).encode("utf-8")
    elif variant == "garbled-gbk":
        raw = variants.encoded(variants.garbled(text), "gbk")
    else:
        raw = variants.encoded(variants.traditional(text, "s2tw"), "cp950")
    got = ingest_bytes(raw, name)
    doc = got.to_json()
    assert figures(doc) == want
    if variant.startswith("garbled"):
        assert got.garbles > 10
    assert got.traditional
    assert got.encoding == {"traditional": "utf-8", "garbled": "utf-8", "garbled-gbk": "gb18030",
                            "traditional-big5": "cp950"}[variant]


def test_garbled_copy_keeps_sources_in_the_garbled_file() -> None:
    text = variants.garbled((FIX / "narrative-2022.txt").read_text("utf-8"))
    got = ingest_bytes(text.encode("utf-8"), "garbled.txt")
    src = got.sources[("channel", 2)]
    a, b = src.orig_span
    assert "326" in text[a:b] and "號(hào)推送" in text[a:b]
    assert src.text == "“青禾农业”微信公众号推送326条"
    assert text.split("\n")[src.line - 1].find("326") >= 0


# ----------------------------------------------------------------------------------- narrative


@pytest.fixture(scope="module")
def narrative() -> dict[str, Any]:
    return read("narrative-2022.txt")


def test_narrative_agency_derived_from_the_title(narrative) -> None:
    a = narrative["agency"]
    assert (a["name"], a["id"], a["kind"], a["level"], a["superior"], a["matched"]) == (
        "青禾县农业农村局", "qinghexian-nongyenongcunju", "department", "county", "青禾县人民政府", "derived")
    assert (a["address"], a["postcode"], a["phone"], a["fax"], a["email"]) == (
        "青禾县政务服务中心三楼", "012345", "0471-6123456", "0471-6123457", "qhnyj@example.cn")
    assert narrative["year"] == 2022 and narrative["format"] == "none"
    assert (narrative["period"]["start"], narrative["period"]["end"], narrative["period"]["cutoff"]) == (
        "2022-01-01", "2022-12-31", None)


def test_narrative_channels_qualifiers_accounts_and_audience(narrative) -> None:
    p = narrative["proactive"]
    assert (p["total"], p["qualifier"], p["unit"]) == (1286, "", "条")
    got = [(c["label"], c["channel"], c["value"], c["qualifier"], c["unit"], c["host"], c["account"])
           for c in p["channels"]]
    assert got == [
        ("县政府门户网站", "website", 860, "约", "条", "superior", ""),
        ("“青禾农业”微信公众号", "wechat", 326, "", "条", "", "青禾农业"),
        ("政务微博", "weibo", 60, "近", "条", "", ""),
        ("各村公示栏", "notice_board", 40, "以上", "条", "", ""),
    ]
    assert "约…余" in p["channels"][0]["note"]
    # 关注人数 is an audience figure next to the WeChat count, not a channel
    assert [(a["label"], a["value"], a["unit"]) for a in p["audience"]] == [("关注人数", 12000, "人")]
    # approximate channel figures: whether channels overlap cannot be told
    assert p["channels_overlap"] is None


def test_narrative_categories_are_a_second_breakdown(narrative) -> None:
    cats = [(c["label"], c["category"], c["value"]) for c in narrative["proactive"]["categories"]]
    assert cats == [("政务动态", "news", 520), ("通知公告", "notices", 310), ("政策文件", "policy_docs", 126),
                    ("其他信息", "other", 330)]


def test_legal_persons_only_says_nothing_about_natural_persons(narrative) -> None:
    t3 = cells(narrative, "applications")
    assert t3 == {("t3", "new_received", c): 0 for c in
                  ("commercial", "research", "public_welfare", "legal_service", "other_org")}
    assert ("t3", "new_received", "natural_person") not in t3 and ("t3", "new_received", "total") not in t3
    assert any("自然人" in n["item"] for n in narrative["not_read"])


def test_no_corrected_case_is_not_zero_cases(narrative) -> None:
    assert narrative["reviews"] == []
    assert any("纠错" in n["reason"] for n in narrative["not_read"])


def test_narrative_article20_and_fee_from_prose(narrative) -> None:
    assert cells(narrative, "article20") == {
        ("t2a", "normative_docs", "issued"): 3, ("t2a", "normative_docs", "repealed"): 1,
        ("t2a", "normative_docs", "in_force"): 15, ("t2b", "licensing", "decisions"): 245,
        ("t2c", "penalty", "decisions"): 18}
    assert {c["version"] for c in narrative["article20"]} == {"2021"}
    assert cells(narrative, "fees") == {("fee", "processing_fee", "collected"): 0}


def test_narrative_sections_and_subsections(narrative) -> None:
    heads = [s["heading"] for s in narrative["sections"]]
    assert heads == ["", "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                     "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    overview = narrative["sections"][1]["body"]
    assert "### （一）主动公开" in overview and "### （五）监督保障" in overview
    assert "联系地址" not in "".join(s["body"] for s in narrative["sections"])  # contact lines are agency data
    assert "青禾县农业农村局2022年" not in narrative["sections"][0]["body"]  # the title is not a paragraph


# ------------------------------------------------------------------------------------ traditional


def test_traditional_report_with_broken_period_and_overlap() -> None:
    doc = read("traditional-2021.txt")
    assert doc["agency"]["name"] == "青禾县卫生健康委员会"
    assert doc["agency"]["office"] == "青禾县卫生健康委员会办公室"
    assert doc["agency"]["address"] == "青禾县健康路8号"
    # 「自202111日起至20211231日止」: 年 and 月 dropped
    assert (doc["period"]["start"], doc["period"]["end"]) == ("2021-01-01", "2021-12-31")
    p = doc["proactive"]
    assert (p["total"], p["qualifier"]) == (320, "余")  # 餘 in the traditional text
    assert [(c["label"], c["channel"], c["value"], c["qualifier"]) for c in p["channels"]] == [
        ("县政府门户网站", "website", 210, ""), ("“健康青禾”微信公众号", "wechat", 80, ""),
        ("医疗机构电子显示屏", "electronic_screen", 30, "余")]
    assert p["channels_overlap"] is True  # 以上信息均同步在…发布
    assert cells(doc, "applications") == {("t3", "new_received", "total"): 0}  # received only: nothing handled said
    assert cells(doc, "reviews") == {("t4", "value", k): 0 for k in ("review_total", "direct_total",
                                                                      "after_review_total")}


# ----------------------------------------------------------------------------------- HTML tables


def test_2019_tables_blank_zero_and_not_applicable_kept() -> None:
    got = ingest_path(FIX / "table-2019.html")
    rep = got.report()
    assert rep.format.value == "2019" and rep.year == 2020 and rep.published == dt.date(2021, 1, 26)
    assert rep.agency.name == "青禾县教育局"
    t2a, t2b, t2d, t2e = (rep.table(t, "2019") for t in ("t2a", "t2b", "t2d", "t2e"))
    assert t2a.get("regulations", "new_made") == Figure.na()  # written “—”
    assert t2a.get("normative_docs", "total_published") == Figure.of(9)
    assert t2b.get("licensing", "delta_items") == Figure.of(-1)
    assert t2b.get("other_services", "decisions").mark is Mark.BLANK  # empty cell, not 0
    assert ("other_services", "decisions") in t2b.cells  # … but read as a cell of the table
    assert t2d.get("admin_fees", "delta_items") == Figure.of(0)  # a merged cell under one merged header
    assert t2e.get("central_procurement", "amount") == Figure.of(52.15)
    t3 = rep.table("t3", "2019")
    assert len(t3.cells) == 23 * 7
    assert t3.get("new_received", "natural_person") == Figure.of(5)
    assert t3.get("new_received", "public_welfare").mark is Mark.BLANK
    assert t3.get("other_handling", "total") == Figure.of(0)
    assert t3.get("results_total", "total") == Figure.of(6)
    src = got.sources[("cell", "2019", "t3", "results_total", "total")]
    assert (src.table, src.col) == (2, 10) and src.text == "6"
    assert len(rep.table("t4", "2019").cells) == 15
    # the spam lines of the page were dropped, the title and the publication date kept
    assert any(line.startswith("上一篇") for line in got.removed_lines)
    assert rep.sections[0].heading == ""


def test_2021_tables_fuzzy_labels_and_merged_cells() -> None:
    got = ingest_path(FIX / "table-2021.html")
    rep = got.report()
    assert rep.format.value == "2021"
    assert rep.agency.name == "青禾县市场监督管理局" and rep.agency.level.value == "county"
    t3 = rep.table("t3", "2021")
    assert len(t3.cells) == 25 * 7
    # “5.属于三类内容事务信息” (a typo real reports make) and “(一)予以公开” (half-width) still match
    assert t3.get("denied_internal", "total") == Figure.of(0)
    assert t3.get("granted", "total") == Figure.of(13)
    assert t3.get("oh_other", "total") == Figure.of(0)
    assert t3.get("partial", "public_welfare") == Figure.of(1)
    t4 = rep.table("t4", "2021")
    assert [t4.get("value", c).value for c in ("review_total", "direct_total", "direct_pending",
                                                "after_review_total")] == [3, 2, 1, 0]
    t2 = {t.spec.id: t for t in rep.tables if t.spec.id.startswith("t2")}
    assert t2["t2a"].get("regulations", "issued") == Figure.na()
    assert t2["t2b"].get("licensing", "decisions") == Figure.of(156)  # colspan=3 value under a colspan=3 header
    assert t2["t2d"].get("admin_fees", "amount") == Figure.of(12.5)
    assert all(t.spec.version == "2021" for t in rep.tables)
    p = rep.proactive
    assert p.total == Figure.of(2035) and [c.figure.value for c in p.channels] == [1520, 515]
    assert [c.channel for c in p.channels] == ["website", "new_media"]
    assert p.channels_overlap is False
    assert not got.warnings  # the prose restates 23 applications, 20 from natural persons: consistent


def test_hybrid_2021_table2_with_2019_table3() -> None:
    got = ingest_path(FIX / "hybrid-2021.html")
    rep = got.report()
    assert rep.format.value == "hybrid"
    versions = {t.spec.id: t.spec.version for t in rep.tables}
    assert versions["t2a"] == "2021" and versions["t3"] == "2019" and versions["t4"] == "2021"
    assert rep.table("t3", "2019").get("other_handling", "total") == Figure.of(1)
    assert rep.agency.kind.value == "other" and rep.agency.level.value == "township"
    assert rep.agency.superior == "青禾县人民政府"


def test_prose_contradicting_a_table_is_reported() -> None:
    text = (FIX / "table-2021.html").read_text("utf-8")
    text = text.replace("共收到政府信息公开申请23件", "共收到政府信息公开申请25件")
    got = ingest_bytes(text.encode("utf-8"), "contradiction.html")
    assert got.report().table("t3", "2021").get("new_received", "total") == Figure.of(23)  # the table wins
    assert any("正文与表格不一致" in w and "25" in w for w in got.warnings)


def test_html_narrative_names_the_tables_instead_of_repeating_them() -> None:
    got = ingest_path(FIX / "table-2021.html")
    body = {s.heading: s.body for s in got.sections}
    assert body["三、收到和处理政府信息公开申请情况"].startswith("（此处为表三（收到和处理政府信息公开申请情况）")
    assert "［表格" not in "".join(body.values())
    assert got.sources[("published",)].text == "发布时间：2023-01-18"
    assert "发布时间" in (FIX / "table-2021.html").read_text("utf-8").split("\n")[got.sources[("published",)].line - 1]
