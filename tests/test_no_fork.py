"""The path where ``fork()`` is missing (Windows, macOS), forced on Linux with GOVREPORT_START_METHOD=spawn.

The isolated call then runs in a spawned interpreter with the same interface; the seed's report rendered
that way (and by a batch whose workers are spawned) has the same bytes as the fork path's.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from govreport.core.errors import ParameterError
from govreport.run import worker
from tests.conftest import DATA, REPO, SEED_AGENCY_ID, SEED_YEAR


def test_start_method_is_chosen_and_can_be_forced(monkeypatch):
    monkeypatch.delenv(worker.START_METHOD_ENV, raising=False)
    if sys.platform.startswith("linux"):
        assert worker.start_method() == "fork"  # the fast path stays the default where it works
    monkeypatch.setenv(worker.START_METHOD_ENV, "spawn")
    assert worker.start_method() == "spawn"
    monkeypatch.setenv(worker.START_METHOD_ENV, "thread")
    with pytest.raises(ParameterError) as err:
        worker.start_method()
    assert err.value.hint


def test_spawned_call_returns_raises_and_times_out(monkeypatch):
    monkeypatch.setenv(worker.START_METHOD_ENV, "spawn")
    call = worker.ForkedCall(os.getpid)  # callers written for fork get the spawn path
    assert isinstance(call, worker.SpawnedCall)
    child = call.result(timeout=60)
    assert child != os.getpid()
    from govreport.core.years import parse_years

    with pytest.raises(ParameterError):  # a govreport error comes back as itself
        worker.isolated_call(parse_years, "2021-2019").result(timeout=60)
    slow = worker.isolated_call(time.sleep, 30)
    start = time.monotonic()
    with pytest.raises(TimeoutError):
        slow.result(timeout=3)
    assert time.monotonic() - start < 20 and not slow._proc.is_alive()


def _render(out: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "govreport", *args], cwd=out, env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.mark.slow
def test_render_and_batch_without_fork_give_the_same_bytes(tmp_path: Path):
    shutil.copytree(DATA, tmp_path / "data", ignore=shutil.ignore_patterns(".cache"))
    base = {**os.environ, "PYTHONPATH": str(REPO)}
    fork_env = {**base, worker.START_METHOD_ENV: "fork"}
    spawn_env = {**base, worker.START_METHOD_ENV: "spawn"}
    runs = {
        "fork": _render(tmp_path, fork_env, "render", "--data", "data", "--out", "fork", "--to", "html"),
        "spawn": _render(tmp_path, spawn_env, "render", "--data", "data", "--out", "spawn", "--to", "html"),
        "batch-fork": _render(tmp_path, fork_env, "batch", "--data", "data", "--out", "batch-fork", "--to", "html",
                              "--jobs", "1"),
        "batch-spawn": _render(tmp_path, spawn_env, "batch", "--data", "data", "--out", "batch-spawn", "--to",
                               "html", "--jobs", "1"),
    }
    for name, proc in runs.items():
        assert proc.returncode == 0, f"{name}:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
    for name in ("report.html", "review.html"):
        for fork, spawn in (("fork", "spawn"), ("batch-fork", "batch-spawn")):
            expected = (tmp_path / fork / SEED_AGENCY_ID / str(SEED_YEAR) / name).read_bytes()
            assert (tmp_path / spawn / SEED_AGENCY_ID / str(SEED_YEAR) / name).read_bytes() == expected, (spawn, name)
