"""Issue 9 (part B): safe ids and output paths, imports that never lose data under concurrency, nothing left
behind by killed runs, plausibility, and the smaller holes (non-dataset --data, narrative folder/encoding,
Chinese messages, stats order, one parameters form, the template's file mode)."""

from __future__ import annotations

import datetime as dt
import os
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl
import pytest
from test_import import cli, tree_hash
from test_xlsx import SHEET, Locator, fill_template, sample_filling

import govreport
from govreport.checks import run as run_checks
from govreport.core import template_schema as L
from govreport.core.errors import ValueFormatError
from govreport.core.ids import AGENCY_ID_MAX, check_agency_arg, is_agency_id
from govreport.render.xlsx_template import write_template
from govreport.store.paths import UnsafePathError, inside, remove_stale, safe_file_name

BAD_IDS = ["../x", "a/b", "CON", "con", "nul", ""]


@pytest.fixture()
def main_cli(capsys, monkeypatch):
    """The command line run in this process (fast): ``main_cli(*args, cwd=None)`` -> CompletedProcess."""
    from govreport.cli import main

    def run(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess:
        capsys.readouterr()
        if cwd is not None:
            monkeypatch.chdir(cwd)
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(args, code, out, err)

    return run


def one_chinese_error(res) -> str:
    """Exit 2, exactly one error on stderr, in Chinese, with a fix; no traceback."""
    err = res.stderr
    assert res.returncode == 2, (res.returncode, res.stdout, err)
    assert "Traceback" not in err + res.stdout, err
    assert err.count("govreport：错误：") == 1, err
    assert "\n  改正方法：" in err, err
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err.split("改正方法：")[0]), err
    return err


# ------------------------------------------------------------------------------------------------ ids


@pytest.mark.parametrize("good", ["150821-minzhengju", "synth-000001", "t-1", "a", "x" * AGENCY_ID_MAX,
                                  "qinghexian-nongyenongcunju", "con-1"])
def test_valid_ids(good):
    assert is_agency_id(good)


@pytest.mark.parametrize("bad", [*BAD_IDS, "A1", "-a", "a-", "a--b", "a.b", "a b", "x" * (AGENCY_ID_MAX + 1),
                                 "五原", "com1", "lpt9", "a_b", "..", "nul.txt"])
def test_invalid_ids(bad):
    assert not is_agency_id(bad)


def test_seed_and_synth_ids_pass(seed_dataset):
    from govreport.analysis.synth import SynthParams, generate

    assert all(is_agency_id(a) for a in seed_dataset.agencies["agency_id"].astype(str))
    g = generate(SynthParams(agencies=3, years=(2020,), seed=1))
    assert all(is_agency_id(a) for a in g.agency_ids)


def test_cli_agency_argument_allows_ids_and_chinese_names_only():
    assert check_agency_arg("150821-minzhengju") == "150821-minzhengju"
    assert check_agency_arg("五原县民政局") == "五原县民政局"
    for bad in [*BAD_IDS, "五原/民政局", "..\\x"]:
        with pytest.raises(govreport.GovreportError):
            check_agency_arg(bad)


@pytest.mark.parametrize("bad", ["../../evil", "a/b", "CON", "nul"])
def test_csv_load_refuses_bad_id(main_cli, seed_dir, bad):
    for name in ("agencies.csv", "reports.csv", "cells.csv", "channels.csv", "categories.csv"):
        p = seed_dir / name
        p.write_text(p.read_text(encoding="utf-8").replace("150821-minzhengju", bad), encoding="utf-8")
    with pytest.raises(ValueFormatError) as info:
        govreport.load(seed_dir, use_cache=False)
    e = info.value
    assert e.file.endswith("agencies.csv") and e.line == 2 and e.column == "agency_id" and "单位标识" in e.hint
    res = main_cli("check", seed_dir)
    err = one_chinese_error(res)
    assert "agencies.csv，第 2 行，列 agency_id" in err


