"""``govreport audit FILE…``: read published reports and run every consistency check on what was read.

Each finding is printed in Chinese with the place in the report's own words and, where the figure was
read from the file, the place in the source (file, line, and table cell for HTML tables). Nothing is
written. Exit status 1 when any file has an error-level finding, 0 otherwise, 2 when a file cannot be
read at all (the other files are still audited).

A report whose agency cannot be identified (no name, or a name whose level cannot be told) is audited all
the same, under an "unidentified agency" named after its file (``未识别机关（FILE）``): its arithmetic is
checked like any other's. ``--json`` prints one object for one file and a JSON array for several;
``--jsonl`` one compact object per line.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from govreport.cli._common import DEFAULT_DATA, agency_arg


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="report(s): .txt .html .pdf .docx")
    parser.add_argument("--agency", type=agency_arg,
                        help="agency id or full Chinese name (overrides what the report says)")
    parser.add_argument("--year", type=int, help="report year (overrides what the report says)")
    parser.add_argument("--data", type=Path, default=Path(DEFAULT_DATA),
                        help=f"dataset whose agencies are matched by name (default: {DEFAULT_DATA}); "
                             "nothing is written")
    parser.add_argument("--json", action="store_true",
                        help="print the results as JSON (one file: one object; several files: one JSON array)")
    parser.add_argument("--jsonl", action="store_true", help="print one compact JSON object per line (JSON Lines)")
    parser.add_argument("--max-mb", type=float, default=None,
                        help="refuse files larger than this many MB (default 8, or GOVREPORT_INGEST_MAX_MB)")


def finding_source(got, finding: dict[str, Any]):
    """The :class:`~govreport.readers.Source` of the figure a finding is about, if it was read from the file."""
    seq = finding.get("channel_seq")
    if seq is not None and not _missing(seq):
        return got.source_of(("channel", int(seq)))
    table, row, column = (finding.get(k) or "" for k in ("table", "row", "column"))
    version = finding.get("version") or ""
    if table and row and column:
        for t in got.tables:
            if t.spec.id == table and (not version or t.spec.version == version):
                src = got.source_of(("cell", t.spec.version, table, row, column))
                if src is not None:
                    return src
    rule = str(finding.get("rule", ""))
    if rule in ("P2", "P3"):
        return got.source_of(("cutoff",)) or got.source_of(("period",))
    if rule.startswith("P"):
        return got.source_of(("period",))
    if rule.startswith("C"):
        return got.source_of(("proactive_total",))
    return None


def _missing(v: Any) -> bool:
    try:
        import pandas as pd

        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _plain(v: Any) -> Any:
    import numpy as np

    if v is None or _missing(v):
        return None
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return float(v)
    return v


def audit_one(got) -> tuple[Any, list[dict[str, Any]]]:
    """Check what was read from one report; the findings as plain dicts with their source in the file."""
    from govreport.checks import check_report

    result = check_report(got.report(unidentified=True))
    rows = [{k: _plain(v) for k, v in rec.items()} for rec in result.findings.to_dict("records")]
    unread = got.unread_cells()
    for r in rows:
        _mark_unread(got, r, unread)
        src = finding_source(got, r)
        r["source"] = src.to_json() if src is not None else None
        r["source_where"] = src.where if src is not None else None
    return result, rows


def _mark_unread(got, finding: dict[str, Any], unread: dict) -> None:
    """A cell the document fills but that could not be read is 未读取 in the finding, never 空白."""
    table, row, column = (finding.get(k) or "" for k in ("table", "row", "column"))
    for t, r, c in unread:
        if t != table or (r != row and c != column):
            continue
        spec = next((x.spec for x in got.tables if x.spec.id == t), None)
        if (r, c) == (row, column) and finding.get("found") == "空白":
            finding["found"] = "未读取"
        if spec is None:
            continue
        for label in (spec.row(r).name if r != row else None, spec.column(c).name if c != column else None):
            if label and finding.get("message"):
                finding["message"] = finding["message"].replace(f"{label} 空白", f"{label} 未读取")
        if (r, c) == (row, column) and finding.get("message"):
            finding["message"] = finding["message"].replace("空白", "未读取")


def run(args: argparse.Namespace) -> int:
    from govreport.checks.rules import SEVERITY_LABELS
    from govreport.cli.ingest import write_json
    from govreport.core.errors import GovreportError
    from govreport.readers import ingest_path, known_agencies

    known = known_agencies(args.data) if (args.data / "agencies.csv").exists() else ()
    status = 0
    docs: list[dict[str, Any]] = []
    for file in args.files:
        try:
            got = ingest_path(file, agency=args.agency, year=args.year, agencies=known, limit_mb=args.max_mb)
            result, rows = audit_one(got)
        except GovreportError as exc:
            print(f"govreport：错误：{exc}", file=sys.stderr)
            status = max(status, 2)
            continue
        if result.errors:
            status = max(status, 1)
        agency = got.report(unidentified=True).agency
        identified = got.agency is not None
        if args.json or args.jsonl:
            docs.append({"file": str(file), "agency": agency.name, "agency_id": agency.id,
                         "agency_identified": identified, "year": got.year,
                         "errors": result.errors, "warnings": result.warnings, "infos": result.infos,
                         "findings": rows, "not_read": [n.to_json() for n in got.not_read],
                         "ingest_warnings": got.warnings})
            continue
        out = [f"{file}：{agency.name}（{agency.id}）{got.year} 年度"]
        if not identified:
            out.append("  注意：报告中读不出可确定的机关，按“未识别机关”检查（用 --agency 指定机关可消除此提示）。")
        if not rows:
            out.append("  未发现问题。")
        for r in rows:
            out.append(f"  [{SEVERITY_LABELS[r['severity']]}] {r['rule']} {r['place']}")
            out.append(f"      {r['message']}")
            detail = f"应为 {r['expected'] or '—'}，实为 {r['found'] or '—'}"
            out.append(f"      {detail}")
            if r["source"] is not None:
                out.append(f"      原文位置：{r['source_where']}“{r['source']['text']}”")
        if got.not_read:
            out.append(f"  另有 {len(got.not_read)} 项未读取（报告未载明或无法确定），未参与检查；"
                       f"用 govreport ingest --json 查看。")
        out.append("  " + result.summary_line())
        print("\n".join(out))
    if docs:
        write_json(docs, lines=args.jsonl)
    return status
