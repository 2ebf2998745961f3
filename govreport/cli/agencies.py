"""``govreport agencies``: what a dataset holds."""

from __future__ import annotations

import argparse

from govreport.cli._common import add_data, print_json


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_data(parser, positional=True)
    parser.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace) -> int:
    from govreport.store.dataset import load

    ds = load(args.data)
    rows = []
    for aid, name in zip(ds.agencies["agency_id"], ds.agencies["name"], strict=True):
        rows.append({"agency_id": str(aid), "name": str(name), "years": ds.years(str(aid))})
    if args.json:
        print_json(rows)
    else:
        for r in rows:
            print(f"{r['agency_id']}\t{r['name']}\t{','.join(map(str, r['years']))}")
    return 0
