"""``govreport stats``: the statistics of one agency-year."""

from __future__ import annotations

import argparse
from typing import Any

from govreport.cli._common import add_data, add_seed_agency_year, print_json

_STATUS = {"ok": "", "none_handled": "无办理事项，不适用", "missing": "数据不全，无法计算"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_data(parser)
    add_seed_agency_year(parser)
    parser.add_argument("--json", action="store_true", help="print JSON")


def _fmt(v: Any) -> str:
    if v is None:
        return "（未填报）"
    return str(v)


def _rate(v: Any, status: str) -> str:
    return f"{v:.2f}%" if v is not None else _STATUS.get(status, status)


def run(args: argparse.Namespace) -> int:
    from govreport.analysis.stats import report_stats
    from govreport.store.dataset import load

    ds = load(args.data)
    s = report_stats(ds, args.agency, args.year)
    if args.json:
        print_json(s)
        return 0
    p = s["proactive"]
    print(f"{s['agency']} {s['year']} 年（{s['agency_id']}）")
    print(f"主动公开：共 {_fmt(p['total'])}{p['qualifier']} {p['unit']}；各渠道合计 {_fmt(p['channel_sum'])}")
    ranked = sorted(p["channels"], key=lambda c: (c["rank"] is None, c["rank"] or 0))  # stable: unranked keep order
    if ranked:
        print("  各渠道（按条数从多到少，序号为排名）：")
    for c in ranked:
        share = f"{c['share']:.2f}%" if c["share"] is not None else "—"
        print(f"  {c['rank'] or '-':>2}. {c['label']}（{c['channel_label']}）  {_fmt(c['value'])}{c['qualifier']}"
              f" {c['unit']}  {share}")
    a = s["applications"]
    print(f"依申请公开：本年新收 {_fmt(a['received'])}，上年结转 {_fmt(a['carried_over'])}，办理结果总计 "
          f"{_fmt(a['handled'])}，结转下年度 {_fmt(a['carried_forward'])}")
    print(f"  实质公开率：{_rate(a['disclosure_rate'], a['disclosure_rate_status'])}")
    r = s["reviews"]
    print(f"行政复议：总计 {_fmt(r['review_total'])}，纠错率 "
          f"{_rate(r['review_correction_rate'], r['review_correction_rate_status'])}")
    print(f"行政诉讼：直接起诉 {_fmt(r['direct_total'])}，复议后起诉 {_fmt(r['after_review_total'])}，纠错率 "
          f"{_rate(r['litigation_correction_rate'], r['litigation_correction_rate_status'])}")
    if s["year_over_year"]:
        print("同比变化：")
        for y in s["year_over_year"]:
            pct = f"（{y['change_pct']:+.2f}%）" if y["change_pct"] is not None else ""
            print(f"  {y['label']}：{_fmt(y['previous'])} → {_fmt(y['current'])}{pct}")
    else:
        print("同比变化：无上一年度数据")
    return 0
