"""`govreport template` → fill in → `govreport import` → `govreport.load`: every figure and mark survives."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from test_xlsx import (
    NEW_AGENCY,
    SHEET,
    Locator,
    assert_report_matches,
    excel_csv,
    fill_template,
    fill_text,
    insert_blank_rows,
    sample_filling,
)

import govreport
from govreport.core import template_schema as L

AGENCY_ID = NEW_AGENCY["单位标识"]


def cli(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed command line as a user would."""
    return subprocess.run([sys.executable, "-m", "govreport", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def tree_hash(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        h.update(str(p.relative_to(root)).encode() + b"\0")
        if p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()


def filled_template(tmp_path: Path, data: Path, version: str) -> Path:
    year = 2021 if version == "2021" else 2020
    out = tmp_path / f"filled-{version}.xlsx"
    res = cli("template", "--agency", AGENCY_ID, "--year", year, "--format", version, "--data", data, "--out", out)
    assert res.returncode == 0, res.stderr
    # unknown agency (or no dataset yet): the office fills the agency block
    assert ("没有单位" if data.is_dir() else "不存在，模板不预填") in res.stderr
    fill_template(out, sample_filling(version))
    fill_text(out)  # the office writes the text too
    return out


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_template_fill_import_load(tmp_path, seed_dir, version):
    seed_before = govreport.load(seed_dir, use_cache=False).report("五原县民政局", 2020)
    path = filled_template(tmp_path, seed_dir, version)
    res = cli("import", path, "--data", seed_dir)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "已导入" in res.stdout and "测试市测试局" in res.stdout and AGENCY_ID in res.stdout
    ds = govreport.load(seed_dir, use_cache=False)
    filling = sample_filling(version)
    assert_report_matches(ds.report(AGENCY_ID, filling.year), filling)
    assert ds.report("五原县民政局", 2020) == seed_before  # the rest of the dataset is untouched
    # the stored CSV keeps the three kinds of cell apart
    cells = (seed_dir / "cells.csv").read_text(encoding="utf-8")
    assert f"{AGENCY_ID},{filling.year},{version},t3,granted,research,不适用," in cells
    assert f"{AGENCY_ID},{filling.year},{version},t4,value,review_pending,0," in cells
    assert f"{AGENCY_ID},{filling.year},{version},t3,granted,legal_service," not in cells  # blank: no row
    check = cli("check", seed_dir)
    assert check.returncode == 0, check.stdout


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
def test_import_csv_saved_by_excel(tmp_path, encoding):
    data = tmp_path / "data"
    path = filled_template(tmp_path, tmp_path / "nowhere", "2021")
    csv_path = excel_csv(path, tmp_path / "数据表.csv", encoding)
    res = cli("import", csv_path, "--data", data, "--create")  # a new dataset directory is created
    assert res.returncode == 0, res.stdout + res.stderr
    filling = sample_filling("2021")
    assert_report_matches(govreport.load(data, use_cache=False).report(AGENCY_ID, 2021), filling)


def test_import_after_office_inserted_blank_rows(tmp_path):
    data = tmp_path / "data"
    path = filled_template(tmp_path, data, "2019")
    insert_blank_rows(path, ["邮政编码", "（四）无法提供", "行政复议", "第二十条第（九）项", "政府信息公开信息处理费"])
    res = cli("import", path, "--data", data, "--create")
    assert res.returncode == 0, res.stdout + res.stderr
    assert_report_matches(govreport.load(data, use_cache=False).report(AGENCY_ID, 2020), sample_filling("2019"))


def test_seed_correction_round_trip_is_byte_identical(tmp_path, seed_dir):
    before = tree_hash(seed_dir)
    out = tmp_path / "seed.xlsx"
    res = cli("template", "--agency", "五原县民政局", "--year", 2020, "--data", seed_dir, "--out", out)
    assert res.returncode == 0 and "已预填现有数据" in res.stdout
    shutil.rmtree(seed_dir / ".cache", ignore_errors=True)
    before = tree_hash(seed_dir)
    res = cli("import", out, "--data", seed_dir)
    assert res.returncode == 2 and "--replace" in res.stderr and "Traceback" not in res.stderr
    assert tree_hash(seed_dir) == before
    res = cli("import", out, "--data", seed_dir, "--replace")
    assert res.returncode == 0, res.stdout + res.stderr
    assert "已更正" in res.stdout and "P2" in res.stdout  # the cut-off warning is shown, not fatal
    for name in ("agencies.csv", "reports.csv", "cells.csv", "channels.csv", "categories.csv"):
        assert (seed_dir / name).read_bytes() == (govreport_data() / name).read_bytes(), name


def govreport_data() -> Path:
    return Path(__file__).resolve().parent.parent / "data"


def test_correction_changes_figures_and_keeps_cell_notes(tmp_path, seed_dir):
    out = tmp_path / "seed.xlsx"
    assert cli("template", "--agency", "150821-minzhengju", "--year", 2020, "--data", seed_dir,
               "--out", out).returncode == 0
    wb = openpyxl.load_workbook(out)
    ws = wb[SHEET]
    loc = Locator(ws)
    first, cols = loc.list_columns(L.CHANNEL_BLOCK.title)
    ws.cell(row=first, column=cols["数量"]).value = 60
    ws.cell(*loc.kv_cell(L.PROACTIVE_BLOCK.title, "主动公开信息总数")).value = 420
    t4 = loc.table_cells("2019", "t4")
    ws.cell(*t4[("value", "review_maintained")]).value = 0
    wb.save(out)
    # figures corrected, the text not: refused, with both places named, and nothing written
    before = tree_hash(seed_dir)
    res = cli("import", out, "--data", seed_dir, "--replace")
    assert res.returncode == 1 and "N2" in res.stdout and "Traceback" not in res.stderr
    assert "“主动公开政务信息，418条”" in res.stdout and "数据中的主动公开总数为 420" in res.stdout
    assert "主动公开渠道“五原县政务网站动态信息”" in res.stdout
    assert tree_hash(seed_dir) == before
    # the office corrects the text as well (the prefilled 报告正文 sheet holds the seed's text)
    wb = openpyxl.load_workbook(out)
    text_ws = wb[L.TEXT_SHEET]
    row = Locator(text_ws).row_of("二、主动公开政府信息情况")
    body = text_ws.cell(row=row, column=2).value
    assert "418条" in body and "## 二、主动公开政务信息情况" in body  # the report's own heading is kept
    text_ws.cell(row=row, column=2).value = body.replace("418条", "420条").replace("信息58条", "信息60条")
    wb.save(out)
    res = cli("import", out, "--data", seed_dir, "--replace")
    assert res.returncode == 0, res.stdout + res.stderr
    r = govreport.load(seed_dir, use_cache=False).report("五原县民政局", 2020)
    assert r.proactive.total.value == 420 and r.proactive.channels[0].figure.value == 60
    assert r.figure("t4", "value", "review_maintained").value == 0
    t3 = r.table("t3")
    assert t3.notes[("new_received", "total")] == "正文三：目前没有依申请公开办理情况"
    # the corrected figure is noted where it was typed (unchanged figures keep their notes)
    assert r.table("t4").notes[("value", "review_maintained")].startswith(f"seed.xlsx {SHEET}!")
    text = (seed_dir / "narratives" / "150821-minzhengju" / "2020.md").read_text(encoding="utf-8")
    seed_text = (govreport_data() / "narratives" / "150821-minzhengju" / "2020.md").read_text(encoding="utf-8")
    assert text.strip() == seed_text.replace("418条", "420条").replace("信息58条", "信息60条").strip()


def test_check_errors_refuse_the_import(tmp_path, seed_dir):
    path = filled_template(tmp_path, seed_dir, "2021")
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    r, c = Locator(ws).table_cells("2021", "t3")[("new_received", "natural_person")]
    ws.cell(row=r, column=c).value = ws.cell(row=r, column=c).value + 1  # breaks R1
    wb.save(path)
    before = tree_hash(seed_dir)
    res = cli("import", path, "--data", seed_dir)
    assert res.returncode == 1
    assert "[错误] R1 表三 “（七）总计” 行 “自然人” 列" in res.stdout and "未导入" in res.stderr
    assert "Traceback" not in res.stderr
    assert tree_hash(seed_dir) == before
    res = cli("import", path, "--data", seed_dir, "--accept-errors")
    assert res.returncode == 0, res.stderr
    ds = govreport.load(seed_dir, use_cache=False)
    assert ds.report(AGENCY_ID, 2021).figure("t3", "new_received", "natural_person").value == \
        ws.cell(row=r, column=c).value
    assert cli("check", seed_dir).returncode == 1


def test_import_in_process_main(tmp_path, capsys):
    """The same command through govreport.cli.main (what the console script calls)."""
    from govreport.cli import main

    data = tmp_path / "data"
    out = tmp_path / "t.xlsx"
    assert main(["template", "--agency", AGENCY_ID, "--year", "2021", "--data", str(data), "--out", str(out)]) == 0
    fill_template(out, sample_filling("2021"))
    assert main(["import", str(out), "--data", str(data)]) == 2  # no dataset there: refused
    assert "--create" in capsys.readouterr().err and not data.exists()
    assert main(["import", str(out), "--data", str(data), "--create"]) == 0
    assert "已导入" in capsys.readouterr().out
    assert main(["import", str(out), "--data", str(data)]) == 2
    assert "已有" in capsys.readouterr().err
