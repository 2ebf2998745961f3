"""The document pieces (no notebook execution): part order, the opening, the figures, the two renditions,
findings routed to their cells, escaping, and the JupyterLab displays."""

from __future__ import annotations

import pandas as pd
import pytest

import govreport
from govreport.render import document as D
from govreport.render.document import REVIEW_MIME, ReportDocument
from tests.test_render_fixtures import AGENCY_NAME, SCRIPT, formatted_dataset, soup, table_shape


@pytest.fixture(scope="module")
def seed_doc():
    return ReportDocument.prepare(govreport.load("data", use_cache=False), "五原县民政局", 2020)


@pytest.fixture(scope="module")
def fmt_ds(tmp_path_factory):
    return govreport.load(formatted_dataset(tmp_path_factory.mktemp("fmt") / "data"), use_cache=False)


def _html(doc: ReportDocument, *, review: bool) -> str:
    frags = doc.fragments(review=review)
    return "".join((f.review if f.review is not None else f.html) if review else f.html for f in frags)


def test_seed_keeps_its_own_five_parts(seed_doc):
    page = soup(_html(seed_doc, review=False))
    assert page.find("h1").get_text() == "五原县民政局2020年政府信息公开工作年度报告"
    assert [h.get_text() for h in page.find_all("h2")] == [
        "一、工作概述", "二、主动公开政务信息情况", "三、收到和处理政务信息公开申请情况",
        "四、政务信息公开行政复议、行政诉讼情况", "五、存在问题及改进措施"]
    assert "统计时限自2020年1月1日至2020年12月31日" in page.find(class_="opening").get_text()
    contact = page.find("dl", class_="contact").get_text()
    assert "0478-5212471" in contact and "wyxmzj2471@163.com" in contact and "015100" in contact


def test_seed_channel_figures(seed_doc):
    table = soup(seed_doc.channel_table().html).find("table")
    rows = [[c.get_text() for c in r.find_all(["td", "th"])] for r in table.find("tbody").find_all("tr")]
    assert [tuple(r[-2:]) for r in rows] == [("58条", "13.88%"), ("303条", "72.49%"), ("22条", "5.26%"),
                                            ("35条", "8.37%"), ("418条", "100.00%")]
    assert "418条" in table.find("caption").get_text()
    chart = seed_doc.channel_chart()
    assert "<svg" in chart.html and "418条" in chart.html


def test_seed_narrative_only_tables_appear_only_for_the_reviewer(seed_doc):
    public = _html(seed_doc, review=False)
    review = _html(seed_doc, review=True)
    assert 'class="gr-table official' not in public
    page = soup(review)
    t3 = page.find("table", id="gr-t3")
    assert table_shape(t3) == (23, {7})  # the 2019 layout of the year, with the transcribed zeros
    assert t3.find("td", attrs={"data-cell": "new_received:total"}).get_text() == "0"
    assert t3.find("td", attrs={"data-cell": "new_received:natural_person"}).get_text() == ""


def test_seed_review_notes_and_appendix(seed_doc):
    front = seed_doc.front_matter()
    bundle = front._repr_mimebundle_()
    assert "核验提示" not in bundle["text/html"]
    assert "P2" in bundle[REVIEW_MIME] and "F1" in bundle[REVIEW_MIME]
    appendix = soup(seed_doc.review_appendix().html)
    text = appendix.get_text()
    assert "数据核验" in text and "P2" in text and "数据统计截止日期" in text
    assert "没有2019年度的报告" in text
    assert seed_doc.provenance.data_hash in text and '"agency": "五原县民政局"' in text
    assert "/work/" not in appendix.decode() and "reports.csv" in text


