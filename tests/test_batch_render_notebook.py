"""``Renderer.render_notebook``: any parameterised notebook to a directory (the entry point ``govreport compare``
uses), with the renderer's guarantees: checked parameters, a validate hook, atomic outputs, provenance,
the failed notebook kept. Marked ``slow`` (executes notebooks, prints a PDF)."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from govreport.core.errors import CellExecutionError, NotFoundError, ParameterError
from govreport.run.pipeline import NotebookResult, Renderer

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"


@pytest.fixture()
def notebook(tmp_path) -> Path:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('heading: str = "示例"\nn: int = 3\ndata_dir: str = "../data"')
    params.metadata["tags"] = ["parameters"]
    body = nbformat.v4.new_code_cell(
        "import os\nfrom IPython.display import HTML\n"
        "assert os.path.isdir(data_dir), data_dir\n"
        "if n < 0:\n    raise ValueError('n 必须非负')\n"
        "HTML(f\"<h1>{heading}</h1><p>{'、'.join(str(i) for i in range(n))}</p>\")")
    nb.cells = [nbformat.v4.new_markdown_cell("# 测试笔记本"), params, body]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for i, c in enumerate(nb.cells):
        c.id = f"c{i}"
    path = tmp_path / "nb" / "custom.ipynb"
    path.parent.mkdir()
    nbformat.write(nb, str(path))
    return path


def test_renders_any_notebook_with_provenance(tmp_path, notebook):
    out = tmp_path / "out"
    seen = []

    def validate(values):
        seen.append(values)
        return {"data_hash": "abc123", "title": "比较报告"}

    with Renderer(tmp_path / "unused", to="html,pdf") as r:
        result = r.render_notebook(notebook, {"heading": "各机关比较", "n": 4, "data_dir": str(DATA)}, out,
                                   validate=validate)
    assert isinstance(result, NotebookResult) and result.directory == out.resolve()
    assert sorted(p.name for p in out.iterdir()) == ["provenance.json", "report.html", "report.ipynb", "report.pdf"]
    assert seen == [{"heading": "各机关比较", "n": 4, "data_dir": str(DATA)}]
    record = json.loads((out / "provenance.json").read_text(encoding="utf-8"))
    assert record["parameters"] == {"heading": "各机关比较", "n": 4, "data_dir": "data"}
    assert record["data_hash"] == "abc123" and record["notebook"] == "custom.ipynb"
    assert len(record["notebook_hash"]) == 32
    assert record["files"] == ["report.html", "report.ipynb", "report.pdf"] and "title" not in record
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<h1>各机关比较</h1><p>0、1、2、3</p>" in page and "<title>比较报告</title>" in page
    assert 'name="govreport:data-hash" content="abc123"' in page
    assert str(DATA) not in page and str(tmp_path) not in page and "heading: str" not in page
    assert (out / "report.pdf").read_bytes().startswith(b"%PDF")
    executed = nbformat.read(out / "report.ipynb", as_version=4)
    assert executed.metadata["govreport"]["parameters"]["data_dir"] == "data"


def test_parameters_and_validate_fail_before_anything_runs(tmp_path, notebook):
    out = tmp_path / "out"
    r = Renderer(tmp_path / "unused", to="html")
    with pytest.raises(ParameterError, match="笔记本没有参数：colour"):
        r.render_notebook(notebook, {"colour": "red"}, out)
    with pytest.raises(ParameterError, match="应为 int"):
        r.render_notebook(notebook, {"n": "3"}, out)

    def refuse(values):
        raise NotFoundError("no agency in region 火星", hint="check --region")

    with pytest.raises(NotFoundError, match="火星"):
        r.render_notebook(notebook, {"data_dir": str(DATA)}, out, validate=refuse)
    assert not out.exists()


def test_failing_cell_keeps_the_notebook_and_a_later_success_cleans_up(tmp_path, notebook):
    out = tmp_path / "out"
    r = Renderer(tmp_path / "unused", to="html")
    with pytest.raises(CellExecutionError, match="ValueError: n 必须非负") as info:
        r.render_notebook(notebook, {"n": -1, "data_dir": str(DATA)}, out)
    kept = out / "failed" / "report.ipynb"
    assert info.value.notebook_path == str(kept.resolve()) and kept.exists()
    assert sorted(p.name for p in out.iterdir()) == ["failed"]  # no HTML, no staging left
    r.render_notebook(notebook, {"n": 2, "data_dir": str(DATA)}, out)
    assert sorted(p.name for p in out.iterdir()) == ["provenance.json", "report.html", "report.ipynb"]
