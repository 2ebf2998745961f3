"""Render agency-years: validate → execute → export → print → write atomically.

:class:`Renderer` is the engine behind ``govreport render`` and the unit a batch builds on::

    with Renderer("reports_out") as r:
        r.start(preload=True, browser=True)        # a warm worker: imports and Chromium up front
        for agency, year in work:
            r.render(agency, year, data_dir="data")

For each :meth:`Renderer.render`:

1. This process checks the parameters against the notebook's declared parameters (names and types: no
   pandas, no dataset) and starts a child (:func:`~govreport.run.worker.isolated_call`: forked where
   ``fork`` is used, spawned elsewhere).
2. The child (:mod:`govreport.run.child`) checks the values against the dataset (the directory loads, the
   agency exists, the year has data) *before anything executes*: a bad value is a
   :class:`~govreport.core.errors.GovreportError` (the CLI exits 2) and nothing is written. Then it executes
   the notebook with papermill — in-process (IPython shell in the child: no kernel to start) or with a real
   kernel (``engine="kernel"``) — and exports the HTML (nbconvert) into a staging directory. Meanwhile this
   process starts Chromium: on two cores the browser's start-up overlaps the child's data loading and imports.
3. This process prints the PDF from the publication HTML with its one browser page.
   With ``to`` holding ``docx`` the child also writes ``report.docx`` (GB/T 9704-2012 layout, render/docx.py);
   with ``layout="official"`` it stages the inputs of the official-layout ``report.pdf`` and this process
   typesets it with its Typst compiler (render/official_pdf.py) in step 3; no browser is started.
4. Every output is staged beside its destination and renamed into place only when all succeeded
   (:mod:`govreport.run.publish`);
   ``provenance.json`` (the record of the last good render, with ``pdf_layout`` when report.pdf was written)
   is written last. A failing cell leaves the
   executed notebook (with papermill's error banner) at ``<out>/<agency-id>/<year>/failed/report.ipynb``
   and no HTML or PDF from this run, and raises :class:`~govreport.core.errors.CellExecutionError` naming the
   cell. A missing Chromium still writes the notebook and the HTML, then raises
   :class:`~govreport.core.errors.DependencyError`. A notebook still running after ``timeout`` seconds is
   stopped (:class:`~govreport.core.errors.RenderError`).

Publishing is gated: the child runs the agency-year's checks first (their counts are in the result and in
``provenance.json``). When they find errors the publication copies asked for (``report.html``, ``report.pdf``,
``report.docx``: :func:`~govreport.run.publish.publication_files`) are held back — only ``review.html``
(whatever the outputs asked for) and the notebook are written, and an earlier publication copy is removed —
unless the renderer was made with ``allow_errors=True`` (then ``allow_errors`` is recorded among the
parameters of the provenance).

Isolation: each report runs in its own child; the parent only checks names, prints and renames. Nothing a
notebook does (variables, imports, rcParams, working directory, builtins) reaches another report.

Many reports: :meth:`Renderer.render_many` loads the dataset once in this process (forked children inherit
it), keeps ``jobs`` children executing at once while this process prints each finished report with its
browser, and yields one :class:`Rendered` per item (result or error) without stopping at failures — the
building block of ``govreport batch``. The same scheduling is available one step at a time —
:meth:`Renderer.submit` starts an agency-year in a child and returns at once, :meth:`Renderer.collect` waits
for finished children (or for other connections, such as a batch worker's to its parent) and finishes
them — so a long-lived worker can take new work while earlier reports execute.

Any parameterised notebook: :meth:`Renderer.render_notebook` renders an arbitrary notebook (e.g. the
comparison report) into a directory with the same guarantees — parameters checked against the notebook's
declarations and by an optional ``validate`` hook before anything executes, execution in a child,
``report.ipynb``, ``report.html``, ``report.pdf`` and ``provenance.json`` staged and renamed into place, a
failing cell's notebook kept under ``failed/``.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govreport.core.errors import DependencyError, GovreportError, ParameterError, RenderError
from govreport.core.schema import dataset_name
from govreport.run import params as P
from govreport.run import pdfpost
from govreport.run.child import ExecOutcome, Job, NotebookJob
from govreport.run.publish import OFFICIAL_INPUTS, PDF_SUBJECT, STAGING_PREFIX, commit, publication_files
from govreport.store import provenance as prov
from govreport.store.paths import inside

OUTPUTS = ("html", "pdf", "ipynb", "docx")
#: report.pdf's look: "web" (Chromium prints report.html) or "official" (GB/T 9704-2012, typeset by Typst)
LAYOUTS = ("web", "official")
DEFAULT_TO = ("html", "pdf")
NOTEBOOK_ENV = "GOVREPORT_NOTEBOOK"


def default_notebook() -> Path:
    env = os.environ.get(NOTEBOOK_ENV)
    if env:
        return Path(env)
    from govreport import notebooks

    return notebooks.path(notebooks.REPORT)


def parse_to(value: str | Iterable[str] | None) -> tuple[str, ...]:
    if value is None:
        return DEFAULT_TO
    items = [v.strip() for v in (value.split(",") if isinstance(value, str) else value) if v.strip()]
    bad = sorted(set(items) - set(OUTPUTS))
    if bad or not items:
        raise ParameterError(f"未知的输出格式：{', '.join(bad) or '（空）'}",
                             hint=f"--to 取以下各项，用逗号分隔：{', '.join(OUTPUTS)}")
    return tuple(o for o in OUTPUTS if o in items)


# ---------------------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class RenderResult:
    agency_id: str
    agency: str
    year: int
    directory: Path
    files: dict[str, Path]  # file name -> final path
    provenance: prov.Provenance
    timings: dict[str, float] = field(default_factory=dict)
    findings: dict[str, int] = field(default_factory=dict)  # errors, warnings, infos of the agency-year
    held_back: bool = False  # errors found and not allowed: report.html/report.pdf were not written

    def findings_text(self) -> str:
        """The finding counts in one Chinese line."""
        return finding_counts_text(self.findings)


def finding_counts_text(counts: Mapping[str, int]) -> str:
    return (f"错误 {int(counts.get('errors', 0))} 条，警告 {int(counts.get('warnings', 0))} 条，"
            f"提示 {int(counts.get('infos', 0))} 条")


@dataclass(frozen=True, slots=True)
class NotebookResult:
    """A notebook rendered by :meth:`Renderer.render_notebook`."""

    directory: Path
    files: dict[str, Path]  # file name -> final path
    provenance: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Rendered:
    """One item of :meth:`Renderer.render_many`: the result, or the error that stopped this item."""

    agency: str
    year: int
    result: RenderResult | None
    error: GovreportError | None

    @property
    def ok(self) -> bool:
        return self.error is None


def _keywords(record: Mapping[str, Any]) -> str:
    params = json.dumps(record.get("parameters", {}), ensure_ascii=False, sort_keys=True)
    data = record.get("data_hash") or "-"
    return (f"govreport {record.get('govreport_version', '')}; data {data}; "
            f"notebook {record.get('notebook_hash') or '-'}; parameters {params}")


@dataclass(eq=False)
class _Task:
    """One render on its way: the job, the child executing it, what it reported, the timings."""

    agency: str
    year: int
    job: Job | NotebookJob
    t0: float
    timings: dict[str, float] = field(default_factory=dict)
    call: Any = None
    outcome: ExecOutcome | None = None

    def launch(self) -> None:
        from govreport.run.child import execute_job, execute_notebook_job
        from govreport.run.worker import isolated_call

        fn = execute_job if isinstance(self.job, Job) else execute_notebook_job
        self.call = isolated_call(fn, self.job)

    def fileno(self) -> int:
        return self.call.fileno()

    def wait(self, timeout: float | None, limit: float | None) -> ExecOutcome:
        """The child's outcome; its error re-raised; stopped after ``timeout`` seconds (RenderError)."""
        t = time.perf_counter()
        try:
            self.outcome = self.call.result(timeout)
        except TimeoutError:
            self._remove_stale_staging()
            what = f"{self.agency} {self.year}" if isinstance(self.job, Job) else Path(self.job.notebook).name
            raise RenderError(f"{what}：笔记本未在 {limit or timeout:g} 秒内运行完毕，已停止",
                              hint="检查是否有单元格卡住，或放宽时间限制") from None
        self.timings["wait_child"] = time.perf_counter() - t
        self.timings.update(self.outcome.timings)
        return self.outcome

    def abort(self) -> None:
        if self.call is not None:
            self.call.cancel()
            self._remove_stale_staging()

    def _remove_stale_staging(self) -> None:
        """A child stopped from outside cannot clean up: remove its staging directory (named by its pid)."""
        pattern = f"{STAGING_PREFIX}{self.call.pid}-*"
        where = Path(self.job.out_dir).glob(f"*/*/{pattern}" if isinstance(self.job, Job) else pattern)
        for path in where:
            shutil.rmtree(path, ignore_errors=True)

    def cleanup(self) -> None:
        if self.outcome is not None:
            shutil.rmtree(self.outcome.staging, ignore_errors=True)


