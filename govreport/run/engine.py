"""Notebook execution through papermill: an in-process engine and the standard kernel engine.

In-process engine (``govreport``)
    :class:`InProcessEngine` is a papermill engine that runs the cells in the current Python process with
    IPython's :class:`~IPython.core.interactiveshell.InteractiveShell`, so the notebook keeps its notebook
    semantics — ``display()``, the value of a cell's last expression, ``_repr_html_`` and rich MIME bundles,
    stdout/stderr streams, error outputs with tracebacks, matplotlib figures flushed by the inline
    backend — without starting a kernel or importing pandas and matplotlib again. papermill still injects
    the parameters, keeps the per-cell bookkeeping and writes the failed notebook with its error banner.
    The renderer always calls it inside a child process (forked, or spawned where ``fork`` is missing: the
    runtime contract is in :mod:`govreport.run.worker`), so whatever a notebook changes in the process
    dies with the child.

Kernel engine (``kernel``)
    papermill's own nbclient engine with a real ipykernel, as JupyterLab runs the notebook.

Importing this module imports papermill (after :func:`~govreport.render._fastimport.defer_rfc3987_syntax`).
"""

from __future__ import annotations

import contextlib
import io
import os
import platform
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from typing import Any

from govreport.render._fastimport import defer_rfc3987_syntax

defer_rfc3987_syntax()

from papermill.engines import Engine, papermill_engines  # noqa: E402
from papermill.translators import PythonTranslator, papermill_translators  # noqa: E402

from govreport.core.errors import CellExecutionError, RenderError  # noqa: E402
from govreport.run.engine_names import ENGINE_NAME, ENGINES  # noqa: E402

INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


# ------------------------------------------------------------------------------------ imports


class ReadablePythonTranslator(PythonTranslator):
    """Inject ``agency = '五原县民政局'`` rather than papermill's ``"\\u4e94\\u539f…"``."""

    @classmethod
    def translate_str(cls, val: str) -> str:
        return repr(val)


def register() -> None:
    """Register the in-process engine and the readable translator with papermill (idempotent)."""
    papermill_engines.register(ENGINE_NAME, InProcessEngine)
    papermill_translators.register("python", ReadablePythonTranslator)


def preload(*, kernel: bool = False) -> None:
    """Import what executing and exporting a report needs (for a warm batch worker, before forking)."""
    import IPython.core.interactiveshell  # noqa: F401
    import matplotlib.figure  # noqa: F401
    import nbconvert.exporters  # noqa: F401
    import pandas  # noqa: F401

    from govreport.analysis import stats  # noqa: F401
    from govreport.render import charts, document, html  # noqa: F401
    from govreport.render.fonts import use_in_matplotlib

    use_in_matplotlib()
    html.warm()  # compile the templates once, not in every child
    register()
    if kernel:
        import nbclient  # noqa: F401


# -------------------------------------------------------------------------------- the engine