@pytest.mark.parametrize("bad", BAD_IDS)
def test_template_refuses_bad_agency(main_cli, tmp_path, bad):
    work = tmp_path / "work"
    work.mkdir()
    res = main_cli("template", "--agency", bad, "--year", "2021", "--data", tmp_path / "none", cwd=work)
    one_chinese_error(res)
    assert list(tmp_path.rglob("*.xlsx")) == []


@pytest.mark.parametrize("bad", ["../x", "a/b", "CON"])
def test_render_and_stats_refuse_bad_agency_argument(main_cli, seed_dir, tmp_path, bad):
    out = tmp_path / "out"
    for args in (("render", "--data", seed_dir, "--out", out, "--to", "html"), ("stats", "--data", seed_dir)):
        one_chinese_error(main_cli(*args, "--agency", bad))
    assert not out.exists()


@pytest.mark.parametrize("command", ["ingest", "audit"])
def test_ingest_and_audit_refuse_bad_agency_argument(main_cli, tmp_path, command, repo_root):
    source = repo_root / "data" / "sources" / "150821-minzhengju-2020-mirror.txt"
    err = one_chinese_error(main_cli(command, source, "--agency", "../x"))
    assert "../x" in err
    assert list(tmp_path.iterdir()) == []


def test_ingested_slug_is_a_valid_id():
    from govreport.readers.agencies import agency_slug

    assert agency_slug("五原县", "民政局") == "wuyuanxian-minzhengju"
    long = agency_slug("内蒙古自治区巴彦淖尔市五原县" * 3, "农牧和科技局综合行政执法大队办公室")
    assert is_agency_id(long) and len(long) <= AGENCY_ID_MAX


def _template_with_id(tmp_path: Path, agency_id: str, *, year: int = 2021, name: str = "测试市测试局",
                      file: str = "t.xlsx") -> Path:
    path = tmp_path / file
    write_template(path, year=year, version="2021")
    filling = sample_filling("2021")
    filling.agency.update({"单位标识": agency_id, "单位名称": name})
    if year != 2021:
        filling.year = year
        filling.report.update({"统计期间起始日期": dt.date(year, 1, 1), "统计期间截止日期": dt.date(year, 12, 31),
                               "发布日期": dt.date(year + 1, 1, 20)})
    fill_template(path, filling)
    return path


@pytest.mark.parametrize("bad", ["../x", "a/b", "CON"])
def test_import_refuses_bad_id_in_template(main_cli, tmp_path, seed_dir, bad):
    path = _template_with_id(tmp_path, bad)
    before = tree_hash(seed_dir)
    res = main_cli("import", path, "--data", seed_dir)
    err = one_chinese_error(res)
    ws = openpyxl.load_workbook(path)[SHEET]
    r, c = Locator(ws).kv_cell(L.AGENCY_BLOCK.title, "单位标识")
    assert f"单元格 {openpyxl.utils.get_column_letter(c)}{r}" in err and "单位标识" in err
    assert tree_hash(seed_dir) == before
    assert not (tmp_path / "x").exists() and not (seed_dir.parent / "x").exists()


def test_writer_refuses_bad_id(tmp_path):
    from dataclasses import replace

    from govreport.store.update import add_reports

    ds = govreport.load(Path(__file__).resolve().parents[1] / "data", use_cache=False)
    report = ds.report("150821-minzhengju", 2020)
    bad = replace(report, agency=replace(report.agency, id="../evil"))
    with pytest.raises(ValueFormatError):
        add_reports(tmp_path / "d", [bad])
    assert not (tmp_path / "d").exists() and not (tmp_path / "evil").exists()


# ------------------------------------------------------------------------------------------- paths


def test_inside_refuses_escapes(tmp_path):
    assert inside(tmp_path, "150821-minzhengju", "2020") == tmp_path / "150821-minzhengju" / "2020"
    for parts in (("../x", "2020"), ("..",), ("a/../../b",), ("/etc",), ("a\\b",), ("c:x",)):
        with pytest.raises(UnsafePathError):
            inside(tmp_path, *parts)


def test_commit_texts_writes_nothing_outside(tmp_path):
    from govreport.store.dataset_files import commit_texts

    root = tmp_path / "out"
    with pytest.raises(UnsafePathError):
        commit_texts(root, {"ok.csv": "a\n", "../evil.csv": "b\n"})
    assert list(tmp_path.rglob("*.csv")) == []


