"""HTML tables: rows and columns matched by label (never by position), merged cells, what is not read."""

from __future__ import annotations

from govreport.core.values import Figure, Mark
from govreport.readers import ingest_text
from tests.fixtures.ingest.build_fixtures import t3_values, table3, table4

HEAD = "<html><body><h1>青禾县水利局2022年政府信息公开工作年度报告</h1><p>统计期限为2022年1月1日至2022年12月31日。</p>"


def page(*tables: str) -> str:
    return HEAD + "".join(f"<p>表</p>{t}" for t in tables) + "</body></html>"


def td(*cells: object) -> str:
    return "<tr>" + "".join(c if str(c).startswith("<td") else f"<td>{c}</td>" for c in cells) + "</tr>"


def test_t4_columns_by_header_not_by_position() -> None:
    # 复议后起诉 printed before 未经复议直接起诉, and a leading label column
    head1 = td('<td rowspan="3">项目</td>', '<td colspan="5">行政复议</td>', '<td colspan="10">行政诉讼</td>')
    leaves = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    head2 = td(*(f'<td rowspan="2">{x}</td>' for x in leaves), '<td colspan="5">复议后起诉</td>',
               '<td colspan="5">未经复议直接起诉</td>')
    head3 = td(*leaves, *leaves)
    data = td("件数", 1, 0, 0, 0, 1, 0, 0, 0, 2, 2, 3, 0, 0, 0, 3)
    got = ingest_text(page(f"<table>{head1}{head2}{head3}{data}</table>"), "t4.html")
    t4 = got.report().table("t4", "2021")
    assert t4.get("value", "after_review_pending") == Figure.of(2)
    assert t4.get("value", "after_review_total") == Figure.of(2)
    assert t4.get("value", "direct_maintained") == Figure.of(3)
    assert t4.get("value", "direct_total") == Figure.of(3)
    assert t4.get("value", "review_total") == Figure.of(1)
    src = got.sources[("cell", "2021", "t4", "value", "direct_total")]
    assert (src.table, src.row, src.col) == (1, 4, 16)


def test_t3_rows_in_another_order_are_still_matched_by_label() -> None:
    html = table3("2021", t3_values("2021", {"granted": [1, 0, 0, 0, 0, 0, 1], "results_total": [1, 0, 0, 0, 0, 0, 1],
                                               "new_received": [1, 0, 0, 0, 0, 0, 1]}))
    rows = html.split("\n")
    body = rows[1:-1]
    # move the 结转下年度 row and the 上年结转 row to the top of the data rows
    data = body[3:]
    moved = [data[-1], data[1]] + [r for i, r in enumerate(data) if i not in (1, len(data) - 1)]
    shuffled = "\n".join([rows[0], *body[:3], *moved, rows[-1]])
    got = ingest_text(page(shuffled), "t3.html").report().table("t3", "2021")
    assert got.get("granted", "total") == Figure.of(1)
    assert got.get("new_received", "natural_person") == Figure.of(1)
    assert got.get("carried_forward", "total") == Figure.of(0)
    assert len(got.cells) == 25 * 7


def test_t3_columns_in_another_order() -> None:
    corner = '<td colspan="3">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td>'
    head = td(corner, "总计", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
    row = td('<td colspan="3">一、本年新收政府信息公开申请数量</td>', 9, 7, 2, 0, 0, 0, 0)
    got = ingest_text(page(f"<table>{head}{row}</table>"), "t3.html").report()
    t3 = got.table("t3")
    assert t3.get("new_received", "total") == Figure.of(9)
    assert t3.get("new_received", "natural_person") == Figure.of(7)
    assert t3.get("new_received", "commercial") == Figure.of(2)


def test_unreadable_cells_and_unknown_rows_are_listed_not_guessed() -> None:
    head = td('<td colspan="3">项目</td>', "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他",
              "总计")
    rows = (td('<td colspan="3">一、本年新收政府信息公开申请数量</td>', "无", 0, 0, 0, 0, 0, "")
            + td('<td colspan="3">本年办结数量</td>', 1, 0, 0, 0, 0, 0, 1)
            + td('<td colspan="3">二、上年结转政府信息公开申请数量</td>', '<td colspan="2">0</td>', 0, 0, 0, 0, "/"))
    got = ingest_text(page(f"<table>{head}{rows}</table>"), "t3.html")
    t3 = got.report().table("t3")
    assert ("new_received", "natural_person") not in t3.cells  # “无” is not a figure
    assert t3.get("new_received", "total").mark is Mark.BLANK
    assert ("new_received", "total") in t3.cells  # an empty cell of the table: blank, not 0
    assert t3.get("carried_over", "total") == Figure.na()
    assert ("carried_over", "natural_person") not in t3.cells  # one merged cell across two columns
    assert ("carried_over", "commercial") not in t3.cells
    reasons = " ".join(f"{n.item} {n.reason}" for n in got.not_read)
    assert "“无”" in reasons and "本年办结数量" in reasons and "合并单元格" in reasons


def test_group_rows_with_figures_are_not_read_as_data() -> None:
    # a report that adds a subtotal row for （三）不予公开 (the format has none)
    extra = td('<td colspan="3">（三）不予公开小计</td>', 1, 0, 0, 0, 0, 0, 1)
    html = table3("2021", t3_values("2021", {})).replace("</table>", extra + "</table>")
    got = ingest_text(page(html), "t3.html")
    assert any("（三）不予公开小计" in w and "分组标题" in w for w in got.warnings)
    assert got.report().table("t3").get("denied_state_secret", "total") == Figure.of(0)
    assert len(got.report().table("t3").cells) == 25 * 7


def test_unrecognised_tables_and_layout_tables() -> None:
    layout = ("<table><tr><td>一、总体情况</td></tr><tr><td>全年主动公开政府信息300条，其中，县政府门户网站300条。"
              "本年度继续加强政务公开平台建设，及时发布各类信息。</td></tr></table>")
    other = "<table><tr><td>栏目</td><td>条数</td></tr><tr><td>通知公告</td><td>12</td></tr></table>"
    got = ingest_text(HEAD + layout + other + table4([0] * 15) + "</body></html>", "mixed.html")
    assert got.proactive.total == Figure.of(300)  # the layout table was read as prose
    assert any(n.item == "表格1" and "不是表二" in n.reason for n in got.not_read)
    assert len(got.report().table("t4").cells) == 15
    assert got.sources[("cell", "2021", "t4", "value", "review_total")].table == 2
