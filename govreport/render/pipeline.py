"""Render agency-years: validate → execute → export → print → write atomically.

:class:`Renderer` is the engine behind ``govreport render`` and the unit a batch builds on::

    with Renderer("reports_out") as r:
        r.start(preload=True, browser=True)        # a warm worker: imports and Chromium up front
        for agency, year in work:
            r.render(agency, year, data_dir="data")

For each :meth:`Renderer.render`:

1. This process checks the parameters against the notebook's declared parameters (names and types: no
   pandas, no dataset) and forks a child (:class:`~govreport.render.worker.ForkedCall`).
2. The child checks the values against the dataset (the directory loads, the agency exists, the year has
   data) *before anything executes*: a bad value is a :class:`~govreport.errors.GovreportError` (the CLI
   exits 2) and nothing is written. Then it executes the notebook with papermill — in-process (IPython
   shell in the child: no kernel to start) or with a real kernel (``engine="kernel"``) — and exports the
   HTML (nbconvert) into a staging directory. Meanwhile this process starts Chromium: on two cores the
   browser's start-up overlaps the child's data loading and imports.
3. This process prints the PDF from the publication HTML with its one browser page.
4. Every output is staged beside its destination and renamed into place only when all succeeded;
   ``provenance.json`` (the record of the last good render) is written last. A failing cell leaves the
   executed notebook (with papermill's error banner) at ``<out>/<agency-id>/<year>/failed/report.ipynb``
   and no HTML or PDF from this run, and raises :class:`~govreport.errors.CellExecutionError` naming the
   cell. A missing Chromium still writes the notebook and the HTML, then raises
   :class:`~govreport.errors.DependencyError`. A notebook still running after ``timeout`` seconds is
   stopped (:class:`~govreport.errors.RenderError`).

Isolation: each report runs in its own child; the parent only checks names, prints and renames. Nothing a
notebook does (variables, imports, rcParams, working directory, builtins) reaches another report.

Many reports: :meth:`Renderer.render_many` loads the dataset once in this process (the children inherit
it), keeps ``jobs`` children executing at once while this process prints each finished report with its
browser, and yields one :class:`Rendered` per item (result or error) without stopping at failures — the
building block of ``govreport batch``.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import CellExecutionError, DependencyError, GovreportError, ParameterError, RenderError
from . import params as P
from . import pdfpost
from . import provenance as prov

OUTPUTS = ("html", "pdf", "ipynb")
DEFAULT_TO = ("html", "pdf")
NOTEBOOK_ENV = "GOVREPORT_NOTEBOOK"
PDF_SUBJECT = "政府信息公开工作年度报告"


def default_notebook() -> Path:
    env = os.environ.get(NOTEBOOK_ENV)
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "notebooks" / "annual_report.ipynb"


def parse_to(value: str | Iterable[str] | None) -> tuple[str, ...]:
    if value is None:
        return DEFAULT_TO
    items = [v.strip() for v in (value.split(",") if isinstance(value, str) else value) if v.strip()]
    bad = sorted(set(items) - set(OUTPUTS))
    if bad or not items:
        raise ParameterError(f"unknown output format: {', '.join(bad) or '(none)'}",
                             hint=f"--to takes a comma-separated list of: {', '.join(OUTPUTS)}")
    return tuple(o for o in OUTPUTS if o in items)


# ------------------------------------------------------------------------------------------ data


@dataclass(frozen=True, slots=True)
class Job:
    """What the forked child is asked to do (it inherits everything else)."""

    values: dict[str, Any]  # declared parameters, names and types checked
    extra: dict[str, Any]  # parameters beyond agency/year/data_dir, recorded in the provenance
    out_dir: str
    notebook: str
    notebook_name: str
    notebook_hash: str
    engine: str
    html: bool


@dataclass(frozen=True, slots=True)
class ExecOutcome:
    """What the child reports back: where it staged which files, for which agency-year."""

    agency_id: str
    agency_name: str
    year: int
    target: str
    staging: str
    files: tuple[str, ...]
    provenance: dict[str, Any]
    timings: dict[str, float]


@dataclass(frozen=True, slots=True)
class RenderResult:
    agency_id: str
    agency: str
    year: int
    directory: Path
    files: dict[str, Path]  # file name -> final path
    provenance: prov.Provenance
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


# ------------------------------------------------------------------------------------ the child


def _execute_job(job: Job) -> ExecOutcome:
    """Runs in the forked child: resolve the parameters against the dataset, then execute the notebook and
    export it into a staging directory beside the destination. Cleans up after itself on any error; a
    failing cell's notebook is moved to ``failed/report.ipynb``."""
    t0 = time.perf_counter()
    res = P.resolve(job.values)  # the dataset checks: nothing has executed or been written yet
    ds = res.dataset
    report = ds.report(res.agency_id, res.year)
    public = prov.public_parameters(res.agency, res.year, res.data_dir)
    record = prov.for_report(ds, res.agency_id, res.year, {**public, **job.extra}, notebook=job.notebook_name,
                             nb_hash=job.notebook_hash)
    target = Path(job.out_dir) / res.agency_id / str(res.year)
    target.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".staging-{os.getpid()}-", dir=target))
    t1 = time.perf_counter()
    try:
        import nbformat

        from . import engine

        parameters = {"agency": res.agency, "year": res.year, "data_dir": str(res.data_dir), **job.extra}
        notebook = Path(job.notebook)
        nb = engine.execute_notebook(notebook, staging / "report.ipynb", parameters, engine=job.engine,
                                     cwd=notebook.parent)
        t2 = time.perf_counter()
        nb.metadata["govreport"] = record.as_dict()
        nbformat.write(nb, str(staging / "report.ipynb"))
        files = ["report.ipynb"]
        if job.html:
            from . import html

            for rendition, name in (("publication", "report.html"), ("review", "review.html")):
                text = html.export(nb, rendition=rendition, title=report.title, meta=record.meta_tags())
                (staging / name).write_text(text, encoding="utf-8", newline="\n")
                files.append(name)
        t3 = time.perf_counter()
    except CellExecutionError as exc:
        kept = _keep_failed(staging, target)
        shutil.rmtree(staging, ignore_errors=True)
        raise CellExecutionError(exc.message, cell_index=exc.cell_index, ename=exc.ename, evalue=exc.evalue,
                                 notebook_path=str(kept), hint=f"the executed notebook with the error: {kept}"
                                 ) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    timings = {"validate": t1 - t0, "execute": t2 - t1}
    if job.html:
        timings["export"] = t3 - t2
    return ExecOutcome(res.agency_id, report.agency.name, res.year, str(target), str(staging), tuple(files),
                       record.as_dict(), timings)


