"""The publication copies with issue 14's outputs: report.docx and the official-layout report.pdf in a batch
(the index links the Word document; a --layout switch re-renders), the gate of errors holding all of them
back, and ``compare`` refusing a Word document."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import html as lhtml

from govreport.run.batch_runner import BatchOptions, run_batch

REPO = Path(__file__).resolve().parent.parent
SEED = ("150821-minzhengju", 2020)
PUBLICATION = ("report.html", "report.pdf", "report.docx")


def _keywords(pdf: bytes) -> str:
    from pypdf import PdfReader

    return str(PdfReader(io.BytesIO(pdf)).metadata.get("/Keywords", ""))


@pytest.mark.slow
def test_batch_records_the_layout_links_the_docx_and_rerenders_on_a_layout_switch(tmp_path):
    pytest.importorskip("typst")
    out = tmp_path / "out"
    target = out / SEED[0] / str(SEED[1])

    def batch(layout: str):
        return run_batch(BatchOptions(data_dir=REPO / "data", out_dir=out, jobs=1, to=("html", "pdf", "docx"),
                                      layout=layout), stream=io.StringIO(), bar=False)

    first = batch("official")
    assert [(r.agency_id, r.year) for r in first.rendered] == [SEED] and not first.failed
    record = json.loads((target / "provenance.json").read_text(encoding="utf-8"))
    assert record["pdf_layout"] == "official" and "report.docx" in record["files"]
    assert _keywords((target / "report.pdf").read_bytes()).endswith("; layout official")
    import docx

    word = docx.Document(str(target / "report.docx")).core_properties.keywords
    assert word.startswith("govreport ") and word.endswith("; layout official") and record["data_hash"] in word
    links = lhtml.fromstring((out / "index.html").read_text(encoding="utf-8")).xpath('//table[@id="reports"]//a')
    assert [a.get("href").rsplit("/", 1)[1] for a in links] == [*PUBLICATION, "review.html"]
    assert json.loads((out / "batch.json").read_text(encoding="utf-8"))["layout"] == "official"

    again = batch("official")
    assert again.skipped == [SEED] and not again.rendered

    switched = batch("web")  # no --force: the layout is an input of report.pdf
    assert [(r.agency_id, r.year) for r in switched.rendered] == [SEED] and not switched.skipped
    assert switched.stale_reasons == {SEED: "layout changed"}
    record = json.loads((target / "provenance.json").read_text(encoding="utf-8"))
    assert record["pdf_layout"] == "web"
    assert "layout" not in _keywords((target / "report.pdf").read_bytes())
    assert batch("web").skipped == [SEED]


def _render(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "govreport", "render", *map(str, args)], capture_output=True,
                          text=True, timeout=300)


def _written(target: Path) -> set[str]:
    return {p.name for p in target.iterdir() if p.is_file()}


@pytest.mark.slow
@pytest.mark.parametrize("to", ["html,pdf,docx", "docx"])
def test_errors_hold_back_every_publication_copy_of_the_official_layout(tmp_path, to):
    """With error findings (the fixture's R6) nothing of the publication is written — report.html, the
    official-layout report.pdf, report.docx — only the reviewer's copy; --allow-errors writes them all."""
    pytest.importorskip("typst")
    from tests.test_render_fixtures import AGENCY_ID, formatted_dataset

    data, out = formatted_dataset(tmp_path / "data"), tmp_path / "out"
    target = out / AGENCY_ID / "2021"
    args = ("--agency", AGENCY_ID, "--year", 2021, "--data", data, "--out", out, "--to", to, "--layout", "official")
    res = _render(*args)
    assert res.returncode == 1, res.stdout + res.stderr
    assert "未生成公开版" in res.stderr and "Traceback" not in res.stderr
    assert "report.docx" in res.stderr.split("未生成公开版")[1]  # the message names what was held back
    assert _written(target) == {"review.html", "report.ipynb", "provenance.json"}
    record = json.loads((target / "provenance.json").read_text(encoding="utf-8"))
    assert record["findings"]["errors"] >= 1 and "pdf_layout" not in record
    assert {f"report.{x}" for x in to.split(",")} <= set(record["held_back"])

    res = _render(*args, "--allow-errors")
    assert res.returncode == 0, res.stdout + res.stderr
    published = {f"report.{x}" for x in to.split(",")}
    assert published <= _written(target)
    record = json.loads((target / "provenance.json").read_text(encoding="utf-8"))
    assert record["parameters"]["allow_errors"] is True and "held_back" not in record
    if "report.pdf" in published:
        assert record["pdf_layout"] == "official"
        assert (target / "report.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("to", ["docx", "html,docx"])
def test_compare_refuses_a_word_document(repo_root, tmp_path, capsys, to):
    from govreport.cli import main

    out = tmp_path / "out"
    assert main(["compare", "--data", str(repo_root / "data"), "--out", str(out), "--to", to]) == 2
    err = capsys.readouterr().err
    assert "比较报告不能生成 Word 文档" in err and "Traceback" not in err
    assert not out.exists() or not any(out.rglob("*"))  # refused before anything ran or was written


def test_readme_names_every_apt_package_bootstrap_installs(repo_root):
    """The set-up paragraph lists what bootstrap.sh installs (fonts-lxgw-wenkai: the official layout's 楷体)."""
    import re

    script = (repo_root / "bootstrap.sh").read_text(encoding="utf-8")
    packages = re.search(r"^APT_PACKAGES=\(([^)]*)\)", script, re.M).group(1).split()
    setup = (repo_root / "README.md").read_text(encoding="utf-8").split("## Set-up", 1)[1].split("\n## ", 1)[0]
    assert "fonts-lxgw-wenkai" in packages
    assert [p for p in packages if f"`{p}`" not in setup] == []
