"""``govreport export``: the dataset as open data with a data dictionary."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from govreport.cli._common import add_data


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_data(parser)
    parser.add_argument("--format", choices=("csv", "json"), default="csv", help="output format (default: csv)")
    parser.add_argument("--out", type=Path, default=Path("reports_out/open-data"),
                        help="output directory (default: reports_out/open-data)")


def run(args: argparse.Namespace) -> int:
    from govreport import __version__
    from govreport.analysis.export import data_dictionary, export_tables, to_csv_text, to_records
    from govreport.store.dataset import load
    from govreport.store.dataset_files import commit_texts

    ds = load(args.data)
    tables = export_tables(ds)
    dictionary = data_dictionary()
    provenance = {
        "generator": f"govreport {__version__}",
        "command": f"govreport export --format {args.format}",
        "data_hash": ds.data_hash,
        "synthetic": ds.is_synthetic,
        "agencies": len(ds.agencies),
        "agency_years": len(ds.reports),
        "status_values": {"reported": "数值（含填报的0）", "blank": "空白：未填报", "not_applicable": "不适用"},
    }
    contents: dict[str, str] = {}
    if args.format == "csv":
        for name, frame in tables.items():
            contents[f"{name}.csv"] = to_csv_text(frame)
        contents["data_dictionary.csv"] = to_csv_text(dictionary)
        contents["provenance.json"] = json.dumps(provenance, ensure_ascii=False, indent=2) + "\n"
    else:
        doc = {
            "provenance": provenance,
            "data_dictionary": to_records(dictionary),
            "tables": {name: to_records(frame) for name, frame in tables.items()},
        }
        contents["govreport-open-data.json"] = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    written = commit_texts(args.out, contents)
    for p in written:
        print(p)
    return 0
