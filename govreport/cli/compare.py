"""``govreport compare``: the cross-agency comparison report (notebooks/compare.ipynb) as HTML and PDF.

Writes ``OUT/compare/<scope>/``: ``report.ipynb`` (executed), ``report.html``, ``report.pdf`` and
``provenance.json``. The scope directory name says what was compared, e.g. ``all-2019-2023``.
Exit status: 0 written; 1 a notebook cell failed (the executed notebook is kept under ``failed/``);
2 a user mistake (unknown agency or region, no data in the years asked for, ``--to docx``: the comparison has
no Word document) or a missing dependency.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from pathlib import Path

from govreport.cli._common import add_browser, add_data

DEFAULT_OUT = "reports_out"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_data(parser)
    parser.add_argument("--years", default="", help="years to compare, e.g. 2019-2023 or 2021,2023 (default: all)")
    parser.add_argument("--agencies", default="", help="comma-separated agency ids or full names (default: all)")
    parser.add_argument("--region", default="", help="region path prefix, e.g. 内蒙古自治区/巴彦淖尔市")
    parser.add_argument("--min-n", type=int, default=30,
                        help="minimum denominator for a rate to be ranked in league tables (default: 30)")
    parser.add_argument("--out", default=DEFAULT_OUT, type=Path,
                        help=f"output root; the report goes to OUT/compare/<scope>/ (default: {DEFAULT_OUT})")
    parser.add_argument("--to", default="html,pdf", help="outputs, comma-separated: html, pdf, ipynb")
    add_browser(parser)


def scope_name(years: str, agencies: str, region: str) -> str:
    """A readable, file-system-safe directory name for a comparison's scope."""
    parts = []
    if region or agencies:
        key = f"{region}|{agencies}"
        parts.append("sel-" + hashlib.blake2b(key.encode(), digest_size=4).hexdigest())
    else:
        parts.append("all")
    parts.append(re.sub(r"[^0-9,-]", "", years).replace(",", "_") or "all-years")
    return "-".join(parts)


def _refuse_docx(to: str) -> None:
    """The comparison has no Word layout (render/docx.py lays out one agency-year's report): refuse ``docx``
    before anything runs instead of accepting it and writing nothing."""
    from govreport.core.errors import ParameterError
    from govreport.run.pipeline import OUTPUTS, parse_to

    if "docx" in parse_to(to):
        raise ParameterError("比较报告不能生成 Word 文档（docx），只能生成 HTML、PDF 和笔记本",
                             hint=f"--to 取以下各项，用逗号分隔：{'、'.join(o for o in OUTPUTS if o != 'docx')}")


def run(args: argparse.Namespace) -> int:
    from govreport import notebooks
    from govreport.analysis import compare
    from govreport.core.errors import CellExecutionError
    from govreport.run.pipeline import Renderer

    _refuse_docx(args.to)
    notebook = notebooks.path(notebooks.COMPARE)
    params = {"data_dir": str(args.data), "years": args.years, "agencies": args.agencies, "region": args.region,
              "min_n": args.min_n}
    from govreport.store.paths import inside

    out = inside(args.out, "compare", scope_name(args.years, args.agencies, args.region))
    with Renderer(args.out, to=args.to, browser=args.browser) as renderer:
        try:
            result = renderer.render_notebook(notebook, params, out, validate=compare.preflight)
        except CellExecutionError as exc:
            print(f"govreport：错误：{exc.message}", file=sys.stderr)
            if exc.notebook_path:
                print(f"  出错的已执行笔记本保存在 {exc.notebook_path}", file=sys.stderr)
            return 1
    for name in ("report.html", "report.pdf", "report.ipynb"):
        if name in result.files:
            print(result.files[name])
    return 0
