"""A warm batch worker: one process that renders the agency-years it is sent, one after the other.

The worker holds a :class:`~govreport.run.pipeline.Renderer` that has imported everything, compiled the
templates, loaded the dataset and started its own Chromium. For each request it forks a child that
executes the notebook (so no report ever sees another's variables, imports, rcParams, working directory
or data), prints that report's PDF with its browser and renames the files into place. Up to ``inflight``
requests are accepted at once: while the worker prints one report, the next one's child already executes.

Protocol (pickled tuples over a :class:`multiprocessing.connection.Connection`):

* parent → worker: ``("render", agency_id, year, data_hash)`` and ``("stop",)``;
* worker → parent: ``("ready", info)`` once warm, or ``("fatal", error)`` when it cannot work at all (no
  Chromium, or one that does not start); ``("done", ItemResult)`` for every request, in completion order.

Two ways to start one (which runs where, and why: :mod:`govreport.run.worker`):

* :func:`start_forked` forks the calling process (the local scheduler where ``fork`` is used: the worker
  inherits the parent's imports and loaded dataset, copy-on-write);
* :func:`start_spawned` runs ``python -m govreport.run.batch_server`` (the local scheduler where ``fork`` is
  not used, and a Dask worker: a daemon process that may not start ``multiprocessing`` children, and is
  multi-threaded), connected by a :class:`~govreport.run.worker.SpawnedModule`.

Either way the worker ends with its parent: on Linux ``PR_SET_PDEATHSIG`` delivers SIGTERM, which stops its
running children (their staging directories are removed) and closes its browser
(:func:`~govreport.run.worker.die_with_parent`). A worker also stops when its connection closes.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from govreport.core.errors import FIX_LABEL, GovreportError, RenderError
from govreport.run.worker import SpawnedModule, connect_to_parent, die_with_parent

try:
    import resource
except ImportError:  # Windows: no getrusage, the peak memory is left out (see govreport.run.worker)
    resource = None  # type: ignore[assignment]

#: seconds a worker has to connect, and then to report ready
START_TIMEOUT = 120.0


@dataclass(frozen=True, slots=True)
class ServerConfig:
    out_dir: str  # absolute
    data_dir: str  # absolute
    to: tuple[str, ...]
    notebook: str | None = None  # None: the renderer's default (GOVREPORT_NOTEBOOK or the annual report)
    engine: str = "inprocess"
    browser: str | None = None
    timeout: float | None = 600.0
    inflight: int = 2
    warm: bool = True  # warm the library up in the worker (False: the forking parent has done it)
    allow_errors: bool = False  # publication copies over error findings (see Renderer.allow_errors)
    layout: str = "web"  # report.pdf: web (Chromium) or official (GB/T 9704, Typst)


@dataclass(frozen=True, slots=True)
class ItemResult:
    """What became of one agency-year sent to a worker."""

    agency_id: str
    year: int
    ok: bool
    files: tuple[str, ...] = ()
    error: GovreportError | None = None
    timings: dict[str, float] = field(default_factory=dict)
    worker: int = 0  # the worker's pid
    memory: dict[str, int] = field(default_factory=dict)  # peak RSS in KiB: worker, largest child

    @property
    def reason(self) -> str:
        """The error in one line, with the file and line of a data error (the summary and the index show it)."""
        if self.error is None:
            return ""
        text = str(self.error).split(f"\n  {FIX_LABEL}")[0]
        return " ".join(text.split())

    @property
    def hint(self) -> str:
        return str(getattr(self.error, "hint", "") or "") if self.error is not None else ""

    @property
    def failed_notebook(self) -> str:
        return str(getattr(self.error, "notebook_path", "") or "")


def _memory() -> dict[str, int]:
    if resource is None:
        return {}
    return {"worker_peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            "child_peak_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}


def _item(rendered: Any, agency_id: str, year: int) -> ItemResult:
    pid = os.getpid()
    if rendered.ok:
        res = rendered.result
        return ItemResult(res.agency_id, res.year, True, tuple(sorted(res.files)), None, dict(res.timings), pid,
                          _memory())
    return ItemResult(agency_id, year, False, (), rendered.error, {}, pid, _memory())


# ------------------------------------------------------------------------------------ the worker


def warm_up(data_dir: str) -> None:
    """Pay the first-use costs of a render once, here, instead of in every forked child (~20 % of a child's
    work): an IPython shell, papermill, nbformat and nbconvert run a neutral two-cell notebook (no report
    code, no data), and the library computes one agency-year's statistics, checks and document pieces
    (module-level and dataset-level caches only — never a notebook, so no report's state is inherited).
    Best effort: a problem here (say, that agency-year's narrative cannot be read) is left to its render."""
    import shutil
    import tempfile
    from pathlib import Path

    import nbformat
    from nbformat import v4

    from govreport.render import html
    from govreport.render.document import ReportDocument
    from govreport.run import engine
    from govreport.store.dataset import load_shared

    tmp = Path(tempfile.mkdtemp(prefix="govreport-warm-"))
    try:
        nb = v4.new_notebook(cells=[v4.new_code_cell("n: int = 0"), v4.new_code_cell(
            "from govreport.render.document import Fragment\nFragment(f'<p>{n}</p>', text=str(n))")])
        nb.cells[0].metadata["tags"] = ["parameters"]
        nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
        for i, cell in enumerate(nb.cells):
            cell.id = f"warm-{i}"
        nbformat.write(nb, str(tmp / "warm.ipynb"))
        done = engine.execute_notebook(tmp / "warm.ipynb", tmp / "done.ipynb", {"n": 1}, cwd=tmp)
        nbformat.write(done, str(tmp / "done.ipynb"))
        for rendition in html.RENDITIONS:
            html.export(done, rendition=rendition, title="")
        ds = load_shared(data_dir)
        keys = ds.keys()
        if keys:
            ReportDocument.prepare(ds, *keys[0]).fragments(review=True)
    except Exception:  # warming up is an optimisation, never a reason to fail
        pass
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _terminate(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


def serve(conn: Any, config: ServerConfig, parent: int) -> None:
    """The worker's main loop (see the module docstring). Returns when told to stop or the parent is gone."""
    die_with_parent(parent)
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the parent decides and stops the workers
    from govreport.run.pipeline import Renderer
    from govreport.store.dataset import load_shared

    renderer = None
    try:
        try:
            renderer = Renderer(config.out_dir, to=config.to, engine=config.engine, notebook=config.notebook,
                                browser=config.browser, timeout=config.timeout, allow_errors=config.allow_errors,
                                layout=config.layout)
            renderer.start(preload=True)  # Chromium starts while the first report's child executes
            load_shared(config.data_dir)  # inherited when forked; loaded (from the Parquet cache) when spawned
            if config.warm:
                warm_up(config.data_dir)
            if renderer.needs_chromium:
                from govreport.run.pdf import check_chromium

                check_chromium(config.browser)
        except GovreportError as exc:
            conn.send(("fatal", exc))
            return
        conn.send(("ready", {"pid": os.getpid(), **_memory()}))
        listening = True
        while listening or renderer.active:
            done, ready = renderer.collect(also=[conn] if listening else [])
            for rendered in done:
                conn.send(("done", _item(rendered, rendered.agency, rendered.year)))
            if not ready:
                continue
            try:
                msg = conn.recv()
            except (EOFError, OSError):
                return  # the parent is gone: the finally clause stops the running children
            if msg[0] == "stop":
                listening = False
            elif msg[0] == "render":
                _, agency_id, year, data_hash = msg
                refused = renderer.submit(agency_id, int(year), data_dir=config.data_dir, data_hash=data_hash)
                if renderer.browser_error is not None:  # Chromium is there but does not start
                    conn.send(("fatal", renderer.browser_error))
                    return
                if refused is not None:
                    conn.send(("done", _item(refused, agency_id, int(year))))
    finally:
        if renderer is not None:
            renderer.close()
        conn.close()


# ---------------------------------------------------------------------------------- the handles


class ServerHandle:
    """The parent's end of a worker: its connection and process. A spawned worker's connection is
    established by :meth:`connect` (:func:`wait_ready` calls it), so several workers start at once."""

    def __init__(self, conn: Any, pid: int, process: Any, spawned: SpawnedModule | None = None) -> None:
        self._conn = conn  # None until a spawned worker has connected
        self.pid = pid
        self._process = process  # multiprocessing.Process or subprocess.Popen
        self._spawned = spawned
        self.inflight: list[tuple[str, int]] = []
        self.ready = False
        self._stop_sent = False

    @property
    def conn(self) -> Any:
        """The connection to the worker (waits for a spawned worker to connect)."""
        if self._conn is None:
            self.connect(START_TIMEOUT)
        return self._conn

    def connect(self, timeout: float) -> None:
        """Wait up to ``timeout`` seconds for a spawned worker to connect; a worker that ends first, or does
        not connect in time, is a :class:`RenderError`."""
        if self._conn is not None:
            return
        assert self._spawned is not None
        self._conn = self._spawned.connection(timeout)
        if self._conn is None:
            if self.alive():
                raise RenderError(f"batch 工作进程 {self.pid} 未在 {timeout:g} 秒内启动")
            raise RenderError(f"batch 工作进程 {self.pid} 在启动时结束")

    def fileno(self) -> int:
        return self.conn.fileno()

    def render(self, agency_id: str, year: int, data_hash: str | None) -> None:
        self.conn.send(("render", agency_id, int(year), data_hash))
        self.inflight.append((agency_id, int(year)))

    def alive(self) -> bool:
        if isinstance(self._process, subprocess.Popen):
            return self._process.poll() is None
        return self._process.is_alive()

    def ask_to_stop(self) -> None:
        if not self._stop_sent and self._conn is not None:
            self._stop_sent = True
            with contextlib.suppress(OSError, ValueError):
                self._conn.send(("stop",))

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the worker to finish what it has and end; terminate it if it does not within ``timeout``."""
        self.ask_to_stop()
        if self._conn is not None:
            self._join(timeout)
        if self.alive():
            self.terminate()

    def terminate(self, timeout: float = 10.0) -> None:
        """Terminate (SIGTERM on POSIX: the worker stops its children, removes their staging, closes its
        browser); kill after ``timeout`` seconds."""
        if self.alive():
            with contextlib.suppress(ProcessLookupError, OSError):
                self._process.terminate()
            self._join(timeout)
        if self.alive():
            with contextlib.suppress(ProcessLookupError, OSError):
                self._process.kill()
            self._join(5.0)
        if self._spawned is not None:
            self._spawned.close()
        if self._conn is not None:
            with contextlib.suppress(OSError):
                self._conn.close()

    def _join(self, timeout: float) -> None:
        if isinstance(self._process, subprocess.Popen):
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._process.wait(timeout)
        else:
            self._process.join(timeout)


def start_forked(config: ServerConfig) -> ServerHandle:
    """A worker forked from this process (which should have imported and loaded what the workers need)."""
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    parent_conn, child_conn = ctx.Pipe()
    proc = ctx.Process(target=_forked_main, args=(child_conn, parent_conn, config, os.getpid()),
                       name="govreport-batch-worker", daemon=True)
    proc.start()
    child_conn.close()
    return ServerHandle(parent_conn, proc.pid, proc)


def _forked_main(conn: Any, parent_end: Any, config: ServerConfig, parent: int) -> None:
    parent_end.close()
    with contextlib.suppress(KeyboardInterrupt):  # a child's Ctrl-C: the parent stops the batch
        serve(conn, config, parent)


def start_spawned(config: ServerConfig, *, env: dict[str, str] | None = None) -> ServerHandle:
    """A worker in a new interpreter (``python -m govreport.run.batch_server``); returns at once, the worker
    connects meanwhile (:class:`~govreport.run.worker.SpawnedModule`)."""
    spawned = SpawnedModule("govreport.run.batch_server", str(os.getpid()), payload=config, env=env)
    return ServerHandle(None, spawned.pid, spawned.process, spawned)


def wait_ready(handle: ServerHandle, timeout: float = START_TIMEOUT) -> dict[str, Any]:
    """Wait for a worker's ``ready``; its ``fatal`` error is raised, as is a worker that dies first."""
    deadline = time.monotonic() + timeout
    handle.connect(timeout)
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise RenderError(f"batch 工作进程 {handle.pid} 未在 {timeout:g} 秒内启动")
        if handle.conn.poll(min(left, 0.5)):
            try:
                msg = handle.conn.recv()
            except (EOFError, OSError):
                raise RenderError(f"batch 工作进程 {handle.pid} 在启动时结束") from None
            if msg[0] == "fatal":
                raise msg[1]
            handle.ready = True
            return dict(msg[1])
        if not handle.alive():
            raise RenderError(f"batch 工作进程 {handle.pid} 在启动时结束")


def main(argv: list[str] | None = None) -> int:
    """Entry point of a spawned worker: ``python -m govreport.run.batch_server ADDRESS PARENT_PID`` (the
    authkey and the :class:`ServerConfig` come on standard input: :func:`~govreport.run.worker.connect_to_parent`)."""
    argv = sys.argv[1:] if argv is None else argv
    conn, config = connect_to_parent(argv[0])
    with contextlib.suppress(KeyboardInterrupt):
        serve(conn, config, int(argv[1]))
    return 0


if __name__ == "__main__":
    # Run the imported module's main, not this __main__ copy: results must pickle as
    # govreport.run.batch_server.ItemResult, which the parent can load.
    from govreport.run.batch_server import main as _main

    sys.exit(_main())
