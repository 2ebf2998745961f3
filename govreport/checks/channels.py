"""Kernels of the 主动公开 channels: the channels' figures against the stated total (with 余/多/以上/近/约
read as bounds, and the report's word on overlapping channels), and no negative count.

The channels frame is reduced once per run (:func:`_channel_data`, kept on the engine) with ``np.bincount``
per report; the text rule N2 reads the same data.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from govreport.checks.registry import _BLANK, _NAMARK, _VALUE, _num, kernel
from govreport.checks.results import _FAIL, _NA, _PASS
from govreport.checks.rules import APPROX_TOLERANCE, SUMMABLE_UNITS, TOLERANCE, ChannelSum, NonNegativeFigures, Rule
from govreport.core.channels import QUALIFIERS, Qualifier

if TYPE_CHECKING:  # pragma: no cover
    from govreport.checks.engine import _Engine


def _figure_with_qualifier(value: float, mark: int, qualifier: str) -> str:
    if mark == _BLANK:
        return "空白"
    if mark == _NAMARK:
        return "不适用"
    q = Qualifier(qualifier) if qualifier in QUALIFIERS else Qualifier.EXACT
    return q.written(_num(value))


def _text_at(series: pd.Series, i: int) -> str:
    v = series.iloc[int(i)]
    return "" if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else str(v)


def _qualifier_kind(series: pd.Series) -> np.ndarray:
    """Per row: 0 exact, 1 lower bound (余/多/以上), 2 upper bound (近), 3 approximate (约)."""
    kind_of = {q.value: {"exact": 0, "lower": 1, "upper": 2, "approx": 3}[q.bound] for q in Qualifier}
    if isinstance(series.dtype, pd.CategoricalDtype):
        table = np.asarray([kind_of.get(str(c), 0) for c in series.cat.categories] + [0], dtype=np.int8)
        return table[series.cat.codes.to_numpy()]  # code -1 (missing) reads the trailing 0
    return series.astype(object).map(lambda q: kind_of.get("" if q is None or q is pd.NA else str(q), 0)) \
        .to_numpy(dtype=np.int8)


def _bounds(values: np.ndarray, marks: np.ndarray, kind: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bound of each figure: exact, 余/多/以上 (≥), 近 (≤), 约 (±APPROX_TOLERANCE).

    不适用 is 0; a blank is 0 here and is handled by the caller (the comparison is not assessable)."""
    v = np.where(marks == _VALUE, values, 0.0)
    lo = v.copy()
    hi = v.copy()
    hi[kind == 1] = np.inf
    lo[kind == 2] = 0.0
    lo[kind == 3] = v[kind == 3] * (1 - APPROX_TOLERANCE)
    hi[kind == 3] = v[kind == 3] * (1 + APPROX_TOLERANCE)
    return lo, hi


def _summable(series: pd.Series) -> np.ndarray:
    """Units that count items (empty = the unit of the stated total)."""
    s = series.astype("string").fillna("").str.strip()
    return (s.isin(SUMMABLE_UNITS) | (s == "")).to_numpy(dtype=bool)


def _channel_data(engine: _Engine) -> dict[str, Any]:
    """The channel rows as arrays with each report's sums and bounds, once per run."""
    return engine.memo("channels", lambda: _channel_arrays(engine))


def _channel_arrays(engine: _Engine) -> dict[str, Any]:
    ch = engine.ds.channels
    rep = engine.ds.reports
    n = engine.n
    pos, _ = engine.frame_positions(ch)
    pos = pos.astype(np.int64)
    values = ch["value"].to_numpy(dtype=np.float64)
    marks = ch["value_mark"].to_numpy()
    summable = _summable(ch["unit"]) if len(ch) else np.zeros(0, dtype=bool)
    lo, hi = _bounds(values, marks, _qualifier_kind(ch["qualifier"]) if len(ch) else np.zeros(0, np.int8))
    total = rep["proactive_total"].to_numpy(dtype=np.float64)
    total_mark = rep["proactive_total_mark"].to_numpy()
    t_lo, t_hi = _bounds(total, total_mark, _qualifier_kind(rep["proactive_qualifier"]))
    ov = rep["channels_overlap"]
    known = ov.notna().to_numpy(dtype=bool)
    yes = ov.fillna(False).to_numpy(dtype=bool)
    overlap = np.where(known, np.where(yes, "yes", "no"), "unknown")
    n_summable = np.bincount(pos, weights=summable, minlength=n)
    out = {
        "frame": ch, "pos": pos, "values": values, "marks": marks, "summable": summable,
        "total": total, "total_mark": total_mark, "t_lo": t_lo, "t_hi": t_hi, "overlap": overlap,
        "s_lo": np.bincount(pos, weights=np.where(summable, lo, 0.0), minlength=n),
        "s_hi": np.bincount(pos, weights=np.where(summable, hi, 0.0), minlength=n),
        "n_channels": np.bincount(pos, minlength=n),
        "n_summable": n_summable,
        "n_blank": np.bincount(pos, weights=summable & (marks == _BLANK), minlength=n),
        "total_unit_ok": _summable(rep["proactive_unit"]),
    }
    return out


