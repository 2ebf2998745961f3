"""Argument helpers shared by the sub-commands."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

DEFAULT_DATA = "data"
DEFAULT_AGENCY = "五原县民政局"
DEFAULT_YEAR = 2020


def add_data(parser: argparse.ArgumentParser, *, positional: bool = False) -> None:
    if positional:
        parser.add_argument("data", nargs="?", default=DEFAULT_DATA, type=Path,
                            help=f"dataset directory (default: {DEFAULT_DATA})")
    else:
        parser.add_argument("--data", default=DEFAULT_DATA, type=Path,
                            help=f"dataset directory (default: {DEFAULT_DATA})")


def agency_arg(value: str) -> str:
    """argparse type of ``--agency``: an agency id or a Chinese name, never a path (see govreport.core.ids)."""
    from govreport.core.ids import check_agency_arg

    return check_agency_arg(value)


def add_agency_year(parser: argparse.ArgumentParser, *, required: bool = False) -> None:
    parser.add_argument("--agency", required=required, type=agency_arg, help="agency id or full Chinese name")
    parser.add_argument("--year", type=int, required=required, help="report year")


def add_seed_agency_year(parser: argparse.ArgumentParser) -> None:
    """``--agency`` and ``--year``, defaulting to the seed agency-year (the commands about one report)."""
    parser.add_argument("--agency", default=DEFAULT_AGENCY, type=agency_arg,
                        help=f"agency id or full name (default: {DEFAULT_AGENCY})")
    parser.add_argument("--year", type=int, default=DEFAULT_YEAR, help=f"report year (default: {DEFAULT_YEAR})")


def add_browser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--browser", default=None,
                        help="Chromium executable for the PDF (default: $GOVREPORT_CHROMIUM or /usr/bin/chromium)")


def print_json(obj: Any) -> None:
    json.dump(obj, sys.stdout, ensure_ascii=False, indent=2, sort_keys=False, default=str)
    sys.stdout.write("\n")