class Renderer:
    """Renders reports into ``out_dir/<agency-id>/<year>/``; reusable for many reports (see module doc)."""

    def __init__(
        self,
        out_dir: str | os.PathLike[str] = "reports_out",
        *,
        to: str | Iterable[str] | None = None,
        engine: str = "inprocess",
        notebook: str | os.PathLike[str] | None = None,
        browser: str | os.PathLike[str] | None = None,
        timeout: float | None = 600.0,
        allow_errors: bool = False,
        layout: str = "web",
    ) -> None:
        from govreport.run.engine_names import ENGINES

        if engine not in ENGINES:
            raise ParameterError(f"未知的执行引擎 {engine!r}", hint=f"请用其中之一：{', '.join(ENGINES)}")
        if layout not in LAYOUTS:
            raise ParameterError(f"未知的 PDF 版式 {layout!r}", hint=f"--layout 可取：{'、'.join(LAYOUTS)}")
        self.layout = layout
        self.out_dir = Path(out_dir)
        self.to = parse_to(to)
        self.engine = engine
        self.notebook = Path(notebook) if notebook is not None else default_notebook()
        self._nb_json = P.read_notebook_json(self.notebook)
        self._declared = P.declared_parameters(self._nb_json)
        self._nb_hash = prov.notebook_hash(self._nb_json)
        self._browser_path = browser
        self._printer: Any = None
        self._browser_error: DependencyError | None = None
        self.timeout = timeout  # seconds one notebook may run; None: no limit
        #: write the publication copy of an agency-year whose checks find errors (recorded in its provenance)
        self.allow_errors = bool(allow_errors)
        self._running: dict[int, _Task] = {}  # fd -> task, for submit/collect

    @property
    def needs_chromium(self) -> bool:
        """Whether report.pdf is printed by Chromium (the web layout); the official layout is typeset."""
        return "pdf" in self.to and self.layout == "web"

    @property
    def browser_error(self) -> DependencyError | None:
        """Why Chromium could not be started (it is started while the first child executes), if it failed."""
        return self._browser_error

    @property
    def notebook_hash(self) -> str:
        """Hash of the report notebook's code (what ``provenance.json`` records as ``notebook_hash``)."""
        return self._nb_hash

    # ------------------------------------------------------------------------------ life cycle

    def start(self, *, preload: bool = False, browser: bool = False) -> Renderer:
        """Warm up: ``preload`` imports everything a render needs and compiles the templates (forked children
        inherit it all); ``browser`` starts Chromium now. A single render needs neither: the browser starts
        while the notebook runs."""
        if preload:
            from govreport.run.engine import preload as _preload

            _preload(kernel=self.engine == "kernel")
        if preload and "docx" in self.to:
            from govreport.render.docx import preload as _docx  # children inherit the imports and the styled template

            _docx()
        if preload and self.layout == "official" and "pdf" in self.to:
            from govreport.render.official_pdf import preload as _official

            _official()
        if browser and self.needs_chromium:
            self._ensure_printer().start()
        return self

    def close(self) -> None:
        self.abort()
        if self._printer is not None:
            self._printer.close()
            self._printer = None

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _ensure_printer(self) -> Any:
        if self._printer is None:
            from govreport.run.pdf import PdfPrinter

            self._printer = PdfPrinter(self._browser_path)
        return self._printer

    # ------------------------------------------------------------------------------ parameters

    def check(self, agency: str, year: int, data_dir: str | os.PathLike[str] = "data",
              parameters: dict[str, Any] | None = None) -> dict[str, Any]:
        """Names and types against the notebook's declarations (cheap: no dataset)."""
        given = {"agency": agency, "year": year, "data_dir": os.fspath(data_dir), **(parameters or {})}
        return P.validate(self._declared, given)

    def validate(self, agency: str, year: int, data_dir: str | os.PathLike[str] = "data",
                 parameters: dict[str, Any] | None = None) -> P.Resolved:
        """Full validation in this process: names, types and the values against the dataset."""
        return P.resolve(self.check(agency, year, data_dir, parameters))

    def target_dir(self, agency_id: str, year: int) -> Path:
        return inside(self.out_dir, agency_id, str(int(year)))

    # ------------------------------------------------------------------------------ render

    def render(self, agency: str, year: int, *, data_dir: str | os.PathLike[str] = "data",
               parameters: dict[str, Any] | None = None) -> RenderResult:
        """Render one agency-year (see the module docstring for the steps and the errors raised)."""
        task = self._task(agency, year, data_dir, parameters)
        return self._run_one(task)

    def _run_one(self, task: _Task) -> Any:
        try:
            task.launch()
            self._start_browser(task)
            task.wait(self._remaining(task), self.timeout)
            return self._finish(task)
        except BaseException:
            task.abort()
            raise
        finally:
            task.cleanup()

    def render_many(self, items: Iterable[tuple[str, int]], *, data_dir: str | os.PathLike[str] = "data",
                    jobs: int = 1) -> Iterator[Rendered]:
        """Render many agency-years, ``jobs`` notebooks executing at a time (each in its own child)
        while this process prints the PDFs with its one browser. Yields a :class:`Rendered` per item as it
        completes (not necessarily in input order); a failing item never stops the others. ``items`` is
        consumed lazily, as children finish."""
        from govreport.store.dataset import load_shared

        if Path(data_dir).is_dir():
            load_shared(Path(data_dir).resolve())  # once here; every forked child inherits the loaded dataset
        pending = iter(items)
        exhausted = False
        try:
            while True:
                while not exhausted and self.active < max(1, jobs):
                    item = next(pending, None)
                    if item is None:
                        exhausted = True
                        break
                    refused = self.submit(item[0], item[1], data_dir=data_dir)
                    if refused is not None:
                        yield refused
                if not self.active:
                    return
                done, _ = self.collect()
                yield from done
        finally:
            self.abort()

    # ------------------------------------------------------------------------------ one step at a time

    @property
    def active(self) -> int:
        """How many submitted renders have not been collected yet."""
        return len(self._running)

    def submit(self, agency: str, year: int, *, data_dir: str | os.PathLike[str] = "data",
               parameters: dict[str, Any] | None = None, data_hash: str | None = None) -> Rendered | None:
        """Start rendering one agency-year in a child and return at once: None when it started (its
        result comes from :meth:`collect`), or a :class:`Rendered` with the error when the parameters are
        refused. ``data_hash``: the agency-year's :meth:`Dataset.report_hash
        <govreport.store.dataset.Dataset.report_hash>` when the caller has computed it already."""
        try:
            task = self._task(agency, year, data_dir, parameters, data_hash=data_hash)
        except GovreportError as exc:
            return Rendered(str(agency), int(year), None, exc)
        task.launch()
        self._running[task.fileno()] = task
        self._start_browser(task)
        return None

    def collect(self, timeout: float | None = None, *, also: Sequence[Any] = ()) -> tuple[list[Rendered], list[Any]]:
        """Wait until a submitted render's child has finished, one of the objects in ``also`` (a
        :class:`~multiprocessing.connection.Connection`, anything :func:`multiprocessing.connection.wait`
        takes) is readable, or ``timeout`` seconds have passed; then finish every child that is done (print
        its PDF, rename its files into place). Returns those renders and the ready objects of ``also``. A
        child past the time limit is stopped and reported as failed."""
        from multiprocessing.connection import wait

        if not self._running and not also:
            return [], []
        waits = [t for t in (timeout, self._next_deadline(self._running.values())) if t is not None]
        events = wait([*self._running.values(), *also], min(waits) if waits else None)
        ready = {task.fileno() for task in events if isinstance(task, _Task)}
        ready |= {fd for fd, t in self._running.items() if self._remaining(t) == 0}
        done: list[Rendered] = []
        for fd in sorted(ready & set(self._running)):
            task = self._running.pop(fd)
            try:
                task.wait(self._remaining(task), self.timeout)
                done.append(Rendered(task.agency, task.year, self._finish(task), None))
            except GovreportError as exc:
                done.append(Rendered(task.agency, task.year, None, exc))
            except BaseException:
                task.abort()
                raise
            finally:
                task.cleanup()
        return done, [obj for obj in also if any(obj is e for e in events)]

    def abort(self) -> None:
        """Stop every submitted render that has not been collected (their staging is removed)."""
        while self._running:
            _, task = self._running.popitem()
            task.abort()
            task.cleanup()

    # ------------------------------------------------------------------------------ any notebook

    def render_notebook(
        self,
        notebook: str | os.PathLike[str],
        params: Mapping[str, Any] | None,
        out_dir: str | os.PathLike[str],
        *,
        validate: Callable[[dict[str, Any]], Mapping[str, Any] | None] | None = None,
        title: str | None = None,
    ) -> NotebookResult:
        """Render an arbitrary parameterised notebook into ``out_dir``: ``report.ipynb`` (executed),
        ``report.html`` (no code, self-contained) and ``report.pdf`` as this renderer's ``to`` asks, and
        ``provenance.json``, all staged and renamed into place.

        Before anything executes, ``params`` are checked against the notebook's ``parameters`` cell (unknown
        names and wrong types are a :class:`~govreport.core.errors.ParameterError`), defaults filled in, and a
        relative ``data_dir`` made absolute (from the working directory: the notebook runs in its own
        directory). Then ``validate(values)`` is called in this process: it may raise a
        :class:`~govreport.core.errors.GovreportError` (nothing is written) and may return a mapping recorded in
        the provenance (e.g. ``{"data_hash": …, "dataset": …}``); its ``"title"`` entry, if any, is the
        document title unless ``title`` is given (default: the notebook's file name). The provenance holds
        no absolute path: ``data_dir`` is recorded by its directory name.

        A failing cell raises :class:`~govreport.core.errors.CellExecutionError` and leaves the executed notebook
        at ``out_dir/failed/report.ipynb``; nothing else from this run is written.
        """
        from govreport import __version__

        t0 = time.perf_counter()
        path = Path(notebook)
        nb_json = P.read_notebook_json(path)
        values = P.validate(P.declared_parameters(nb_json), dict(params or {}))
        if isinstance(values.get("data_dir"), str):
            data = Path(values["data_dir"])
            values["data_dir"] = str(data if data.is_absolute() else Path.cwd() / data)
        extra = dict(validate(dict(values)) or {}) if validate is not None else {}
        doc_title = title or str(extra.pop("title", "") or path.stem)
        public = {k: (dataset_name(v) if k == "data_dir" and isinstance(v, str) else v)
                  for k, v in values.items()}
        record = {**{k: v for k, v in extra.items() if k not in ("parameters", "notebook", "notebook_hash")},
                  "govreport_version": __version__, "notebook": path.name,
                  "notebook_hash": prov.notebook_hash(nb_json), "parameters": public}
        job = NotebookJob(notebook=str(path.resolve()), parameters=values, record=record,
                          out_dir=str(Path(out_dir).resolve()), engine=self.engine,
                          html="html" in self.to or "pdf" in self.to, title=doc_title)
        return self._run_one(_Task(agency=path.name, year=0, job=job, t0=t0))

    # ------------------------------------------------------------------------------ steps

    def _task(self, agency: str, year: int, data_dir: str | os.PathLike[str],
              parameters: dict[str, Any] | None, *, data_hash: str | None = None) -> _Task:
        t0 = time.perf_counter()
        values = self.check(agency, year, data_dir, parameters)
        data = Path(values["data_dir"])
        values["data_dir"] = str(data if data.is_absolute() else Path.cwd() / data)
        extra = {k: v for k, v in values.items() if k not in ("agency", "year", "data_dir")}
        job = Job(values=values, extra=extra, out_dir=str(self.out_dir.resolve()),
                  notebook=str(self.notebook.resolve()), notebook_name=self.notebook.name,
                  notebook_hash=self._nb_hash, engine=self.engine, html="html" in self.to or "pdf" in self.to,
                  data_hash=data_hash, allow_errors=self.allow_errors, docx="docx" in self.to,
                  official_pdf="pdf" in self.to and self.layout == "official")
        return _Task(agency=str(agency), year=int(year), job=job, t0=t0)

    def _remaining(self, task: _Task) -> float | None:
        if self.timeout is None:
            return None
        return max(0.0, self.timeout - (time.perf_counter() - task.t0))

    def _next_deadline(self, tasks: Iterable[_Task]) -> float | None:
        left = [r for t in tasks if (r := self._remaining(t)) is not None]
        return min(left) if left else None

    def _start_browser(self, task: _Task) -> None:
        """Start Chromium (once) while a child executes; a missing browser is remembered, not raised."""
        if self.layout == "official" and "pdf" in self.to and isinstance(task.job, Job):
            from govreport.render.official_pdf import (
                preload as _official,  # the child is running: warm Typst up meanwhile
            )

            t = time.perf_counter()
            _official()
            task.timings["typst_start"] = time.perf_counter() - t
        if not self.needs_chromium or self._browser_error is not None:
            return
        if self._printer is not None and self._printer.started:
            return
        t = time.perf_counter()
        try:
            self._ensure_printer().start()
        except DependencyError as exc:
            self._browser_error = exc
        task.timings["browser_start"] = time.perf_counter() - t

    def _print(self, html_text: str) -> bytes:
        """The PDF from the warm browser; if that browser has died (a crash, the OOM killer — it happens in
        long batches), one more try with a fresh one."""
        try:
            return self._printer.pdf(html_text)
        except RenderError:
            self._printer.close()
            self._printer = None
            return self._ensure_printer().pdf(html_text)

    def _finish(self, task: _Task) -> Any:
        """After a successful execution: print the PDF, then rename everything into place."""
        out = task.outcome
        assert out is not None
        staging, target, timings = Path(out.staging), Path(out.target), task.timings
        report = isinstance(task.job, Job)
        produced = ["report.ipynb"]
        held = out.held_back
        if held:  # errors found: only the reviewer's copy, whatever the outputs asked for
            produced += ["review.html"] if (staging / "review.html").exists() else []
        elif "html" in self.to:
            produced += ["report.html", "review.html"] if report else ["report.html"]
        browser_error = self._browser_error if self.needs_chromium and not held else None
        if held:
            pass  # the publication copies (report.pdf, report.docx) are held back with report.html
        elif report and (staging / OFFICIAL_INPUTS).exists():  # the official layout: typeset here
            from govreport.render.official_pdf import compile_inputs

            t, c = time.perf_counter(), time.process_time()
            record = prov.Provenance(**out.provenance)
            info = {"Author": out.agency_name, "Subject": PDF_SUBJECT, "Keywords": record.keywords(layout="official")}
            inputs = json.loads((staging / OFFICIAL_INPUTS).read_text(encoding="utf-8"))
            (staging / "report.pdf").write_bytes(pdfpost.finish(compile_inputs(inputs), info))
            produced.append("report.pdf")
            timings["pdf"], timings["pdf_cpu"] = time.perf_counter() - t, time.process_time() - c
        elif "pdf" in self.to and browser_error is None:
            t = time.perf_counter()
            html_text = (staging / "report.html").read_text(encoding="utf-8")
            if report:
                record = prov.Provenance(**out.provenance)
                info = {"Author": out.agency_name, "Subject": PDF_SUBJECT, "Keywords": record.keywords()}
            else:
                info = {"Author": "govreport", "Subject": task.job.title, "Keywords": _keywords(out.provenance)}
            (staging / "report.pdf").write_bytes(pdfpost.finish(self._print(html_text), info))
            produced.append("report.pdf")
            timings["pdf"] = time.perf_counter() - t
        if report and not held and "report.docx" in out.files:
            produced.append("report.docx")
        t = time.perf_counter()
        record = dict(out.provenance)
        if report and "report.pdf" in produced:  # a batch re-renders when --layout changes (batch/plan.py)
            record["pdf_layout"] = self.layout
        if report:
            record["findings"] = dict(out.findings)
            if held:
                record["held_back"] = list(publication_files(self.to))
        files = commit(staging, target, produced, record)
        timings["commit"] = time.perf_counter() - t
        timings["total"] = time.perf_counter() - task.t0
        if browser_error is not None:
            written = ", ".join(sorted(files))
            raise DependencyError(f"{browser_error.message}；未生成 PDF，已写入 {target}：{written}",
                                  hint=browser_error.hint)
        if not report:
            return NotebookResult(target, files, dict(out.provenance), timings)
        return RenderResult(out.agency_id, out.agency_name, out.year, target, files,
                            prov.Provenance(**out.provenance), timings, dict(out.findings), held)


def render(agency: str, year: int, *, data_dir: str | os.PathLike[str] = "data",
           out_dir: str | os.PathLike[str] = "reports_out", to: str | Iterable[str] | None = None,
           engine: str = "inprocess", browser: str | os.PathLike[str] | None = None,
           layout: str = "web") -> RenderResult:
    """Render one agency-year (a convenience around :class:`Renderer`)."""
    with Renderer(out_dir, to=to, engine=engine, browser=browser, layout=layout) as r:
        return r.render(agency, year, data_dir=data_dir)
