"""The comparison charts: no tofu (glyph warnings are errors), deterministic SVG bytes, None when empty."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from govreport.analysis import compare
from govreport.render import compare_charts as K
from tests.test_compare import small_dataset

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def frames(tmp_path_factory):
    from govreport.analysis.synth import write_dataset as synth

    out = tmp_path_factory.mktemp("charts") / "s"
    synth(out, agencies=30, years=range(2019, 2024))
    s = compare.validate({"data_dir": str(out)})
    p = compare.scope_panel(s)
    pairs = compare.year_pairs(s)
    return {
        "scope": s, "panel": p, "mix": compare.channel_mix(s.data.channels),
        "movers": compare.movers(pairs, "received"),
        "league": compare.league(s.data, p, "disclosure_rate", min_n=30),
        "hist": compare.rate_histogram(p, "disclosure_rate", min_n=30),
        "by_year": compare.aggregates(s.data, p, "year"),
    }


def _all_charts(f) -> dict[str, str | None]:
    p = f["panel"]
    groups = [(lv, p.loc[p["level"] == lv, "proactive_total"].to_numpy()) for lv in compare.LEVEL_ORDER]
    return {
        "mix": K.channel_mix_svg(f["mix"]),
        "movers": K.movers_svg(f["movers"]),
        "league": K.league_svg(f["league"]),
        "box": K.box_svg(groups, xlabel="主动公开信息总数（条）"),
        "hist": K.histogram_svg(f["hist"], min_n=30, denominator="办结数"),
        "rates": K.rates_by_year_svg(f["by_year"], {m: v[0] for m, v in compare.RATES.items()}),
    }


def test_every_chart_renders_without_missing_glyphs(frames):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)" for tofu
        charts = _all_charts(frames)
    for name, svg in charts.items():
        assert svg is not None, name
        assert svg.startswith("<svg") and "<path" in svg, name
        assert "<text" not in svg, name  # glyph outlines: the SC shapes wherever the SVG is shown


def test_names_with_mathtext_and_rare_characters(frames):
    league = frames["league"].copy()
    league.loc[0, "name"] = "合成示例$\\undefined{$局（“测试”）—㐀"  # parsed as mathtext this would raise
    moved = frames["movers"].copy()
    moved.loc[0, "name"] = "某某县“三务公开”平台$1"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert K.league_svg(league) is not None
        assert K.movers_svg(moved) is not None


def test_glyph_check_is_real(frames, monkeypatch):
    """The same chart with a font without Chinese glyphs fails loudly under the same warning filter."""
    monkeypatch.setattr("govreport.render.fonts.use_in_matplotlib", lambda dirs=None: "DejaVu Sans")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(UserWarning, match="missing from font"):
            K.channel_mix_svg(frames["mix"])


def test_charts_are_deterministic_and_offline(frames):
    a, b = _all_charts(frames), _all_charts(frames)
    assert a == b
    for svg in a.values():
        assert "http" not in svg and "<?xml" not in svg and "<metadata" not in svg and "Matplotlib" not in svg


_SCRIPT = """
import sys
from govreport import compare
from govreport.render import compare_charts as K
s = compare.validate({"data_dir": sys.argv[1]})
p = compare.scope_panel(s)
sys.stdout.write(K.channel_mix_svg(compare.channel_mix(s.data.channels)))
sys.stdout.write(K.league_svg(compare.league(s.data, p, "disclosure_rate", min_n=1)))
"""


def test_chart_bytes_are_the_same_in_another_process(tmp_path):
    """Same data, same bytes, also across processes with different hash seeds."""
    root = small_dataset(tmp_path / "small")
    outs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        outs.append(subprocess.run([sys.executable, "-c", _SCRIPT, str(root)], capture_output=True, text=True,
                                   cwd=REPO, env=env, check=True, timeout=120).stdout)
    assert outs[0] == outs[1] and outs[0].startswith("<svg")


def test_nothing_to_draw_gives_none():
    empty_mix = pd.DataFrame({c: pd.Series([], dtype="object") for c in compare.MIX_COLUMNS})
    assert K.channel_mix_svg(empty_mix) is None
    assert K.movers_svg(pd.DataFrame(columns=list(compare.MOVER_COLUMNS))) is None
    unranked = pd.DataFrame({"agency_id": ["a"], "name": ["甲"], "value": [100.0], "n": [1.0], "ranked": [False],
                             "rank": [np.nan]})
    assert K.league_svg(unranked) is None
    assert K.box_svg([("县级", np.array([418.0]))], xlabel="x") is None  # one value: no distribution
    hist = pd.DataFrame({"low": [0.0], "high": [100.0], "large": [0], "small": [0]})
    assert K.histogram_svg(hist, min_n=30, denominator="办结数") is None
    one_year = pd.DataFrame({"year": [2020], "disclosure_rate": [50.0]})
    assert K.rates_by_year_svg(one_year, {"disclosure_rate": "实质公开率"}) is None


def test_text_from_the_data_cannot_break_out_of_the_svg():
    """matplotlib writes each label into an XML comment next to its glyphs: it must stay escaped there."""
    evil = "--><script>alert(1)</script><!--"
    table = pd.DataFrame({"agency_id": ["a"], "name": [evil], "value": [50.0], "n": [40.0], "ranked": [True],
                          "rank": [1.0]})
    svg = K.league_svg(table)
    assert "<script" not in svg and "&lt;script&gt;" in svg
