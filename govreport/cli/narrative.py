"""``govreport narrative``: write the text skeleton of an agency-year into the dataset.

``narratives/<agency_id>/<year>.md`` gets the official part headings of the year's format, the standard
sentences the figures allow (主动公开 total and channels, applications, reviews and suits, 信息处理费:
text and tables agree from the start) and, for the other parts, last year's text marked
「【草稿：沿用上年文字，请修改】」 (rule N3 holds the report back until the mark is removed). An existing
text is never overwritten unless ``--force``; ``--out`` writes elsewhere (e.g. to review it first).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from govreport.cli._common import add_agency_year, add_data


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_agency_year(parser, required=True)
    add_data(parser)
    parser.add_argument("--out", type=Path, default=None,
                        help="write the Markdown here instead of DATA/narratives/<agency_id>/<year>.md")
    parser.add_argument("--force", action="store_true", help="overwrite an existing text")
    parser.add_argument("--no-draft", action="store_true", help="do not offer last year's text as a draft")


def run(args: argparse.Namespace) -> int:
    from govreport.core import schema as layout
    from govreport.core.errors import GovreportError
    from govreport.core.report_text import DRAFT_MARK, join_sections, skeleton
    from govreport.store.dataset import load
    from govreport.store.textfile import write_text_atomic

    ds = load(args.data)
    agency_id = ds.agency_id(args.agency)
    report = ds.report(agency_id, int(args.year))
    previous = None
    if not args.no_draft and ds.has_report(agency_id, int(args.year) - 1):
        previous = ds.report(agency_id, int(args.year) - 1)
    target = args.out if args.out is not None else Path(args.data) / layout.narrative_path(agency_id, report.year)
    if target.exists() and not args.force:
        raise GovreportError(f"{target} 已存在，未覆盖",
                             hint="修改现有正文；确要重新生成时加 --force（原文将被替换），或用 --out 写到别处")
    sections = skeleton(report, previous)
    write_text_atomic(target, join_sections(sections))
    drafts = [s.heading for s in sections if DRAFT_MARK in s.body]
    empty = [s.heading for s in sections if not s.body.strip()]
    print(f"已生成：{report.title}正文 → {target}")
    if drafts:
        print(f"  沿用上年文字的草稿（请修改并删去“{DRAFT_MARK}”）：{''.join(f'“{h}”' for h in drafts)}")
    if empty:
        print(f"  待填写：{''.join(f'“{h}”' for h in empty)}")
    return 0
