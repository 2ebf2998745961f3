"""``govreport batch``: every agency-year of a dataset, incrementally, in parallel; then the index page.

Writes ``OUT/<agency-id>/<year>/`` for each agency-year (as ``govreport render``), ``OUT/index.html`` (every
agency-year with links, check status, key figures and a coverage view) and ``OUT/batch.json`` (the state, for
machines). An agency-year whose inputs are unchanged since its last good render is skipped (``--force``
renders it again). One failing agency-year never stops the others. Each agency-year's finding counts are
printed; one with errors gets only its reviewer's copy (named on stderr) unless ``--allow-errors``.

Exit status: 0 all rendered or current; 1 some agency-year failed (listed in the summary; a failing cell's
executed notebook is kept under ``<agency-id>/<year>/failed/``) or had its publication copy held back;
2 a user mistake (bad option, unknown agency, missing data or Chromium); 130 interrupted (Ctrl-C or
SIGTERM: finished reports are kept, and the next run picks up where this one stopped).
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import sys
from pathlib import Path

from govreport.cli._common import add_browser, add_data
from govreport.cli.render import add_layout
from govreport.core.errors import FIX_LABEL
from govreport.core.years import parse_years

DEFAULT_OUT = "reports_out"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_data(parser)
    parser.add_argument("--out", default=DEFAULT_OUT, type=Path, help=f"output directory (default: {DEFAULT_OUT})")
    parser.add_argument("--years", default=None, metavar="A-B",
                        help="years to render, e.g. 2019-2024 or 2019,2021 (default: every year with data); "
                             "years without data show in the index's coverage view")
    parser.add_argument("--agencies", nargs="+", default=None, metavar="AGENCY",
                        help="agency ids or full names, separated by spaces or commas (default: all)")
    parser.add_argument("--jobs", type=int, default=None, metavar="N",
                        help="worker processes (default: the number of CPUs)")
    parser.add_argument("--to", default="html,pdf",
                        help="outputs, comma-separated: html (report.html + review.html), pdf, ipynb "
                             "(the executed notebook is always kept), docx (report.docx, GB/T 9704 layout); "
                             "default: html,pdf")
    add_layout(parser)
    parser.add_argument("--scheduler", choices=("local", "dask"), default="local",
                        help="local: a pool of warm worker processes on this machine (default); "
                             "dask: the workers of a Dask cluster (see --dask-address)")
    parser.add_argument("--dask-address", default=None, metavar="tcp://HOST:PORT",
                        help="the Dask scheduler's address; its workers must see --data and --out at the same paths")
    parser.add_argument("--force", action="store_true", help="render again even the agency-years that are current")
    parser.add_argument("--notebook", type=Path, default=None,
                        help="the report notebook (default: $GOVREPORT_NOTEBOOK or notebooks/annual_report.ipynb)")
    parser.add_argument("--engine", choices=("inprocess", "kernel"), default="inprocess",
                        help="inprocess: cells run in a child of a warm worker (isolated; fast where forked); "
                             "kernel: a kernel")
    add_browser(parser)
    parser.add_argument("--timeout", type=float, default=600.0, metavar="SECONDS",
                        help="stop a notebook that runs longer than this (default: 600)")
    parser.add_argument("--allow-errors", action="store_true",
                        help="write the publication copies (report.html, report.pdf, report.docx) of "
                             "agency-years whose checks find errors (recorded in their provenance)")
    parser.add_argument("--timings", action="store_true", help="print the median time of each step")


def _agencies(values: list[str] | None) -> tuple[str, ...] | None:
    if not values:
        return None
    out = tuple(a.strip() for v in values for a in v.replace("，", ",").split(",") if a.strip())
    return out or None


def _show(path: Path) -> str:
    rel = os.path.relpath(path)
    return str(path) if rel.startswith("..") else rel


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    from govreport.run.batch_runner import BatchOptions, run_batch

    years = parse_years(args.years)
    opts = BatchOptions(
        data_dir=args.data, out_dir=args.out, years=years,
        agencies=_agencies(args.agencies), jobs=args.jobs, to=args.to, scheduler=args.scheduler,
        dask_address=args.dask_address, force=args.force, notebook=args.notebook, engine=args.engine,
        browser=args.browser, timeout=args.timeout, allow_errors=args.allow_errors, layout=args.layout,
    )
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        report = run_batch(opts)
    finally:
        signal.signal(signal.SIGTERM, previous)
    out = sys.stdout
    n = len(report.selection.items)
    print(f"batch：选定 {n} 个机关年度；生成 {len(report.rendered)} 个，"
          f"跳过 {len(report.skipped)} 个（已是最新），失败 {len(report.failed)} 个"
          + (f"，未运行 {len(report.not_run)} 个（已中断）" if report.not_run else ""), file=out)
    if report.rendered:
        per = report.render_seconds / len(report.rendered)
        print(f"  {report.workers} 个工作进程生成用时 {report.render_seconds:.1f} 秒（每份报告 {per:.2f} 秒），"
              f"共用时 {report.seconds:.1f} 秒", file=out)
    if report.failed:
        print("失败：", file=out)
        for r in report.failed:
            print(f"  {r.agency_id} {r.year}: {r.reason}", file=out)
            if r.failed_notebook:
                print(f"    出错的已执行笔记本保存在 {_show(Path(r.failed_notebook))}", file=out)
            elif r.hint:
                print(f"    {FIX_LABEL}{r.hint}", file=out)
    if report.findings:
        from govreport.run.pipeline import finding_counts_text

        print("核验（各机关年度）：", file=out)
        for k in report.selection.items:
            if k in report.findings:
                mark = "  未生成公开版" if k in report.held else ""
                print(f"  {k[0]} {k[1]}：{finding_counts_text(report.findings[k])}{mark}", file=out)
    if report.held:
        from govreport.run.pipeline import parse_to
        from govreport.run.publish import publication_files

        held = "、".join(publication_files(parse_to(args.to)))
        print(f"govreport：{len(report.held)} 个机关年度核验发现错误，未生成公开版（{held}），"
              "只写了审核版 review.html：", file=sys.stderr)
        for k in report.held:
            print(f"  {_show(Path(args.out) / k[0] / str(k[1]) / 'review.html')}", file=sys.stderr)
        print("  改正数据后重新运行；确需照原样发布时加 --allow-errors", file=sys.stderr)
    if report.interrupted:
        print("已中断：已完成的报告均已保留；再次运行同一命令即可接着生成", file=out)
    if report.index is not None:
        print(f"索引：{_show(report.index)}", file=out)
        print(f"状态：{_show(report.state)}", file=out)
    if args.timings and report.rendered:
        keys = sorted({k for r in report.rendered for k in r.timings})
        med = {k: statistics.median(r.timings.get(k, 0.0) for r in report.rendered) for k in keys}
        print("每份报告各步骤用时中位数：" + "  ".join(f"{k} {v:.2f} 秒" for k, v in med.items()), file=sys.stderr)
    return report.exit_code
