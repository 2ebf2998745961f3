"""Figures in prose: periods (broken forms too), totals, channels, and the traps listed in docs/domain/channels.md."""

from __future__ import annotations

import datetime as dt

import pytest

from govreport.core.values import Figure
from govreport.readers import ingest_text
from govreport.readers.particulars import parse_loose_date

HEAD = "青禾县统计局2021年政府信息公开工作年度报告\n"
BEFORE_3 = HEAD + "一、总体情况\n无。\n二、主动公开政府信息情况\n无。\n"
BEFORE_4 = BEFORE_3 + "三、收到和处理政府信息公开申请情况\n无。\n"


def ingest(body: str, head: str = HEAD):
    return ingest_text(head + body, "inline.txt")


@pytest.mark.parametrize(("text", "want"), [
    ("2020年1月1日", dt.date(2020, 1, 1)),
    ("202011日", dt.date(2020, 1, 1)),  # 年 and 月 dropped
    ("20201231日", dt.date(2020, 12, 31)),
    ("20201月1日", dt.date(2020, 1, 1)),  # 年 dropped
    ("2020年1231日", dt.date(2020, 12, 31)),  # 月 dropped
    ("2020131日", dt.date(2020, 1, 31)),  # only 1/31 is a date (13/1 is not)
    ("2020111日", None),  # 1/11 or 11/1: ambiguous
    ("2020年2月30日", None),
])
def test_parse_loose_date(text: str, want: dt.date | None) -> None:
    assert parse_loose_date(text) == want


@pytest.mark.parametrize(("sentence", "start", "end", "missing"), [
    ("本报告所列数据的统计期限为2021年1月1日至2021年12月31日。", dt.date(2021, 1, 1), dt.date(2021, 12, 31), False),
    ("本报告统计时间自202111日起至20211231日止。", dt.date(2021, 1, 1), dt.date(2021, 12, 31), False),
    ("本报告数据统计期限自20211月1日起。", dt.date(2021, 1, 1), None, True),
    ("本报告统计期限自2021111日起至20211231日止。", None, None, True),
    ("本报告依据条例编制。", None, None, True),
])
def test_statistical_period_forms(sentence, start, end, missing) -> None:
    got = ingest(sentence + "\n一、总体情况\n无。")
    assert (got.period.start, got.period.end) == (start, end)
    assert any(n.item.startswith("统计期限") for n in got.not_read) is missing
    assert got.year == 2021  # from the title whatever the period says


def test_year_from_the_period_when_there_is_no_title() -> None:
    got = ingest("本报告统计期限为2020年1月1日至2020年12月31日。\n", head="")
    assert got.year == 2020
    assert got.agency is None and any(n.item == "机关名称" for n in got.not_read)


def test_cutoff_only_when_counts_stop_before_the_period_end() -> None:
    body = "本报告统计期限为2021年1月1日至2021年12月31日。\n一、总体情况\n{}"
    early = ingest(body.format("截至2021年11月30日，全年主动公开政府信息210条。"))
    assert early.period.cutoff == dt.date(2021, 11, 30)
    full = ingest(body.format("2021年1月1日至12月31日，主动公开政府信息210条。"))
    assert full.period.cutoff is None and full.proactive.total == Figure.of(210)


def test_cumulative_total_is_not_the_annual_total() -> None:
    got = ingest("一、总体情况\n自网站开通以来累计主动公开政府信息12000余条。\n")
    assert got.proactive.total.mark.name == "BLANK"
    assert any("累计" in n.reason for n in got.not_read)


def test_wan_units_and_thousands_separators() -> None:
    got = ingest("一、总体情况\n全年主动公开政府信息1.2万条，其中，县政府门户网站8,000条，政务微博4000条。\n")
    p = got.proactive
    assert p.total == Figure.of(12000)
    assert [c.figure.value for c in p.channels] == [8000, 4000]
    assert p.channels_overlap is False


@pytest.mark.parametrize(("item", "reason"), [
    ("政府网站、微信公众号分别发布120条", "分别"),
    ("政府网站和微信公众号共发布120条", "多个渠道"),
    ("网站访问量8.6万人次", None),  # audience: not a channel, not an error
])
def test_items_that_are_not_one_channel(item: str, reason: str | None) -> None:
    got = ingest(f"一、总体情况\n全年主动公开政府信息500条，其中，{item}，政务微博发布380条。\n")
    assert [c.channel for c in got.proactive.channels] == ["weibo"]
    if reason is None:
        assert [a["label"] for a in got.audience] == ["网站访问量"]
    else:
        assert any(reason in n.reason for n in got.not_read)


