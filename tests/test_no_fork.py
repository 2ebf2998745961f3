"""The path where ``fork()`` is missing (Windows, macOS), forced on Linux with GOVREPORT_START_METHOD=spawn.

The isolated call then runs in a spawned interpreter with the same interface; the seed's report rendered
that way (and a two-report batch whose workers are spawned) has the same bytes as the fork path's. A
platform without ``fork`` (and without ``pass_fds``, as Windows) is simulated: the portable path is chosen,
and a batch worker started as a module connects without a passed descriptor.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from govreport.analysis.synth import write_dataset
from govreport.core.errors import NotFoundError, ParameterError, RenderError
from govreport.run import batch_local, batch_server, worker
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


def test_without_fork_the_portable_path_is_chosen(monkeypatch):
    monkeypatch.delenv(worker.START_METHOD_ENV, raising=False)
    monkeypatch.delattr(os, "fork", raising=False)  # as on Windows
    assert worker.start_method() == "spawn"
    assert isinstance(worker.isolated_call(os.getpid), worker.SpawnedCall)  # not started: result() not awaited
    monkeypatch.setenv(worker.START_METHOD_ENV, "fork")
    with pytest.raises(ParameterError):  # fork cannot be forced where it is missing
        worker.start_method()
    monkeypatch.delenv(worker.START_METHOD_ENV)
    started = []
    monkeypatch.setattr(batch_local, "start_spawned", lambda config: started.append("spawned") or _Refused())
    monkeypatch.setattr(batch_local, "start_forked", lambda config: started.append("forked") or _Refused())
    config = batch_server.ServerConfig(out_dir="/nowhere", data_dir="/nowhere", to=("html",))
    with pytest.raises(RenderError):
        list(batch_local.LocalScheduler(config, jobs=2).run([("a", 2020, None), ("b", 2020, None)]))
    assert started == ["spawned", "spawned"]
    monkeypatch.undo()
    monkeypatch.setattr(sys, "platform", "darwin")  # fork exists but is unsafe
    monkeypatch.delenv(worker.START_METHOD_ENV, raising=False)
    assert worker.start_method() == "spawn"


def test_the_owner_of_a_staging_folder_is_never_signalled_on_windows(monkeypatch):
    from govreport.store import paths

    def kill(pid, sig):
        raise AssertionError("os.kill(pid, 0) ends the process on Windows")

    monkeypatch.setattr(os, "kill", kill)
    monkeypatch.setattr(paths, "_windows_pid_alive", lambda pid: pid == 4242)
    monkeypatch.setattr(os, "name", "nt")
    alive = [paths.pid_alive(4242), paths.pid_alive(4243)]
    monkeypatch.undo()
    assert alive == [True, False]


@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "darwin", reason="fork is not the default here")
def test_batch_workers_are_spawned_where_a_forked_one_would_inherit_typst(monkeypatch):
    monkeypatch.delenv(worker.START_METHOD_ENV, raising=False)
    from govreport.render import official_pdf

    made = functools.cache(object)  # stands for official_pdf.compiler (Typst's threads start with it)
    monkeypatch.setattr(official_pdf, "compiler", made)
    assert worker.worker_start_method(typesets=True) == "fork"  # no compiler yet: the fast path
    made()
    assert worker.worker_start_method(typesets=True) == "spawn"
    assert worker.worker_start_method(typesets=False) == "fork"


class _Refused:
    """A worker handle that never starts."""

    pid, inflight = 0, []

    def connect(self, timeout: float) -> None:
        raise RenderError("refused")

    def ask_to_stop(self) -> None:
        pass

    def stop(self) -> None:
        pass


class _PopenWithoutPassFds(subprocess.Popen):
    """``subprocess.Popen`` as on Windows, where ``pass_fds`` is not supported."""

    def __init__(self, *args, **kwargs) -> None:
        assert not kwargs.get("pass_fds"), "pass_fds is not supported on Windows"
        super().__init__(*args, **kwargs)


def test_a_spawned_worker_connects_without_pass_fds(monkeypatch, tmp_path: Path):
    monkeypatch.setattr(subprocess, "Popen", _PopenWithoutPassFds)
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    config = batch_server.ServerConfig(out_dir=str(tmp_path), data_dir=str(DATA), to=("html",),
                                       notebook=str(tmp_path / "missing.ipynb"), warm=False)
    handle = batch_server.start_spawned(config)
    try:
        with pytest.raises(NotFoundError):  # the worker's fatal error came back over the connection
            batch_server.wait_ready(handle, timeout=120)
    finally:
        handle.terminate()
    assert not handle.alive()
    gone = worker.SpawnedModule("govreport.no_such_module")  # ends before it connects
    assert gone.connection(timeout=60) is None
    assert gone.process.wait(timeout=60) != 0


def _render(out: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "govreport", *args], cwd=out, env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.mark.slow
def test_render_and_batch_without_fork_give_the_same_bytes(tmp_path: Path):
    shutil.copytree(DATA, tmp_path / "data", ignore=shutil.ignore_patterns(".cache"))
    write_dataset(tmp_path / "synth", agencies=2, years=[2020], seed=0)  # a batch of two reports
    base = {**os.environ, "PYTHONPATH": str(REPO)}
    fork_env = {**base, worker.START_METHOD_ENV: "fork"}
    spawn_env = {**base, worker.START_METHOD_ENV: "spawn"}
    runs = {
        "fork": _render(tmp_path, fork_env, "render", "--data", "data", "--out", "fork", "--to", "html"),
        "spawn": _render(tmp_path, spawn_env, "render", "--data", "data", "--out", "spawn", "--to", "html"),
        "batch-fork": _render(tmp_path, fork_env, "batch", "--data", "synth", "--out", "batch-fork", "--to",
                              "html", "--jobs", "2"),
        "batch-spawn": _render(tmp_path, spawn_env, "batch", "--data", "synth", "--out", "batch-spawn", "--to",
                               "html", "--jobs", "2"),
    }
    for name, proc in runs.items():
        assert proc.returncode == 0, f"{name}:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
    targets = [(("fork", "spawn"), SEED_AGENCY_ID)]
    targets += [(("batch-fork", "batch-spawn"), f"synth-00000{i}") for i in (1, 2)]
    for (fork, spawn), agency in targets:
        for name in ("report.html", "review.html"):
            expected = (tmp_path / fork / agency / str(SEED_YEAR) / name).read_bytes()
            assert (tmp_path / spawn / agency / str(SEED_YEAR) / name).read_bytes() == expected, (spawn, name)
    index = (tmp_path / "batch-fork" / "index.html").read_bytes()
    assert (tmp_path / "batch-spawn" / "index.html").read_bytes() == index
