"""The channel chart and the CJK fonts: no tofu (glyph warnings are errors), SC faces, deterministic SVG."""

from __future__ import annotations

import warnings

import pytest

from govreport.analysis import stats
from govreport.core.errors import DependencyError
from govreport.render import charts, fonts

SEED_ID = "150821-minzhengju"


@pytest.fixture(scope="module")
def seed_spec(seed_dataset):
    return charts.channel_chart_spec(stats.report_channels(seed_dataset, SEED_ID, 2020))


def test_chart_spec_has_counts_and_shares(seed_spec):
    assert [b.text for b in seed_spec.bars] == [
        "58条（13.88%）", "303条（72.49%）", "22条（5.26%）", "35条（8.37%）"]
    assert [b.label for b in seed_spec.bars][1] == "“三务公开”等各便民服务平台"


def test_chart_renders_without_missing_glyphs(seed_spec):
    spec = charts.ChartSpec((*seed_spec.bars, charts.Bar("政务微博$x$与“短视频”平台（抖音）", 3, "3条")))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)" for tofu
        svg = charts.render_svg(spec)
    assert svg.startswith("<svg") and "<path" in svg
    assert "<text" not in svg  # glyphs are outlines: the SC shapes wherever the SVG is shown


def test_glyph_check_is_real(seed_spec, monkeypatch):
    """The same chart with a font without Chinese glyphs fails loudly under the same warning filter."""
    monkeypatch.setattr("govreport.render.fonts.use_in_matplotlib", lambda dirs=None: "DejaVu Sans")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(UserWarning, match="missing from font"):
            charts.render_svg(seed_spec)


def test_chart_is_deterministic_and_offline(seed_spec):
    a, b = charts.render_svg(seed_spec), charts.render_svg(seed_spec)
    assert a == b
    assert "http" not in a and "<?xml" not in a and "<metadata" not in a and "Matplotlib" not in a


def test_matplotlib_uses_the_simplified_chinese_face():
    from matplotlib import font_manager as fm

    family = fonts.use_in_matplotlib()
    path = fm.findfont(fm.FontProperties(family=family), fallback_to_default=False)
    face = fm.get_font(path)
    assert face.family_name == "Noto Sans CJK SC"
    assert "CJKsc" in face.postscript_name  # not the JP, KR or TC face of the same collection


def test_missing_font_is_a_clear_error(tmp_path):
    with pytest.raises(DependencyError) as err:
        fonts.find_cjk_fonts([tmp_path])
    assert "apt-get install fonts-noto-cjk" in str(err.value)


def test_fonts_found_in_an_extra_directory(tmp_path, monkeypatch):
    found = fonts.find_cjk_fonts()
    (tmp_path / found.sans.name).symlink_to(found.sans)
    monkeypatch.setenv("GOVREPORT_FONT_DIRS", str(tmp_path))
    assert fonts.find_cjk_fonts(fonts.search_dirs()[:1]).sans.parent == tmp_path