class _Outputs:
    """Collects one cell's outputs in nbformat shape.

    Streams are buffered like ipykernel's: everything written to stdout (then stderr) since the last rich
    output becomes one stream output, flushed before the next display, result or error and at the end of
    the cell. So a cell gives the same outputs here as in a kernel.
    """

    def __init__(self) -> None:
        self.items: list[Any] = []
        self._pending: dict[str, list[str]] = {"stdout": [], "stderr": []}
        self._clear_on_next = False
        self._by_display_id: dict[str, list[Any]] = {}

    @staticmethod
    def _new(output_type: str, **fields: Any) -> Any:
        """An output node. Not validated one by one (nbformat's per-output validation costs ~15 ms each
        through jsonschema); the whole notebook is validated when it is written."""
        from nbformat import NotebookNode

        return NotebookNode(output_type=output_type, **fields)

    def flush(self) -> None:
        for name in ("stdout", "stderr"):
            text = "".join(self._pending[name])
            if not text:
                continue
            self._pending[name].clear()
            self._maybe_clear()
            if self.items and self.items[-1].output_type == "stream" and self.items[-1].name == name:
                self.items[-1].text += text
            else:
                self.items.append(self._new("stream", name=name, text=text))

    def _maybe_clear(self) -> None:
        if self._clear_on_next:
            self.items.clear()
            self._clear_on_next = False

    def _add(self, out: Any) -> None:
        self.flush()
        self._maybe_clear()
        self.items.append(out)

    def stream(self, name: str, text: str) -> None:
        self._pending[name].append(text)

    def display(self, data: dict, metadata: dict | None, transient: dict | None, update: bool) -> None:
        display_id = (transient or {}).get("display_id")
        if update:
            for out in self._by_display_id.get(display_id, []):
                out.data = data
                out.metadata = metadata or {}
            return
        out = self._new("display_data", data=data, metadata=metadata or {})
        if display_id:
            self._by_display_id.setdefault(display_id, []).append(out)
        self._add(out)

    def result(self, data: dict, metadata: dict | None, count: int) -> None:
        self._add(self._new("execute_result", data=data, metadata=metadata or {}, execution_count=count))

    def error(self, ename: str, evalue: str, tb: list[str]) -> None:
        self._add(self._new("error", ename=ename, evalue=evalue, traceback=tb))

    def clear(self, wait: bool) -> None:
        self.flush()
        if wait:
            self._clear_on_next = True
        else:
            self.items.clear()


class _StreamWriter(io.TextIOBase):
    def __init__(self, name: str, sink: Callable[[], _Outputs | None]) -> None:
        self.name = name
        self._sink = sink

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        sink = self._sink()
        if text and sink is not None:
            sink.stream(self.name, text)
        return len(text)