def test_renderer_target_refuses_escape(tmp_path):
    from govreport.run.pipeline import Renderer

    r = Renderer(tmp_path / "out", to="html")
    assert r.target_dir("t-1", 2020) == tmp_path / "out" / "t-1" / "2020"
    with pytest.raises(UnsafePathError):
        r.target_dir("../../evil", 2020)


def test_dataset_with_escaping_id_renders_nothing_outside(seed_dir, tmp_path):
    """agencies.csv names the seed agency ``../../evil``: render and batch stop before writing anything."""
    for name in ("agencies.csv", "reports.csv", "cells.csv", "channels.csv", "categories.csv"):
        p = seed_dir / name
        p.write_text(p.read_text(encoding="utf-8").replace("150821-minzhengju", "../../evil"), encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    for args in (("render", "--data", seed_dir, "--out", work / "out", "--to", "html"),
                 ("batch", "--data", seed_dir, "--out", work / "out", "--to", "html")):
        err = one_chinese_error(cli(*args, cwd=work))
        assert "agencies.csv" in err
    after = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    new = [p for p in after if p not in before]
    assert all(str(p).startswith(os.path.join("work", "out")) for p in new), new
    assert not any("evil" in str(p) for p in after)


@pytest.mark.parametrize(("name", "safe"), [
    ("五原县民政局", "五原县民政局"), ("a/b", "a_b"), ("CON", "_CON"), ("nul.txt", "_nul.txt"), ("com1", "_com1"),
    ("报告. ", "报告"), ('a<b>:"c|d?*', "a_b___c_d__"), ("..", "未命名"), ("", "未命名"),
])
def test_safe_file_name(name, safe):
    assert safe_file_name(name) == safe
    long = safe_file_name("很长的单位名称" * 40)
    assert len(long.encode("utf-8")) <= 240 and long.startswith("很长的单位名称")


def test_template_default_name_from_chinese_name(main_cli, tmp_path):
    work = tmp_path / "w"
    work.mkdir()
    res = main_cli("template", "--agency", "测试县测试局", "--year", "2021", "--data", tmp_path / "none", cwd=work)
    assert res.returncode == 0, res.stderr
    (made,) = list(work.iterdir())
    assert made.name == "govreport-template-测试县测试局-2021.xlsx"


def test_template_honours_umask(tmp_path):
    old = os.umask(0o022)
    try:
        out = tmp_path / "t.xlsx"
        write_template(out, year=2021, version="2021")
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


# ------------------------------------------------------------------------------------ concurrency


def _templates(tmp_path: Path, n: int) -> list[Path]:
    names = "甲乙丙丁戊己庚辛"
    return [_template_with_id(tmp_path, f"t-15020{i}-ceshiju", name=f"测试市测试{names[i]}局", file=f"t{i}.xlsx")
            for i in range(n)]


def _import_at_once(paths: list[Path], data: Path) -> list[subprocess.CompletedProcess]:
    procs = [subprocess.Popen([sys.executable, "-m", "govreport", "import", str(p), "--data", str(data)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for p in paths]
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=300)
        out.append(subprocess.CompletedProcess(p.args, p.returncode, stdout, stderr))
    return out


@pytest.mark.parametrize("n", [2, 3, pytest.param(8, marks=pytest.mark.slow)])
def test_simultaneous_imports_all_land(tmp_path, seed_dir, n):
    paths = _templates(tmp_path, n)
    results = _import_at_once(paths, seed_dir)
    for r in results:
        assert r.returncode == 0 and "已导入" in r.stdout, r.stderr
    ds = govreport.load(seed_dir, use_cache=False)
    assert ds.has_report("150821-minzhengju", 2020)
    for i in range(n):
        assert ds.has_report(f"t-15020{i}-ceshiju", 2021), i
    assert not list(seed_dir.rglob("*.tmp"))


def test_simultaneous_imports_of_the_same_report_keep_one_and_refuse_the_other(tmp_path, seed_dir):
    path = _templates(tmp_path, 1)[0]
    results = _import_at_once([path, path], seed_dir)
    assert sorted(r.returncode for r in results) == [0, 2], [r.stderr for r in results]
    refused = next(r for r in results if r.returncode == 2)
    assert "已有" in refused.stderr and "Traceback" not in refused.stderr
    assert govreport.load(seed_dir, use_cache=False).has_report("t-150200-ceshiju", 2021)


def test_reader_waits_for_writer_and_sees_one_version(seed_dir):
    """A reader (another process) that starts while a writer holds the lock waits, then reads what the
    writer left: here reports.csv gains a second agency-year only together with its agency."""
    import time

    from govreport.store.dataset_files import write_lock

    code = "import govreport,sys; print(len(govreport.load(sys.argv[1], use_cache=False).reports))"
    with write_lock(seed_dir):
        proc = subprocess.Popen([sys.executable, "-c", code, str(seed_dir)], stdout=subprocess.PIPE, text=True)
        time.sleep(1.5)
        assert proc.poll() is None  # still waiting for the writer
        agencies, reports = seed_dir / "agencies.csv", seed_dir / "reports.csv"
        a_lines = agencies.read_text(encoding="utf-8").splitlines()
        r_lines = reports.read_text(encoding="utf-8").splitlines()
        agencies.write_text("\n".join([*a_lines, a_lines[1].replace("150821-minzhengju", "t-2", 1)
                                        .replace("五原县民政局", "测试县测试局", 1)]) + "\n", encoding="utf-8")
        time.sleep(0.3)  # a reader that did not wait would now see agencies.csv new and reports.csv old
        reports.write_text("\n".join([*r_lines, r_lines[1].replace("150821-minzhengju", "t-2", 1)]) + "\n",
                           encoding="utf-8")
    assert proc.communicate(timeout=120)[0].strip() == "2"


def test_stale_temp_files_of_a_killed_writer_are_removed(seed_dir):
    from govreport.store.dataset_files import write_lock

    dead = _dead_pid()
    stale = seed_dir / f".cells.csv.{dead}.tmp"
    stale.write_text("half", encoding="utf-8")
    live = seed_dir / f".cells.csv.{os.getppid()}.tmp"
    live.write_text("another writer's", encoding="utf-8")
    with write_lock(seed_dir):
        pass
    assert not stale.exists() and live.exists()


# ---------------------------------------------------------------------------------- left behind


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_stale_staging_of_dead_process_removed_live_kept(tmp_path):
    target = tmp_path / "150821-minzhengju" / "2020"
    dead = target / f".staging-{_dead_pid()}-abc"
    live = target / f".staging-{os.getppid()}-def"
    for d in (dead, live):
        d.mkdir(parents=True)
        (d / "report.html").write_text("x", encoding="utf-8")
    assert remove_stale(target, ".staging-") == 1
    assert not dead.exists() and live.exists()


def test_stale_browser_profiles_removed(tmp_path, monkeypatch):
    from govreport.run.pdf import PROFILE_PREFIX

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = tmp_path / f"{PROFILE_PREFIX}{_dead_pid()}-x"
    live = tmp_path / f"{PROFILE_PREFIX}{os.getppid()}-y"
    old_style = tmp_path / f"{PROFILE_PREFIX}abcdef"
    for d in (dead, live, old_style):
        (d / "config").mkdir(parents=True)
    os.utime(old_style, (0, 0))
    assert remove_stale(tempfile.gettempdir(), PROFILE_PREFIX) == 2
    assert not dead.exists() and live.exists() and not old_style.exists()


# ---------------------------------------------------------------------------------- plausibility


def test_future_report_year_refused_at_import(main_cli, tmp_path, seed_dir):
    year = dt.date.today().year + 1
    path = _template_with_id(tmp_path, "t-150200-ceshiju", year=year)
    before = tree_hash(seed_dir)
    err = one_chinese_error(main_cli("import", path, "--data", seed_dir))
    assert str(year) in err and "今年" in err
    assert tree_hash(seed_dir) == before


def test_implausible_figure_is_a_warning_naming_the_cell(seed_dir):
    p = seed_dir / "cells.csv"
    lines = p.read_text(encoding="utf-8").split("\n")
    assert ",new_received,total,0," in lines[1]
    lines[1] = lines[1].replace(",new_received,total,0,", ",new_received,total,1000000000,")
    p.write_text("\n".join(lines), encoding="utf-8")
    res = run_checks(govreport.load(seed_dir, use_cache=False))
    m1 = res.findings[res.findings["rule"] == "M1"]
    assert len(m1) == 1
    row = m1.iloc[0]
    assert row["severity"] == "warning" and row["table"] == "t3" and row["row"] == "new_received"
    assert row["file"].endswith("cells.csv") and row["line"] == 2
    assert "1000000000" in row["message"] and "表三" in row["message"]
    assert row["source"] == "正文三：目前没有依申请公开办理情况"  # where the figure was entered (cells.csv note)
    # the seed itself has none
    assert not (run_checks(govreport.load(Path(__file__).resolve().parents[1] / "data"))
                .findings["rule"] == "M1").any()


# ---------------------------------------------------------------------------------- smaller holes


def test_import_into_non_dataset_is_refused_unless_create(main_cli, tmp_path):
    path = _templates(tmp_path, 1)[0]
    for data in (tmp_path / "mistyped", tmp_path / "empty"):
        if data.name == "empty":
            data.mkdir()
        err = one_chinese_error(main_cli("import", path, "--data", data))
        assert "--create" in err
    assert not (tmp_path / "mistyped").exists() and list((tmp_path / "empty").iterdir()) == []
    res = main_cli("import", path, "--data", tmp_path / "mistyped", "--create")
    assert res.returncode == 0, res.stderr
    assert govreport.load(tmp_path / "mistyped", use_cache=False).has_report("t-150200-ceshiju", 2021)


def _narrative(seed_dir: Path) -> Path:
    return seed_dir / "narratives" / "150821-minzhengju" / "2020.md"


def test_narrative_that_is_a_folder(seed_dir, tmp_path):
    n = _narrative(seed_dir)
    n.unlink()
    n.mkdir()
    out = tmp_path / "out"
    for args in (("render", "--to", "html"), ("batch", "--to", "html")):
        err = one_chinese_error(cli(*args, "--data", seed_dir, "--out", out))
        assert "文件夹" in err and "2020.md" in err and "Traceback" not in err.split("改正方法：")[1]
    assert not list(out.rglob("*.html")) if out.exists() else True


def test_narrative_not_decodable_gets_a_narrative_hint(seed_dir, tmp_path):
    _narrative(seed_dir).write_bytes("## 一、总体情况\n".encode() + b"\x80\xff\x80\n")
    err = one_chinese_error(cli("render", "--to", "html", "--data", seed_dir, "--out", tmp_path / "out"))
    assert "报告正文" in err and "2020.md" in err and "第 2 行" in err
    assert "CSV" not in err and "记事本" in err
    assert not (tmp_path / "out").exists()


def test_messages_are_chinese(main_cli, tmp_path, seed_dir):
    err = one_chinese_error(main_cli("import", tmp_path / "nope.xlsx", "--data", seed_dir))
    assert "no such file" not in err and "不存在" in err
    err = one_chinese_error(main_cli("check", tmp_path / "nowhere"))
    assert "不存在" in err


def test_stats_lists_channels_by_rank(main_cli):
    res = main_cli("stats")
    assert res.returncode == 0, res.stderr
    ranks = [int(line.split(".")[0]) for line in res.stdout.splitlines()
             if line.startswith("   ") and line.strip()[:1].isdigit()]
    assert ranks == sorted(ranks) == list(range(1, len(ranks) + 1)) and len(ranks) == 4


def test_one_parameters_form_for_id_and_name(seed_dataset):
    from govreport.render.document import ReportDocument

    by_id = ReportDocument.prepare(seed_dataset, "150821-minzhengju", 2020).provenance.parameters
    by_name = ReportDocument.prepare(seed_dataset, "五原县民政局", 2020).provenance.parameters
    assert by_id == by_name and by_id["agency"] == "五原县民政局"
