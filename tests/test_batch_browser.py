"""The batch index page in a real browser: Playwright drives the system Chromium over ``index.html`` as a
batch wrote it (file:// URL, scripts on), clicks headers to sort, types and chooses filters, follows links.

Marked ``slow``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import nbformat
import pytest

from govreport.analysis.synth import write_dataset
from govreport.run.batch_runner import BatchOptions, run_batch
from govreport.run.pdf import BROWSER_ARGS, check_chromium

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
FAILING = ("synth-000004", 2020)


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("batch-browser")
    data = tmp / "s"
    write_dataset(data, agencies=5, years=[2019, 2020, 2021], seed=0)
    nb = nbformat.read(REPO / "notebooks" / "annual_report.ipynb", as_version=4)
    cell = nbformat.v4.new_code_cell(f"if (agency, year) == {FAILING!r}:\n    raise RuntimeError('汇总表缺失')")
    cell.id = "fails"
    nb.cells.insert(3, cell)
    path = tmp / "fails.ipynb"
    nbformat.write(nb, str(path))
    out = tmp / "out"
    report = run_batch(BatchOptions(data_dir=data, out_dir=out, to="html", notebook=path, jobs=2,
                                    years=(2019, 2020, 2021, 2022)), bar=False)
    assert len(report.rendered) == 14 and len(report.failed) == 1
    return out / "index.html"


@pytest.fixture(scope="module")
def page(index):
    from playwright.sync_api import sync_playwright

    home = tempfile.mkdtemp(prefix="govreport-test-chromium-")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(HOME=home, XDG_CONFIG_HOME=os.path.join(home, "config"), XDG_CACHE_HOME=os.path.join(home, "cache"))
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=check_chromium(), args=list(BROWSER_ARGS), env=env,
                                     headless=True)
        context = browser.new_context(java_script_enabled=True, locale="zh-CN")
        page = context.new_page()
        page.goto(index.as_uri())
        yield page
        browser.close()


def _visible(page) -> list[dict]:
    return page.eval_on_selector_all(
        "#reports tbody tr:not([hidden])",
        """rows => rows.map(r => ({agency: r.dataset.agency, region: r.dataset.region, year: +r.dataset.year,
                                   status: r.dataset.status, total: r.cells[5].dataset.sort,
                                   name: r.cells[0].textContent}))""")


def _header(page, label: str):
    return page.locator("#reports thead th", has_text=label)


def _reset(page) -> None:
    page.fill("#f-agency", "")
    for sel in ("#f-region", "#f-year", "#f-status"):
        page.select_option(sel, "")


def test_all_rows_and_the_count(page):
    rows = _visible(page)
    assert len(rows) == 15
    assert page.text_content("#count") == "显示 15 / 15 条"
    assert sum(r["status"] == "failed" for r in rows) == 1


def test_sorting_by_clicking_headers(page):
    _reset(page)
    _header(page, "主动公开总数").click()
    assert _header(page, "主动公开总数").get_attribute("aria-sort") == "ascending"
    totals = [float(r["total"]) for r in _visible(page) if r["total"]]
    assert totals == sorted(totals) and len(totals) >= 10 and totals[0] < totals[-1]
    _header(page, "主动公开总数").click()
    assert _header(page, "主动公开总数").get_attribute("aria-sort") == "descending"
    totals = [float(r["total"]) for r in _visible(page) if r["total"]]
    assert totals == sorted(totals, reverse=True)
    _header(page, "年度").click()
    years = [r["year"] for r in _visible(page)]
    assert years == sorted(years) and years[0] == 2019 and years[-1] == 2021
    assert _header(page, "主动公开总数").get_attribute("aria-sort") is None  # only one column sorts
    _header(page, "机关").click()
    names = [r["name"] for r in _visible(page)]
    runs = [n for i, n in enumerate(names) if i == 0 or names[i - 1] != n]
    assert len(runs) == 5  # each agency's years stay together


def test_filtering_by_text_region_year_and_status(page):
    _reset(page)
    page.fill("#f-agency", "synth-000002")
    rows = _visible(page)
    assert {r["agency"] for r in rows} == {"合成示例市101信访局（合成数据） synth-000002"} and len(rows) == 3
    assert page.text_content("#count") == "显示 3 / 15 条"
    page.fill("#f-agency", "水利局")  # by name
    assert {r["agency"].split()[-1] for r in _visible(page)} == {"synth-000004"}
    _reset(page)
    page.select_option("#f-region", "合成示例省1/合成示例市101/合成示例县10107")
    rows = _visible(page)
    assert len(rows) == 6 and {r["region"] for r in rows} == {"合成示例省1/合成示例市101/合成示例县10107"}
    page.select_option("#f-year", "2020")
    rows = _visible(page)
    assert len(rows) == 2 and {r["year"] for r in rows} == {2020}
    page.select_option("#f-status", "failed")
    rows = _visible(page)
    assert [(r["agency"].split()[-1], r["year"]) for r in rows] == [FAILING]
    assert page.text_content("#count") == "显示 1 / 15 条"
    _reset(page)
    assert len(_visible(page)) == 15


def test_following_links_to_the_reports(page, index):
    _reset(page)
    page.fill("#f-agency", "synth-000003")
    page.select_option("#f-year", "2021")
    row = page.locator("#reports tbody tr:not([hidden])")
    assert row.count() == 1
    row.locator("a", has_text="审核版").click()
    page.wait_for_load_state()
    assert page.url == (index.parent / "synth-000003" / "2021" / "review.html").as_uri()
    title = "合成示例县10105住房公积金管理中心（合成数据）2021年政府信息公开工作年度报告"
    assert page.locator("h1").first.text_content() == title
    assert page.locator(".review-banner").count() == 1
    page.go_back()
    page.wait_for_load_state()
    # the coverage view: a link for each rendered report, 无数据 for the year without data
    cov = page.locator("#coverage tbody tr", has_text="合成示例省1自然资源厅")
    assert cov.locator("td").all_text_contents() == ["已生成", "已生成", "已生成", "无数据"]
    cov.locator("a").nth(1).click()
    page.wait_for_load_state()
    assert page.url == (index.parent / "synth-000001" / "2020" / "report.html").as_uri()
    assert "2020年政府信息公开工作年度报告" in page.title()
    page.go_back()
    failed = page.locator("#coverage tbody tr", has_text="水利局").locator("td").all_text_contents()
    assert failed == ["已生成", "失败", "已生成", "无数据"]