def _make_shell() -> Any:
    """A fresh InteractiveShell whose displays, results, streams and errors land in the current cell."""
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets import Type
    from traitlets.config import Config

    class Publisher(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
            sink = self.shell._govreport_sink
            if sink is not None:
                sink.display(data, metadata, transient, update)

        def clear_output(self, wait=False):
            sink = self.shell._govreport_sink
            if sink is not None:
                sink.clear(wait)

    class Hook(DisplayHook):
        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            sink = self.shell._govreport_sink
            if sink is not None:
                sink.result(format_dict, md_dict, self.shell.execution_count)

        def finish_displayhook(self):
            pass

    class Shell(InteractiveShell):
        _govreport_sink: _Outputs | None = None
        displayhook_class = Type(Hook)
        display_pub_class = Type(Publisher)

        def _showtraceback(self, etype, evalue, stb):
            sink = self._govreport_sink
            if sink is not None:
                sink.error(getattr(etype, "__name__", str(etype)), str(evalue), list(stb))

        def enable_gui(self, gui=None):  # no event loop integration in a batch process
            pass

    cfg = Config()
    cfg.HistoryManager.enabled = False  # no sqlite history under $HOME
    cfg.InteractiveShell.autocall = 0
    cfg.InteractiveShell.colors = "nocolor"
    if InteractiveShell.initialized():
        InteractiveShell.clear_instance()
    return Shell.instance(config=cfg)


class CellRunner:
    """Runs cells in one fresh IPython shell, collecting nbformat outputs."""

    def __init__(self) -> None:
        self._ipython_dir = tempfile.mkdtemp(prefix="govreport-ipython-")
        self._saved_env = {k: os.environ.get(k) for k in ("IPYTHONDIR", "MPLBACKEND")}
        os.environ["IPYTHONDIR"] = self._ipython_dir
        self.shell = _make_shell()
        self._use_inline_matplotlib()

    def _use_inline_matplotlib(self) -> None:
        """Figures made with pyplot become display outputs, as in a kernel."""
        os.environ["MPLBACKEND"] = INLINE_BACKEND
        if "matplotlib.pyplot" in sys.modules:
            self.shell.enable_matplotlib("inline")
        elif "matplotlib" in sys.modules:
            import matplotlib

            matplotlib.rcParams["backend"] = INLINE_BACKEND

    def run(self, cell: Any) -> bool:
        """Execute one code cell; its outputs and execution count are set. False when it raised."""
        sink = _Outputs()
        shell = self.shell
        count = shell.execution_count
        shell._govreport_sink = sink
        saved = sys.stdout, sys.stderr
        sys.stdout = _StreamWriter("stdout", lambda: shell._govreport_sink)
        sys.stderr = _StreamWriter("stderr", lambda: shell._govreport_sink)
        try:
            result = shell.run_cell(cell.source, store_history=True)
        finally:
            sys.stdout, sys.stderr = saved
            shell._govreport_sink = None
        sink.flush()
        cell.outputs = sink.items
        cell.execution_count = count
        return bool(result.success)

    @staticmethod
    def language_info() -> dict[str, Any]:
        return {
            "name": "python",
            "version": platform.python_version(),
            "mimetype": "text/x-python",
            "codemirror_mode": {"name": "ipython", "version": 3},
            "pygments_lexer": "ipython3",
            "nbconvert_exporter": "python",
            "file_extension": ".py",
        }

    def close(self) -> None:
        from IPython.core.interactiveshell import InteractiveShell

        InteractiveShell.clear_instance()
        for k, v in self._saved_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        shutil.rmtree(self._ipython_dir, ignore_errors=True)


class InProcessEngine(Engine):
    """papermill engine executing the cells in this process (see the module docstring)."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
        runner = CellRunner()
        try:
            nb = nb_man.nb
            for index, cell in enumerate(nb.cells):
                nb_man.cell_start(cell, index)
                try:
                    if cell.cell_type == "code" and not runner.run(cell):
                        nb_man.cell_exception(cell, cell_index=index)
                        break
                finally:
                    nb_man.cell_complete(cell, cell_index=index)
            nb.metadata["language_info"] = runner.language_info()
            return nb
        finally:
            runner.close()


register()


# --------------------------------------------------------------------------------- execution


def execute_notebook(
    notebook: str | os.PathLike[str],
    output: str | os.PathLike[str],
    parameters: dict[str, Any],
    *,
    engine: str = "inprocess",
    cwd: str | os.PathLike[str] | None = None,
) -> Any:
    """Execute ``notebook`` with ``parameters`` through papermill; the executed notebook is written to
    ``output`` (also when a cell fails, with papermill's error banner). Returns the executed notebook.

    Raises :class:`~govreport.core.errors.CellExecutionError` naming the failing cell.
    """
    if engine not in ENGINES:
        raise RenderError(f"未知的执行引擎 {engine!r}", hint=f"请用其中之一：{', '.join(ENGINES)}")
    import papermill
    from papermill.exceptions import PapermillExecutionError

    with _private_jupyter_dirs(engine == "kernel"):
        try:
            return papermill.execute_notebook(
                str(notebook),
                str(output),
                parameters=parameters,
                engine_name=ENGINES[engine],
                kernel_name="python3" if engine == "kernel" else None,
                progress_bar=False,
                request_save_on_cell_execute=False,
                cwd=str(cwd) if cwd is not None else None,
            )
        except PapermillExecutionError as exc:
            first = (exc.source or "").strip().splitlines()
            where = f"第 {exc.cell_index} 个单元格" + (f"（{first[0][:60]}）" if first else "")
            raise CellExecutionError(
                f"{where}运行出错：{exc.ename}: {exc.evalue}",
                cell_index=exc.cell_index,
                ename=exc.ename,
                evalue=exc.evalue,
                notebook_path=str(output),
                hint="出错的已执行笔记本已保存；打开它可看到出错的单元格和错误信息",
            ) from None


@contextlib.contextmanager
def _private_jupyter_dirs(active: bool) -> Iterator[None]:
    """A kernel writes its connection file and IPython profile under $HOME; point both at a temporary
    directory for the duration of the run (the kernel inherits the environment)."""
    if not active:
        yield
        return
    tmp = tempfile.mkdtemp(prefix="govreport-jupyter-")
    names = {"JUPYTER_RUNTIME_DIR": os.path.join(tmp, "runtime"), "IPYTHONDIR": os.path.join(tmp, "ipython")}
    saved = {k: os.environ.get(k) for k in names}
    os.environ.update(names)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        shutil.rmtree(tmp, ignore_errors=True)
