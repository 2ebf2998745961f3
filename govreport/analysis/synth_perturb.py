"""Known inconsistencies for ``broken=K``: each perturbation checks whether a report can take it, then
changes the report so that it triggers a known set of rules (recorded in ``EXPECTED_FINDINGS.csv``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from govreport.analysis.synth_vocab import (
    C_TOT,
    CHANNEL_SLOTS,
    F2019,
    F2021,
    FNONE,
    K_DEPT,
    K_GOV,
    OUTCOMES,
    R_CO,
    R_GRANTED,
    R_NEW,
    R_OH,
    R_TOTAL,
    S_ITEM,
    T3_ROW,
    T3_ROWS_2021,
)
from govreport.core.formats import FORMATS
from govreport.core.values import Mark

if TYPE_CHECKING:  # pragma: no cover
    from govreport.analysis.synth_gen import Generator


def _full(g: Generator, r: int) -> bool:
    return bool(g.fmt[r] in (F2019, F2021))


def _ok_t3_total(g: Generator, r: int) -> bool:
    return _full(g, r)


def _do_t3_total(g: Generator, r: int, d: int) -> tuple[list[str], str]:
    c = int(np.argmax(g.t3[r, R_NEW, :6]))
    g.t3[r, R_TOTAL, c] += d
    g.t3[r, R_TOTAL, C_TOT] += d
    return ["R1", "R4"], f"表三“（七）总计”行“{T3_LABEL[c]}”列及“总计”列各加{d}"


def _t3_row_source(g: Generator, r: int) -> int:
    """The outcome row with the largest 总计 among the rows the report's version has as such."""
    outcome_rows = np.arange(2, 2 + len(OUTCOMES))
    if g.fmt[r] == F2019:  # （六） is one row in 2019: take the source from rows that exist as such
        outcome_rows = outcome_rows[~np.isin(outcome_rows, R_OH)]
    return int(outcome_rows[np.argmax(g.t3[r, outcome_rows, C_TOT])])


def _ok_t3_row(g: Generator, r: int) -> bool:
    # a non-zero source row is needed, or moving min(d, 0) = 0 items would leave the report consistent
    return _full(g, r) and g.t3[r, _t3_row_source(g, r), C_TOT] > 0


def _do_t3_row(g: Generator, r: int, d: int) -> tuple[list[str], str]:
    src = _t3_row_source(g, r)
    dst = T3_ROW["np_repeat"] if src != T3_ROW["np_repeat"] else T3_ROW["np_petition"]
    d = min(d, int(g.t3[r, src, C_TOT]))
    g.t3[r, src, C_TOT] -= d
    g.t3[r, dst, C_TOT] += d
    return ["R3"], f"表三“总计”列：“{_row_name(src)}”行减{d}、“{_row_name(dst)}”行加{d}（各类申请人之和不变）"


def _t4_perturbation(route: int, rule: str):
    def ok(g: Generator, r: int) -> bool:
        return _full(g, r)

    def do(g: Generator, r: int, d: int) -> tuple[list[str], str]:
        g.t4[r, route, 4] += d
        return [rule], f"表四“{T4_LABEL[route]}·总计”加{d}"

    return ok, do


def _ok_carry(g: Generator, r: int) -> bool:
    p = int(g.r_prev[r])
    return _full(g, r) and p >= 0 and g.fmt[p] != FNONE


def _do_carry(g: Generator, r: int, d: int) -> tuple[list[str], str]:
    c = int(np.argmax(g.t3[r, R_NEW, :6]))
    for col in (c, C_TOT):
        for row in (R_CO, R_GRANTED, R_TOTAL):
            g.t3[r, row, col] += d
    return ["R10"], (f"表三“二、上年结转”“（一）予以公开”“（七）总计”行的“{T3_LABEL[c]}”列及“总计”列各加{d}"
                     "（与上年结转下年度不符）")


def _ok_in_force(g: Generator, r: int) -> bool:
    p = int(g.r_prev[r])
    a = int(g.r_agency[r])
    return bool(_full(g, r) and g.t2_version[r] == 1 and p >= 0 and g.t2_version[p] == 1
                and g.fmt[p] != FNONE and g.power_norm[a])


