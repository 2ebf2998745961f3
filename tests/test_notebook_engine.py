"""The in-process papermill engine and the fork isolation.

The engine must keep notebook semantics (streams, display(), the last expression, rich MIME bundles,
matplotlib figures, errors that stop execution); every report runs in its own forked child, so nothing
one notebook does is seen by the next one or by the parent.
"""

from __future__ import annotations

import builtins
import os
from pathlib import Path

import nbformat
import pytest

from govreport.core.errors import CellExecutionError, RenderError
from govreport.run.pipeline import Renderer
from govreport.run.worker import ForkedCall

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
NOTEBOOK = REPO / "notebooks" / "annual_report.ipynb"


def _notebook(tmp_path: Path, sources: list[str], *, params: str = "agency: str = 'x'") -> Path:
    cells = [nbformat.v4.new_code_cell(params)]
    cells[0].metadata["tags"] = ["parameters"]
    cells += [nbformat.v4.new_code_cell(s) for s in sources]
    nb = nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "language": "python",
                                                                          "display_name": "Python 3"}})
    for i, c in enumerate(nb.cells):
        c.id = f"c{i}"
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, str(path))
    return path


def _execute(path: Path, out: Path, engine: str = "inprocess") -> dict:
    def run() -> str:
        from govreport.run import engine as E

        return nbformat.writes(E.execute_notebook(path, out, {"agency": "y"}, engine=engine, cwd=path.parent))

    return nbformat.reads(ForkedCall(run).result(), as_version=4)


SEMANTICS = [
    "print('out'); import sys; print('err', file=sys.stderr); print('more')",
    "from IPython.display import display, HTML\ndisplay(HTML('<b>shown</b>'))\n1 + 1",
    "quiet = 3;",
    "class R:\n    def _repr_mimebundle_(self, include=None, exclude=None):\n"
    "        return {'text/plain': 'r', 'application/vnd.govreport.review+html': '<i>r</i>'}\nR()",
    "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.title('图')\nNone",
    "agency",
]


@pytest.mark.parametrize("engine", ["inprocess", "kernel"])
def test_notebook_semantics(tmp_path, engine):
    nb = _execute(_notebook(tmp_path, SEMANTICS), tmp_path / "out.ipynb", engine)
    cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
    injected = cells[1]
    assert "injected-parameters" in injected["metadata"]["tags"]
    outs = [c["outputs"] for c in cells[2:]]
    streams = {o["name"]: o["text"] for o in outs[0]}
    assert streams == {"stdout": "out\nmore\n", "stderr": "err\n"}
    assert [o["output_type"] for o in outs[1]] == ["display_data", "execute_result"]
    assert outs[1][0]["data"]["text/html"] == "<b>shown</b>" and outs[1][1]["data"]["text/plain"] == "2"
    assert outs[2] == []  # a trailing semicolon silences the result
    assert outs[3][0]["data"]["application/vnd.govreport.review+html"] == "<i>r</i>"
    figures = [o for o in outs[4] if o["output_type"] == "display_data"]
    assert len(figures) == 1 and "image/png" in figures[0]["data"]
    assert outs[5][0]["data"]["text/plain"] == "'y'"
    assert [c["execution_count"] for c in cells] == list(range(1, len(cells) + 1))


def test_error_stops_execution_and_names_the_cell(tmp_path):
    path = _notebook(tmp_path, ["a = 1", "raise ValueError('bad figure')", "b = 2"])
    with pytest.raises(CellExecutionError) as err:
        _execute(path, tmp_path / "out.ipynb")
    exc = err.value
    assert exc.ename == "ValueError" and exc.evalue == "bad figure" and exc.cell_index is not None
    assert "raise ValueError" in exc.message
    nb = nbformat.read(tmp_path / "out.ipynb", as_version=4)  # kept, with papermill's banner
    errors = [c for c in nb.cells if c.cell_type == "code" and any(o.output_type == "error" for o in c.outputs)]
    assert len(errors) == 1
    last = [c for c in nb.cells if c.cell_type == "code"][-1]
    assert last.source == "b = 2" and last.execution_count is None  # never ran


def test_forked_call_reports_crashes_and_errors():
    with pytest.raises(RenderError, match="ZeroDivisionError"):  # any error crosses the fork as a RenderError
        ForkedCall(lambda: 1 / 0).result()
    assert ForkedCall(lambda: os.getpid()).result() != os.getpid()
    with pytest.raises(RenderError, match="被信号"):
        ForkedCall(lambda: os.kill(os.getpid(), 9)).result()


