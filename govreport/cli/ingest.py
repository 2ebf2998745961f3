"""``govreport ingest FILE…``: read published reports (text or HTML) into the dataset, or print them as JSON.

Each file is decoded (UTF-8, GBK/GB18030, Big5), normalised (mirror pinyin garbling, traditional →
simplified, width, spam lines, whitespace) and read: agency, year, statistical period and data cut-off,
contact block, proactive total and channels, content categories, the official tables (HTML) and the
figures stated in prose, and the narrative sections. What cannot be read with certainty stays blank and
is listed.

* ``--json``: print one JSON document per report (pretty-printed, one after another; ``jq`` reads the
  stream as is) with the figures, their sources and the list of what was not read. Nothing is written.
* otherwise the reports are added to the dataset ``--out`` (default ``data``) with
  :func:`govreport.io.update.add_reports`: all files or none. An agency-year the dataset already holds is
  refused unless ``--replace`` is given.

Agencies are matched by name against ``--out``'s ``agencies.csv`` (so the seed maps to
``150821-minzhengju``); an agency not found there gets an id derived from its name. ``--agency`` and
``--year`` override what is read (they apply to every file given).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from ._common import DEFAULT_DATA

HELP = "read published reports (text/HTML in any encoding, PDF, Word .docx) into the dataset"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="report(s): .txt .html .pdf .docx")
    parser.add_argument("--agency", help="agency id or full Chinese name (overrides what the report says)")
    parser.add_argument("--year", type=int, help="report year (overrides what the report says)")
    parser.add_argument("--out", "--data", dest="out", type=Path, default=Path(DEFAULT_DATA),
                        help=f"dataset directory to add the reports to and to match agencies against "
                             f"(default: {DEFAULT_DATA})")
    parser.add_argument("--json", action="store_true", help="print the reports as JSON instead of writing them")
    parser.add_argument("--replace", action="store_true",
                        help="replace agency-years the dataset already holds")


def ingest_all(files: list[Path], out: Path | None, agency: str | None, year: int | None):
    from ..ingest import ingest_path, known_agencies

    known = known_agencies(out) if out is not None else ()
    return [ingest_path(f, agency=agency, year=year, agencies=known) for f in files]


def source_path(file: Path, root: Path) -> str:
    """The report's file relative to the dataset root when it lies inside it, else as given."""
    try:
        rel = os.path.relpath(file.resolve(), root.resolve())
    except ValueError:  # another drive
        return str(file)
    return Path(rel).as_posix() if not rel.startswith("..") else str(file)


def run(args: argparse.Namespace) -> int:
    from ..errors import GovreportError

    results = ingest_all(args.files, args.out, args.agency, args.year)
    if args.json:
        for got in results:
            sys.stdout.write(json.dumps(got.to_json(), ensure_ascii=False, indent=2))
            sys.stdout.write("\n")
        return 0
    from ..io.update import add_reports

    reports = [got.report(source_path(Path(got.file), args.out)) for got in results]
    seen: dict[tuple[str, int], str] = {}
    for got, rep in zip(results, reports, strict=True):
        key = (rep.agency.id, rep.year)
        if key in seen:
            raise GovreportError(f"{got.file} and {seen[key]} are both {rep.agency.name} {rep.year}",
                                 hint="ingest one report per agency-year, or pass --agency/--year to tell them apart")
        seen[key] = got.file
    add_reports(args.out, reports, replace=args.replace, source_name="govreport ingest")
    for got, rep in zip(results, reports, strict=True):
        print(summary(got, rep.agency.id))
    print(f"已写入 {args.out}：{len(reports)} 份年度报告。")
    return 0


def summary(got, agency_id: str) -> str:
    p = got.proactive
    n_cells = sum(len(t.cells) for t in got.tables)
    total = p.total.text() or "未读出"
    lines = [
        f"{got.file}：{got.agency.name}（{agency_id}）{got.year} 年度，{got.format.label}；"
        f"主动公开总数 {p.total_qualifier}{total}{p.unit if p.total.is_value else ''}，渠道 {len(p.channels)} 个，"
        f"内容分类 {len(p.categories)} 个，表格数字 {n_cells} 格，正文 {len(got.sections)} 部分。",
    ]
    for n in got.not_read:
        where = f"（{n.source.where}）" if n.source is not None else ""
        lines.append(f"  未读取：{n.item}：{n.reason}{where}")
    for w in got.warnings:
        lines.append(f"  注意：{w}")
    return "\n".join(lines)
