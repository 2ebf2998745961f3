"""Running a function in a forked child process: the isolation unit of the renderer.

:class:`ForkedCall` forks the current process, runs ``fn(*args, **kwargs)`` in the child and sends the
result (or the error) back through a pipe; the parent goes on with other work (starting Chromium) and
collects it with :meth:`ForkedCall.result`. The child inherits everything the parent has imported and
loaded, and whatever it changes dies with it.

Before forking, the parent's objects are moved to the collector's permanent generation (``gc.freeze``) and
put back in the parent afterwards: the child's garbage collections then never walk (and so never copy) the
pages of the inherited modules and data.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import sys
import traceback
from collections.abc import Callable
from typing import Any

from ..errors import GovreportError, RenderError


def _portable(exc: BaseException) -> BaseException:
    """An exception that survives pickling: govreport errors as they are, others wrapped."""
    if isinstance(exc, GovreportError | KeyboardInterrupt):
        return exc
    tb = "".join(traceback.format_exception(exc)).strip().splitlines()
    return RenderError(f"{type(exc).__name__}: {exc}", hint="\n".join(tb[-6:]))


class ForkedCall:
    """``fn(*args, **kwargs)`` in a forked child; :meth:`result` waits and returns or re-raises."""

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
                signal.signal(signal.SIGINT, signal.default_int_handler)
                try:
                    payload: tuple[str, Any] = ("ok", fn(*args, **kwargs))
                except BaseException as exc:
                    payload = ("err", _portable(exc))
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