def test_an_item_of_the_list_under_an_unknown_heading_is_a_category_as_written() -> None:
    got = ingest("一、总体情况\n全年主动公开政府信息500条，其中，便民手册120条，政务微博发布380条。\n")
    assert [(c.label, c.category, c.figure.value) for c in got.proactive.categories] == [("便民手册", "other", 120)]
    assert "按原文名称记录" in got.proactive.categories[0].note
    got = ingest("一、总体情况\n全年主动公开政府信息500条。全年发布便民手册120条。\n")
    assert not got.proactive.categories  # outside the list after the total: not read


@pytest.mark.parametrize(("sentence", "cells"), [
    ("目前没有依申请公开办理情况。", {("new_received", "total"): 0, ("results_total", "total"): 0}),
    ("本年度未收到政府信息公开申请。", {("new_received", "total"): 0}),
    ("本年度未收到自然人、法人或其他组织的政府信息公开申请。", {("new_received", "total"): 0}),
    ("本年度未收到法人或者其他组织提出的政府信息公开申请。",
     {("new_received", c): 0 for c in ("commercial", "research", "public_welfare", "legal_service", "other_org")}),
    ("本年度未收到自然人提出的政府信息公开申请。", {("new_received", "natural_person"): 0}),
    ("本年度无上年结转申请。", {("carried_over", "total"): 0}),
    ("本年度共收到政府信息公开申请12件，其中自然人申请10件，法人或其他组织0件；上年结转2件，结转下年度继续办理1件。",
     {("new_received", "total"): 12, ("new_received", "natural_person"): 10, ("carried_over", "total"): 2,
      ("carried_forward", "total"): 1,
      **{("new_received", c): 0 for c in ("commercial", "research", "public_welfare", "legal_service", "other_org")}}),
    ("无法提供的申请均已告知申请人。", {}),
    ("未出现逾期答复申请的情况。", {}),
    ("本年度收到申请（含上年结转）15件。", {}),
])
def test_application_statements(sentence: str, cells: dict) -> None:
    got = ingest(f"三、收到和处理政府信息公开申请情况\n{sentence}\n", head=BEFORE_3)
    t3 = got.report().table("t3", "2021")
    assert {k: f.value for k, f in t3.cells.items()} == cells


@pytest.mark.parametrize(("sentence", "cells", "reason"), [
    ("我局至今未发生针对本局信息公开事务的行政复议或行政诉讼事项。",
     {"review_total": 0, "direct_total": 0, "after_review_total": 0}, None),
    ("本年度未发生政府信息公开行政复议案件。", {"review_total": 0}, None),
    ("本年度无因政府信息公开被纠错的案件。", {}, "纠错"),
    ("本年度被申请行政复议2件，结果维持1件，尚未审结1件。",
     {"review_total": 2, "review_maintained": 1, "review_pending": 1}, None),
    ("本年度发生行政诉讼3件。", {}, "未区分"),
    ("行政复议1件，目前正在办理中。", {"review_total": 1}, None),
])
def test_review_statements(sentence: str, cells: dict, reason: str | None) -> None:
    got = ingest(f"四、政府信息公开行政复议、行政诉讼情况\n{sentence}\n", head=BEFORE_4)
    t4 = got.report().table("t4", "2021")
    assert {c: f.value for (_, c), f in t4.cells.items()} == cells
    if reason:
        assert any(reason in n.reason for n in got.not_read)


def test_prose_figures_carry_a_note_and_a_source() -> None:
    got = ingest("三、收到和处理政府信息公开申请情况\n我局目前没有依申请公开办理情况。\n", head=BEFORE_3)
    t3 = got.report().table("t3", "2021")
    assert t3.notes[("new_received", "total")] == "正文三：目前没有依申请公开办理情况"
    src = got.sources[("cell", "2021", "t3", "new_received", "total")]
    assert src.line == 7 and src.text == "我局目前没有依申请公开办理情况。"


def test_plain_text_tables_are_listed_as_not_read() -> None:
    got = ingest("三、收到和处理政府信息公开申请情况\n本年新收政府信息公开申请数量\n3\n")
    assert any(n.item.startswith("表三") and "未读取" in n.reason for n in got.not_read)
