"""``govreport synth``: write a clearly labelled synthetic dataset (for tests and benchmarks)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from govreport.core.years import parse_years


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Write a synthetic dataset in the layout of data/: made-up agencies (ids synth-…, names marked "
        "（合成数据）), consistent tables, channels and narratives, and a SYNTHETIC.txt marker. Same "
        "arguments, same bytes. Refuses to write into a directory that holds anything but a synthetic dataset."
    )
    parser.add_argument("--agencies", type=int, required=True, metavar="N", help="number of agencies")
    parser.add_argument("--years", required=True, metavar="A-B",
                        help="report years, e.g. 2019-2023 (2019 trial tables up to 2020, 2021 tables after)")
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0)")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR",
                        help="output directory (new, empty, or an earlier synthetic dataset, which is replaced)")
    parser.add_argument("--broken", type=int, default=0, metavar="K",
                        help="make K reports inconsistent in known ways; their expected findings go to "
                             "EXPECTED_FINDINGS.csv")
    parser.add_argument("--no-narratives", action="store_true", help="do not write narratives/<id>/<year>.md")


def run(args: argparse.Namespace) -> int:
    from govreport.analysis.synth import write_dataset

    years = parse_years(args.years) or []
    start = time.perf_counter()
    result = write_dataset(args.out, agencies=args.agencies, years=years, seed=args.seed, broken=args.broken,
                           narratives=not args.no_narratives)
    seconds = time.perf_counter() - start
    flagged = ", ".join(f"{rule} ×{n}" for rule, n in result.flagged.items() if n)
    print(f"已写出合成数据集 {result.out}：单位 {result.agencies} 个，年度报告 {result.reports} 份，"
          f"表格单元格 {result.cells} 个，渠道数字 {result.channels} 个，正文 {result.narratives} 份，"
          f"用时 {seconds:.1f} 秒", file=sys.stderr)
    if flagged:
        print(f"特意生成的异常报告（仅警告/提示）：{flagged}", file=sys.stderr)
    if result.expected:
        print(f"有错误的报告 {len(result.expected)} 份；应有的发现见 "
              f"{result.out / 'EXPECTED_FINDINGS.csv'}", file=sys.stderr)
    return 0
