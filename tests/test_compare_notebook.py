"""notebooks/compare.ipynb executed for real through papermill, then exported to HTML.

Marked ``slow``. Each execution runs in a forked child (:class:`~govreport.run.worker.ForkedCall`) with the
project's in-process engine, as the renderer does; one run uses a real Jupyter kernel, as JupyterLab does.
Glyph warnings are errors inside the run: a chart with tofu fails its cell.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from govreport.analysis import compare
from govreport.core.errors import CellExecutionError, NotFoundError
from govreport.run import params as P
from govreport.run.worker import ForkedCall

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
NOTEBOOK = REPO / "notebooks" / "compare.ipynb"
DATA = REPO / "data"


def _run(parameters: dict, out: Path, *, engine: str = "inprocess", font: str | None = None) -> tuple[dict, str]:
    """Execute the notebook in a fork; return the executed notebook and its publication HTML. ``font``
    replaces the CJK face the charts find (to prove that tofu fails the run)."""

    def child() -> tuple[str, str]:
        import warnings

        from govreport.render import fonts
        from govreport.render import html as H
        from govreport.run import engine as E

        warnings.filterwarnings("error", message=".*missing from font.*")  # tofu fails the cell
        if font is not None:
            fonts.use_in_matplotlib = lambda dirs=None: font
        nb = E.execute_notebook(NOTEBOOK, out, parameters, engine=engine, cwd=NOTEBOOK.parent)
        return nbformat.writes(nb), H.export(nb, rendition="publication", title="比较分析")

    text, page = ForkedCall(child).result(300)
    return nbformat.reads(text, as_version=4), page


def _outputs_html(nb) -> str:
    return "".join(o.get("data", {}).get("text/html", "") for c in nb.cells if c.cell_type == "code"
                   for o in c.outputs)


def _errors(nb) -> list:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]


# -------------------------------------------------------------------------------------- the file


def test_notebook_is_committed_without_outputs_and_declares_typed_parameters():
    raw = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in raw["cells"] if c["cell_type"] == "code"]
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    declared = P.declared_parameters(raw)
    assert {k: (d.type_name, d.default) for k, d in declared.items()} == {
        "data_dir": ("str", "../data"), "years": ("str", ""), "agencies": ("str", ""), "region": ("str", ""),
        "min_n": ("int", 30)}
    assert tuple(declared) == compare.PARAMETERS
    # the defaults pass the comparison's own checks, relative to the notebook's directory
    scope = compare.validate({k: d.default for k, d in declared.items()}, base=NOTEBOOK.parent)
    assert scope.data_dir == DATA
    # thin: every code cell after the parameters only calls govreport
    sources = ["".join(c["source"]) for c in code[1:]]
    assert all(s.startswith(("from govreport", "doc.")) for s in sources)


# -------------------------------------------------------------------------------------- the seed


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("cmp-seed")
    return _run({}, out / "compare.ipynb"), out


def test_seed_runs_and_says_there_is_nothing_to_compare(seed_run):
    (nb, _page), _ = seed_run
    assert not _errors(nb)
    html = _outputs_html(nb)
    assert "政府信息公开工作年度报告比较分析（五原县民政局，2020年）" in html
    assert "所选范围内只有一个机关年度" in html
    assert "无法比较渠道构成的变化" in html
    assert "没有可比较的相邻年度数据" in html
    assert "没有机关的分母达到30件，本项不排名" in html
    assert "303（72.49%）" in html and "418（100.00%）" in html  # the seed's channels, pooled
    assert "<svg" in html  # the channel-mix chart of the one year


def test_seed_html_export_is_offline_without_code_and_deterministic(seed_run, tmp_path):
    (_, page), out = seed_run
    assert '<html lang="zh">' in page
    assert "CompareDocument" not in page and "data_dir" not in page.split("<main")[1].split("说明")[0]
    assert "<script" not in page and "http://" not in page.replace("http://www.w3.org", "")
    assert str(out) not in page and str(REPO) not in page  # no absolute path
    _, again = _run({}, tmp_path / "again.ipynb")
    assert again == page


# -------------------------------------------------------------------------------------- synthetic


@pytest.fixture(scope="module")
def synth_dir(tmp_path_factory) -> Path:
    from govreport.analysis.synth import write_dataset as synth

    out = tmp_path_factory.mktemp("cmp-synth") / "s"
    synth(out, agencies=30, years=range(2019, 2024))
    return out


def test_synthetic_dataset_key_numbers_appear(synth_dir, tmp_path):
    params = {"data_dir": str(synth_dir), "years": "2021-2023", "min_n": 20}
    nb, page = _run(params, tmp_path / "compare.ipynb")
    assert not _errors(nb)
    html = _outputs_html(nb)
    # the same numbers computed here, outside the notebook
    s = compare.validate(params)
    p = compare.scope_panel(s)
    assert "政府信息公开工作年度报告比较分析（全部30个机关，2021—2023年）" in html
    assert f"数据集中有{s.agency_years}个" in html
    mix = compare.channel_mix(s.data.channels)
    web = mix[(mix["year"] == 2023) & (mix["channel"] == "website")].iloc[0]
    assert f"{int(web['value'])}（{web['share']:.2f}%）" in html
    league = compare.league(s.data, p, "disclosure_rate", min_n=20)
    top = league.iloc[0]
    assert top["ranked"] and f"{top['value']:.2f}%" in html
    assert "最小样本量20件" in html
    pairs = compare.year_pairs(s)
    rise = compare.movers(pairs, "received").iloc[0]
    assert f"+{int(rise['change'])}" in html and f"+{rise['change_pct']:.2f}%" in html
    not_ranked = league[league["reason"] == "below_min_n"]
    assert len(not_ranked) and "样本不足" in html
    # exported page: one self-contained document with every section and its charts inline
    for heading in ("一、比较范围与数据覆盖", "二、主动公开渠道构成的变化", "三、年度变化较大的机关",
                    "四、比率排名（最小样本量20件）", "五、机关之间的分布", "六、按年度、层级和地区汇总"):
        assert heading in page
    assert page.count("<svg") >= 8


def test_kernel_engine_runs_the_notebook_as_jupyterlab_does(synth_dir, tmp_path):
    nb, _ = _run({"data_dir": str(synth_dir), "region": "合成示例省1/合成示例市101", "years": "2023"},
                 tmp_path / "kernel.ipynb", engine="kernel")
    assert not _errors(nb)
    html = _outputs_html(nb)
    assert "（合成示例省1合成示例市101，2023年）" in html
    assert "合成示例省1商务厅" not in html  # a province department lies outside the region


def test_tofu_fails_the_run(tmp_path):
    """The glyph check inside the run is real: a face without Chinese glyphs fails the first chart's cell."""
    with pytest.raises(CellExecutionError) as err:
        _run({}, tmp_path / "tofu.ipynb", font="DejaVu Sans")
    assert "missing from font" in str(err.value) and "doc.channel_mix()" in str(err.value)


