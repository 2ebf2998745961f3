"""``govreport ingest FILE…``: read published reports (text or HTML) into the dataset, or print them as JSON.

Each file is decoded (UTF-8, GBK/GB18030, Big5), normalised (mirror pinyin garbling, traditional →
simplified, width, spam lines, whitespace) and read: agency, year, statistical period and data cut-off,
contact block, proactive total and channels, content categories, the official tables (HTML) and the
figures stated in prose, and the narrative sections. What cannot be read with certainty stays blank and
is listed.

* ``--json``: print the reports as JSON (one file: one object; several files: one JSON array) with the
  figures, how each was found (``method``: title, metadata, table, table-text, prose, prose-none,
  inferred …), their sources and the list of what was not read. ``--jsonl``: one compact object per line
  (JSON Lines). Nothing is written.
* a file larger than ``--max-mb`` (default 8 MB, or ``GOVREPORT_INGEST_MAX_MB``) is refused before it is
  read: a published report's text is well under 1 MB.
* otherwise the reports are added to the dataset ``--out`` (default ``data``) with
  :func:`govreport.store.update.add_reports`: all files or none. An agency-year the dataset already holds is
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

from govreport.cli._common import DEFAULT_DATA, agency_arg


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="report(s): .txt .html .pdf .docx")
    parser.add_argument("--agency", type=agency_arg,
                        help="agency id or full Chinese name (overrides what the report says)")
    parser.add_argument("--year", type=int, help="report year (overrides what the report says)")
    parser.add_argument("--out", "--data", dest="out", type=Path, default=Path(DEFAULT_DATA),
                        help=f"dataset directory to add the reports to and to match agencies against "
                             f"(default: {DEFAULT_DATA})")
    parser.add_argument("--json", action="store_true",
                        help="print the reports as JSON instead of writing them (several files: one JSON array)")
    parser.add_argument("--jsonl", action="store_true", help="print one compact JSON object per line (JSON Lines)")
    parser.add_argument("--max-mb", type=float, default=None,
                        help="refuse files larger than this many MB (default 8, or GOVREPORT_INGEST_MAX_MB)")
    parser.add_argument("--replace", action="store_true",
                        help="replace agency-years the dataset already holds")


def ingest_all(files: list[Path], out: Path | None, agency: str | None, year: int | None,
               limit_mb: float | None = None):
    from govreport.readers import ingest_path, known_agencies

    known = known_agencies(out) if out is not None else ()
    return [ingest_path(f, agency=agency, year=year, agencies=known, limit_mb=limit_mb) for f in files]


def write_json(docs: list[dict], *, lines: bool) -> None:
    """One object for one file, a JSON array for several; or JSON Lines."""
    if lines:
        for d in docs:
            sys.stdout.write(json.dumps(d, ensure_ascii=False) + "\n")
        return
    body = docs[0] if len(docs) == 1 else docs
    sys.stdout.write(json.dumps(body, ensure_ascii=False, indent=2) + "\n")


def source_path(file: Path, root: Path) -> str:
    """The report's file relative to the dataset root when it lies inside it, else as given."""
    try:
        rel = os.path.relpath(file.resolve(), root.resolve())
    except ValueError:  # another drive
        return str(file)
    return Path(rel).as_posix() if not rel.startswith("..") else str(file)


def run(args: argparse.Namespace) -> int:
    from govreport.core.errors import GovreportError

    results = ingest_all(args.files, args.out, args.agency, args.year, args.max_mb)
    if args.json or args.jsonl:
        write_json([got.to_json() for got in results], lines=args.jsonl)
        return 0
    from govreport.store.update import add_reports

    reports = [got.report(source_path(Path(got.file), args.out)) for got in results]
    seen: dict[tuple[str, int], str] = {}
    for got, rep in zip(results, reports, strict=True):
        key = (rep.agency.id, rep.year)
        if key in seen:
            raise GovreportError(f"{got.file} 和 {seen[key]} 都是{rep.agency.name} {rep.year} 年度的报告",
                                 hint="每个单位每个年度只读入一份报告，或用 --agency/--year 区分")
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
