"""What runs in a render's child process (see :mod:`govreport.run.worker`): the job it is given, the work, the
outcome it sends back.

:func:`execute_job` (an agency-year's report) resolves the parameters against the dataset — a bad value is a
:class:`~govreport.core.errors.GovreportError` before anything executes or is written — runs the agency-year's
checks, executes the notebook with papermill (:mod:`govreport.run.engine`) and exports the HTML, and with
``docx`` or the official layout writes report.docx and the official PDF's inputs, all into a staging directory
(:mod:`govreport.run.publish`). :func:`execute_notebook_job` does the same for an arbitrary parameterised
notebook. Each returns an :class:`ExecOutcome`: where it staged which files, with the provenance and the
timings; the parent prints the PDF and renames the files into place.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govreport.core.errors import CellExecutionError
from govreport.core.schema import dataset_name
from govreport.run import params as P
from govreport.run.publish import OFFICIAL_INPUTS, PDF_SUBJECT, failed_cell, new_staging
from govreport.store import provenance as prov
from govreport.store.paths import inside


@dataclass(frozen=True, slots=True)
class Job:
    """What the child is asked to do (a forked child inherits everything else; a spawned one loads it)."""

    values: dict[str, Any]  # declared parameters, names and types checked
    extra: dict[str, Any]  # parameters beyond agency/year/data_dir, recorded in the provenance
    out_dir: str
    notebook: str
    notebook_name: str
    notebook_hash: str
    engine: str
    html: bool
    data_hash: str | None = None  # Dataset.report_hash when the caller computed it already (a batch)
    allow_errors: bool = False  # write the publication copy even when the checks find errors
    docx: bool = False  # write report.docx (render/docx.py)
    official_pdf: bool = False  # write report.pdf in the official layout here (render/official_pdf.py)


@dataclass(frozen=True, slots=True)
class NotebookJob:
    """An arbitrary parameterised notebook rendered into ``out_dir`` (see :meth:`Renderer.render_notebook`)."""

    notebook: str
    parameters: dict[str, Any]  # injected as given
    record: dict[str, Any]  # the provenance, computed in the parent
    out_dir: str
    engine: str
    html: bool
    title: str


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
    findings: dict[str, int] = field(default_factory=dict)  # errors, warnings, infos of the agency-year
    held_back: bool = False  # errors found: the publication copy was not written


def _record(ds: Any, agency_id: str, year: int, parameters: dict[str, Any], job: Job) -> prov.Provenance:
    if job.data_hash is None:
        return prov.for_report(ds, agency_id, year, parameters, notebook=job.notebook_name,
                               nb_hash=job.notebook_hash)
    return prov.Provenance(agency_id=agency_id, agency=ds.agency(agency_id).name, year=int(year),
                           data_hash=job.data_hash, dataset=dataset_name(ds.root), notebook=job.notebook_name,
                           notebook_hash=job.notebook_hash, parameters=dict(parameters))


def _remember(ds: Any, agency_id: str, year: int, report: Any, data_hash: str) -> None:
    """In the child — one agency-year, then gone — let the dataset answer ``report`` and ``report_hash`` for
    this agency-year with what is already known (the notebook asks for both again: ~70 ms of a batch
    report). Other agency-years are computed as usual. The dataset is read-only; the parent never sees this."""
    plain_report, plain_hash = ds.report, ds.report_hash

    def known_report(agency: str, y: int) -> Any:
        if int(y) == year and ds.agency_id(agency) == agency_id:
            return report
        return plain_report(agency, y)

    def known_hash(agency: str, y: int) -> str:
        if int(y) == year and agency == agency_id:
            return data_hash
        return plain_hash(agency, y)

    ds.report, ds.report_hash = known_report, known_hash


def execute_job(job: Job) -> ExecOutcome:
    """Runs in the child: resolve the parameters against the dataset, then execute the notebook and
    export it into a staging directory beside the destination. Cleans up after itself on any error; a
    failing cell's notebook is moved to ``failed/report.ipynb``."""
    t0 = time.perf_counter()
    res = P.resolve(job.values)  # the dataset checks: nothing has executed or been written yet
    ds = res.dataset
    report = ds.report(res.agency_id, res.year)
    public = prov.public_parameters(report.agency.name, res.year, res.data_dir)  # one form, however given
    from govreport.checks import run as run_checks

    found = run_checks(ds, agencies=[res.agency_id], years=[res.year])
    counts = {"errors": found.errors, "warnings": found.warnings, "infos": found.infos}
    publishes = job.html or job.docx or job.official_pdf  # a publication copy is requested (not just .ipynb)
    held = bool(found.errors) and not job.allow_errors and publishes  # only a requested publication is held
    recorded_params = {**public, **job.extra}
    if job.allow_errors and found.errors:
        recorded_params["allow_errors"] = True  # published over errors, on the user's explicit request
    record = _record(ds, res.agency_id, res.year, recorded_params, job)
    if job.data_hash is not None:
        _remember(ds, res.agency_id, res.year, report, job.data_hash)
    target = inside(job.out_dir, res.agency_id, str(res.year))  # never outside the output folder
    staging = new_staging(target)
    t1 = time.perf_counter()
    try:
        import nbformat

        from govreport.run import engine

        parameters = {"agency": res.agency, "year": res.year, "data_dir": str(res.data_dir), **job.extra}
        notebook = Path(job.notebook)
        nb = engine.execute_notebook(notebook, staging / "report.ipynb", parameters, engine=job.engine,
                                     cwd=notebook.parent)
        t2 = time.perf_counter()
        nb.metadata["govreport"] = record.as_dict()
        nbformat.write(nb, str(staging / "report.ipynb"))
        files = ["report.ipynb"]
        if job.html or held:  # held back: the reviewer's copy is written whatever the outputs asked for
            from govreport.render import html

            renditions = (("publication", "report.html"), ("review", "review.html"))
            meta = html.meta_tags(record.meta_items())
            for rendition, name in renditions[1:] if held else renditions:
                text = html.export(nb, rendition=rendition, title=report.title, meta=meta)
                (staging / name).write_text(text, encoding="utf-8", newline="\n")
                files.append(name)
        t3 = time.perf_counter()
        print_timings = {} if held else _print_outputs(job, ds, res, report, record, staging, files)
    except CellExecutionError as exc:
        raise failed_cell(exc, staging, target) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    timings = {"validate": t1 - t0, "execute": t2 - t1, **print_timings}
    if job.html or held:
        timings["export"] = t3 - t2
    return ExecOutcome(res.agency_id, report.agency.name, res.year, str(target), str(staging), tuple(files),
                       record.as_dict(), timings, findings=counts, held_back=held)


