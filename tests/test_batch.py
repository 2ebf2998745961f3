"""``govreport batch`` end to end: every report rendered, skipped when current, failures that do not stop the
others, isolation between reports, a killed run that resumes, the Dask scheduler giving the same outputs.

Marked ``slow`` (it renders for real). Datasets are small synthetic ones (``govreport synth``).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from lxml import html as lhtml

from govreport import load
from govreport.analysis.synth import write_dataset
from govreport.run.batch_runner import BatchOptions, run_batch

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
NOTEBOOK = REPO / "notebooks" / "annual_report.ipynb"
FILES = ["provenance.json", "report.html", "report.ipynb", "report.pdf", "review.html"]


def _cli(*args: str, env: dict[str, str] | None = None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "govreport", "batch", *args], capture_output=True, text=True,
                          cwd=REPO, env={**os.environ, **(env or {})}, timeout=600, **kw)


def _synth(path: Path, agencies: int, years: list[int], seed: int = 0) -> Path:
    write_dataset(path, agencies=agencies, years=years, seed=seed)
    return path


def _notebook_with(tmp: Path, name: str, source: str, at: int = 3) -> Path:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    cell = nbformat.v4.new_code_cell(source)
    cell.id = name
    nb.cells.insert(at, cell)
    path = tmp / "notebooks" / f"{name}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def _targets(out: Path) -> list[Path]:
    return sorted(p for p in out.glob("*/*") if p.is_dir())


def _snapshot(out: Path) -> dict[str, int]:
    return {str(p.relative_to(out)): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}


# ------------------------------------------------------------------------------- the main flow


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("batch")
    data = _synth(tmp / "s", agencies=4, years=[2019, 2020])
    out = tmp / "out"
    proc = _cli("--data", str(data), "--out", str(out), "--jobs", "2", "--years", "2019-2021")
    return data, out, proc


def test_renders_every_agency_year_and_the_index(first_run):
    data, out, proc = first_run
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "生成 8 个，跳过 0 个（已是最新），失败 0 个" in proc.stdout
    agencies = load(data).agencies
    names = dict(zip(agencies["agency_id"], agencies["name"], strict=True))
    targets = _targets(out)
    assert len(targets) == 8
    for t in targets:
        assert sorted(p.name for p in t.iterdir()) == FILES
        assert (t / "report.pdf").read_bytes().startswith(b"%PDF") and (t / "report.html").read_text().endswith(
            "</html>\n")
        record = json.loads((t / "provenance.json").read_text())
        # the agency's full name, as render records it: the same report has one byte form (issue 9)
        assert record["agency_id"] == t.parent.name
        assert record["parameters"] == {"agency": names[t.parent.name], "year": int(t.name), "data_dir": "s"}
    assert not list(out.rglob(".staging-*")) and not list(out.glob(".*.tmp"))
    doc = lhtml.fromstring((out / "index.html").read_text(encoding="utf-8"))
    rows = doc.xpath('//table[@id="reports"]/tbody/tr')
    assert len(rows) == 8
    assert all(len(r.xpath(".//a")) == 3 for r in rows)
    cov_head = [th.text_content() for th in doc.xpath('//table[@id="coverage"]/thead/tr/th')]
    assert cov_head == ["机关", "2019", "2020", "2021"]  # the requested 2021 shows, without data
    cells = [td.text_content() for td in doc.xpath('//table[@id="coverage"]/tbody/tr/td')]
    assert cells.count("已生成") == 8 and cells.count("无数据") == 4
    state = json.loads((out / "batch.json").read_text())
    assert state["summary"]["rendered"] == 8 and state["summary"]["current"] == 8
    assert {r["state"] for r in state["reports"]} == {"current"}
    assert not any(os.path.isabs(str(v)) for r in state["reports"] for v in r.values())


def test_second_run_skips_everything(first_run):
    data, out, _ = first_run
    before = _snapshot(out)
    index_before = (out / "index.html").read_bytes()
    t = time.perf_counter()
    proc = _cli("--data", str(data), "--out", str(out), "--jobs", "2", "--years", "2019-2021")
    took = time.perf_counter() - t
    assert proc.returncode == 0, proc.stderr
    assert "生成 0 个，跳过 8 个（已是最新），失败 0 个" in proc.stdout
    after = _snapshot(out)
    changed = {k for k in after if before.get(k) != after[k]}
    assert changed <= {"index.html", "batch.json"}  # no report was written again
    assert (out / "index.html").read_bytes() == index_before  # deterministic: same inputs, same page
    assert took < 30  # no worker, no browser started


def test_changed_input_renders_only_that_report_and_force_renders_again(first_run):
    data, out, _ = first_run
    agency = sorted(p.name for p in out.iterdir() if p.is_dir())[1]
    narrative = data / "narratives" / agency / "2020.md"
    narrative.write_text(narrative.read_text(encoding="utf-8") + "\n本年度另有说明。\n", encoding="utf-8")
    proc = _cli("--data", str(data), "--out", str(out), "--to", "html,pdf", "--jobs", "1")
    assert proc.returncode == 0, proc.stderr
    assert "生成 1 个，跳过 7 个（已是最新），失败 0 个" in proc.stdout
    assert "本年度另有说明" in (out / agency / "2020" / "report.html").read_text(encoding="utf-8")
    before = _snapshot(out)
    proc = _cli("--data", str(data), "--out", str(out), "--force", "--agencies", agency, "--to", "html,pdf")
    assert proc.returncode == 0, proc.stderr
    assert "生成 2 个，跳过 0 个（已是最新），失败 0 个" in proc.stdout
    after = _snapshot(out)
    rewritten = {k.split("/")[0] for k in after if before.get(k) != after[k] and "/" in k}
    assert rewritten == {agency}


# ------------------------------------------------------------------------------------ failures


def test_failures_do_not_stop_the_others(tmp_path):
    data = _synth(tmp_path / "s", agencies=3, years=[2020, 2021])
    ids = sorted(p.name for p in (data / "narratives").iterdir())
    # a notebook cell that fails for one agency-year (the executed notebook is kept) …
    nb = _notebook_with(tmp_path, "fails", f"if agency == {ids[0]!r} and year == 2021:\n"
                                           "    raise ValueError('本年度数据无法汇总')")
    # … and a real data problem: a narrative that is not text (a Word file saved under the .md name)
    (data / "narratives" / ids[1] / "2020.md").write_bytes(b"PK\x03\x04\x14\x00\x06\x00\xff\xfe\xff\xff\x80\x81\xfe")
    out = tmp_path / "out"
    proc = _cli("--data", str(data), "--out", str(out), "--to", "html", "--notebook", str(nb), "--jobs", "2")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "生成 4 个，跳过 0 个（已是最新），失败 2 个" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr
    assert f"{ids[0]} 2021: 第 4 个单元格" in proc.stdout and "ValueError: 本年度数据无法汇总" in proc.stdout
    assert f"{ids[1]} 2020: " in proc.stdout and "2020.md" in proc.stdout
    assert "无法按 UTF-8、GB18030/GBK 或 Big5 编码读取" in proc.stdout
    kept = out / ids[0] / "2021" / "failed" / "report.ipynb"
    assert kept.exists() and str(kept.relative_to(out)) in proc.stdout.replace(str(out) + "/", "")
    errors = [o for c in nbformat.read(kept, as_version=4).cells for o in c.get("outputs", [])
              if o.output_type == "error"]
    assert errors and errors[0].ename == "ValueError"
    assert sorted(p.name for p in (out / ids[0] / "2021").iterdir()) == ["failed"]
    for a, y in ((ids[0], 2020), (ids[1], 2021), (ids[2], 2020), (ids[2], 2021)):
        assert (out / a / str(y) / "report.html").exists()
    state = json.loads((out / "batch.json").read_text())
    failed = {(r["agency_id"], r["year"]): r for r in state["reports"] if r["state"] == "failed"}
    assert set(failed) == {(ids[0], 2021), (ids[1], 2020)}
    assert failed[(ids[0], 2021)]["notebook"] == f"{ids[0]}/2021/failed/report.ipynb"
    doc = lhtml.fromstring((out / "index.html").read_text(encoding="utf-8"))
    assert len(doc.xpath('//table[@id="reports"]/tbody/tr[@data-status="failed"]')) == 2
    # a run of only the others keeps the failures on record (index and state) until they are fixed
    proc = _cli("--data", str(data), "--out", str(out), "--to", "html", "--notebook", str(nb),
                "--agencies", ids[2])
    assert proc.returncode == 0, proc.stderr
    state = json.loads((out / "batch.json").read_text())
    assert {(r["agency_id"], r["year"]) for r in state["reports"] if r["state"] == "failed"} == set(failed)


# ----------------------------------------------------------------------------------- isolation


LEAK_CHECK = """\
import builtins, os, sys
import matplotlib
import govreport.store.dataset as _dc
_ds = _dc.load_shared(data_dir)
_seen = {
    "variable": "LEAKED_VARIABLE" in globals(),
    "module": "govreport_leak_module" in sys.modules,
    "rcParams": matplotlib.rcParams["lines.linewidth"] == 9.5,
    "environment": "GOVREPORT_LEAK" in os.environ,
    "builtins": hasattr(builtins, "govreport_leak"),
    "data": bool((_ds.agencies["name"] == "LEAKED").any()),
    "cwd": os.getcwd() == "/",
}
assert not any(_seen.values()), f"state from another report: {[k for k, v in _seen.items() if v]}"
# now leave every kind of trace behind for the next report to find
LEAKED_VARIABLE = agency
sys.modules["govreport_leak_module"] = type(sys)("govreport_leak_module")
matplotlib.rcParams["lines.linewidth"] = 9.5
os.environ["GOVREPORT_LEAK"] = agency
builtins.govreport_leak = agency
_ds.agencies.loc[0, "name"] = "LEAKED"  # in place, in the loaded (shared) dataset
os.chdir("/")
"""


def test_reports_never_see_each_other(tmp_path):
    """Four agency-years through ONE warm worker (and then two): each must find no trace of the others."""
    data = _synth(tmp_path / "s", agencies=2, years=[2020, 2021])
    nb = _notebook_with(tmp_path, "leaky", LEAK_CHECK)
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}"
        report = run_batch(BatchOptions(data_dir=data, out_dir=out, to="html", notebook=nb, jobs=jobs), bar=False)
        assert not report.failed, [f.reason for f in report.failed]
        assert len(report.rendered) == 4 and report.workers == jobs
        assert len({r.worker for r in report.rendered}) == jobs  # the same worker rendered several reports


def test_the_leak_check_detects_shared_state(tmp_path):
    """Control: the same notebook run twice in one process (no fork) fails the second time."""
    from govreport.core.errors import CellExecutionError
    from govreport.run.worker import ForkedCall

    data = _synth(tmp_path / "s", agencies=2, years=[2020])
    nb = _notebook_with(tmp_path, "leaky", LEAK_CHECK)

    def twice() -> str:
        from govreport.run import engine

        params = {"agency": "synth-000001", "year": 2020, "data_dir": str(data)}
        engine.execute_notebook(nb, tmp_path / "a.ipynb", params, cwd=nb.parent)
        try:
            engine.execute_notebook(nb, tmp_path / "b.ipynb", {**params, "agency": "synth-000002"}, cwd=nb.parent)
        except CellExecutionError as exc:
            return exc.evalue
        return ""

    evalue = ForkedCall(twice).result(300)  # in a child, so this test process stays clean
    # (a fresh IPython shell per notebook already drops variables, and papermill restores the working
    # directory: what remains shared in one process is what the fork per report isolates)
    for kind in ("module", "rcParams", "environment", "builtins", "data"):
        assert kind in evalue


# ----------------------------------------------------------------------------- killed and resumed


def _wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def _complete(target: Path) -> bool:
    """Every output present is whole; and when the record of a good render is there, all its files are."""
    for name in ("report.html", "review.html"):
        p = target / name
        if p.exists():
            text = p.read_text(encoding="utf-8")
            assert text.startswith("<!DOCTYPE html>") and text.endswith("</html>\n"), p
    pdf = target / "report.pdf"
    if pdf.exists():
        assert pdf.read_bytes().rstrip().endswith(b"%%EOF"), pdf
    record = target / "provenance.json"
    if record.exists():
        files = json.loads(record.read_text())["files"]
        assert all((target / f).exists() for f in files)
        return True
    return False


def test_a_killed_batch_leaves_no_partial_file_and_resumes(tmp_path):
    import psutil

    data = _synth(tmp_path / "s", agencies=6, years=[2020, 2021])  # 12 reports
    out = tmp_path / "out"
    args = ["-m", "govreport", "batch", "--data", str(data), "--out", str(out), "--jobs", "2"]
    done = lambda: sum(1 for _ in out.glob("*/*/provenance.json"))  # noqa: E731

    for sig in (signal.SIGTERM, signal.SIGKILL):
        before = done()
        proc = subprocess.Popen([sys.executable, *args], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        try:
            assert _wait_for(lambda n=before: done() >= n + 2, 120), "the batch made no progress"
            family = psutil.Process(proc.pid).children(recursive=True)
            proc.send_signal(sig)
            stdout, stderr = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
        if sig == signal.SIGTERM:
            assert proc.returncode == 130, stderr
            assert "已中断" in stdout and "Traceback" not in stderr
            state = json.loads((out / "batch.json").read_text())
            assert state["summary"]["interrupted"] and state["summary"]["not_run"] > 0
        else:
            assert proc.returncode == -signal.SIGKILL
        # the workers, their children and their browsers end with the batch
        _gone, alive = psutil.wait_procs(family, timeout=30)
        assert not alive, [p.pid for p in alive]
        for target in _targets(out):
            _complete(target)
        assert not list(out.glob("*/*/*.tmp")) and not list(out.glob("*/*/report.*.*"))
        assert 2 <= done() < 12

    finished = done()
    proc = subprocess.run([sys.executable, *args], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"生成 {12 - finished} 个，跳过 {finished} 个（已是最新），失败 0 个" in proc.stdout
    targets = _targets(out)
    assert len(targets) == 12 and all(_complete(t) for t in targets)
    assert all(sorted(p.name for p in t.iterdir()) == FILES for t in targets)
    assert not list(out.rglob(".staging-*"))


# ------------------------------------------------------------------------------------------ Dask


def test_dask_cluster_gives_the_same_outputs_as_the_local_pool(tmp_path):
    from distributed import LocalCluster

    data = _synth(tmp_path / "s", agencies=3, years=[2020, 2021])
    local = run_batch(BatchOptions(data_dir=data, out_dir=tmp_path / "local", jobs=2), bar=False)
    assert len(local.rendered) == 6 and not local.failed
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        report = run_batch(BatchOptions(data_dir=data, out_dir=tmp_path / "dask", scheduler="dask",
                                        dask_address=cluster.scheduler_address), bar=False)
    assert not report.failed, [f.reason for f in report.failed]
    assert len(report.rendered) == 6 and report.workers == 2
    assert len({r.worker for r in report.rendered}) == 2  # both Dask workers rendered
    a, b = tmp_path / "local", tmp_path / "dask"
    files_a = sorted(str(p.relative_to(a)) for p in a.rglob("*") if p.name != ".batch.lock")
    files_b = sorted(str(p.relative_to(b)) for p in b.rglob("*") if p.name != ".batch.lock")
    assert files_a == files_b
    for rel in files_a:
        if rel.endswith((".html", "provenance.json", "batch.json")):
            assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
    assert sum(rel.endswith("report.pdf") for rel in files_b) == 6
