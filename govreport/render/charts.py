"""The channel-distribution chart: one horizontal bar per disclosure channel, with count and share.

Built with matplotlib's object API (no pyplot, no global state, no backend), rendered to SVG with the
text drawn as glyph outlines from the Noto Sans CJK SC face: the shapes are simplified Chinese wherever
the SVG is shown or printed. The output is deterministic: fixed ``svg.hashsalt``, no date or creator
metadata, no XML prologue (the SVG is inlined into HTML).
"""

from __future__ import annotations

import io
import math
import re
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING

from govreport.core.channels import QUALIFIERS, Qualifier
from govreport.core.values import Mark, format_value

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

BAR_COLOR = "#2f5d8a"
TEXT_COLOR = "#222222"
WIDTH_IN = 6.3  # ≈ 16 cm, the text width of an A4 page with 2.5 cm margins
SVG_SALT = "govreport"


@dataclass(frozen=True, slots=True)
class Bar:
    label: str  # the channel as written in the report
    value: float
    text: str  # e.g. "303条（72.49%）"


@dataclass(frozen=True, slots=True)
class ChartSpec:
    bars: tuple[Bar, ...]
    xlabel: str = "信息条数"


def format_share(share: float | None) -> str:
    """Share in percent with two decimals, e.g. ``72.49%``; '' when not available."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return ""
    return f"{share:.2f}%"


def figure_with_qualifier(value: float | None, mark: int, qualifier: str, unit: str) -> str:
    """``303条``, ``300余条``, ``近50条``, ``1000条以上``; '' for blank, 不适用 for not applicable."""
    text = format_value(value, mark)
    if Mark(mark) is not Mark.VALUE:
        return text
    q = Qualifier(qualifier) if qualifier in QUALIFIERS else Qualifier.EXACT
    return q.written(text, unit)


def channel_chart_spec(distribution: pd.DataFrame) -> ChartSpec | None:
    """The bars of one agency-year's :func:`govreport.analysis.stats.channel_distribution` frame, in report order.

    Only reported figures become bars (blank and 不适用 channels are shown in the table, not charted).
    Returns None when no channel has a figure.
    """
    bars = []
    for r in distribution.sort_values("seq", kind="stable").itertuples(index=False):
        if int(r.value_mark) != Mark.VALUE:
            continue
        share = format_share(r.share)
        figure = figure_with_qualifier(r.value, r.value_mark, str(r.qualifier or ""), str(r.unit or ""))
        bars.append(Bar(label=str(r.label), value=float(r.value), text=f"{figure}（{share}）" if share else figure))
    return ChartSpec(tuple(bars)) if bars else None


def _wrap(label: str, width: int = 11) -> str:
    return "\n".join(textwrap.wrap(label, width=width, break_long_words=True)) or label


def render_svg(spec: ChartSpec) -> str:
    """The chart as an SVG fragment ready to inline in HTML. Glyph warnings propagate (no tofu silently)."""
    return _draw(spec, figure_svg)


def render_png(spec: ChartSpec, *, dpi: int = 300) -> bytes:
    """The chart as a PNG of ``dpi`` dots per inch (no time or software stamp: same chart, same bytes)."""

    def save(fig) -> bytes:
        buf = io.BytesIO()
        # zlib level 1: a third faster than the default for ~10 % more bytes (still the same bytes every time)
        fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None}, pil_kwargs={"compress_level": 1})
        return buf.getvalue()

    return _draw(spec, save)


def _draw(spec: ChartSpec, save):
    import matplotlib
    from matplotlib.figure import Figure

    from govreport.render.fonts import use_in_matplotlib

    family = use_in_matplotlib()
    n = len(spec.bars)
    labels = [_wrap(b.label) for b in spec.bars]
    lines = max(label.count("\n") + 1 for label in labels)
    height = 0.75 + n * max(0.42, 0.2 * lines + 0.12)
    rc = chart_rc(family, 9.5)
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=(WIDTH_IN, height))
        # Fixed margins from the label length (full-width glyphs ≈ 1 em): faster than a layout engine
        # and the same for the same labels.
        em = rc["font.size"] / 72
        longest = max(len(line) for label in labels for line in label.split("\n"))
        left = min(0.5, (longest * em + 0.25) / WIDTH_IN)
        fig.subplots_adjust(left=left, right=0.98, top=1 - 0.12 / height, bottom=0.55 / height)
        ax = fig.add_subplot()
        ys = list(range(n))
        values = [b.value for b in spec.bars]
        ax.barh(ys, values, height=0.6, color=BAR_COLOR)
        ax.set_yticks(ys, labels=labels)
        for t in ax.get_yticklabels():
            t.set_parse_math(False)
        ax.invert_yaxis()
        top = max(values) if values else 1.0
        ax.set_xlim(0, top * 1.32 if top > 0 else 1.0)
        for y, b in zip(ys, spec.bars, strict=True):
            ax.text(b.value + top * 0.015, y, b.text, va="center", ha="left", parse_math=False)
        ax.set_xlabel(spec.xlabel)
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(axis="y", length=0)
        return save(fig)


def chart_rc(family: str, font_size: float) -> dict[str, object]:
    """matplotlib settings shared by every govreport chart: the CJK family, glyphs drawn as outlines,
    a fixed SVG id salt (same chart, same bytes) and the report's text colour."""
    return {
        "svg.hashsalt": SVG_SALT,
        "svg.fonttype": "path",
        "font.family": [family],
        "font.size": font_size,
        "axes.unicode_minus": False,
        "text.color": TEXT_COLOR,
        "axes.edgecolor": "#888888",
        "axes.labelcolor": TEXT_COLOR,
        "xtick.color": TEXT_COLOR,
        "ytick.color": TEXT_COLOR,
        "legend.frameon": False,
        "path.simplify": False,
    }


def figure_svg(fig) -> str:
    """A figure as inline SVG, without the metadata that would differ between runs."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    return inline_svg(buf.getvalue())


_PROLOGUE = re.compile(r"^.*?(?=<svg\b)", re.S)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
_XMLNS = re.compile(r'\s+xmlns(?::\w+)?="[^"]*"')


def inline_svg(svg: str) -> str:
    """Strip the XML prologue, DOCTYPE, metadata and namespace declarations (HTML's parser supplies them)."""
    svg = _PROLOGUE.sub("", svg, count=1)
    svg = _METADATA.sub("", svg)
    svg = _XMLNS.sub("", svg)
    return svg.strip()
