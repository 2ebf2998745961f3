"""``govreport check``: run every consistency rule over a dataset and print the findings.

Exit status: 0 when no finding is an error, 1 when at least one is, 2 for a user mistake (an unknown
agency, a year without reports, a dataset that does not load).
"""

from __future__ import annotations

import argparse
import sys

from govreport.cli._common import add_agency_year, add_data, print_json


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_data(parser, positional=True)
    add_agency_year(parser)
    parser.add_argument("--rule", action="append", metavar="ID",
                        help="check only this rule (repeatable), e.g. --rule R1 --rule C1")
    parser.add_argument("--json", action="store_true", help="print the findings and per-rule summary as JSON")


def run(args: argparse.Namespace) -> int:
    from govreport.checks import run as run_checks
    from govreport.core.errors import NotFoundError
    from govreport.store.dataset import load

    ds = load(args.data)
    agencies = [ds.agency_id(args.agency)] if args.agency else None
    years = [args.year] if args.year is not None else None
    result = run_checks(ds, agencies=agencies, years=years, rules=args.rule)
    if len(result.reports) == 0 and (agencies or years):
        what = " ".join(x for x in (args.agency or "", str(args.year) if args.year is not None else "") if x)
        have = ds.years(agencies[0]) if agencies else ds.years()
        raise NotFoundError(f"数据集 {args.data} 中没有 {what} 的报告",
                            hint=f"有数据的年度：{'、'.join(map(str, have)) or '无'}")
    if args.json:
        print_json(result.to_json())
    else:
        sys.stdout.write(result.to_text())
    return 1 if result.errors else 0
