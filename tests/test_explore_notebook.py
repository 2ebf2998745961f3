"""notebooks/explore.ipynb, the analyst's tutorial, executed for real against the seed and a synthetic dataset.

Marked ``slow``. Each run executes in a forked child with the project's in-process papermill engine (as the
renderer does); glyph warnings are errors inside the run, so a chart with missing Chinese glyphs fails.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from govreport.analysis.synth import write_dataset
from govreport.run.worker import ForkedCall
from tests.conftest import REPO

pytestmark = pytest.mark.slow

NOTEBOOK = REPO / "notebooks" / "explore.ipynb"


def _run(parameters: dict, out: Path):
    def child() -> str:
        import warnings

        from govreport.run import engine as E

        warnings.filterwarnings("error", message=".*missing from font.*")
        nb = E.execute_notebook(NOTEBOOK, out, parameters, engine="inprocess", cwd=NOTEBOOK.parent)
        return nbformat.writes(nb)

    return nbformat.reads(ForkedCall(child).result(300), as_version=4)


def _outputs(nb, kind: str) -> list:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if kind in o.get("data", {})]


def _check(nb) -> str:
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    stderr = [o.text for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "stream" and o.name == "stderr"]
    assert not any("Glyph" in t or "missing from font" in t for t in stderr), stderr
    assert len(_outputs(nb, "image/png")) == 3
    return "".join(o["data"]["text/html"] for o in _outputs(nb, "text/html"))


def test_committed_without_outputs_with_parameters():
    raw = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in raw["cells"] if c["cell_type"] == "code"]
    assert all(not c["outputs"] and c["execution_count"] is None for c in code)
    assert "parameters" in code[0]["metadata"].get("tags", [])
    assert "data_dir" in "".join(code[0]["source"])
    assert raw["metadata"]["kernelspec"]["name"] == "govreport"


def test_runs_on_the_seed(tmp_path):
    nb = _run({"data_dir": str(REPO / "data")}, tmp_path / "seed.ipynb")
    html = _check(nb)
    assert "五原县民政局" in html
    assert "gr-blank" in html and "gr-value" in html  # blank and a reported 0 shown apart
    assert "无可计算案件" in html  # the league table says why the seed agency is not ranked


def test_runs_on_a_synthetic_dataset(tmp_path):
    data = tmp_path / "synthetic"
    write_dataset(data, agencies=10, years=[2019, 2020, 2021, 2022], seed=5, broken=2, narratives=False)
    nb = _run({"data_dir": str(data), "severity": "error", "min_n": 20}, tmp_path / "synth.ipynb")
    html = _check(nb)
    assert "合成数据" in html
    assert "gr-na" in html  # 不适用 appears in the synthetic tables and is styled apart
    assert "参与排名" in html and "错误" in html
