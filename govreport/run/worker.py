"""The runtime contract: what runs in which process, and why; and the isolated call of the renderer.

Processes
    *The command* (``govreport …``, or the Python process that uses the library) checks the parameters
    against the notebook and the dataset, starts Chromium through Playwright and prints the PDF, and
    renames every output into place. Nothing a notebook does runs here.

    *One render* executes in a child process (:func:`isolated_call`): it resolves the parameters, executes
    the notebook (with papermill's ``inprocess`` engine inside the child, or a Jupyter kernel that the child
    starts with ``--engine kernel``) and exports the HTML into a staging directory. Whatever the notebook
    changes (variables, imports, rcParams, the working directory) dies with the child, so no report sees
    another's. The result, or the error, comes back pickled through a pipe.

    *A batch* (``govreport batch``) runs warm worker processes (:mod:`govreport.run.batch_server`), each with
    its own Chromium; each worker renders one report after the other, every report in its own child as
    above. With ``--scheduler dask`` the workers are started by the Dask workers.

How a child starts
    ``fork`` (the fast path, the default on Linux and the other POSIX systems that have ``os.fork``
    except macOS): the child is a copy of the warm parent and inherits its imports, compiled templates and
    loaded dataset, so a render pays for none of them again. :class:`ForkedCall`; batch workers are forked
    by :mod:`multiprocessing`'s ``fork`` context.

    ``spawn`` (where ``fork`` is missing, on Windows, and on macOS, where forking a process that has loaded
    system frameworks is unsafe): the child is a fresh interpreter started by :mod:`multiprocessing`'s
    ``spawn`` context and connected by a :func:`~multiprocessing.Pipe`. It imports what the render needs
    and loads the dataset from its Parquet cache itself, so each render costs a few seconds more; the
    outputs are the same bytes. :class:`SpawnedCall`. Batch workers are then started as
    ``python -m govreport.run.batch_server`` (:class:`SpawnedModule`), as they always are under Dask.

    ``GOVREPORT_START_METHOD=fork|spawn`` overrides the choice (``tests/test_no_fork.py`` forces
    ``spawn`` on Linux). :func:`start_method` is the one place that decides; batch workers ask
    :func:`worker_start_method`, which also spawns them where a forked worker would inherit a running Typst
    compiler (the official layout; its threads do not survive a fork).

How a batch worker talks to its parent
    Pickled messages over a :class:`multiprocessing.connection.Connection`: a pipe for a forked worker; for
    a worker started as a module (:class:`SpawnedModule`), a :class:`~multiprocessing.connection.Listener`
    of the parent (a Unix socket; a named pipe on Windows) guarded by a random authkey that the child reads,
    with its configuration, from its standard input (:func:`connect_to_parent`). No descriptor is passed
    (``pass_fds`` does not exist on Windows), and a daemonic process (a Dask worker), which
    :mod:`multiprocessing` forbids to have children, can start one. The parent waits for its render
    children and its workers with :func:`multiprocessing.connection.wait` (never ``select`` on a pipe, which
    Windows lacks).

POSIX-only pieces, each guarded, with the portable behaviour as the fallback
    * ``os.fork``, ``os.waitpid``, ``select`` on the result pipe: :class:`ForkedCall` only, used only when
      :func:`start_method` is ``fork``.
    * ``PR_SET_PDEATHSIG`` (``prctl`` through ctypes, Linux only): :func:`die_with_parent` asks the kernel
      to end a batch worker with its parent; elsewhere a worker ends when its connection to the parent
      closes (the parent's end is closed by the system when the parent dies).
    * Signals: a worker's SIGTERM handler stops its children and closes its browser; a worker is stopped
      with ``terminate()``/``kill()`` of its process object (SIGTERM/SIGKILL on POSIX,
      ``TerminateProcess`` on Windows, where a stopped render's staging directory is removed by its parent).
    * ``resource.getrusage`` (the peak memory a batch reports): left out where :mod:`resource` is missing.
    * ``flock`` (the batch's output-folder lock, :mod:`govreport.run.batch_state`): ``msvcrt.locking``
      where :mod:`fcntl` is missing.
    * ``os.kill(pid, 0)`` (is the owner of a staging folder alive, :func:`govreport.store.paths.pid_alive`),
      which would end the process on Windows: ``OpenProcess`` there. ``/proc/self/status`` (the umask,
      :mod:`govreport.store.textfile`) and ``os.sched_getaffinity`` (``--jobs``) fall back when missing.

:class:`ForkedCall` forks the current process, runs ``fn(*args, **kwargs)`` in the child and sends the
result (or the error) back through a pipe; the parent goes on with other work (starting Chromium) and
collects it with :meth:`ForkedCall.result`. Before forking, the parent's objects are moved to the
collector's permanent generation (``gc.freeze``) and put back in the parent afterwards: the child's garbage
collections then never walk (and so never copy) the pages of the inherited modules and data. Constructing a
``ForkedCall`` where :func:`start_method` is ``spawn`` gives a :class:`SpawnedCall` (same interface), so
callers written for the fork path run unchanged; new callers use :func:`isolated_call`.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import sys
import traceback
from collections.abc import Callable
from typing import Any

from govreport.core.errors import GovreportError, ParameterError, RenderError

START_METHOD_ENV = "GOVREPORT_START_METHOD"
START_METHODS = ("fork", "spawn")


def start_method() -> str:
    """``fork`` or ``spawn``: how render children and batch workers start (see the module docstring)."""
    forced = os.environ.get(START_METHOD_ENV, "").strip().lower()
    if forced:
        if forced not in START_METHODS:
            raise ParameterError(f"{START_METHOD_ENV}={forced!r} 不是可用的进程启动方式",
                                 hint=f"设为 {' 或 '.join(START_METHODS)}，或删去这个环境变量")
        if forced == "fork" and not hasattr(os, "fork"):
            raise ParameterError(f"{START_METHOD_ENV}=fork，但本系统没有 fork()",
                                 hint=f"删去环境变量 {START_METHOD_ENV}（本系统使用 spawn）")
        return forced
    return "fork" if hasattr(os, "fork") and sys.platform != "darwin" else "spawn"


def worker_start_method(*, typesets: bool) -> str:
    """How batch workers start: :func:`start_method`, except ``spawn`` where a forked worker could not work —
    one that typesets the official layout (``typesets``), forked from a process whose Typst compiler exists
    already (its worker threads do not survive a fork: the worker would hang). The command never makes one
    before it starts its workers; a library caller (a test) that has typeset in-process may have."""
    method = start_method()
    if method == "fork" and typesets:
        official = sys.modules.get("govreport.render.official_pdf")
        if official is not None and official.compiler_started():
            return "spawn"
    return method


def isolated_call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> ForkedCall | SpawnedCall:
    """``fn(*args, **kwargs)`` in a child process started by :func:`start_method`. With ``spawn``, ``fn``
    and its arguments must be picklable (a module-level function and plain data)."""
    if start_method() == "fork":
        return ForkedCall(fn, *args, **kwargs)
    return SpawnedCall(fn, *args, **kwargs)


def _portable(exc: BaseException) -> BaseException:
    """An exception that survives pickling: govreport errors as they are, others wrapped."""
    if isinstance(exc, GovreportError | KeyboardInterrupt):
        return exc
    tb = "".join(traceback.format_exception(exc)).strip().splitlines()
    return RenderError(f"{type(exc).__name__}: {exc}", hint="\n".join(tb[-6:]))


class ForkedCall:
    """``fn(*args, **kwargs)`` in a forked child; :meth:`result` waits and returns or re-raises."""

    def __new__(cls, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if cls is ForkedCall and start_method() != "fork":
            return SpawnedCall(fn, *args, **kwargs)
        return super().__new__(cls)

    def __init__(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        r, w = os.pipe()
        thawed = gc.get_freeze_count() == 0
        gc.freeze()
        pid = os.fork()
        if pid == 0:  # child
            code = 0
            try:
                os.close(r)
                payload = _run_in_child(fn, args, kwargs)
                try:
                    data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
                except Exception as exc:
                    data = pickle.dumps(("err", RenderError(f"无法传回结果：{exc}")))
                view = memoryview(data)
                while view:
                    view = view[os.write(w, view):]
                os.close(w)
                sys.stdout.flush()
                sys.stderr.flush()
            except BaseException:
                code = 70
            finally:
                os._exit(code)
        if thawed:
            gc.unfreeze()
        os.close(w)
        self.pid = pid
        self._r = r
        self._done = False

    def fileno(self) -> int:
        """The pipe the result arrives on: readable once the child has finished (for ``selectors``)."""
        return self._r

    def result(self, timeout: float | None = None) -> Any:
        """Wait for the child (at most ``timeout`` seconds: then it is killed and :class:`TimeoutError`
        raised) and return its result or raise its error."""
        import select
        import time

        deadline = None if timeout is None else time.monotonic() + timeout
        chunks = []
        try:
            while True:
                if deadline is not None:
                    left = max(0.0, deadline - time.monotonic())
                    if not select.select([self._r], [], [], left)[0]:  # a finished child is never late
                        raise TimeoutError
                chunk = os.read(self._r, 1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
        except TimeoutError:
            self.cancel(signal.SIGKILL)
            raise
        except BaseException:
            self.cancel()
            raise
        finally:
            os.close(self._r)
        _, status = os.waitpid(self.pid, 0)
        self._done = True
        data = b"".join(chunks)
        if not data:
            how = (f"被信号 {os.WTERMSIG(status)} 终止" if os.WIFSIGNALED(status)
                   else f"以状态 {os.waitstatus_to_exitcode(status)} 退出")
            raise RenderError(f"生成报告的进程 {self.pid} 在传回结果之前{how}")
        kind, value = pickle.loads(data)
        if kind == "err":
            raise value
        return value

    def cancel(self, sig: int = signal.SIGTERM) -> None:
        if self._done:
            return
        try:
            os.kill(self.pid, sig)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        self._done = True


def _run_in_child(fn: Callable[..., Any], args: tuple, kwargs: dict) -> tuple[str, Any]:
    """In a forked or spawned child: Ctrl-C interrupts again, then ``("ok", result)`` or ``("err", error)``
    with the error made portable to the parent."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return ("ok", fn(*args, **kwargs))
    except BaseException as exc:
        return ("err", _portable(exc))


