"""The charts of the comparison notebook: channel mix by year, movers, league tables, distributions, rates by year.

Like :mod:`govreport.render.charts`: matplotlib's object API (no pyplot, no global state), the Noto Sans CJK
SC face found by :mod:`govreport.render.fonts`, text drawn as glyph outlines, deterministic SVG (fixed hash
salt, no date or creator, no XML prologue) ready to inline in HTML. A missing glyph is never silent: with
warnings turned into errors, matplotlib's "Glyph … missing from font(s)" raises.

Each function takes the frame of a :mod:`govreport.analysis.compare` section and returns an SVG fragment, or None
when there is nothing to draw (the document then says so in words).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from govreport.render.charts import WIDTH_IN, chart_rc, figure_svg

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

#: One colour per channel, in taxonomy order (govreport.core.channels.CHANNELS), distinguishable in print.
CHANNEL_COLORS: dict[str, str] = {
    "website": "#2f5d8a", "wechat": "#4f9a55", "weibo": "#d08a2e", "short_video": "#8c5ba6",
    "news_app": "#c2548a", "new_media": "#6e8fb8", "gazette": "#7a6a4f", "press_event": "#b5523b",
    "mass_media": "#3c9c9c", "notice_board": "#a9a23a", "electronic_screen": "#5c5c8a",
    "access_point": "#8a5c3c", "service_platform": "#3b7a57", "messaging": "#9a9a9a", "other": "#c8c8c8",
}
RISE_COLOR = "#2f5d8a"
FALL_COLOR = "#b5523b"
BAR_COLOR = "#2f5d8a"
LIGHT_COLOR = "#a9bdd1"
FONT_SIZE = 9.0
_EM = FONT_SIZE / 72  # inches per full-width glyph


def _render(draw, height: float) -> str:
    """Build a figure of ``height`` inches with ``draw(fig)`` under the chart rc settings; return inline SVG."""
    import matplotlib
    from matplotlib.figure import Figure

    from govreport.render.fonts import use_in_matplotlib

    family = use_in_matplotlib()
    with matplotlib.rc_context(chart_rc(family, FONT_SIZE)):
        fig = Figure(figsize=(WIDTH_IN, height))
        draw(fig)
        return figure_svg(fig)


def _wrap(label: str, width: int) -> str:
    """Lines of at most ``width`` characters; a last line of one or two characters (a closing bracket)
    goes back onto the line before rather than standing alone."""
    lines = textwrap.wrap(label, width=width, break_long_words=True) or [label]
    if len(lines) > 1 and len(lines[-1]) <= 2:
        lines[-2:] = [lines[-2] + lines[-1]]
    return "\n".join(lines)


def _plain(texts) -> None:
    for t in texts:
        t.set_parse_math(False)  # '$' in a name is text, not mathtext


def _left_margin(labels: Sequence[str]) -> float:
    longest = max((len(line) for label in labels for line in label.split("\n")), default=4)
    return min(0.5, (longest * _EM + 0.3) / WIDTH_IN)


def _pct(v: float) -> str:
    return f"{v:.2f}%"


def _number(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.2f}".rstrip("0").rstrip(".")


# ---------------------------------------------------------------------------------- channel mix


def channel_mix_svg(mix: pd.DataFrame) -> str | None:
    """100 % stacked bars, one per year (earliest on top), one segment per channel with its share;
    the pooled total at the end of each bar. ``mix`` is :func:`govreport.analysis.compare.channel_mix`."""
    if mix is None or len(mix) == 0:
        return None
    from govreport.core.channels import CHANNEL_BY_ID

    years = sorted({int(y) for y in mix["year"]})
    channels = sorted({str(c) for c in mix["channel"]},
                      key=lambda c: (CHANNEL_BY_ID[c].order if c in CHANNEL_BY_ID else 99, c))
    share = {(int(r.year), str(r.channel)): float(r.share) for r in mix.itertuples(index=False)}
    totals = mix.groupby("year")["value"].sum()
    legend_rows = math.ceil(len(channels) / 4)
    bottom_in = 0.62 + 0.2 * legend_rows
    height = 0.2 + 0.42 * len(years) + bottom_in

    def draw(fig) -> None:
        labels = [f"{y}年" for y in years]
        fig.subplots_adjust(left=_left_margin(labels), right=0.86, top=1 - 0.15 / height, bottom=bottom_in / height)
        ax = fig.add_subplot()
        ys = list(range(len(years)))
        left = [0.0] * len(years)
        for c in channels:
            widths = [share.get((y, c), 0.0) if not math.isnan(share.get((y, c), 0.0)) else 0.0 for y in years]
            label = CHANNEL_BY_ID[c].label if c in CHANNEL_BY_ID else c
            ax.barh(ys, widths, left=left, height=0.62, color=CHANNEL_COLORS.get(c, "#888888"), label=label,
                    edgecolor="white", linewidth=0.6)
            for y, x0, w in zip(ys, left, widths, strict=True):
                if w >= 8:
                    ax.text(x0 + w / 2, y, f"{w:.1f}%", ha="center", va="center", color="white", fontsize=8)
            left = [a + b for a, b in zip(left, widths, strict=True)]
        for y, year in zip(ys, years, strict=True):
            ax.text(101.5, y, f"{_number(float(totals[year]))}", ha="left", va="center", fontsize=8)
        ax.set_yticks(ys, labels=labels)
        _plain(ax.get_yticklabels())
        ax.invert_yaxis()
        ax.set_xlim(0, 100)
        ax.set_xticks([0, 20, 40, 60, 80, 100], labels=["0", "20%", "40%", "60%", "80%", "100%"])
        ax.set_xlabel("占当年各渠道发布总数的比例（右侧数字为合计）")
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(axis="y", length=0)
        handles, names = ax.get_legend_handles_labels()
        leg = fig.legend(handles, names, loc="lower center", bbox_to_anchor=(0.5, 0.04 / height), ncol=4,
                         fontsize=8, handlelength=1.2, columnspacing=1.2)
        _plain(leg.get_texts())

    return _render(draw, height)


# --------------------------------------------------------------------------------------- movers


def movers_svg(movers: pd.DataFrame) -> str | None:
    """Diverging bars of the largest rises (blue) and falls (red): one bar per agency-year, labelled with
    the change and the change in percent. ``movers`` is :func:`govreport.analysis.compare.movers`."""
    if movers is None or len(movers) == 0:
        return None
    rows = list(movers.itertuples(index=False))
    labels = [f"{_wrap(str(r.name), 16)}\n（{int(r.year - 1)}—{int(r.year)}年）" for r in rows]
    lines = max(label.count("\n") + 1 for label in labels)
    n = len(rows)
    height = 0.7 + n * max(0.32, 0.16 * lines + 0.1)
    changes = [float(r.change) for r in rows]
    span = max(abs(c) for c in changes) or 1.0

    def draw(fig) -> None:
        fig.subplots_adjust(left=_left_margin(labels), right=0.97, top=1 - 0.12 / height, bottom=0.5 / height)
        ax = fig.add_subplot()
        ys = list(range(n))
        ax.barh(ys, changes, height=0.6, color=[RISE_COLOR if c > 0 else FALL_COLOR for c in changes])
        for y, r, c in zip(ys, rows, changes, strict=True):
            pct = r.change_pct
            text = f"{'+' if c > 0 else ''}{_number(c)}"
            if pct == pct:  # not NaN
                text += f"（{'+' if pct > 0 else ''}{pct:.2f}%）"
            off = span * 0.02
            ax.text(c + off if c > 0 else c - off, y, text, va="center", ha="left" if c > 0 else "right", fontsize=8)
        ax.set_yticks(ys, labels=labels)
        _plain(ax.get_yticklabels())
        ax.invert_yaxis()
        lo, hi = min(0.0, min(changes)), max(0.0, max(changes))
        pad = span * 0.55
        ax.set_xlim(lo - pad if lo < 0 else 0, hi + pad if hi > 0 else 0)
        ax.axvline(0, color="#888888", linewidth=0.8)
        ax.set_xlabel("与上年相比的增减")
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(axis="y", length=0)

    return _render(draw, height)


# -------------------------------------------------------------------------------- league tables


def league_svg(table: pd.DataFrame, *, top: int = 20) -> str | None:
    """The ranked agencies (at most ``top``) as bars of their pooled rate, labelled with the rate and its
    denominator. Agencies not ranked (minimum-N rule) are not drawn. ``table`` is
    :func:`govreport.analysis.compare.league`."""
    if table is None or len(table) == 0:
        return None
    ranked = table[table["ranked"]].head(top)
    if len(ranked) == 0:
        return None
    rows = list(ranked.itertuples(index=False))
    labels = [_wrap(f"{int(r.rank)}．{r.name}", 16) for r in rows]
    lines = max(label.count("\n") + 1 for label in labels)
    n = len(rows)
    height = 0.7 + n * max(0.3, 0.16 * lines + 0.1)

    def draw(fig) -> None:
        fig.subplots_adjust(left=_left_margin(labels), right=0.97, top=1 - 0.12 / height, bottom=0.5 / height)
        ax = fig.add_subplot()
        ys = list(range(n))
        values = [float(r.value) for r in rows]
        ax.barh(ys, values, height=0.6, color=BAR_COLOR)
        for y, r, v in zip(ys, rows, values, strict=True):
            ax.text(v + 1.5, y, f"{_pct(v)}（n={_number(float(r.n))}）", va="center", ha="left", fontsize=8)
        ax.set_yticks(ys, labels=labels)
        _plain(ax.get_yticklabels())
        ax.invert_yaxis()
        ax.set_xlim(0, 135)
        ax.set_xticks([0, 20, 40, 60, 80, 100], labels=["0", "20%", "40%", "60%", "80%", "100%"])
        ax.set_xlabel("比率（n为分母）")
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(axis="y", length=0)

    return _render(draw, height)


# -------------------------------------------------------------------------------- distributions


def box_svg(groups: Sequence[tuple[str, np.ndarray]], *, xlabel: str) -> str | None:
    """Horizontal box plots, one per group (label, values), with the number of values in the label.
    A logarithmic axis when all values are positive and span more than 30 times. None when fewer than two
    values in all."""
    import numpy as np

    groups = [(label, np.asarray(v, dtype="float64")) for label, v in groups]
    groups = [(label, v[~np.isnan(v)]) for label, v in groups]
    groups = [(label, v) for label, v in groups if len(v)]
    if sum(len(v) for _, v in groups) < 2:
        return None
    labels = [f"{label}（{len(v)}）" for label, v in groups]
    allv = np.concatenate([v for _, v in groups])
    log = bool((allv > 0).all() and allv.max() / allv.min() > 30)
    height = 0.8 + 0.45 * len(groups)

    def draw(fig) -> None:
        fig.subplots_adjust(left=_left_margin(labels), right=0.97, top=1 - 0.12 / height, bottom=0.55 / height)
        ax = fig.add_subplot()
        ax.boxplot([v for _, v in groups], orientation="horizontal", widths=0.55, patch_artist=True,
                   boxprops={"facecolor": LIGHT_COLOR, "edgecolor": BAR_COLOR},
                   medianprops={"color": FALL_COLOR, "linewidth": 1.4},
                   whiskerprops={"color": BAR_COLOR}, capprops={"color": BAR_COLOR},
                   flierprops={"marker": "o", "markersize": 3, "markerfacecolor": BAR_COLOR,
                               "markeredgecolor": BAR_COLOR})
        ax.set_yticks(range(1, len(groups) + 1), labels=labels)
        _plain(ax.get_yticklabels())
        ax.invert_yaxis()
        if log:
            from matplotlib.ticker import FuncFormatter, NullFormatter

            ax.set_xscale("log")
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _number(v)))
            ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel(xlabel + ("（对数刻度）" if log else ""))
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(axis="y", length=0)

    return _render(draw, height)


def histogram_svg(hist: pd.DataFrame, *, min_n: int, denominator: str) -> str | None:
    """Stacked bars per rate band: agency-years whose own denominator reaches ``min_n`` (dark) and those
    below it (light). ``hist`` is :func:`govreport.analysis.compare.rate_histogram`. None when it counts nothing."""
    if hist is None or int(hist["large"].sum() + hist["small"].sum()) == 0:
        return None
    height = 2.6

    def draw(fig) -> None:
        fig.subplots_adjust(left=0.1, right=0.97, top=0.84, bottom=0.2)
        ax = fig.add_subplot()
        xs = list(range(len(hist)))
        large = [int(v) for v in hist["large"]]
        small = [int(v) for v in hist["small"]]
        ax.bar(xs, large, width=0.8, color=BAR_COLOR, label=f"{denominator}≥{min_n}")
        ax.bar(xs, small, width=0.8, bottom=large, color=LIGHT_COLOR, label=f"{denominator}<{min_n}")
        for x, a, b in zip(xs, large, small, strict=True):
            if a + b:
                ax.text(x, a + b, str(a + b), ha="center", va="bottom", fontsize=8)
        ax.set_xticks(xs, labels=[f"{int(lo)}–{int(hi)}" for lo, hi in zip(hist["low"], hist["high"], strict=True)])
        ax.set_xlabel("比率区间（%，100%计入最后一档）")
        ax.set_ylabel("机关年度数")
        top = max(a + b for a, b in zip(large, small, strict=True))
        ax.set_ylim(0, top * 1.18 + 0.5)
        ax.spines[["top", "right"]].set_visible(False)
        leg = ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=8)
        _plain(leg.get_texts())

    return _render(draw, height)


# ------------------------------------------------------------------------------- rates by year


def rates_by_year_svg(by_year: pd.DataFrame, rates: dict[str, str]) -> str | None:
    """Pooled rates by year as lines (a gap where a year has nothing to rate). ``by_year`` is
    :func:`govreport.analysis.compare.aggregates` by year; ``rates`` maps its rate columns to labels. None when fewer
    than two years have any rate."""
    import numpy as np

    if by_year is None or len(by_year) == 0:
        return None
    years = [int(y) for y in by_year["year"]]
    series = {c: by_year[c].to_numpy(dtype="float64") for c in rates if c in by_year}
    with_rate = sum(1 for i in range(len(years)) if any(not np.isnan(s[i]) for s in series.values()))
    if with_rate < 2:
        return None
    height = 2.8
    colors = [BAR_COLOR, FALL_COLOR, "#4f9a55"]
    markers = ["o", "s", "^"]

    def draw(fig) -> None:
        fig.subplots_adjust(left=0.1, right=0.97, top=0.84, bottom=0.15)
        ax = fig.add_subplot()
        for (col, label), color, marker in zip(rates.items(), colors, markers, strict=False):
            s = series.get(col)
            if s is None or np.isnan(s).all():
                continue
            ax.plot(years, s, color=color, marker=marker, markersize=4, linewidth=1.4, label=label)
        ax.set_xticks(years, labels=[f"{y}年" for y in years])
        ax.set_ylim(0, 105)
        ax.set_yticks([0, 20, 40, 60, 80, 100], labels=["0", "20%", "40%", "60%", "80%", "100%"])
        ax.set_ylabel("汇总比率")
        ax.spines[["top", "right"]].set_visible(False)
        leg = ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, fontsize=8)
        _plain(leg.get_texts())

    return _render(draw, height)


__all__ = ["box_svg", "channel_mix_svg", "histogram_svg", "league_svg", "movers_svg", "rates_by_year_svg"]