def _print_outputs(job: Job, ds: Any, res: Any, report: Any, record: prov.Provenance, staging: Path,
                   files: list[str]) -> dict[str, float]:
    """In the child: report.docx and the official-layout report.pdf, from one document spec of the same
    agency-year (render/docspec.py), with the provenance in their metadata."""
    if not (job.docx or job.official_pdf):
        return {}
    import dataclasses

    from govreport.render.docspec import build
    from govreport.render.document import ReportDocument

    t, c = time.perf_counter(), time.process_time()
    doc = ReportDocument.prepare(ds, res.agency_id, res.year)
    spec = dataclasses.replace(build(doc), keywords=record.keywords(layout="official"))  # both in GB/T 9704
    timings = {"spec": time.perf_counter() - t, "spec_cpu": time.process_time() - c}
    if job.docx:
        from govreport.render.docx import render_docx

        t, c = time.perf_counter(), time.process_time()
        (staging / "report.docx").write_bytes(render_docx(spec, subject=PDF_SUBJECT))
        files.append("report.docx")
        timings["docx"], timings["docx_cpu"] = time.perf_counter() - t, time.process_time() - c
    if job.official_pdf:  # the inputs only: the parent owns the Typst compiler (its threads do not survive a fork)
        from govreport.render.official_pdf import spec_inputs

        t, c = time.perf_counter(), time.process_time()
        (staging / OFFICIAL_INPUTS).write_text(json.dumps(spec_inputs(spec), ensure_ascii=False), encoding="utf-8")
        timings["pdf_inputs"], timings["pdf_inputs_cpu"] = time.perf_counter() - t, time.process_time() - c
    return timings


def execute_notebook_job(job: NotebookJob) -> ExecOutcome:
    """Runs in the child: execute an arbitrary notebook and export its publication HTML."""
    target = Path(job.out_dir)
    staging = new_staging(target)
    t1 = time.perf_counter()
    try:
        import nbformat

        from govreport.run import engine

        notebook = Path(job.notebook)
        nb = engine.execute_notebook(notebook, staging / "report.ipynb", job.parameters, engine=job.engine,
                                     cwd=notebook.parent)
        t2 = time.perf_counter()
        nb.metadata["govreport"] = job.record
        nbformat.write(nb, str(staging / "report.ipynb"))
        files = ["report.ipynb"]
        if job.html:
            from govreport.render import html

            meta = html.meta_tags(_meta_items(job.record))
            text = html.export(nb, rendition="publication", title=job.title, meta=meta)
            (staging / "report.html").write_text(text, encoding="utf-8", newline="\n")
            files.append("report.html")
        t3 = time.perf_counter()
    except CellExecutionError as exc:
        raise failed_cell(exc, staging, target) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    timings = {"execute": t2 - t1}
    if job.html:
        timings["export"] = t3 - t2
    return ExecOutcome("", "", 0, str(target), str(staging), tuple(files), job.record, timings)


def _meta_items(record: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The ``<meta>`` pairs of a generic notebook's provenance (as :meth:`Provenance.meta_items` for a report)."""
    version = str(record.get("govreport_version", ""))
    items = [("generator", f"govreport {version}"), ("govreport:version", version)]
    for key, value in sorted(record.items()):
        if key in ("govreport_version", "notebook"):
            continue
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
        items.append((f"govreport:{key.replace('_', '-')}", text))
    return items
