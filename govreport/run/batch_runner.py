"""``govreport batch`` as a function: plan, render what is not current, write the index and the state.

:func:`run_batch` does, in order:

1. checks the options and loads the dataset (a user mistake raises a :class:`~govreport.core.errors.GovreportError`
   before anything is written);
2. takes the output directory's lock and removes what a killed run left (hidden staging directories and
   temporary files — never a finished output);
3. hashes every agency-year's inputs (:mod:`govreport.run.batch_plan`) and compares them with the provenance of
   its last good render: current ones are skipped unless ``force``;
4. renders the rest on the local process pool (:mod:`govreport.run.batch_local`) or a Dask cluster
   (:mod:`govreport.run.batch_dask`); one failure never stops the others;
5. writes ``index.html`` (:mod:`govreport.render.index_page`) and ``batch.json`` (:mod:`govreport.run.batch_state`),
   both atomically, both covering every agency-year of the dataset (not only this run's selection).

Interrupted (Ctrl-C, SIGTERM), it stops the workers (their unfinished reports leave nothing behind), still
writes the index and the state for what is done, and reports ``interrupted``; the next run picks up where
this one stopped, because finished reports are current and skipped.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from govreport import __version__
from govreport.core.errors import NotFoundError, ParameterError
from govreport.core.schema import dataset_name
from govreport.run.batch_plan import Expected, Key, Selection
from govreport.run.batch_server import ItemResult, ServerConfig

SCHEDULERS = ("local", "dask")


@dataclass(frozen=True, slots=True)
class BatchOptions:
    data_dir: Path = Path("data")
    out_dir: Path = Path("reports_out")
    years: tuple[int, ...] | None = None
    agencies: tuple[str, ...] | None = None
    jobs: int | None = None  # None: the number of CPUs
    to: str | tuple[str, ...] = ("html", "pdf")
    scheduler: str = "local"
    dask_address: str | None = None
    force: bool = False
    notebook: Path | None = None  # None: GOVREPORT_NOTEBOOK or notebooks/annual_report.ipynb
    engine: str = "inprocess"
    browser: str | None = None
    timeout: float | None = 600.0
    inflight: int = 2  # reports a worker holds at once (one printing while the next executes)
    allow_errors: bool = False  # write the publication copy of agency-years whose checks find errors
    layout: str = "web"  # report.pdf: web (Chromium) or official (GB/T 9704, Typst)


@dataclass(slots=True)
class BatchReport:
    """What a run did."""

    selection: Selection
    rendered: list[ItemResult] = field(default_factory=list)
    failed: list[ItemResult] = field(default_factory=list)
    skipped: list[Key] = field(default_factory=list)
    not_run: list[Key] = field(default_factory=list)  # selected, but the run was interrupted first
    stale_reasons: dict[Key, str] = field(default_factory=dict)
    index: Path | None = None
    state: Path | None = None
    seconds: float = 0.0
    render_seconds: float = 0.0  # from the first dispatch to the last result (workers' start-up included)
    interrupted: bool = False
    workers: int = 0
    #: finding counts (errors, warnings, infos) of each selected agency-year with a render on disk
    findings: dict[Key, dict[str, int]] = field(default_factory=dict)
    #: selected agency-years whose publication copy is held back (errors found, not allowed)
    held: list[Key] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return 130
        return 1 if self.failed or self.held else 0


def resolve_jobs(jobs: int | None) -> int:
    if jobs is None:
        return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
    if jobs < 1:
        raise ParameterError(f"--jobs 至少为 1，而不是 {jobs}", hint="例如 --jobs 2")
    return int(jobs)


def run_batch(opts: BatchOptions, *, stream: IO[str] | None = None, bar: bool | None = None) -> BatchReport:
    """Run a batch (see the module docstring). Progress goes to ``stream`` (default stderr)."""
    from govreport.run import batch_plan as plan
    from govreport.run import batch_state as state
    from govreport.run.pipeline import Renderer, parse_to
    from govreport.store.dataset import load_shared

    t0 = time.perf_counter()
    to = parse_to(opts.to)
    jobs, data_dir, out_dir = _validated(opts)
    probe = Renderer(out_dir, to=to, engine=opts.engine, notebook=opts.notebook, browser=opts.browser,
                     timeout=opts.timeout, layout=opts.layout)
    ds = load_shared(data_dir)
    selection = plan.select(ds, opts.agencies, opts.years)
    keys: list[Key] = ds.keys()
    if keys:
        probe.check(keys[0][0], keys[0][1], data_dir)  # the notebook declares what a batch passes
    if selection.items and probe.needs_chromium and opts.scheduler == "local":
        from govreport.run.pdf import check_chromium

        check_chromium(opts.browser)
    report = BatchReport(selection=selection)
    with state.locked(out_dir):
        state.remove_leftovers(out_dir)
        previous = state.read_state(out_dir)
        hashes, sigs = plan.input_hashes(ds, keys, previous)
        expected, todo = _plan(ds, opts, probe, to, data_dir, keys, hashes, selection, report)
        config = ServerConfig(out_dir=str(out_dir), data_dir=str(data_dir), to=to,
                              notebook=str(probe.notebook.resolve()), engine=opts.engine, browser=opts.browser,
                              timeout=opts.timeout, inflight=max(1, opts.inflight),
                              allow_errors=bool(opts.allow_errors), layout=opts.layout)
        results, index_inputs = _render(ds, _scheduler(opts, config, jobs), todo, hashes, report, stream, bar)
        _collect_findings(report, probe)
        report.index, report.state = _write_outputs(ds, out_dir, opts, to, probe.notebook, probe.notebook_hash,
                                                    keys, selection, expected, sigs, results, report, previous,
                                                    index_inputs or _index_inputs(ds))
    report.seconds = time.perf_counter() - t0
    return report


def _validated(opts: BatchOptions) -> tuple[int, Path, Path]:
    """The options a batch cannot start without, checked: (jobs, data directory, output directory)."""
    if opts.scheduler not in SCHEDULERS:
        raise ParameterError(f"未知的调度方式 {opts.scheduler!r}", hint=f"请用其中之一：{', '.join(SCHEDULERS)}")
    if opts.scheduler == "dask" and not opts.dask_address:
        raise ParameterError("--scheduler dask 需要 --dask-address tcp://HOST:PORT",
                             hint="填写正在运行的 Dask 调度器的地址（dask scheduler / dask worker）")
    jobs = resolve_jobs(opts.jobs)
    data_dir = Path(os.path.abspath(opts.data_dir))
    if not data_dir.is_dir():
        raise NotFoundError(f"数据目录不存在：{opts.data_dir}",
                            hint="用 --data 指定数据集目录（含 agencies.csv、reports.csv 等）")
    return jobs, data_dir, Path(os.path.abspath(opts.out_dir))


def _plan(ds: Any, opts: BatchOptions, probe: Any, to: Any, data_dir: Path, keys: list[Key],
          hashes: dict[Key, str], selection: Any, report: BatchReport) -> tuple[dict[Key, Expected], list[Key]]:
    """What each agency-year's provenance must say to be current, and the selected ones that are not (all with
    ``--force``); records the skipped ones and why the others are stale in ``report``."""
    from govreport.run import batch_plan as plan
    from govreport.run.publish import expected_files

    files = expected_files(to)
    names = dict(zip(ds.agencies["agency_id"].astype(str), ds.agencies["name"].astype(str), strict=True))
    expected = {k: Expected(hashes[k], probe.notebook_hash, __version__,
                            _parameters(probe, k, data_dir, names[k[0]]), files, pdf_layout=opts.layout)
                for k in keys}
    recorded = {k: plan.read_provenance(probe.target_dir(*k)) for k in keys}
    current = {k: plan.is_current(recorded[k], expected[k], probe.target_dir(*k)) for k in keys}
    todo = [k for k in selection.items if opts.force or not current[k]]
    report.skipped = [k for k in selection.items if not opts.force and current[k]]
    report.stale_reasons = {k: plan.staleness(recorded[k], expected[k]) for k in todo}
    return expected, todo


def _render(ds: Any, scheduler: Any, todo: list[Key], hashes: dict[Key, str], report: BatchReport,
            stream: IO[str] | None, bar: bool | None) -> tuple[dict[Key, ItemResult], dict[str, Any]]:
    """Render ``todo`` on ``scheduler`` with progress; the results, and the index's inputs when they were
    computed while the workers started."""
    from govreport.run.batch_progress import Progress

    results: dict[Key, ItemResult] = {}
    progress = Progress(len(todo), stream=stream, bar=bar)
    if report.skipped:
        progress.note(f"{len(report.selection.items)} 份报告中 {len(report.skipped)} 份已是最新，跳过")
    index_inputs: dict[str, Any] = {}

    def while_starting() -> None:  # the workers start their browsers: compute what the index needs
        index_inputs.update(_index_inputs(ds))

    t1 = time.perf_counter()
    try:
        for r in scheduler.run([(a, y, hashes[(a, y)]) for a, y in todo], while_starting=while_starting):
            results[(r.agency_id, r.year)] = r
            progress.update(r.agency_id, r.year, r.ok, r.reason, r.timings.get("total"))
    except KeyboardInterrupt:
        report.interrupted = True
        scheduler.terminate()
    finally:
        progress.close()
    report.render_seconds = time.perf_counter() - t1
    report.workers = getattr(scheduler, "started", 0)
    report.rendered = [results[k] for k in todo if k in results and results[k].ok]
    report.failed = [results[k] for k in todo if k in results and not results[k].ok]
    report.not_run = [k for k in todo if k not in results]
    return results, index_inputs


def _collect_findings(report: BatchReport, probe: Any) -> None:
    """The finding counts each render recorded (skipped agency-years: their last render's), and which were
    held back."""
    from govreport.run import batch_plan as plan

    for k in report.selection.items:
        recorded = plan.read_provenance(probe.target_dir(*k))
        if recorded and isinstance(recorded.get("findings"), dict):
            report.findings[k] = {n: int(v) for n, v in recorded["findings"].items()}
            if recorded.get("held_back"):
                report.held.append(k)


def _parameters(probe: Any, key: Key, data_dir: Path, agency_name: str) -> dict[str, Any]:
    """The parameters the renderer records for this agency-year (see :func:`govreport.run.child.execute_job`)."""
    from govreport.store import provenance as prov

    values = probe.check(key[0], key[1], data_dir)
    extra = {k: v for k, v in values.items() if k not in ("agency", "year", "data_dir")}
    return {**prov.public_parameters(agency_name, key[1], data_dir), **extra}


def _scheduler(opts: BatchOptions, config: ServerConfig, jobs: int) -> Any:
    if opts.scheduler == "dask":
        from govreport.run.batch_dask import DaskScheduler

        return DaskScheduler(config, opts.dask_address or "")
    from govreport.run.batch_local import LocalScheduler

    return LocalScheduler(config, jobs)


# -------------------------------------------------------------------------------- index and state


def _index_inputs(ds: Any) -> dict[str, Any]:
    """Key figures and check findings of every agency-year (for the index page)."""
    from govreport.analysis import stats
    from govreport.checks import run as run_checks

    return {"panel": stats.panel(ds), "findings": run_checks(ds).findings}


def _write_outputs(ds: Any, out_dir: Path, opts: BatchOptions, to: Sequence[str], notebook: Path, nb_hash: str,
                   keys: list[Key], selection: Selection, expected: dict[Key, Expected], sigs: dict[Key, str],
                   results: dict[Key, ItemResult], report: BatchReport, previous: dict[str, Any] | None,
                   index_inputs: dict[str, Any]) -> tuple[Path, Path]:
    from govreport.render.index_page import IndexInput, build_index, collect_status
    from govreport.run import batch_state as state
    from govreport.store.textfile import write_text_atomic

    entries, failures, stale, n_current = _state_entries(ds, out_dir, keys, selection, expected, sigs, results,
                                                         report, previous)
    dataset = dataset_name(ds.root)
    document = {
        "schema": state.STATE_SCHEMA,
        "govreport_version": __version__,
        "dataset": dataset,
        "data_hash": ds.data_hash,
        "notebook": notebook.name,
        "notebook_hash": nb_hash,
        "outputs": list(to),
        "layout": opts.layout,
        "selection": {"agencies": list(selection.agencies) if selection.agencies is not None else None,
                      "years": list(selection.years) if selection.years is not None else None,
                      "force": bool(opts.force)},
        "summary": {"selected": len(selection.items), "rendered": len(report.rendered), "failed": len(report.failed),
                    "skipped": len(report.skipped), "not_run": len(report.not_run),
                    "current": n_current, "agency_years": len(keys), "interrupted": report.interrupted},
        "reports": entries,
    }
    state_path = out_dir / state.STATE_FILE
    write_text_atomic(state_path, state.state_json(document))

    years = sorted({y for _, y in keys} | set(selection.years or ()))
    status = collect_status(out_dir, keys, failures, stale=stale)
    page = build_index(IndexInput(
        panel=index_inputs["panel"],
        findings=index_inputs["findings"],
        status=status,
        agencies=ds.agencies,
        years=tuple(years),
        provenance={"数据集": dataset, "数据哈希": ds.data_hash, "笔记本": f"{notebook.name} {nb_hash}",
                    "已生成": f"{n_current} / {len(keys)}"},
    ))
    index_path = out_dir / state.INDEX_FILE
    write_text_atomic(index_path, page)
    return index_path, state_path


def _state_entries(ds: Any, out_dir: Path, keys: list[Key], selection: Selection, expected: dict[Key, Expected],
                   sigs: dict[Key, str], results: dict[Key, ItemResult], report: BatchReport,
                   previous: dict[str, Any] | None) -> tuple[list[dict[str, Any]], dict[Key, str], set[Key], int]:
    """Each agency-year's entry of ``batch.json`` (last run, state, error, files), the failures and the stale
    ones for the index, and how many are current."""
    from govreport.run import batch_plan as plan
    from govreport.run import batch_state as state

    earlier = state.previous_failures(previous)
    selected = set(selection.items)
    entries = []
    failures: dict[Key, str] = {}
    stale: set[Key] = set()
    n_current = 0
    for k in keys:
        target = out_dir / k[0] / str(k[1])
        recorded = plan.read_provenance(target)
        now_current = plan.is_current(recorded, expected[k], target)
        r = results.get(k)
        entry: dict[str, Any] = {"agency_id": k[0], "year": k[1], "input_hash": expected[k].data_hash,
                                 "narrative": sigs.get(k, "")}
        if r is not None:
            entry["last_run"] = "rendered" if r.ok else "failed"
        elif k in report.skipped:
            entry["last_run"] = "skipped"
        else:
            entry["last_run"] = "not-run" if k in selected else "not-selected"
        failure = None
        if r is not None and not r.ok:
            failure = {"error": _no_abs_paths(r.reason, ds.root, out_dir),
                       "notebook": _relative(r.failed_notebook, out_dir)}
        elif r is None and not now_current and k in earlier:
            failure = earlier[k]
        if failure is not None:
            entry["state"] = "failed"
            entry["error"] = failure["error"]
            if failure.get("notebook"):
                entry["notebook"] = failure["notebook"]
            failures[k] = failure["error"]
        elif now_current:
            entry["state"] = "current"
            n_current += 1
        elif recorded:
            entry["state"] = "stale"
            stale.add(k)
        else:
            entry["state"] = "missing"
        entry["files"] = sorted(recorded.get("files") or []) if recorded else []
        entries.append(entry)

    return entries, failures, stale, n_current


def _no_abs_paths(text: str, data_dir: Path | None, out_dir: Path) -> str:
    """A reason as recorded: paths inside the dataset from its directory name, inside the output relative."""
    if data_dir is not None:
        root = os.path.normpath(str(data_dir))
        text = text.replace(root + os.sep, dataset_name(data_dir) + "/")
    return text.replace(str(out_dir) + os.sep, "")


def _relative(path: str, out_dir: Path) -> str:
    if not path:
        return ""
    try:
        return Path(path).resolve().relative_to(out_dir).as_posix()
    except ValueError:
        return os.path.basename(path)
