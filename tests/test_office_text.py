"""The report's text in the office workflow: the template's 报告正文 sheet, ``govreport narrative``, the
text checked at import, publication held back over errors, and findings that name the workbook cell.

The first tests are fast (no rendering); the end-to-end ones render HTML (no PDF) and are marked ``slow``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from test_xlsx import SHEET, Locator, fill_template, fill_text, sample_filling

import govreport
from govreport.core import template_schema as L
from govreport.core.formats import FORMATS
from govreport.core.model import Section
from govreport.core.report_text import (
    DRAFT_MARK,
    join_sections,
    official_headings,
    same_text,
    sections_from_rows,
    skeleton,
    split_sections,
    text_rows,
)
from govreport.readers.stated import stated_figures
from govreport.readers.xlsx_template import read_text_sheet
from govreport.render.xlsx_template import template_bytes
from govreport.store.update import add_reports
from tests.conftest import DATA
from tests.test_checks import valid

AGENCY_ID = "t-150200-ceshiju"


def cli(*args: object) -> subprocess.CompletedProcess[str]:
    """The command line as a user runs it (a new process)."""
    return subprocess.run([sys.executable, "-m", "govreport", *map(str, args)], capture_output=True, text=True,
                          timeout=300)


def run(*args: object) -> subprocess.CompletedProcess[str]:
    """The same command through ``govreport.cli.main`` in this process (what the console script calls):
    exit status and output as :func:`cli` gives them, without a new interpreter's start-up."""
    from govreport.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue())


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".cache" not in p.parts}


# ------------------------------------------------------------------------------------ the text as data


def test_one_declaration_of_the_parts():
    from govreport.render.document import TOPIC_HEADINGS, TOPICS

    for spec in FORMATS.values():
        assert spec.headings == official_headings(spec.first_year) == tuple(TOPIC_HEADINGS[t] for t in TOPICS)
    assert official_headings(2023)[4] == "五、存在的主要问题及改进情况"


def test_standard_sentences_read_back_as_the_figures():
    r = valid(2021)
    text = join_sections(skeleton(r))
    stated = stated_figures(text, "x.md", r.agency, 2021)
    assert {f.table for f in stated} == {"", "channel", "t3", "t4"}
    for f in stated:
        if f.table == "":
            assert f.value == r.proactive.total.value
        elif f.table == "channel":
            assert f.value == next(c.figure.value for c in r.proactive.channels if c.label == f.row)
        else:
            assert f.value == r.figure(f.table, f.row, f.column).value, f
    # the parts without a standard sentence are left for the office (no invented text)
    bodies = [s.body for s in skeleton(r)]
    assert bodies[0] == "" and bodies[4] == ""


def test_skeleton_offers_last_years_text_as_a_marked_draft():
    last = valid(2020)
    new = dataclasses.replace(valid(2021), sections=())
    parts = {s.heading[:2]: s.body for s in skeleton(new, last)}
    assert parts["一、"].startswith(DRAFT_MARK) and "本部分情况说明" in parts["一、"]
    assert parts["五、"].startswith(DRAFT_MARK)
    assert DRAFT_MARK not in parts["三、"] and "新收到政府信息公开申请" in parts["三、"]


def test_text_rows_round_trip_keeps_a_reports_own_headings(seed_report):
    opening, bodies = text_rows(seed_report.sections, 2020)
    assert opening.startswith("根据《中华人民共和国政府信息公开条例》") and len(bodies) == 6
    assert bodies[1].startswith("## 二、主动公开政务信息情况") and bodies[5] == ""
    back = sections_from_rows(2020, opening, bodies)
    assert same_text(back, seed_report.sections)


