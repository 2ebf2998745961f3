"""Table layouts and the HTML renderer: the official layouts with merged header cells, blank / 0 / 不适用,
escaping, and review annotations."""

from __future__ import annotations

import pytest

from govreport.core.formats import FORMATS, table_spec
from govreport.core.model import TableData
from govreport.core.values import Figure
from govreport.render import tables as T
from tests.test_render_fixtures import data_cells, soup, span, table_shape, th


def _t3(version: str, cells=None) -> TableData:
    return TableData(table_spec(version, "t3"), cells or {})


@pytest.mark.parametrize(("version", "rows", "results_span"), [("2021", 25, 22), ("2019", 23, 20)])
def test_table3_layout(version, rows, results_span):
    table = soup(T.render_table(T.official_table(_t3(version)))).find("table")
    assert table_shape(table) == (rows, {7})
    head = table.find("thead").find_all("tr")
    assert len(head) == 3
    corner = head[0].find("th")
    assert "勾稽关系" in corner.get_text() and span(corner, "colspan") == 3 and span(corner, "rowspan") == 3
    assert span(th(table, "申请人情况"), "colspan") == 7
    assert span(th(table, "法人或其他组织"), "colspan") == 5
    for leaf in ("自然人", "总计"):
        assert span(th(table, leaf), "rowspan") == 2
    legal = ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    assert [c.get_text() for c in head[2].find_all("th")] == legal
    assert span(th(table, "三、本年度办理结果"), "rowspan") == results_span
    assert span(th(table, "（三）不予公开"), "rowspan") == 8
    assert span(th(table, "（四）无法提供"), "rowspan") == 3
    assert span(th(table, "（五）不予处理"), "rowspan") == 5
    other = th(table, "（六）其他处理")
    if version == "2021":
        assert span(other, "rowspan") == 3
    else:  # a data row of its own
        assert span(other, "colspan") == 2 and len(data_cells(other.parent)) == 7
    assert span(th(table, "一、本年新收政府信息公开申请数量"), "colspan") == 3
    assert span(th(table, "（七）总计"), "colspan") == 2


def test_table4_layout():
    table = soup(T.render_table(T.official_table(TableData(table_spec("2021", "t4"))))).find("table")
    assert table_shape(table) == (1, {15})
    head = table.find("thead").find_all("tr")
    assert len(head) == 3
    assert span(th(table, "行政复议"), "colspan") == 5
    assert span(th(table, "行政诉讼"), "colspan") == 10
    assert span(th(table, "未经复议直接起诉"), "colspan") == 5
    assert span(th(table, "复议后起诉"), "colspan") == 5
    assert [span(c, "rowspan") for c in head[1].find_all("th")][:5] == [2, 2, 2, 2, 2]
    assert len(head[2].find_all("th")) == 10


def test_blank_zero_and_not_applicable_stay_distinct():
    cells = {("new_received", "natural_person"): Figure.of(0), ("new_received", "commercial"): Figure.na(),
             ("new_received", "total"): Figure.of(12)}
    table = soup(T.render_table(T.official_table(_t3("2021", cells)))).find("table")
    by_key = {c["data-cell"]: c for c in table.find_all("td")}
    assert by_key["new_received:natural_person"].get_text() == "0"
    assert "value" in by_key["new_received:natural_person"]["class"]
    assert by_key["new_received:commercial"].get_text() == "不适用"
    assert "na" in by_key["new_received:commercial"]["class"]
    assert by_key["new_received:research"].get_text() == ""
    assert "blank" in by_key["new_received:research"]["class"]
    assert by_key["new_received:total"].get_text() == "12"


@pytest.mark.parametrize(("version", "blocks"), [("2021", 4), ("2019", 5)])
def test_article20_blocks(version, blocks):
    specs = [t for t in FORMATS[version].tables if t.id.startswith("t2")]
    layout = T.art20_table([TableData(s) for s in specs])
    table = soup(T.render_table(layout)).find("table")
    captions = [c.get_text() for c in table.find_all("th", class_="caption")]
    assert captions == [s.title for s in specs] and len(captions) == blocks
    widths = {sum(span(c, "colspan") for c in r.find_all(["th", "td"])) for r in table.find_all("tr")}
    assert widths == {4}  # 信息内容 + three columns; narrower blocks span the rest


def test_text_is_escaped():
    rows = [(T.Cell("<script>alert(1)</script>", kind="text"), T.Cell("a&b", kind="value"))]
    html = T.render_table(T.simple_table(("渠道", "数量"), rows, html_id="x", caption="<b>c</b>"))
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;" in html and "a&amp;b" in html


def test_annotations_show_only_in_the_review_copy():
    layout = T.annotate(T.official_table(_t3("2021")), [
        T.Note("warning", "上年结转不一致", row="carried_over", column="total"),
        T.Note("error", "总计不等", row="results_total", column="natural_person"),
        T.Note("info", "整表说明"),
        T.Note("error", "不存在的格", row="nope", column="total"),
    ])
    public = T.render_table(layout)
    assert "flag" not in public and "总计不等" not in public
    review = soup(T.render_table(layout, review=True))
    flagged = {c["data-cell"]: c for c in review.find_all("td", class_="flag")}
    assert set(flagged) == {"carried_over:total", "results_total:natural_person"}
    assert "flag-error" in flagged["results_total:natural_person"]["class"]
    assert flagged["results_total:natural_person"].find("sup").get_text() == "1"  # errors numbered first
    notes = [li.get_text(" ", strip=True) for li in review.find("ol", class_="findings").find_all("li")]
    assert len(notes) == 4 and notes[0].startswith("1 错误") and any("整表说明" in n for n in notes)