LEAK = """import builtins, os, sys, matplotlib
seen = (getattr(builtins, "_govreport_leak", None), matplotlib.rcParams["lines.linewidth"],
        os.getcwd() == "/", "govreport_leak_module" in sys.modules, "leaked" in globals())
builtins._govreport_leak = agency
matplotlib.rcParams["lines.linewidth"] = 9.0
os.chdir("/")
sys.modules["govreport_leak_module"] = sys
leaked = True
print(repr(seen))"""


def test_reports_never_see_each_other(tmp_path):
    """Two reports rendered by one warm renderer (imports preloaded, browser started): the second sees none
    of the first one's variables, imports, rcParams, working directory or builtins; nor does the parent."""
    import matplotlib

    nb = nbformat.read(NOTEBOOK, as_version=4)
    leak = nbformat.v4.new_code_cell(LEAK)
    leak.id = "leak"
    nb.cells.insert(3, leak)
    path = tmp_path / "notebooks" / "leaky.ipynb"
    path.parent.mkdir()
    nbformat.write(nb, str(path))
    cwd, width = os.getcwd(), matplotlib.rcParams["lines.linewidth"]
    seen = []
    with Renderer(tmp_path / "out", notebook=path) as r:
        r.start(preload=True, browser=True)
        for _ in range(2):
            result = r.render("五原县民政局", 2020, data_dir=DATA)
            executed = nbformat.read(result.files["report.ipynb"], as_version=4)
            cell = next(c for c in executed.cells if c.get("id") == "leak")
            seen.append("".join(o.text for o in cell.outputs if o.output_type == "stream").strip())
            assert result.files["report.pdf"].read_bytes().startswith(b"%PDF")
    clean = repr((None, width, False, False, False))
    assert seen == [clean, clean]
    assert os.getcwd() == cwd and matplotlib.rcParams["lines.linewidth"] == width
    assert not hasattr(builtins, "_govreport_leak")


def test_render_many_keeps_going(tmp_path):
    from tests.test_render_fixtures import AGENCY_NAME, formatted_dataset

    data = formatted_dataset(tmp_path / "data")
    items = [(AGENCY_NAME, 2021), (AGENCY_NAME, 2019), (AGENCY_NAME, 2020)]
    with Renderer(tmp_path / "out", allow_errors=True) as r:  # the fixture's R6 error is on purpose
        r.start(preload=True)
        done = {(x.agency, x.year): x for x in r.render_many(items, data_dir=data, jobs=2)}
    assert set(done) == set(items)
    assert not done[(AGENCY_NAME, 2019)].ok and f"没有 {AGENCY_NAME} 2019 年度的数据" in str(
        done[(AGENCY_NAME, 2019)].error)
    for year in (2020, 2021):
        result = done[(AGENCY_NAME, year)].result
        assert result is not None and result.files["report.pdf"].read_bytes().startswith(b"%PDF")
    with Renderer(tmp_path / "single", to="html", allow_errors=True) as r:
        single = r.render(AGENCY_NAME, 2021, data_dir=data)
    assert (single.directory / "report.html").read_bytes() == done[(AGENCY_NAME, 2021)].result.files[
        "report.html"].read_bytes()


def test_a_hanging_notebook_is_stopped(tmp_path):
    from tests.test_render_fixtures import AGENCY_NAME, formatted_dataset

    nb = nbformat.read(NOTEBOOK, as_version=4)
    hang = nbformat.v4.new_code_cell("import time\nif year == 2020:\n    time.sleep(600)")
    hang.id = "hang"
    nb.cells.insert(3, hang)
    path = tmp_path / "notebooks" / "hang.ipynb"
    path.parent.mkdir()
    nbformat.write(nb, str(path))
    data = formatted_dataset(tmp_path / "data")
    with Renderer(tmp_path / "out", to="html", notebook=path, timeout=8, allow_errors=True) as r:
        r.start(preload=True)
        done = {x.year: x for x in r.render_many([(AGENCY_NAME, 2020), (AGENCY_NAME, 2021)], data_dir=data, jobs=2)}
        with pytest.raises(RenderError, match="未在 8 秒内运行完毕"):
            r.render(AGENCY_NAME, 2020, data_dir=data)
    assert done[2021].ok and "未在 8 秒内运行完毕" in str(done[2020].error)
    assert not (tmp_path / "out" / "990101-ceshiju" / "2020" / "report.html").exists()
    assert not list((tmp_path / "out").rglob(".staging-*"))  # the stopped child's staging is removed