def test_text_sheet_rows_come_from_the_format_and_read_back(tmp_path):
    r = valid(2021)
    raw = template_bytes(year=2021, version="2021", agency=r.agency, text=text_rows(r.sections, 2021))
    path = tmp_path / "t.xlsx"
    path.write_bytes(raw)
    ws = openpyxl.load_workbook(path)[L.TEXT_SHEET]
    labels = [ws.cell(row=i, column=1).value for i in range(4, 11)]
    assert labels == [L.TEXT_OPENING, *official_headings(2021)]
    assert same_text(read_text_sheet(raw, str(path), 2021), r.sections)
    # an empty sheet is no text at all (not six empty parts)
    empty = template_bytes(year=2021, version="2021", agency=r.agency)
    assert read_text_sheet(empty, "e.xlsx", 2021) == ()


# ---------------------------------------------------------------------------------- govreport narrative


@pytest.fixture()
def two_years(tmp_path) -> Path:
    """An agency with a 2020 report (text written) and 2021 figures without text."""
    root = tmp_path / "data"
    add_reports(root, [valid(2020), dataclasses.replace(valid(2021), sections=())])
    return root


def test_narrative_command_writes_the_skeleton(two_years):
    target = two_years / "narratives" / "t-001" / "2021.md"
    assert not target.exists()
    before = run("check", two_years, "--year", 2021)
    assert before.returncode == 1 and "N1" in before.stdout and "报告没有正文：缺少“一、总体情况”" in before.stdout
    res = run("narrative", "--agency", "t-001", "--year", 2021, "--data", two_years)
    assert res.returncode == 0, res.stderr
    assert "沿用上年文字的草稿" in res.stdout
    text = target.read_text(encoding="utf-8")
    assert [h for h, _, _ in split_sections(text)] == list(official_headings(2021))
    # text and tables agree from the start; the draft holds the report back until it is revised (N3)
    after = run("check", two_years, "--year", 2021, "--json")
    found = json.loads(after.stdout)["findings"]
    assert {f["rule"] for f in found} == {"N3"} and after.returncode == 1
    assert {f["place"] for f in found} == {"正文“一、总体情况”部分", "正文“五、存在的主要问题及改进情况”部分",
                                           "正文“六、其他需要报告的事项”部分"}
    target.write_text(text.replace(DRAFT_MARK, ""), encoding="utf-8")
    assert run("check", two_years, "--year", 2021).returncode == 0


def test_narrative_command_never_overwrites(two_years):
    target = two_years / "narratives" / "t-001" / "2020.md"
    before = target.read_bytes()
    res = run("narrative", "--agency", "t-001", "--year", 2020, "--data", two_years)
    assert res.returncode == 2 and "已存在，未覆盖" in res.stderr and "--force" in res.stderr
    assert "Traceback" not in res.stderr and target.read_bytes() == before
    res = run("narrative", "--agency", "t-001", "--year", 2020, "--data", two_years, "--force")
    assert res.returncode == 0 and target.read_bytes() != before


@pytest.mark.parametrize("year", [2021, 2022])
def test_template_text_sheet_prefilled_with_sentences_and_draft(two_years, tmp_path, year):
    out = tmp_path / "t.xlsx"
    res = run("template", "--agency", "t-001", "--year", year, "--data", two_years, "--out", out)
    assert res.returncode == 0, res.stderr
    ws = openpyxl.load_workbook(out)[L.TEXT_SHEET]
    loc = Locator(ws)
    body = {h[:2]: ws.cell(row=loc.row_of(h), column=2).value or "" for h in official_headings(year)}
    if year == 2021:  # figures in the dataset, no text yet: the standard sentences, last year's text as a draft
        assert body["一、"].startswith(DRAFT_MARK) and "新收到政府信息公开申请" in body["三、"]
    else:  # a new year: last year (2021) has no text of its own, so nothing to offer but the headings
        assert set(body.values()) == {""}


# ------------------------------------------------------------------------------------- import with text


def _office_template(tmp_path: Path, data: Path, *, text: dict[str, str] | None = None) -> Path:
    out = tmp_path / "办公室填报.xlsx"
    res = run("template", "--agency", AGENCY_ID, "--year", 2021, "--data", data, "--out", out)
    assert res.returncode == 0, res.stderr
    fill_template(out, sample_filling("2021"))
    fill_text(out, text)
    return out


