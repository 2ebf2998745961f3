"""Hand-built datasets for the renderer's tests (helpers only; no tests in this module).

``formatted_dataset`` writes one agency with a 2020 report in the 2019 format and a 2021 report in the
2021 format, each with blank, 0 and 不适用 cells side by side, one deliberate inconsistency (表四 行政复议
总计 = 2 while its parts add up to 1: rule R6), channels, a narrative without its opening paragraph and
without part 四, and a ``<script>`` in part 五.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup

from tests.factories import agency, channel, report, t3_column, t4, write_dataset

AGENCY_ID = "990101-ceshiju"
AGENCY_NAME = "测试县测试局"
SCRIPT = "<script>alert('x')</script>"

NARRATIVE = """## 一、总体情况

本机关认真贯彻落实《条例》。

## 二、主动公开政府信息情况

本年度主动公开政府信息150条。

## 三、收到和处理政府信息公开申请情况

本年度新收申请5件。

## 五、存在的主要问题及改进情况

问题一：公开形式单一。{script}

## 六、其他需要报告的事项

本机关未收取信息处理费。
"""


def _cells(version: str, year: int) -> list[dict[str, Any]]:
    a = AGENCY_ID
    np_col = {"new_received": 5, "carried_over": 1, "granted": 2, "partial": 1, "unable_not_held": 1,
              "results_total": 4, "carried_forward": 2}
    cells = t3_column(a, year, version, "natural_person", np_col)
    cells += t3_column(a, year, version, "total", np_col)
    cells += t3_column(a, year, version, "commercial", {"new_received": 0})  # a reported zero
    cells += t3_column(a, year, version, "research", {"new_received": "/"})  # 不适用
    cells += t4(a, year, version, {
        "review_maintained": 1, "review_corrected": 0, "review_other": 0, "review_pending": 0,
        "review_total": 2,  # R6: 1 + 0 + 0 + 0 ≠ 2
        **{f"direct_{k}": 0 for k in ("maintained", "corrected", "other", "pending", "total")},
    })
    art20 = [("t2a", "regulations", "issued" if version == "2021" else "new_made", "不适用"),
             ("t2a", "normative_docs", "issued" if version == "2021" else "new_made", 3),
             ("t2c", "penalty", "decisions", 0)]
    cells += [{"agency_id": a, "year": year, "version": version, "table": t, "row": r, "column": c, "value": v}
              for t, r, c, v in art20]
    if version == "2021":
        cells += [{"agency_id": a, "year": year, "version": version, "table": "fee", "row": "processing_fee",
                   "column": c, "value": 0} for c in ("notices", "billed", "collected")]
    return cells


def formatted_dataset(root: Path, *, script: str = SCRIPT) -> Path:
    a = AGENCY_ID
    write_dataset(
        root,
        agencies=[agency(a, AGENCY_NAME, region="测试省/测试市/测试县", office="测试县测试局办公室",
                         address="测试县人民路1号", postcode="000000", phone="0000-1234567",
                         email="test@example.org")],
        reports=[
            report(a, 2020, "2019", proactive_total=120, proactive_unit="条", channels_overlap="no"),
            report(a, 2021, "2021", proactive_total=150, proactive_unit="条", channels_overlap="no"),
        ],
        cells=_cells("2019", 2020) + _cells("2021", 2021),
        channels=[
            channel(a, 2020, 1, "website", "测试县人民政府网站", 80),
            channel(a, 2020, 2, "wechat", "“测试发布”微信公众号", 40),
            channel(a, 2021, 1, "website", "测试县人民政府网站", 100),
            channel(a, 2021, 2, "wechat", "“测试发布”微信公众号", 50),
        ],
    )
    for year in (2020, 2021):
        p = root / "narratives" / a / f"{year}.md"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(NARRATIVE.format(script=script), encoding="utf-8")
    return root


# ------------------------------------------------------------------------------------- parsing


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "lxml")


def data_cells(row) -> list:
    return [c for c in row.find_all("td") if c.has_attr("data-cell")]


def table_shape(table) -> tuple[int, set[int]]:
    """(number of body rows with data cells, the set of data-cell counts per such row)."""
    rows = [r for r in table.find("tbody").find_all("tr") if data_cells(r)]
    return len(rows), {len(data_cells(r)) for r in rows}


def th(table, text: str):
    return next(c for c in table.find_all("th") if c.get_text(strip=True) == text)


def span(cell, attr: str) -> int:
    return int(cell.get(attr, 1))