def _spawned_main(conn: Any, fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
    """The spawned child: run the call and send ``("ok", result)`` or ``("err", error)``."""
    payload = _run_in_child(fn, args, kwargs)
    try:
        conn.send(payload)
    except Exception as exc:
        conn.send(("err", RenderError(f"生成进程无法送回结果：{exc}")))
    finally:
        conn.close()
        sys.stdout.flush()
        sys.stderr.flush()


class SpawnedCall:
    """``fn(*args, **kwargs)`` in a freshly spawned interpreter: the path where ``fork`` is missing.

    Same interface as :class:`ForkedCall` (``fileno``, ``result``, ``cancel``, ``pid``)."""

    def __init__(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        import multiprocessing as mp

        sys.stdout.flush()
        sys.stderr.flush()
        ctx = mp.get_context("spawn")
        self._conn, child = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=_spawned_main, args=(child, fn, args, kwargs), name="govreport-render")
        self._proc.start()
        child.close()
        self.pid = self._proc.pid
        self._done = False

    def fileno(self) -> int:
        """Readable once the child has sent its result (or ended)."""
        return self._conn.fileno()

    def result(self, timeout: float | None = None) -> Any:
        """Wait for the child (at most ``timeout`` seconds: then it is killed and :class:`TimeoutError`
        raised) and return its result or raise its error."""
        try:
            if not self._conn.poll(timeout):
                raise TimeoutError
            kind, value = self._conn.recv()
        except TimeoutError:
            self.cancel(kill=True)
            raise
        except EOFError:
            self._proc.join()
            self._done = True
            raise RenderError(f"生成进程 {self.pid} 未送回结果就已结束（退出状态 {self._proc.exitcode}）") from None
        except BaseException:
            self.cancel()
            raise
        finally:
            self._conn.close()
        self._proc.join()
        self._done = True
        if kind == "err":
            raise value
        return value

    def cancel(self, sig: int | None = None, *, kill: bool = False) -> None:
        """Stop the child (SIGTERM, or SIGKILL with ``kill``) and wait for it."""
        if self._done:
            return
        if kill:
            self._proc.kill()
        else:
            self._proc.terminate()
        self._proc.join()
        self._done = True


# ------------------------------------------------------------------------ batch workers started as a module


class SpawnedModule:
    """``python -m module ADDRESS *args`` in a new interpreter, connected to this process (see "How a batch
    worker talks to its parent" above): the child reads the authkey and ``payload`` from its standard input
    and connects to ``ADDRESS`` with :func:`connect_to_parent`; :meth:`connection` gives this end.

    The connection is accepted in a thread, so several children start at once."""

    def __init__(self, module: str, *args: str, payload: Any = None, env: dict[str, str] | None = None) -> None:
        import subprocess
        import threading
        from multiprocessing.connection import Listener

        self._key = os.urandom(32)
        self._listener = Listener(authkey=self._key)  # a Unix socket; a named pipe on Windows
        self._accepted: list[Any] = []
        self.process = subprocess.Popen([sys.executable, "-m", module, str(self._listener.address), *args],
                                        env=env, stdin=subprocess.PIPE)
        self.pid = self.process.pid
        with contextlib.suppress(OSError):  # the child has already ended: connection() says so
            self.process.stdin.write(pickle.dumps((self._key, payload), protocol=pickle.HIGHEST_PROTOCOL))
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        self._thread = threading.Thread(target=self._accept, name=f"govreport-accept-{self.pid}", daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        with contextlib.suppress(Exception):  # the child ended during the handshake: connection() says so
            self._accepted.append(self._listener.accept())

    def connection(self, timeout: float) -> Any:
        """The child's connection once it has connected, or None when it ended first or did not connect
        within ``timeout`` seconds (then it is left running: the caller stops it)."""
        import time

        deadline = time.monotonic() + timeout
        while self._thread.is_alive() and self.process.poll() is None and time.monotonic() < deadline:
            self._thread.join(min(0.1, max(0.0, deadline - time.monotonic())))
        self.close()
        return self._accepted[0] if self._accepted else None

    def close(self) -> None:
        """Stop waiting for the child to connect (a connection accepted before stays open)."""
        from multiprocessing.connection import Client

        if self._thread.is_alive():
            with contextlib.suppress(OSError):  # unblock accept(): a connection without the authkey, refused
                Client(self._listener.address).close()
            self._thread.join()
            while self._accepted:  # accepted meanwhile: too late
                self._accepted.pop().close()
        with contextlib.suppress(OSError):
            self._listener.close()


def connect_to_parent(address: str) -> tuple[Any, Any]:
    """In a child started by :class:`SpawnedModule`: read the authkey and the payload from standard input,
    connect to the parent; returns the connection and the payload."""
    from multiprocessing.connection import Client

    key, payload = pickle.load(sys.stdin.buffer)
    return Client(address, authkey=key), payload


def die_with_parent(parent: int) -> None:
    """Ask Linux to send SIGTERM to this process when its parent ends (a no-op elsewhere: see the POSIX-only
    pieces above); end now if the parent already has."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:
        raise SystemExit(0)