def test_import_brings_the_text_and_names_the_workbook_cells(tmp_path):
    data = tmp_path / "data"
    path = _office_template(tmp_path, data)
    res = run("import", path, "--data", data, "--create")  # a new dataset
    assert res.returncode == 0, res.stdout + res.stderr
    assert "报告正文 6 部分" in res.stdout
    narrative = data / "narratives" / AGENCY_ID / "2021.md"
    heads = [h for h, _, _ in split_sections(narrative.read_text(encoding="utf-8"))]
    assert heads == list(official_headings(2021))
    r = govreport.load(data, use_cache=False).report(AGENCY_ID, 2021)
    ws = openpyxl.load_workbook(path)[SHEET]
    rr, cc = Locator(ws).table_cells("2021", "t3")[("granted", "natural_person")]
    assert r.table("t3").notes[("granted", "natural_person")] == f"办公室填报.xlsx {SHEET}!{L.col_letter(cc)}{rr}"
    assert run("check", data).returncode == 0


def test_import_refuses_a_text_with_a_missing_part(tmp_path):
    data = tmp_path / "data"
    path = _office_template(tmp_path, data, text={"二": "（测试用文字）见下表。", "三": "见下表。"})
    res = run("import", path, "--data", data, "--create")
    assert res.returncode == 1 and "N1" in res.stdout and "正文缺少“一、总体情况”部分" in res.stdout
    assert "未导入" in res.stderr and not data.exists()


@pytest.mark.parametrize("change", ["label", "formula"])
def test_import_bad_text_sheet_is_a_user_mistake(tmp_path, seed_dir, change):
    path = _office_template(tmp_path, seed_dir)
    wb = openpyxl.load_workbook(path)
    ws = wb[L.TEXT_SHEET]
    row = Locator(ws).row_of("五、存在的主要问题及改进情况")
    if change == "label":
        ws.cell(row=row, column=1).value = "五、存在问题"
    else:
        ws.cell(row=row, column=2).value = '="改进"&"措施"'
    wb.save(path)
    before = tree(seed_dir)
    res = run("import", path, "--data", seed_dir)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert f"{L.TEXT_SHEET}" in res.stderr and f"{'A' if change == 'label' else 'B'}{row}" in res.stderr
    assert tree(seed_dir) == before


def test_import_without_text_says_how_to_add_it(tmp_path):
    data = tmp_path / "data"
    out = tmp_path / "t.xlsx"
    assert run("template", "--agency", AGENCY_ID, "--year", 2021, "--data", data, "--out", out).returncode == 0
    fill_template(out, sample_filling("2021"))
    res = run("import", out, "--data", data, "--create")
    assert res.returncode == 0 and "govreport narrative" in res.stderr
    assert not (data / "narratives").exists()


def test_correction_without_text_is_checked_against_the_text_in_the_dataset(tmp_path, seed_dir):
    out = tmp_path / "seed.xlsx"
    assert run("template", "--agency", "150821-minzhengju", "--year", 2020, "--data", seed_dir,
               "--out", out).returncode == 0
    wb = openpyxl.load_workbook(out)
    del wb[L.TEXT_SHEET]  # a workbook without the text (an older template, or its CSV)
    ws = wb[SHEET]
    cells = Locator(ws).table_cells("2019", "t4")
    for col in ("review_pending", "review_total"):  # one review case, still pending: the tables add up
        ws.cell(*cells[("value", col)]).value = 1
    wb.save(out)
    before = tree(seed_dir)
    res = run("import", out, "--data", seed_dir, "--replace")
    # … but the seed's text says there was none: refused, nothing written
    assert res.returncode == 1 and "N2" in res.stdout and "至今未发生" in res.stdout
    assert "表四 “行政复议·总计” 列" in res.stdout and tree(seed_dir) == before


# ------------------------------------------------------------------------------- rendering is gated


