"""``govreport audit``: deliberate arithmetic errors are caught and traced to the source; consistent reports pass."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govreport.cli import main
from govreport.cli.audit import audit_one
from govreport.readers import ingest_bytes, ingest_path
from tests.conftest import DATA
from tests.fixtures.ingest import variants

FIX = Path(__file__).resolve().parent / "fixtures" / "ingest"


def test_broken_tables_exit_1_with_the_right_rules(capsys) -> None:
    assert main(["audit", str(FIX / "audit-broken-2022.html")]) == 1
    out = capsys.readouterr().out
    for rule in ("R1", "R3", "R4", "R6"):
        assert f"[错误] {rule} " in out, rule
    assert "表四 “行政复议·总计” 列" in out
    assert "原文位置：" in out and "表格3 第4行第5列“4”" in out


def test_broken_findings_point_at_the_cells_in_the_file() -> None:
    got = ingest_path(FIX / "audit-broken-2022.html")
    result, rows = audit_one(got)
    assert result.errors == 4
    by_rule = {r["rule"]: r for r in rows}
    assert set(by_rule) == {"R1", "R3", "R4", "R6"}
    r6 = by_rule["R6"]["source"]
    assert (r6["table"], r6["row"], r6["col"], r6["text"]) == (3, 4, 5, "4")
    lines = (FIX / "audit-broken-2022.html").read_text("utf-8").split("\n")
    assert "<td>4</td>" in lines[r6["line"] - 1]
    r1 = by_rule["R1"]["source"]
    assert r1["text"] == "24" and "<td>24</td>" in lines[r1["line"] - 1]


@pytest.mark.parametrize("name", ["table-2019.html", "table-2021.html", "hybrid-2021.html", "traditional-2021.txt"])
def test_consistent_reports_have_no_error(name: str, capsys) -> None:
    assert main(["audit", str(FIX / name)]) == 0
    assert "[错误]" not in capsys.readouterr().out


def test_seed_gives_the_cutoff_warning_only(capsys) -> None:
    assert main(["audit", str(DATA / "sources" / "150821-minzhengju-2020-mirror.txt")]) == 0
    out = capsys.readouterr().out
    assert "[警告] P2" in out and "[错误]" not in out
    assert "第14行“2020年1月1日至12月28日”" in out


def test_period_outside_the_year_is_an_error_from_prose(capsys) -> None:
    assert main(["audit", str(FIX / "period-error-2021.txt"), "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    p1 = [f for f in doc["findings"] if f["rule"] == "P1"]
    assert len(p1) == 1 and p1[0]["severity"] == "error"
    assert p1[0]["source"]["line"] == 3 and p1[0]["source"]["text"] == "2020年1月1日至2020年12月31日"


def test_garbled_broken_copy_is_caught_the_same_way() -> None:
    text = (FIX / "audit-broken-2022.html").read_text("utf-8")
    got = ingest_bytes(variants.encoded(variants.garbled(text), "gbk"), "broken-garbled.html")
    _, rows = audit_one(got)
    assert sorted(r["rule"] for r in rows if r["severity"] == "error") == ["R1", "R3", "R4", "R6"]


def test_channel_sum_error_when_channels_are_stated_not_to_overlap(tmp_path: Path, capsys) -> None:
    # the total is exact and the channels exact, but they do not add up: overlap unknown → a warning, not an error
    f = tmp_path / "c.txt"
    f.write_text("青禾县档案馆2021年政府信息公开工作年度报告\n本报告统计期限为2021年1月1日至2021年12月31日。\n"
                 "一、总体情况\n全年主动公开政府信息100条，其中，县政府门户网站60条，政务微信30条。\n",
                 encoding="utf-8")
    assert main(["audit", str(f)]) == 0
    out = capsys.readouterr().out
    assert "[警告] C2" in out


def test_unreadable_file_does_not_stop_the_others(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "x.txt"
    bad.write_text("一段没有机关名称和年度的文字。", encoding="utf-8")
    assert main(["audit", str(bad), str(FIX / "audit-broken-2022.html")]) == 2
    captured = capsys.readouterr()
    assert "x.txt" in captured.err and "[错误] R6" in captured.out
