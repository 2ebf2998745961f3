"""``govreport template``: write an Excel data-entry template laid out like the official tables."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from govreport.cli._common import add_data


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--agency", required=True, help="agency id or full Chinese name (a new agency is allowed)")
    parser.add_argument("--year", type=int, required=True, help="report year")
    add_data(parser)
    parser.add_argument("--format", choices=("2019", "2021"), default=None,
                        help="table layout (default: the one the data already uses, else the one in force that year)")
    parser.add_argument("--out", type=Path, default=None,
                        help="output .xlsx (default: govreport-template-<agency>-<year>.xlsx)")


def run(args: argparse.Namespace) -> int:
    import datetime

    from govreport.core.errors import NotFoundError, ParameterError
    from govreport.core.formats import format_for_year
    from govreport.core.ids import check_agency_arg
    from govreport.render.xlsx_template import write_template
    from govreport.store.paths import inside, safe_file_name

    this_year = datetime.date.today().year
    if not 1990 <= args.year <= this_year:
        raise ParameterError(f"--year {args.year} 不是可能的报告年度（1990 至 {this_year} 年）",
                             hint="填写报告所述的年度，如 2021；年度报告在该年度结束后编制")
    agency = report = None
    key = check_agency_arg(args.agency)
    if Path(args.data).is_dir():
        from govreport.store.dataset import load

        ds = load(args.data)
        try:
            agency_id = ds.agency_id(key)
        except NotFoundError:
            agency_id = None
            print(f"govreport：提示：数据集 {args.data} 中没有单位 {key!r}；模板中的单位信息请由填报单位填写",
                  file=sys.stderr)
        if agency_id is not None:
            agency = ds.agency(agency_id)
            key = agency_id
            if ds.has_report(agency_id, args.year):
                report = ds.report(agency_id, args.year)
    else:
        print(f"govreport：提示：数据集目录 {args.data} 不存在，模板不预填", file=sys.stderr)
    version = args.format
    if version is None:
        used = sorted({t.spec.version for t in report.tables if t.spec.id != "fee"}) if report else []
        spec = format_for_year(args.year)
        version = used[0] if len(used) == 1 else (spec.version if spec else "2019")
    out = args.out or inside(".", f"govreport-template-{safe_file_name(key)[:60]}-{args.year}.xlsx")
    if out.suffix.lower() != ".xlsx":
        raise ParameterError(f"--out 必须是 .xlsx 文件，而不是 {str(out)!r}",
                             hint="例如 --out 五原县民政局2021.xlsx")
    if out.is_dir():
        raise ParameterError(f"--out {str(out)!r} 是一个文件夹", hint="写出文件名，例如 --out 五原县民政局2021.xlsx")
    text = None  # the text sheet: the agency-year's own text, else its skeleton (standard sentences, draft)
    if agency is not None and (report is None or not report.sections):
        from govreport.core.model import Period, Report, ReportFormat
        from govreport.core.report_text import skeleton, text_rows

        previous = ds.report(agency.id, args.year - 1) if ds.has_report(agency.id, args.year - 1) else None
        if report is not None or previous is not None:
            base = report or Report(agency, args.year, ReportFormat(version), Period(None, None))
            text = text_rows(skeleton(base, previous), args.year)
    info = write_template(out, year=args.year, version=version, agency=agency,
                          agency_text="" if agency else key, report=report, text=text)
    for w in info.warnings:
        print(f"govreport：警告：{w}", file=sys.stderr)
    what = "已预填现有数据（更正用）" if info.prefilled else ("已填单位信息" if agency else "单位信息待填")
    print(f"{info.path}\t{version}年格式\t{what}")
    return 0
