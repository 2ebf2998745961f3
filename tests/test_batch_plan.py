"""Batch planning without rendering: bulk input hashes, selection, the skip decision, state files, CLI errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import govreport
from govreport.analysis.synth import write_dataset
from govreport.core.errors import NotFoundError, ParameterError
from govreport.run import batch_plan as plan
from govreport.run import batch_state as state
from govreport.run.batch_plan import Expected

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def synth(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("batch-plan") / "s"
    write_dataset(out, agencies=6, years=[2019, 2020, 2021], seed=3, broken=2)
    return out


def test_bulk_hashes_equal_report_hash(synth, seed_dataset):
    ds = govreport.load(synth)
    keys = ds.keys()
    assert len(keys) >= 15
    assert plan.report_hashes(ds, keys) == {k: ds.report_hash(*k) for k in keys}
    seed_keys = seed_dataset.keys()
    assert plan.report_hashes(seed_dataset, seed_keys) == {k: seed_dataset.report_hash(*k) for k in seed_keys}
    assert len(set(plan.report_hashes(ds, keys).values())) == len(keys)


def test_hashes_follow_the_narrative_and_reuse_a_previous_run(tmp_path, synth):
    import shutil

    data = tmp_path / "s"
    shutil.copytree(synth, data)
    ds = govreport.load(data)
    keys = ds.keys()
    hashes, sigs = plan.input_hashes(ds, keys)
    previous = {"data_hash": ds.data_hash,
                "reports": [{"agency_id": a, "year": y, "input_hash": "recorded-" + h, "narrative": sigs[(a, y)]}
                            for (a, y), h in hashes.items()]}
    reused, _ = plan.input_hashes(ds, keys, previous)
    assert all(v.startswith("recorded-") for v in reused.values())  # nothing rehashed
    a, y = keys[1]
    narrative = data / "narratives" / a / f"{y}.md"
    narrative.write_text(narrative.read_text(encoding="utf-8") + "\n补充说明。\n", encoding="utf-8")
    ds2 = govreport.load(data)
    again, _ = plan.input_hashes(ds2, keys, previous)
    assert again[(a, y)] == ds2.report_hash(a, y) != hashes[(a, y)]  # the edited one is hashed afresh
    assert all(again[k].startswith("recorded-") for k in keys if k != (a, y))
    stale = dict(previous, data_hash="another dataset")
    fresh, _ = plan.input_hashes(ds2, keys, stale)
    assert not any(v.startswith("recorded-") for v in fresh.values())


def test_select(synth):
    ds = govreport.load(synth)
    everything = plan.select(ds)
    assert everything.items == tuple(ds.keys()) and everything.agencies is None
    name = ds.agencies["name"].iloc[1]
    one = plan.select(ds, [name, ds.agencies["agency_id"].iloc[1]], [2020, 2024])
    assert one.agencies == (ds.agencies["agency_id"].iloc[1],)
    assert one.items == ((ds.agencies["agency_id"].iloc[1], 2020),) and one.years == (2020, 2024)
    with pytest.raises(NotFoundError, match="未知的单位"):
        plan.select(ds, ["没有这个机关"])
    with pytest.raises(ParameterError):
        plan.select(ds, None, [20])


def test_is_current_and_staleness(tmp_path):
    d = tmp_path / "a" / "2020"
    d.mkdir(parents=True)
    files = ("report.ipynb", "report.html", "review.html", "report.pdf")
    for name in files:
        (d / name).write_text("x")
    params = {"agency": "a", "year": 2020, "data_dir": "s"}
    exp = Expected("h1", "nb1", govreport.__version__, params, files)
    rec = {"data_hash": "h1", "notebook_hash": "nb1", "govreport_version": govreport.__version__,
           "parameters": dict(params), "files": sorted(files)}
    assert plan.is_current(rec, exp, d) and plan.staleness(None, exp) == ""
    assert not plan.is_current(None, exp, d)
    for change, why in (({"data_hash": "h2"}, "data changed"), ({"notebook_hash": "nb2"}, "notebook changed"),
                        ({"govreport_version": "0.0.1"}, "govreport version changed"),
                        ({"parameters": {**params, "data_dir": "t"}}, "parameters changed")):
        assert not plan.is_current({**rec, **change}, exp, d) and plan.staleness({**rec, **change}, exp) == why
    html_only = {**rec, "files": ["report.html", "report.ipynb", "review.html"]}
    assert not plan.is_current(html_only, exp, d)  # the PDF was not asked for last time
    assert plan.is_current(html_only, Expected("h1", "nb1", govreport.__version__, params, files[:3]), d)
    # the PDF's layout: a record without one is of the default web layout; a switch makes the render stale
    official = Expected("h1", "nb1", govreport.__version__, params, files, pdf_layout="official")
    assert not plan.is_current(rec, official, d) and plan.staleness(rec, official) == "layout changed"
    assert plan.is_current({**rec, "pdf_layout": "official"}, official, d)
    assert plan.is_current({**rec, "pdf_layout": "web"}, exp, d)
    assert plan.staleness({**rec, "pdf_layout": "official"}, exp) == "layout changed"
    no_pdf = Expected("h1", "nb1", govreport.__version__, params, files[:3], pdf_layout="official")
    assert plan.is_current(rec, no_pdf, d)  # no PDF asked for: its layout does not matter
    (d / "report.pdf").unlink()
    assert not plan.is_current(rec, exp, d) and plan.staleness(rec, exp) == "outputs missing"
    (d / "provenance.json").write_text("{not json")
    assert plan.read_provenance(d) is None


def test_lock_and_leftovers(tmp_path):
    out = tmp_path / "out"
    with state.locked(out), pytest.raises(state.BatchLockedError, match="另一个 govreport batch"), \
            state.locked(out, wait=0.3):
        pass
    with state.locked(out, wait=0.3):  # released
        pass
    staging = out / "a" / "2020" / ".staging-123-abc"
    staging.mkdir(parents=True)
    (staging / "report.html").write_text("<html")
    (out / ".index.html.x1.tmp").write_text("partial")
    (out / "a" / "2020" / "report.html").write_text("kept")
    assert state.remove_leftovers(out) == 2
    assert not staging.exists() and not (out / ".index.html.x1.tmp").exists()
    assert (out / "a" / "2020" / "report.html").read_text() == "kept"


def test_state_round_trip_and_previous_failures(tmp_path):
    doc = {"schema": state.STATE_SCHEMA, "reports": [
        {"agency_id": "a", "year": 2020, "state": "failed", "error": "cell 3 failed", "notebook": "a/2020/failed/x"},
        {"agency_id": "b", "year": 2020, "state": "current"}]}
    (tmp_path / state.STATE_FILE).write_text(state.state_json(doc), encoding="utf-8")
    assert state.read_state(tmp_path) == doc
    assert state.previous_failures(doc) == {("a", 2020): {"error": "cell 3 failed", "notebook": "a/2020/failed/x"}}
    (tmp_path / state.STATE_FILE).write_text(json.dumps({"schema": 999}), encoding="utf-8")
    assert state.read_state(tmp_path) is None


def _cli(*args: str, cwd: Path = REPO, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "govreport", "batch", *args], capture_output=True, text=True,
                          cwd=cwd, env={**os.environ, **(env or {})}, timeout=120)


@pytest.mark.parametrize(("args", "message"), [
    (["--years", "2019-20x"], "不是年份范围"),
    (["--agencies", "没有这个机关"], "未知的单位"),
    (["--data", "/nonexistent/dataset"], "数据目录不存在"),
    (["--scheduler", "dask"], "需要 --dask-address"),
    (["--to", "odt"], "未知的输出格式"),
    (["--jobs", "0"], "--jobs 至少为 1"),
])
def test_user_errors_exit_2_without_traceback(tmp_path, synth, args, message):
    out = tmp_path / "out"
    base = [] if "--data" in args else ["--data", str(synth)]
    proc = _cli(*base, "--out", str(out), *args)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists() or not any(out.iterdir())  # nothing rendered, no index


def test_unreachable_dask_scheduler_is_a_user_error(tmp_path, synth):
    proc = _cli("--data", str(synth), "--out", str(tmp_path / "out"), "--scheduler", "dask",
                "--dask-address", "tcp://127.0.0.1:9", "--to", "html",
                env={"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"})
    assert proc.returncode == 2, proc.stderr
    assert "无法连接" in proc.stderr and "Dask 调度器" in proc.stderr and "Traceback" not in proc.stderr
