"""``govreport snapshot``: page 1 of a report's PDF as a PNG (the picture in the README).

Renders the agency-year first (unless ``--pdf`` names an existing PDF), then rasterises page 1 with
poppler's ``pdftoppm``. The PNG is written atomically; the same PDF content gives the same PNG bytes.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

from govreport.cli._common import add_data, add_seed_agency_year

DEFAULT_PNG = "docs/seed-report-page1.png"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_seed_agency_year(parser)
    add_data(parser)
    parser.add_argument("--out", default="reports_out", type=Path, help="where the report is rendered")
    parser.add_argument("--pdf", type=Path, default=None, help="use this PDF instead of rendering")
    parser.add_argument("--png", type=Path, default=Path(DEFAULT_PNG), help=f"PNG to write (default: {DEFAULT_PNG})")
    parser.add_argument("--dpi", type=int, default=100, help="resolution (default: 100, A4 page ≈ 827×1169 px)")
    parser.add_argument("--page", type=int, default=1, help="page number (default: 1)")


def page_png(pdf: Path, png: Path, *, page: int = 1, dpi: int = 100) -> Path:
    """Rasterise one page of ``pdf`` into ``png`` (atomically)."""
    from govreport.core.errors import DependencyError, NotFoundError, RenderError
    from govreport.store.textfile import atomic_path

    exe = shutil.which("pdftoppm")
    if exe is None:
        raise DependencyError("找不到 pdftoppm（用来把 PDF 页面转为 PNG）",
                              hint="安装 poppler：apt-get install poppler-utils")
    if not pdf.is_file():
        raise NotFoundError(f"{pdf}：PDF 文件不存在", hint="先生成报告：govreport render")
    with tempfile.TemporaryDirectory(prefix="govreport-snapshot-") as tmp:
        prefix = Path(tmp) / "page"
        proc = subprocess.run([exe, "-f", str(page), "-l", str(page), "-r", str(dpi), "-png", "-singlefile",
                               str(pdf), str(prefix)], capture_output=True, text=True)
        out = prefix.with_suffix(".png")
        if proc.returncode != 0 or not out.exists():
            raise RenderError(f"pdftoppm 处理 {pdf} 失败：{proc.stderr.strip() or proc.returncode}")
        with atomic_path(png) as tmp_png:
            shutil.copyfile(out, tmp_png)
    png.chmod(0o644)
    return png


def run(args: argparse.Namespace) -> int:
    pdf = args.pdf
    if pdf is None:
        from govreport.run.pipeline import Renderer

        with Renderer(args.out, to="html,pdf") as r:
            result = r.render(args.agency, args.year, data_dir=args.data)
        pdf = result.files["report.pdf"]
    png = page_png(Path(pdf), args.png, page=args.page, dpi=args.dpi)
    print(png)
    return 0