@kernel(ChannelSum)
def _channel_sum(engine: _Engine, rule: Rule, check: ChannelSum) -> None:
    c = _channel_data(engine)
    if len(c["pos"]) == 0:
        return
    overlap = c["overlap"]
    s_lo, s_hi, t_lo, t_hi = c["s_lo"], c["s_hi"], c["t_lo"], c["t_hi"]
    n_excluded = c["n_channels"] - c["n_summable"]
    applies = engine.sel & (c["n_channels"] > 0) & np.isin(overlap, list(check.overlap))
    assessable = applies & (c["n_blank"] == 0) & (c["total_mark"] != _BLANK) & (c["n_summable"] > 0) & \
        c["total_unit_ok"]
    below = s_hi < t_lo - TOLERANCE
    above = s_lo > t_hi + TOLERANCE
    exceed_ok = np.isin(overlap, list(check.exceed_ok))
    fail = assessable & ((above & ~exceed_ok) | (below & (n_excluded == 0)))
    # with channels left out of the sum, a sum below the total shows nothing; when the sum may also
    # exceed the total (overlap), nothing can be shown at all
    undecidable = assessable & ~fail & (below | exceed_ok) & (n_excluded > 0)
    status = np.where(~assessable | undecidable, _NA, np.where(fail, _FAIL, _PASS))
    idx = np.flatnonzero(applies)
    engine.tally(rule, idx, status[idx])
    if not fail.any():
        return
    pos = c["pos"]
    frame = c["frame"]
    rep = engine.ds.reports
    order = np.argsort(pos, kind="stable")
    sorted_pos = pos[order]
    for p in np.flatnonzero(fail):
        members = order[np.searchsorted(sorted_pos, p): np.searchsorted(sorted_pos, p, side="right")]
        parts, excluded = [], []
        sources = [engine.total_source(int(p))] + [engine.channel_source(int(i)) for i in members]
        for i in members:
            label = _text_at(frame["label"], i)
            if not c["summable"][i]:
                excluded.append(label)
                continue
            fig = _figure_with_qualifier(c["values"][i], c["marks"][i], _text_at(frame["qualifier"], i))
            parts.append(f"{label} {fig}")
        sum_text = _range_text(s_lo[p], s_hi[p])
        total_text = _figure_with_qualifier(c["total"][p], c["total_mark"][p],
                                            _text_at(rep["proactive_qualifier"], p))
        unit = _text_at(rep["proactive_unit"], p)
        if above[p]:
            rel, diff = "超过", s_lo[p] - t_hi[p]
        else:
            rel, diff = "少于", t_lo[p] - s_hi[p]
        message = (f"各渠道合计 {' + '.join(parts)} = {sum_text}{unit}，{rel}主动公开总数 {total_text}{unit}，"
                   f"相差至少 {_num(diff)}。")
        if overlap[p] == "unknown":
            message += "报告未说明各渠道是否重复计数。"
        elif overlap[p] == "yes":
            message += "各渠道可重复计数，但合计不应少于总数。"
        if excluded:
            message += f"（未计入非条数单位的渠道：{'、'.join(excluded)}）"
        file, line = engine.report_place(int(p))
        engine.add(rule, int(p), place="主动公开 总数与各渠道合计", message=message, expected=total_text,
                   found=sum_text, file=file, line=line, source=_sources_text(sources))


def _sources_text(sources: Iterable[str]) -> str:
    """Workbook cells in one line, the file and sheet named once per run:
    ``文件.xlsx 数据!C12、C16、C17`` (empty sources are left out)."""
    out: list[str] = []
    prefix = None
    for s in sources:
        if not s:
            continue
        cut = max(s.rfind("!"), s.rfind(" "))
        head, ref = s[:cut + 1], s[cut + 1:]
        if out and head == prefix:
            out[-1] += f"、{ref}"
        else:
            out.append(s)
            prefix = head
    return "；".join(out)


def _range_text(lo: float, hi: float) -> str:
    if math.isinf(hi):
        return f"至少 {_num(lo)}"
    if abs(hi - lo) <= TOLERANCE:
        return _num(lo)
    return f"{_num(lo)}–{_num(hi)}"


@kernel(NonNegativeFigures)
def _non_negative(engine: _Engine, rule: Rule, check: NonNegativeFigures) -> None:
    c = _channel_data(engine)
    # the stated total
    has_total = engine.sel & (c["total_mark"] != _BLANK)
    neg_total = has_total & (c["total_mark"] == _VALUE) & (c["total"] < 0)
    idx = np.flatnonzero(has_total)
    engine.tally(rule, idx, np.where(neg_total[idx], _FAIL, _PASS))
    for p in np.flatnonzero(neg_total):
        file, line = engine.report_place(int(p))
        found = _num(c["total"][p])
        engine.add(rule, int(p), place="主动公开 总数", message=f"主动公开总数为 {found}，条数不能为负数。",
                   expected="非负数", found=found, file=file, line=line, source=engine.total_source(int(p)))
    # every channel figure
    pos = c["pos"]
    if len(pos) == 0:
        return
    m = (c["marks"] != _BLANK) if engine.all_selected else engine.sel[pos] & (c["marks"] != _BLANK)
    idx = np.flatnonzero(m)
    bad = (c["marks"][idx] == _VALUE) & (c["values"][idx] < 0)
    engine.tally(rule, pos[idx], np.where(bad, _FAIL, _PASS))
    frame = c["frame"]
    for i in idx[bad]:
        seq = int(frame["seq"].iloc[i])
        place = f"主动公开 第{seq}项渠道“{_text_at(frame['label'], i)}”"
        found = _num(c["values"][i])
        file = engine.files["channels"]
        engine.add(rule, int(pos[i]), place=place, message=f"{place}为 {found}，条数不能为负数。", expected="非负数",
                   found=found, channel_seq=seq, file=file, line=int(frame["line"].iloc[i]) if file else None,
                   source=engine.channel_source(int(i)), order=("", 0, seq))