def test_formatted_report_follows_the_national_order(fmt_ds):
    doc = ReportDocument.prepare(fmt_ds, AGENCY_NAME, 2021)
    page = soup(_html(doc, review=False))
    assert [h.get_text() for h in page.find_all("h2")] == [
        "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    opening = page.find(class_="opening").get_text()
    assert "第四十九条、第五十条" in opening and "国办公开办函〔2021〕30号" in opening
    assert "2021年1月1日至2021年12月31日" in opening
    sections = {s["id"]: s for s in page.find_all("section", class_="part")}
    assert sections["gr-part-proactive"].find("table", class_="t2") is not None
    assert table_shape(sections["gr-part-applications"].find("table", class_="t3")) == (25, {7})
    assert table_shape(sections["gr-part-review"].find("table", class_="t4")) == (1, {15})
    assert sections["gr-part-other"].find("caption").get_text() == "政府信息公开信息处理费"


def test_formatted_2019_report(fmt_ds):
    doc = ReportDocument.prepare(fmt_ds, AGENCY_NAME, 2020)
    page = soup(_html(doc, review=False))
    assert table_shape(page.find("table", class_="t3")) == (23, {7})
    assert len(page.find("table", class_="t2").find_all("th", class_="caption")) == 5
    assert "国办公开办函〔2019〕60号" in page.find(class_="opening").get_text()


def test_blank_zero_and_na_in_the_rendered_report(fmt_ds):
    doc = ReportDocument.prepare(fmt_ds, AGENCY_NAME, 2021)
    t3 = soup(doc.part("applications").html).find("table", class_="t3")
    cell = {c["data-cell"]: c.get_text() for c in t3.find_all("td")}
    assert cell["new_received:commercial"] == "0"
    assert cell["new_received:research"] == "不适用"
    assert cell["new_received:public_welfare"] == ""
    t2 = soup(doc.part("proactive").html).find("table", class_="t2")
    cell = {c["data-cell"]: c.get_text() for c in t2.find_all("td")}
    assert cell["t2a:regulations:issued"] == "不适用" and cell["t2c:penalty:decisions"] == "0"
    assert cell["t2a:regulations:repealed"] == ""


def test_findings_are_marked_where_they_occur(fmt_ds):
    doc = ReportDocument.prepare(fmt_ds, AGENCY_NAME, 2021)
    part = doc.part("review")
    assert "flag" not in part.html
    t4 = soup(part.review).find("table", class_="t4")
    flagged = t4.find("td", attrs={"data-cell": "value:review_total"})
    assert "flag-error" in flagged["class"] and flagged.find("sup") is not None
    assert "R6" in soup(part.review).find("ol", class_="findings").get_text()
    t3 = soup(doc.part("applications").review).find("table", class_="t3")
    assert "flag-warning" in t3.find("td", attrs={"data-cell": "carried_over:natural_person"})["class"]


def test_year_over_year(fmt_ds):
    doc = ReportDocument.prepare(fmt_ds, AGENCY_NAME, 2021)
    rows = {r.find("th").get_text(): [c.get_text() for c in r.find_all("td")]
            for r in soup(doc.year_over_year().html).find("tbody").find_all("tr")}
    assert rows["主动公开信息总数"] == ["120", "150", "+30", "+25.00%"]
    assert ReportDocument.prepare(fmt_ds, AGENCY_NAME, 2020).year_over_year() is None


def test_narrative_script_is_text(fmt_ds):
    doc = ReportDocument.prepare(fmt_ds, AGENCY_NAME, 2021)
    html = doc.part("problems").html
    assert "<script" not in html and "&lt;script&gt;" in html
    assert SCRIPT in soup(html).get_text()


def test_missing_national_part_keeps_its_heading(fmt_ds):
    doc = ReportDocument.prepare(fmt_ds, AGENCY_NAME, 2021)
    part = doc.part("review")
    assert soup(part.html).find("h2").get_text() == "四、政府信息公开行政复议、行政诉讼情况"
    assert "数据中没有本部分的文字" in part.review and "数据中没有本部分的文字" not in part.html


def test_plan_never_reorders_sections():
    from govreport.core.model import Section

    secs = [Section("", "开头"), Section("一、概述", "a"), Section("二、依申请公开", "b"),
            Section("三、主动公开情况", "c"), Section("四、附记", "d")]
    opening, plan = D.plan_sections(secs)
    assert opening == "开头"
    order = [s.heading for t in D.TOPICS for s in plan[t]]
    assert order == ["一、概述", "二、依申请公开", "三、主动公开情况", "四、附记"]


def test_route_findings():
    f = pd.DataFrame([
        {"rule": "R1", "severity": "error", "table": "t3", "row": "new_received", "column": "total",
         "place": "表三", "message": "m1", "channel_seq": None},
        {"rule": "R11", "severity": "warning", "table": "t2a", "row": "regulations", "column": "in_force",
         "place": "表二", "message": "m2", "channel_seq": None},
        {"rule": "C1", "severity": "error", "table": "", "row": "", "column": "", "place": "主动公开",
         "message": "m3", "channel_seq": 2},
        {"rule": "P2", "severity": "warning", "table": "", "row": "", "column": "", "place": "期限",
         "message": "m4", "channel_seq": None},
    ])
    r = D.route_findings(f)
    assert [n.row for n in r.table("t3")] == ["new_received"]
    assert r.table("t2")[0].table == "t2a"
    assert r.channels[0].row == "2" and "m3" in r.channels[0].message
    assert r.front[0].message.startswith("P2")


def test_jupyterlab_displays(seed_dataset):
    report = seed_dataset.report("五原县民政局", 2020)
    page = soup(report._repr_html_())
    assert "五原县民政局2020年政府信息公开工作年度报告" in page.get_text()
    assert "303条" in page.get_text() and "2019年试行格式" not in page.find("dl").get_text()
    t3 = soup(report.table("t3")._repr_html_()).find("table")
    assert table_shape(t3) == (23, {7}) and "表三" in t3.find("caption").get_text()
    listing = soup(seed_dataset._repr_html_())
    assert "150821-minzhengju" in listing.get_text() and "2020" in listing.get_text()
