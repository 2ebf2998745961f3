"""End to end: the notebook executed for real, exported to HTML, printed to PDF by the system Chromium.

Marked ``slow``. The seed is rendered once per module; other cases render hand-built datasets in
temporary directories. Nothing is written into ``data/`` or ``reports_out/``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import govreport
from govreport.core.errors import NotFoundError, ParameterError
from govreport.run.pipeline import Renderer
from tests.test_render_fixtures import AGENCY_ID, AGENCY_NAME, SCRIPT, formatted_dataset, soup, table_shape

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
NOTEBOOK = REPO / "notebooks" / "annual_report.ipynb"
SEED_ID = "150821-minzhengju"
SEED_HEADINGS = ["一、工作概述", "二、主动公开政务信息情况", "三、收到和处理政务信息公开申请情况",
                 "四、政务信息公开行政复议、行政诉讼情况", "五、存在问题及改进措施"]


def _cli(*args: str, env: dict[str, str] | None = None, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "govreport", *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, **(env or {})}, timeout=300)


@pytest.fixture(scope="module")
def seed_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("seed-out")
    with Renderer(out) as r:
        result = r.render("五原县民政局", 2020, data_dir=DATA)
    return result


@pytest.fixture(scope="module")
def seed_html(seed_out):
    return (seed_out.directory / "report.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_review(seed_out):
    return (seed_out.directory / "review.html").read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------ the seed


def test_outputs_written(seed_out):
    assert seed_out.directory.name == "2020" and seed_out.directory.parent.name == SEED_ID
    names = sorted(p.name for p in seed_out.directory.iterdir())
    assert names == ["provenance.json", "report.html", "report.ipynb", "report.pdf", "review.html"]
    record = json.loads((seed_out.directory / "provenance.json").read_text(encoding="utf-8"))
    ds = govreport.load(DATA)
    assert record["data_hash"] == ds.report_hash(SEED_ID, 2020)
    assert record["parameters"] == {"agency": "五原县民政局", "year": 2020, "data_dir": "data"}


def test_executed_notebook(seed_out):
    nb = nbformat.read(seed_out.directory / "report.ipynb", as_version=4)
    assert nb.metadata["govreport"]["data_hash"] == seed_out.provenance.data_hash
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert "agency = '五原县民政局'" in injected.source  # readable, not \\u escapes
    assert all(c.get("execution_count") for c in nb.cells if c.cell_type == "code")
    assert not [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]


def test_html_figures_and_headings(seed_html):
    page = soup(seed_html)
    assert page.find("html")["lang"] == "zh"
    assert page.find("h1").get_text() == "五原县民政局2020年政府信息公开工作年度报告"
    assert [h.get_text() for h in page.find_all("h2")] == SEED_HEADINGS
    assert "累计主动公开政务信息，418条" in page.get_text()
    table = page.find("table", id="gr-channels")
    cells = [c.get_text() for c in table.find_all("td")]
    for figure in ("58条", "303条", "22条", "35条", "418条", "13.88%", "72.49%", "5.26%", "8.37%", "100.00%"):
        assert figure in cells
    assert page.find("figure", class_="chart").find("svg") is not None


def test_html_is_self_contained_and_code_free(seed_html):
    page = soup(seed_html)
    assert page.find("script") is None and page.find("link") is None and page.find("iframe") is None
    assert "http://" not in seed_html and "https://" not in seed_html
    assert not re.search(r"url\((?!#)", seed_html)  # only in-document references (SVG clip paths)
    for text in ("ReportDocument", "doc.part", "injected-parameters", "papermill", "execution_count", "In ["):
        assert text not in seed_html
    assert "@font-face" not in seed_html and '"Noto Serif CJK SC"' in seed_html


def test_publication_and_review_copies(seed_html, seed_review, seed_out):
    public, review = soup(seed_html), soup(seed_review)
    assert public.find(id="gr-review") is None and "数据核验" not in seed_html and "核验提示" not in seed_html
    appendix = review.find("section", id="gr-review")
    text = appendix.get_text()
    assert "P2" in text and "F1" in text and "2020年12月28日" in text
    assert seed_out.provenance.data_hash in text
    assert review.find(class_="review-banner") is not None
    assert review.find("aside", class_="review-note") is not None  # the cut-off warning by the opening
    for page in (public, review):
        meta = {m["name"]: m["content"] for m in page.find_all("meta") if m.has_attr("name")}
        assert meta["govreport:data-hash"] == seed_out.provenance.data_hash
        assert meta["govreport:version"] == govreport.__version__
        assert json.loads(meta["govreport:parameters"])["year"] == 2020
    assert str(REPO) not in seed_html and str(REPO) not in seed_review  # no absolute paths


def test_pdf_text_and_footer(seed_out):
    pdf = seed_out.directory / "report.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert "五原县民政局2020年政府信息公开工作年度报告" in flat
    assert "418" in flat and "72.49%" in flat
    for heading in SEED_HEADINGS:
        assert heading in flat
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    n = len(reader.pages)
    assert n >= 2
    assert f"第1页共{n}页" in flat and f"第{n}页共{n}页" in flat
    box = reader.pages[0].mediabox
    assert round(float(box.width)) == 595 and round(float(box.height)) == 842  # A4
    assert "五原县民政局" in reader.pages[0].extract_text()  # selectable, extractable text
    assert seed_out.provenance.data_hash in reader.metadata["/Keywords"]
    assert reader.metadata["/Author"] == "五原县民政局"


def test_chromium_uses_the_simplified_chinese_faces(seed_html):
    from govreport.run.pdf import PdfPrinter

    with PdfPrinter() as printer:
        used = printer.platform_fonts(seed_html, ["h1", "h2", ".opening p", "#gr-channels td", "figcaption"])
    for selector, faces in used.items():
        assert faces and all("CJKsc" in f for f in faces), (selector, faces)


def test_same_inputs_same_bytes(seed_out, tmp_path):
    with Renderer(tmp_path, to="html") as r:
        again = r.render("五原县民政局", 2020, data_dir=DATA)
    for name in ("report.html", "review.html"):
        assert (again.directory / name).read_bytes() == (seed_out.directory / name).read_bytes()


def test_kernel_engine_gives_the_same_html(seed_out, tmp_path):
    with Renderer(tmp_path, to="html", engine="kernel") as r:
        result = r.render("五原县民政局", 2020, data_dir=DATA)
    for name in ("report.html", "review.html"):
        assert (result.directory / name).read_bytes() == (seed_out.directory / name).read_bytes()


# ------------------------------------------------------------------------------- other reports


@pytest.fixture(scope="module")
def fmt_out(tmp_path_factory):
    data = formatted_dataset(tmp_path_factory.mktemp("fmt") / "data")
    out = tmp_path_factory.mktemp("fmt-out")
    # the fixture has an R6 error on purpose (the reviewer's marks are under test): publish it anyway
    with Renderer(out, to="html", allow_errors=True) as r:
        r.start(preload=True)
        return {year: r.render(AGENCY_NAME, year, data_dir=data) for year in (2020, 2021)}


@pytest.mark.parametrize(("year", "rows", "blocks"), [(2021, 25, 4), (2020, 23, 5)])
def test_formatted_report_tables(fmt_out, year, rows, blocks):
    page = soup((fmt_out[year].directory / "report.html").read_text(encoding="utf-8"))
    assert len(page.find_all("h2")) == 6
    assert table_shape(page.find("table", class_="t3")) == (rows, {7})
    assert table_shape(page.find("table", class_="t4")) == (1, {15})
    assert len(page.find("table", class_="t2").find_all("th", class_="caption")) == blocks
    cells = {c["data-cell"]: c.get_text() for c in page.find("table", class_="t3").find_all("td")}
    assert (cells["new_received:commercial"], cells["new_received:research"],
            cells["new_received:public_welfare"]) == ("0", "不适用", "")


def test_review_marks_the_inconsistent_cell(fmt_out):
    review = soup((fmt_out[2021].directory / "review.html").read_text(encoding="utf-8"))
    cell = review.find("table", class_="t4").find("td", attrs={"data-cell": "value:review_total"})
    assert "flag-error" in cell["class"]
    public = soup((fmt_out[2021].directory / "report.html").read_text(encoding="utf-8"))
    assert not public.select("td.flag")


def test_narrative_script_stays_text(fmt_out):
    html = (fmt_out[2021].directory / "report.html").read_text(encoding="utf-8")
    page = soup(html)
    assert page.find("script") is None
    assert SCRIPT in page.find("section", id="gr-part-problems").get_text()


# ------------------------------------------------------------------------------------- failures


def _failing_notebook(tmp_path: Path) -> Path:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    bad = nbformat.v4.new_code_cell("ratio = 1 / 0  # a broken cell")
    bad.id = "broken"
    nb.cells.insert(4, bad)
    path = tmp_path / "notebooks" / "broken.ipynb"
    path.parent.mkdir()
    nbformat.write(nb, str(path))
    return path


def test_failing_cell(tmp_path):
    nb = _failing_notebook(tmp_path)
    out = tmp_path / "out"
    proc = _cli("render", "--notebook", str(nb), "--out", str(out), "--data", str(DATA))
    assert proc.returncode == 1, proc.stderr
    assert "ZeroDivisionError" in proc.stderr and "第 5 个单元格" in proc.stderr and "1 / 0" in proc.stderr
    assert "Traceback" not in proc.stderr
    target = out / SEED_ID / "2020"
    kept = target / "failed" / "report.ipynb"
    assert kept.exists() and "failed/report.ipynb" in proc.stderr
    errors = [o for c in nbformat.read(kept, as_version=4).cells if c.cell_type == "code"
              for o in c.outputs if o.output_type == "error"]
    assert errors and errors[0].ename == "ZeroDivisionError"
    assert sorted(p.name for p in target.iterdir()) == ["failed"]  # no HTML, no PDF, no staging left


def test_missing_chromium_still_writes_html(tmp_path):
    out = tmp_path / "out"
    proc = _cli("render", "--out", str(out), env={"GOVREPORT_CHROMIUM": str(tmp_path / "no-such-chromium")})
    assert proc.returncode == 2
    assert "apt-get install chromium" in proc.stderr and "Traceback" not in proc.stderr
    target = out / SEED_ID / "2020"
    assert (target / "report.html").exists() and (target / "review.html").exists()
    assert not (target / "report.pdf").exists()


def test_bad_parameters_fail_before_execution(tmp_path):
    out = tmp_path / "out"
    for args, text in ((["--agency", "不存在的机关"], "未知的单位"), (["--year", "2019"], "年度的数据"),
                       (["--data", str(tmp_path / "nope")], "数据目录不存在"),
                       (["--to", "odt"], "未知的输出格式")):
        proc = _cli("render", "--out", str(out), *args)
        assert proc.returncode == 2 and text in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert not out.exists()  # nothing executed, nothing written
    r = Renderer(out, to="html")
    with pytest.raises(ParameterError, match="应为 int"):
        r.validate("五原县民政局", "2020", DATA)
    with pytest.raises(ParameterError, match="笔记本没有参数：colour"):
        r.validate("五原县民政局", 2020, DATA, {"colour": "red"})
    with pytest.raises(NotFoundError):
        r.validate(AGENCY_ID, 2020, DATA)


def test_no_writes_under_home(tmp_path):
    """Kernels and Chromium write under $HOME by default; a render leaves a fresh HOME empty."""
    import matplotlib

    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "MPLCONFIGDIR": matplotlib.get_configdir()}
    proc = _cli("render", "--out", str(tmp_path / "out"), "--engine", "kernel", env=env)
    assert proc.returncode == 0, proc.stderr
    assert sorted(str(p.relative_to(home)) for p in home.rglob("*")) == []


def test_snapshot_png(seed_out, tmp_path):
    png = tmp_path / "page1.png"
    proc = _cli("snapshot", "--pdf", str(seed_out.directory / "report.pdf"), "--png", str(png))
    assert proc.returncode == 0, proc.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000


def test_snapshot_is_deterministic(seed_out, tmp_path):
    from govreport.cli.snapshot import page_png

    a = page_png(seed_out.directory / "report.pdf", tmp_path / "a.png")
    b = page_png(seed_out.directory / "report.pdf", tmp_path / "b.png")
    assert a.read_bytes() == b.read_bytes()
