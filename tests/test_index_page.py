"""The batch index page: content, escaping, coverage and determinism (browser behaviour: test_batch_browser)."""

from __future__ import annotations

import pandas as pd
from lxml import html as lhtml

from govreport import stats
from govreport.batch.index_page import EntryStatus, IndexInput, build_index


def _findings(rows):
    return pd.DataFrame(rows, columns=["agency_id", "year", "severity"])


def test_index_lists_reports_with_status_links_and_coverage(seed_dataset):
    panel = stats.panel(seed_dataset)
    page = build_index(IndexInput(
        panel=panel,
        findings=_findings([("150821-minzhengju", 2020, "warning"), ("150821-minzhengju", 2020, "warning")]),
        status={("150821-minzhengju", 2020): EntryStatus(("report.html", "report.pdf", "review.html"))},
        years=(2019, 2020),
        provenance={"data": "abc123"},
    ))
    doc = lhtml.fromstring(page)
    assert doc.get("lang") == "zh"
    rows = doc.xpath('//table[@id="reports"]/tbody/tr')
    assert len(rows) == 1
    cells = [c.text_content() for c in rows[0].xpath("td")]
    assert cells[0] == "五原县民政局" and cells[2] == "2020" and cells[4] == "警告 2" and cells[5] == "418"
    assert cells[7] == "不适用"  # nothing handled: no rate, not 100 %
    assert rows[0].xpath(".//a/@href") == ["150821-minzhengju/2020/report.html", "150821-minzhengju/2020/report.pdf",
                                           "150821-minzhengju/2020/review.html"]
    cov = [td.text_content() for td in doc.xpath('//table[@id="coverage"]/tbody/tr/td')]
    assert cov == ["无数据", "已生成"]
    assert not doc.xpath("//script[@src]") and not doc.xpath("//link[@href]")
    assert "abc123" in page


def test_index_escapes_data_and_is_deterministic(seed_dataset):
    panel = stats.panel(seed_dataset).assign(name='<script>alert("x")</script>局', region="甲<b>市")
    inp = IndexInput(panel=panel, findings=_findings([]),
                     status={("150821-minzhengju", 2020): EntryStatus((), failed="单元格 3 出错：<KeyError>")})
    page = build_index(inp)
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert "甲&lt;b&gt;市" in page
    doc = lhtml.fromstring(page)
    assert doc.xpath('//tr[@data-status="failed"]')
    assert build_index(inp) == page