def _with_error(path: Path) -> tuple[str, str]:
    """Break Table 3's （七）总计 of the 总计 column (R1, R4); returns the workbook cell it is in."""
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    rr, cc = Locator(ws).table_cells("2021", "t3")[("results_total", "total")]
    ws.cell(row=rr, column=cc).value = int(ws.cell(row=rr, column=cc).value) + 5
    wb.save(path)
    return f"{SHEET}!{L.col_letter(cc)}{rr}", path.name


@pytest.mark.slow
def test_office_workflow_end_to_end(tmp_path):
    """template → figures and text → import → render: a complete publishable report; then an error
    imported anyway: held back, the reviewer's copy names the workbook cell, --allow-errors publishes."""
    data, out = tmp_path / "data", tmp_path / "out"
    path = _office_template(tmp_path, data)
    assert cli("import", path, "--data", data, "--create").returncode == 0
    res = cli("render", "--agency", AGENCY_ID, "--year", 2021, "--data", data, "--out", out, "--to", "html")
    assert res.returncode == 0, res.stdout + res.stderr
    assert "错误 0 条" in res.stdout
    target = out / AGENCY_ID / "2021"
    page = (target / "report.html").read_text(encoding="utf-8")
    for heading in official_headings(2021):
        assert heading in page
    assert "（测试用文字）公开内容的及时性有待提高" in page and "数据中没有本部分的文字" not in page

    cell, name = _with_error(path)
    res = cli("import", path, "--data", data, "--replace", "--accept-errors")
    assert res.returncode == 0 and f"录入位置：{name} {cell}" in res.stdout
    check = json.loads(cli("check", data, "--json").stdout)
    on_cell = [f for f in check["findings"] if (f["table"], f["row"], f["column"]) == ("t3", "results_total", "total")]
    assert {f["rule"] for f in on_cell} == {"R1", "R4"} and {f["source"] for f in on_cell} == {f"{name} {cell}"}
    res = cli("render", "--agency", AGENCY_ID, "--year", 2021, "--data", data, "--out", out, "--to", "html")
    assert res.returncode == 1 and "未生成公开版" in res.stderr and "review.html" in res.stderr
    assert "错误 2 条" in res.stdout and "Traceback" not in res.stderr
    assert not (target / "report.html").exists() and (target / "review.html").exists()
    review = (target / "review.html").read_text(encoding="utf-8")
    assert f"{name} {cell}" in review
    record = json.loads((target / "provenance.json").read_text(encoding="utf-8"))
    # held back: the publication copies this render was asked for (--to html), not report.pdf/report.docx
    assert record["held_back"] == ["report.html"] and record["findings"]["errors"] == 2
    res = cli("render", "--agency", AGENCY_ID, "--year", 2021, "--data", data, "--out", out, "--to", "html",
              "--allow-errors")
    assert res.returncode == 0 and (target / "report.html").exists()
    record = json.loads((target / "provenance.json").read_text(encoding="utf-8"))
    assert record["parameters"]["allow_errors"] is True and "held_back" not in record
    assert "allow_errors" in (target / "report.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_batch_holds_back_and_prints_the_counts(tmp_path):
    data, out = tmp_path / "data", tmp_path / "out"
    add_reports(data, [valid(2021), dataclasses.replace(valid(2021, ag_id="t-002", name="测试县另一局"),
                                                         sections=(Section("一、总体情况", "只有一部分。"),))])
    res = cli("batch", "--data", data, "--out", out, "--to", "html", "--jobs", "1")
    assert res.returncode == 1, res.stdout + res.stderr
    assert "t-001 2021：错误 0 条" in res.stdout and "t-002 2021：错误 2 条" in res.stdout
    assert "未生成公开版" in res.stdout and str(Path("t-002") / "2021" / "review.html") in res.stderr
    assert (out / "t-001" / "2021" / "report.html").exists()
    assert not (out / "t-002" / "2021" / "report.html").exists()
    assert (out / "t-002" / "2021" / "review.html").exists()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "公开版未生成" in index and "N1 正文“五、存在的主要问题及改进情况”" in index


def test_seed_text_and_figures_agree():
    ds = govreport.load(DATA, use_cache=False)
    result = ds.check()
    s = result.summary.set_index("rule")
    assert s.loc["N2", "passed"] >= 9 and s.loc["N2", "failed"] == 0  # the total, four channels, T3, T4
    assert s.loc["N1", "passed"] == 1 and s.loc["N3", "passed"] == 1


def _import_total_off(tmp_path: Path) -> tuple[Path, str, str, list[str]]:
    """Import a template whose stated 主动公开 total (500) exceeds its channels (418, not counted twice):
    ``(data, where the total was typed, C1's 录入位置, where each channel was typed)``."""
    data = tmp_path / "data"
    path = _office_template(tmp_path, data)
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    loc = Locator(ws)
    tr, tc = loc.kv_cell(L.PROACTIVE_BLOCK.title, "主动公开信息总数")
    ws.cell(row=tr, column=tc).value = 500
    first, cols = loc.list_columns(L.CHANNEL_BLOCK.title)
    vcol = L.col_letter(cols["数量"])
    wb.save(path)
    res = run("import", path, "--data", data, "--create", "--accept-errors")
    assert res.returncode == 0, res.stdout + res.stderr
    total_at = f"{path.name} {SHEET}!{L.col_letter(tc)}{tr}"
    channels = [f"{vcol}{first + i}" for i in range(4)]
    expected = f"{total_at}、{'、'.join(channels)}"  # one sheet: named once, then the total's cell and each channel's
    assert f"录入位置：{expected}" in res.stdout  # the CLI
    return data, total_at, expected, [f"{path.name} {SHEET}!{c}" for c in channels]


def test_findings_on_the_total_and_channels_name_the_workbook_cells(tmp_path):
    """The 主动公开 total and the channel figures sit outside the tables: a finding on them still names
    the workbook cell the office typed them in, in the CLI, --json, the findings table review.html shows
    and the index page."""
    from govreport.render.display import findings_html

    data, total_at, expected, channels_at = _import_total_off(tmp_path)
    r = govreport.load(data, use_cache=False).report(AGENCY_ID, 2021)
    assert r.proactive.total_source == total_at
    assert [c.source for c in r.proactive.channels] == channels_at
    check = json.loads(run("check", data, "--json").stdout)
    c1 = [f for f in check["findings"] if f["rule"] == "C1"]
    assert len(c1) == 1 and c1[0]["source"] == expected and c1[0]["file"].endswith("reports.csv")
    ds = govreport.load(data, use_cache=False)
    findings = ds.check().findings
    assert expected in findings_html(findings)  # the table review.html and the notebook show
    from govreport.render.index_page import _finding_lines  # the index page's line per finding

    assert f"C1 主动公开 总数与各渠道合计（录入位置：{expected}）" in _finding_lines(findings)[(AGENCY_ID, 2021)]
    from govreport.run.batch_plan import report_hashes  # the sources are part of the inputs a batch hashes

    assert report_hashes(ds, [(AGENCY_ID, 2021)]) == {(AGENCY_ID, 2021): ds.report_hash(AGENCY_ID, 2021)}
    # a seed-like dataset without sources keeps its files: the new columns are written only when set
    assert "proactive_total_source" in (data / "reports.csv").read_text(encoding="utf-8").splitlines()[0]
    assert (DATA / "reports.csv").read_text(encoding="utf-8").splitlines()[0].endswith(",notes")


@pytest.mark.slow
def test_review_copy_names_the_cells_of_the_total_and_channels(tmp_path):
    data, _, expected, _ = _import_total_off(tmp_path)
    out = tmp_path / "out"
    res = cli("render", "--agency", AGENCY_ID, "--year", 2021, "--data", data, "--out", out, "--to", "html")
    assert res.returncode == 1 and "未生成公开版" in res.stderr
    review = (out / AGENCY_ID / "2021" / "review.html").read_text(encoding="utf-8")
    assert expected in review
