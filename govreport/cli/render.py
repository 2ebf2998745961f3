"""``govreport render``: one agency-year's report as HTML (publication and reviewer copies) and PDF.

Writes ``OUT/<agency-id>/<year>/``: ``report.ipynb`` (the executed notebook), ``report.html``,
``report.pdf`` and ``report.docx`` as ``--to`` asks (the publication copies), ``review.html`` (the reviewer's
copy) and ``provenance.json``. The agency-year's finding counts are always printed. When the checks find
errors the publication copies are held back (and earlier ones removed) unless ``--allow-errors`` is
given (then recorded in the provenance); the reviewer's copy is always written and named.
Exit status: 0 written; 1 a notebook cell failed (the executed notebook is kept under ``failed/``) or the
publication copy was held back; 2 a user mistake or a missing dependency (with the HTML still written when
only Chromium is missing).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from govreport.cli._common import add_browser, add_data, add_seed_agency_year

LAYOUT_HELP = ("report.pdf's layout: web (Chromium prints report.html; default) or official "
               "(GB/T 9704-2012 公文格式, typeset with free fonts)")


def add_layout(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--layout", choices=("web", "official"), default="web", help=LAYOUT_HELP)

DEFAULT_OUT = "reports_out"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_seed_agency_year(parser)
    add_data(parser)
    parser.add_argument("--out", default=DEFAULT_OUT, type=Path, help=f"output directory (default: {DEFAULT_OUT})")
    parser.add_argument("--to", default="html,pdf",
                        help="outputs, comma-separated: html (report.html + review.html), pdf, ipynb "
                             "(the executed notebook is always kept), docx (report.docx, GB/T 9704 layout); "
                             "default: html,pdf")
    add_layout(parser)
    parser.add_argument("--engine", choices=("inprocess", "kernel"), default="inprocess",
                        help="inprocess: run the cells in a child of this process (isolated; fast where it is forked); "
                             "kernel: a standard Jupyter kernel, as JupyterLab does")
    parser.add_argument("--notebook", type=Path, default=None,
                        help="the report notebook (default: notebooks/annual_report.ipynb)")
    add_browser(parser)
    parser.add_argument("--allow-errors", action="store_true",
                        help="write the publication copies (report.html, report.pdf, report.docx) even when "
                             "the checks find errors (recorded in the provenance)")
    parser.add_argument("--timings", action="store_true", help="print how long each step took")


def _show(path: Path) -> str:
    """The path relative to the working directory when it lies below it, else absolute."""
    rel = os.path.relpath(path)
    return str(path.resolve()) if rel.startswith("..") else rel


def run(args: argparse.Namespace) -> int:
    from govreport.core.errors import CellExecutionError
    from govreport.run.pipeline import Renderer

    renderer = Renderer(args.out, to=args.to, engine=args.engine, notebook=args.notebook, browser=args.browser,
                        allow_errors=args.allow_errors, layout=args.layout)
    try:
        result = renderer.render(args.agency, args.year, data_dir=args.data)
    except CellExecutionError as exc:
        print(f"govreport：错误：{exc.message}", file=sys.stderr)
        if exc.notebook_path:
            print(f"  出错的已执行笔记本保存在 {_show(Path(exc.notebook_path))}",
                  file=sys.stderr)
        return 1
    finally:
        renderer.close()
    for name in ("report.html", "report.pdf", "report.docx", "review.html", "report.ipynb"):
        if name in result.files:
            print(_show(result.files[name]))
    name = f"{result.agency}（{result.agency_id}）{result.year}年度"
    print(f"核验：{name}：{result.findings_text()}")
    if args.timings:
        print("用时：" + "  ".join(f"{k} {v:.2f} 秒" for k, v in result.timings.items()), file=sys.stderr)
    if result.held_back:
        review = result.files.get("review.html")
        where = f"请查看审核版 {_show(review)}，" if review is not None else ""
        from govreport.run.publish import publication_files

        held = "、".join(publication_files(renderer.to))
        print(f"govreport：{name}核验发现 {result.findings.get('errors', 0)} 个错误，未生成公开版"
              f"（{held}）；{where}改正数据后重新生成（确需照原样发布时加 --allow-errors）",
              file=sys.stderr)
        return 1
    return 0