def test_bad_parameter_fails_the_first_cell_with_a_clear_message(tmp_path):
    with pytest.raises(CellExecutionError) as err:
        _run({"years": "2030"}, tmp_path / "bad.ipynb")
    assert "NotFoundError" in str(err.value) and "2030" in str(err.value)
    assert err.value.cell_index is not None


def test_rendered_through_the_generic_renderer(synth_dir, tmp_path):
    """``Renderer.render_notebook`` with :func:`govreport.analysis.compare.preflight` as its validate hook (the way
    ``govreport compare`` is to be wired): title and provenance from the hook, bad values rejected before
    anything executes."""
    from govreport.run.pipeline import Renderer

    if not hasattr(Renderer, "render_notebook"):
        pytest.skip("Renderer.render_notebook is not available in this tree")
    out = tmp_path / "cmp"
    with Renderer(tmp_path / "unused", to="html") as r:
        result = r.render_notebook(NOTEBOOK, {"data_dir": str(synth_dir), "years": "2022-2023"}, out,
                                   validate=compare.preflight)
        page = (out / "report.html").read_text(encoding="utf-8")
        assert "<title>政府信息公开工作年度报告比较分析（全部30个机关，2022—2023年）</title>" in page
        assert result.provenance["scope"] == {"agencies": 30, "years": "2022-2023", "agency_years": 60}
        assert str(synth_dir) not in page
        with pytest.raises(NotFoundError):
            r.render_notebook(NOTEBOOK, {"data_dir": str(synth_dir), "years": "2030"}, tmp_path / "bad",
                              validate=compare.preflight)
    assert not (tmp_path / "bad").exists()