def _do_in_force(g: Generator, r: int, d: int) -> tuple[list[str], str]:
    v, _ = g.t2[("2021", "t2a")]
    a = int(g.r_agency[r])
    later = np.flatnonzero((g.r_agency == a) & (g.r_year >= g.r_year[r]))
    v[later, 1, 2] += d  # this year's 现行有效件数 and every later one: only this year's R11 breaks
    return ["R11"], f"表二（第二十条第（一）项）“行政规范性文件”行“现行有效件数”加{d}（以后各年同步）"


def _ok_prev_items(g: Generator, r: int) -> bool:
    p = int(g.r_prev[r])
    a = int(g.r_agency[r])
    return bool(g.fmt[r] == F2019 and p >= 0 and g.fmt[p] == F2019 and g.power_lic[a])


def _do_prev_items(g: Generator, r: int, d: int) -> tuple[list[str], str]:
    v, _ = g.t2[("2019", "t2b")]
    v[r, 0, 0] += d
    return ["R12"], f"表二（第二十条第（五）项）“行政许可”行“上一年项目数量”加{d}（与上年数量加增减不符）"


def _ok_negative(g: Generator, r: int) -> bool:
    a = int(g.r_agency[r])
    if not (_full(g, r) and g.power_pen[a]):
        return False
    version = "2019" if g.t2_version[r] == 0 else "2021"
    _, mk = g.t2[(version, "t2c")]
    return bool(mk[r, 0, -1] == Mark.VALUE)


def _do_negative(g: Generator, r: int, d: int) -> tuple[list[str], str]:
    version = "2019" if g.t2_version[r] == 0 else "2021"
    v, _ = g.t2[(version, "t2c")]
    v[r, 0, -1] = -d
    return ["R9"], f"表二（第二十条第（六）项）“行政处罚”行处理决定数量改为负数 -{d}"


def _ok_channels(g: Generator, r: int) -> bool:
    return bool(_full(g, r) and g.p_with_channels[r] and g.p_overlap[r] == 0 and not g.c_qual[r]
                and g.p_states_total[r])


def _do_channels(g: Generator, r: int, d: int) -> tuple[list[str], str]:
    s = int(np.flatnonzero(g.c_present[r] & S_ITEM)[0])
    g.c_vals[r, s] += d
    return ["C1"], f"渠道“{CHANNEL_SLOTS[s][0]}”的条数加{d}（渠道不重复计数，与主动公开总数不符）"


def _ok_late(g: Generator, r: int) -> bool:
    a = int(g.r_agency[r])
    return bool(g.published[r] and g.a_kind[a] in (K_DEPT, K_GOV))


def _do_late(g: Generator, r: int, d: int) -> tuple[list[str], str]:
    a = int(g.r_agency[r])
    deadline = 89 if g.a_kind[a] == K_GOV else 30  # days after 1 Jan: 31 Mar (non-leap) / 31 Jan
    year = int(g.r_year[r]) + 1
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    g.pub_offset[r] = deadline + (1 if leap and deadline > 58 else 0) + d * 3
    return ["D1"], f"公布日期推迟到法定期限之后{d * 3}天"


T3_LABEL = tuple(c.label for c in FORMATS["2021"].table("t3").data_columns)
T4_LABEL = ("行政复议", "未经复议直接起诉", "复议后起诉")


def _row_name(i: int) -> str:
    return FORMATS["2021"].table("t3").row(T3_ROWS_2021[i]).name


PERTURBATIONS = {
    "t3_column_total": (_ok_t3_total, _do_t3_total),
    "t4_review": _t4_perturbation(0, "R6"),
    "carry_over": (_ok_carry, _do_carry),
    "channel_sum": (_ok_channels, _do_channels),
    "t3_row_total": (_ok_t3_row, _do_t3_row),
    "t4_direct": _t4_perturbation(1, "R7"),
    "in_force": (_ok_in_force, _do_in_force),
    "negative_count": (_ok_negative, _do_negative),
    "t4_after_review": _t4_perturbation(2, "R8"),
    "prev_items": (_ok_prev_items, _do_prev_items),
    "late": (_ok_late, _do_late),
}