def _keep_failed(staging: Path, target: Path) -> Path:
    failed = target / "failed"
    failed.mkdir(parents=True, exist_ok=True)
    kept = failed / "report.ipynb"
    if (staging / "report.ipynb").exists():
        os.replace(staging / "report.ipynb", kept)
    return kept


# ---------------------------------------------------------------------------------- the parent


@dataclass(eq=False)
class _Task:
    """One agency-year on its way: the job, the forked child executing it, what it reported, the timings."""

    agency: str
    year: int
    job: Job
    t0: float
    timings: dict[str, float] = field(default_factory=dict)
    call: Any = None
    outcome: ExecOutcome | None = None

    def launch(self) -> None:
        from .worker import ForkedCall

        self.call = ForkedCall(_execute_job, self.job)

    def fileno(self) -> int:
        return self.call.fileno()

    def wait(self, timeout: float | None, limit: float | None) -> ExecOutcome:
        """The child's outcome; its error re-raised; stopped after ``timeout`` seconds (RenderError)."""
        t = time.perf_counter()
        try:
            self.outcome = self.call.result(timeout)
        except TimeoutError:
            self._remove_stale_staging()
            raise RenderError(f"{self.agency} {self.year}: the notebook did not finish within {limit or timeout:g} s "
                              "and was stopped", hint="look for a cell that hangs, or raise the time limit") from None
        self.timings["wait_child"] = time.perf_counter() - t
        self.timings.update(self.outcome.timings)
        return self.outcome

    def abort(self) -> None:
        if self.call is not None:
            self.call.cancel()
            self._remove_stale_staging()

    def _remove_stale_staging(self) -> None:
        """A child stopped from outside cannot clean up: remove its staging directory (named by its pid)."""
        for path in Path(self.job.out_dir).glob(f"*/*/.staging-{self.call.pid}-*"):
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
    ) -> None:
        from .engine_names import ENGINES

        if engine not in ENGINES:
            raise ParameterError(f"unknown engine {engine!r}", hint=f"use one of: {', '.join(ENGINES)}")
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

    # ------------------------------------------------------------------------------ life cycle

    def start(self, *, preload: bool = False, browser: bool = False) -> Renderer:
        """Warm up: ``preload`` imports everything a render needs and compiles the templates (children
        inherit it all); ``browser`` starts Chromium now. A single render needs neither: the browser starts
        while the notebook runs."""
        if preload:
            from .engine import preload as _preload

            _preload(kernel=self.engine == "kernel")
        if browser and "pdf" in self.to:
            self._ensure_printer().start()
        return self

    def close(self) -> None:
        if self._printer is not None:
            self._printer.close()
            self._printer = None

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _ensure_printer(self) -> Any:
        if self._printer is None:
            from .pdf import PdfPrinter

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
        return self.out_dir / agency_id / str(int(year))

    # ------------------------------------------------------------------------------ render

    def render(self, agency: str, year: int, *, data_dir: str | os.PathLike[str] = "data",
               parameters: dict[str, Any] | None = None) -> RenderResult:
        """Render one agency-year (see the module docstring for the steps and the errors raised)."""
        task = self._task(agency, year, data_dir, parameters)
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
        """Render many agency-years, ``jobs`` notebooks executing at a time (each in its own forked child)
        while this process prints the PDFs with its one browser. Yields a :class:`Rendered` per item as it
        completes (not necessarily in input order); a failing item never stops the others."""
        import selectors

        from .datacache import load

        if Path(data_dir).is_dir():
            load(Path(data_dir).resolve())  # once here; every child inherits the loaded dataset
        pending = list(items)[::-1]
        running: dict[int, _Task] = {}
        sel = selectors.DefaultSelector()
        try:
            while pending or running:
                while pending and len(running) < max(1, jobs):
                    agency, year = pending.pop()
                    try:
                        task = self._task(agency, year, data_dir, None)
                    except GovreportError as exc:
                        yield Rendered(agency, int(year), None, exc)
                        continue
                    task.launch()
                    running[task.fileno()] = task
                    sel.register(task.fileno(), selectors.EVENT_READ)
                if running:
                    self._start_browser(next(iter(running.values())))
                ready = [key.fd for key, _ in sel.select(self._next_deadline(running.values()))]
                ready += [fd for fd, t in running.items() if fd not in ready and self._remaining(t) == 0]
                for fd in ready:
                    task = running.pop(fd)
                    sel.unregister(fd)
                    try:
                        task.wait(self._remaining(task), self.timeout)
                        yield Rendered(task.agency, task.year, self._finish(task), None)
                    except GovreportError as exc:
                        yield Rendered(task.agency, task.year, None, exc)
                    finally:
                        task.cleanup()
        finally:
            for task in running.values():
                task.abort()
                task.cleanup()
            sel.close()

    # ------------------------------------------------------------------------------ steps

    def _task(self, agency: str, year: int, data_dir: str | os.PathLike[str],
              parameters: dict[str, Any] | None) -> _Task:
        t0 = time.perf_counter()
        values = self.check(agency, year, data_dir, parameters)
        data = Path(values["data_dir"])
        values["data_dir"] = str(data if data.is_absolute() else Path.cwd() / data)
        extra = {k: v for k, v in values.items() if k not in ("agency", "year", "data_dir")}
        job = Job(values=values, extra=extra, out_dir=str(self.out_dir.resolve()),
                  notebook=str(self.notebook.resolve()), notebook_name=self.notebook.name,
                  notebook_hash=self._nb_hash, engine=self.engine, html="html" in self.to or "pdf" in self.to)
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
        if "pdf" not in self.to or self._browser_error is not None:
            return
        if self._printer is not None and self._printer.started:
            return
        t = time.perf_counter()
        try:
            self._ensure_printer().start()
        except DependencyError as exc:
            self._browser_error = exc
        task.timings["browser_start"] = time.perf_counter() - t

    def _finish(self, task: _Task) -> RenderResult:
        """After a successful execution: print the PDF, then rename everything into place."""
        out = task.outcome
        assert out is not None
        staging, target, timings = Path(out.staging), Path(out.target), task.timings
        record = prov.Provenance(**out.provenance)
        produced = ["report.ipynb"]
        if "html" in self.to:
            produced += ["report.html", "review.html"]
        browser_error = self._browser_error if "pdf" in self.to else None
        if "pdf" in self.to and browser_error is None:
            t = time.perf_counter()
            html_text = (staging / "report.html").read_text(encoding="utf-8")
            info = {"Author": out.agency_name, "Subject": PDF_SUBJECT, "Keywords": record.keywords()}
            (staging / "report.pdf").write_bytes(pdfpost.finish(self._printer.pdf(html_text), info))
            produced.append("report.pdf")
            timings["pdf"] = time.perf_counter() - t
        t = time.perf_counter()
        files = _commit(staging, target, produced, record)
        timings["commit"] = time.perf_counter() - t
        timings["total"] = time.perf_counter() - task.t0
        if browser_error is not None:
            written = ", ".join(sorted(files))
            raise DependencyError(f"{browser_error.message}; written without the PDF: {written} in {target}",
                                  hint=browser_error.hint)
        return RenderResult(out.agency_id, out.agency_name, out.year, target, files, record, timings)


def _commit(staging: Path, target: Path, produced: list[str], record: prov.Provenance) -> dict[str, Path]:
    """Rename the staged files into place; ``provenance.json`` (the record of this good render) last."""
    manifest = record.as_dict() | {"files": sorted(produced)}
    (staging / "provenance.json").write_text(
        json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=2) + "\n", encoding="utf-8")
    files: dict[str, Path] = {}
    for name in [*produced, "provenance.json"]:
        os.replace(staging / name, target / name)
        files[name] = target / name
    shutil.rmtree(target / "failed", ignore_errors=True)
    return files


def render(agency: str, year: int, *, data_dir: str | os.PathLike[str] = "data",
           out_dir: str | os.PathLike[str] = "reports_out", to: str | Iterable[str] | None = None,
           engine: str = "inprocess", browser: str | os.PathLike[str] | None = None) -> RenderResult:
    """Render one agency-year (a convenience around :class:`Renderer`)."""
    with Renderer(out_dir, to=to, engine=engine, browser=browser) as r:
        return r.render(agency, year, data_dir=data_dir)
