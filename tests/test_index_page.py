"""The batch index page: content, escaping, coverage and determinism (browser behaviour: test_batch_browser)."""

from __future__ import annotations

import pandas as pd
from lxml import html as lhtml

from govreport.analysis import stats
from govreport.render.index_page import EntryStatus, IndexInput, build_index, collect_status


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


def test_index_links_the_word_document_beside_html_and_pdf(seed_dataset, tmp_path):
    key = ("150821-minzhengju", 2020)
    target = tmp_path / key[0] / str(key[1])
    target.mkdir(parents=True)
    for name in ("report.html", "report.pdf", "report.docx", "review.html", "report.ipynb"):
        (target / name).write_bytes(b"x")
    status = collect_status(tmp_path, [key])
    assert status[key].outputs == ("report.html", "report.pdf", "report.docx", "review.html")
    page = build_index(IndexInput(panel=stats.panel(seed_dataset), findings=_findings([]), status=status))
    links = lhtml.fromstring(page).xpath('//table[@id="reports"]//a')
    assert [(a.get("href"), a.text_content()) for a in links] == [
        ("150821-minzhengju/2020/report.html", "公开版"), ("150821-minzhengju/2020/report.pdf", "PDF"),
        ("150821-minzhengju/2020/report.docx", "Word"), ("150821-minzhengju/2020/review.html", "审核版")]


def test_index_links_no_word_document_when_the_publication_is_held_back(seed_dataset, tmp_path):
    key = ("150821-minzhengju", 2020)
    target = tmp_path / key[0] / str(key[1])
    target.mkdir(parents=True)
    for name in ("review.html", "report.ipynb"):  # what a held-back render leaves (run/publish.py)
        (target / name).write_bytes(b"x")
    status = collect_status(tmp_path, [key])
    page = build_index(IndexInput(panel=stats.panel(seed_dataset), findings=_findings([(*key, "error")]),
                                  status=status))
    row = lhtml.fromstring(page).xpath('//table[@id="reports"]/tbody/tr')[0]
    assert row.xpath(".//a/@href") == ["150821-minzhengju/2020/review.html"]
    assert "公开版未生成" in row.text_content() and "Word" not in row.text_content()
