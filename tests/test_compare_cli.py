"""``govreport compare``: the comparison notebook rendered through the generic notebook renderer."""

from __future__ import annotations

import json

from lxml import html as lhtml

from govreport.cli import main
from govreport.cli.compare import scope_name


def test_compare_cli_writes_the_report(repo_root, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["compare", "--data", str(repo_root / "data"), "--out", str(out), "--to", "html"]) == 0
    target = out / "compare" / "all-all-years"
    doc = lhtml.fromstring((target / "report.html").read_bytes())
    assert doc.get("lang") == "zh"
    assert "政府信息公开工作年度报告比较分析" in doc.findtext(".//title")
    assert not doc.xpath("//script[@src]")
    prov = json.loads((target / "provenance.json").read_text(encoding="utf-8"))
    assert prov["parameters"]["data_dir"] == "data" and prov["data_hash"]
    assert str(repo_root) not in (target / "report.html").read_text(encoding="utf-8")


def test_compare_cli_user_errors(repo_root, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["compare", "--data", str(repo_root / "data"), "--out", str(out), "--years", "2030"]) == 2
    err = capsys.readouterr().err
    assert "2030" in err and "Traceback" not in err
    assert main(["compare", "--data", str(repo_root / "data"), "--out", str(out), "--agencies", "不存在的局"]) == 2
    assert not (out / "compare").exists() or not any((out / "compare").rglob("report.html"))


def test_scope_names_are_safe_and_distinct():
    assert scope_name("2019-2023", "", "") == "all-2019-2023"
    a = scope_name("", "甲局", "")
    b = scope_name("", "乙局", "")
    assert a != b and a.startswith("sel-") and "/" not in a
