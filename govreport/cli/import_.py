"""``govreport import``: validate a filled-in Excel/CSV template and add it to the dataset, all or nothing."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from govreport.cli._common import add_data


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="the filled-in template (.xlsx, or its data sheet saved as .csv)")
    add_data(parser)
    parser.add_argument("--replace", action="store_true",
                        help="replace the agency-year if the dataset already has it (a correction)")
    parser.add_argument("--accept-errors", action="store_true",
                        help="add the report even if the consistency checks find errors")
    parser.add_argument("--create", action="store_true",
                        help="create a new dataset in --data if it holds none (else a missing or mistyped "
                             "directory is refused)")


def run(args: argparse.Namespace) -> int:
    import datetime

    from govreport.core import schema as layout
    from govreport.core.errors import DataError, GovreportError, NotFoundError
    from govreport.readers.xlsx_template import DatasetAgencies, carry_over_notes, read_template
    from govreport.store.update import add_reports

    root = Path(args.data)
    ds = None
    if (root / layout.REPORTS.name).exists():
        from govreport.store.dataset import load

        ds = load(root, use_cache=False)  # no cache write: a refused import leaves the directory as it was
    elif root.exists() and not root.is_dir():
        raise GovreportError(f"{root}：不是目录", hint="用 --data 指定数据集目录")
    elif not args.create:
        what = "不存在" if not root.exists() else f"不是数据集（没有 {layout.REPORTS.name}）"
        raise NotFoundError(f"数据目录 {root} {what}，未导入",
                            hint="检查 --data 是否写错；确要新建一个数据集时加 --create")
    if not Path(args.file).is_file():
        what = "是一个文件夹，不是文件" if Path(args.file).is_dir() else "不存在"
        raise NotFoundError(f"{args.file}：{what}", hint="指定填好的模板文件（.xlsx 或 .csv）")
    known = DatasetAgencies(ds) if ds is not None else {}
    report = read_template(args.file, agencies=known)
    this_year = datetime.date.today().year
    if report.year > this_year:
        raise DataError(f"报告年度 {report.year} 在今年（{this_year} 年）之后，未导入",
                        file=str(args.file), column="年度",
                        hint="年度报告只能在该年度结束后编制：核对模板中的年度")
    name = f"{report.agency.name}（{report.agency.id}）{report.year}年"
    existing = ds is not None and report.agency.id in known and ds.has_report(report.agency.id, report.year)
    if existing and not args.replace:
        raise GovreportError(f"数据集 {root} 已有{name}的报告，未导入",
                             hint="核对单位和年度；确要用本文件更正现有数据时加 --replace", code="exists")
    before = ds.report(report.agency.id, report.year) if existing else None
    if before is not None:
        report = carry_over_notes(report, before)
    from dataclasses import replace

    from govreport.core.report_text import same_text

    has_text = bool(report.sections)
    # the text rules check the workbook's text; without one, the text already in the dataset (if any)
    kept_text = before.sections if before is not None and not has_text else ()
    checked = replace(report, sections=kept_text) if kept_text else report

    from govreport.checks import check_report

    result = check_report(checked, text=has_text or bool(kept_text))
    if result.errors:
        text = result.to_text().rstrip()
        if text:
            print(text)
        if not args.accept_errors:
            print(f"govreport：{name}：校验发现 {result.errors} 个错误，未导入，数据目录未改动；"
                  "请改正后重新导入（确需照原样导入时加 --accept-errors）", file=sys.stderr)
            return 1
        print(f"govreport：警告：校验发现 {result.errors} 个错误，按 --accept-errors 照原样导入", file=sys.stderr)
    elif result.warnings:
        text = result.to_text().rstrip()
        if text:
            print(text)
    if before is not None and has_text and same_text(report.sections, before.sections):
        report = replace(report, sections=())  # the text is unchanged: the narrative file is left as it is
    add_reports(root, [report], replace=args.replace, source_name=str(args.file))
    cells = [f for t in report.tables for f in t.cells.values()]
    values = sum(1 for f in cells if f.is_value)
    p = report.proactive
    verb = "已更正" if existing else "已导入"
    print(f"{verb}：{name}，{report.format.label}；"
          f"表格单元格 {len(cells)} 个（数值 {values}，不适用 {len(cells) - values}），"
          f"主动公开渠道 {len(p.channels)} 项，栏目分类 {len(p.categories)} 项"
          + (f"，报告正文 {sum(1 for s in report.sections if s.heading)} 部分" if report.sections else "")
          + f" → {root}")
    if not has_text and not kept_text:
        print("govreport：提示：工作簿没有填写报告正文（“报告正文”表）；可用 govreport narrative "
              f"--agency {report.agency.id} --year {report.year} 生成正文草稿，补写后再生成报告", file=sys.stderr)
    return 0
