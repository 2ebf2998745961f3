"""The PDF step: Chromium through Playwright, the missing-browser error, and the text-layer fix."""

from __future__ import annotations

import io
import subprocess
import unicodedata

import pytest
from pypdf import PdfReader

from govreport.core.errors import DependencyError
from govreport.render import fonts
from govreport.render.html import standalone
from govreport.run import pdfpost
from govreport.run.pdf import PdfPrinter, check_chromium

TEXT = "五原县民政局工作人员户口登记长门页面风"  # 民 工 人 户 长 门 页 风 share glyphs with radicals


@pytest.fixture(scope="module")
def raw_pdf():
    html = standalone(f"<h1>{TEXT}</h1><p>{TEXT}</p>" + "<p>第二页</p>" * 60, title="测试")
    with PdfPrinter() as printer:
        return printer.pdf(html)


def _radicals(text: str) -> list[str]:
    return [c for c in text if 0x2E80 <= ord(c) <= 0x2FDF]


def test_chromium_text_layer_needs_the_fix(raw_pdf):
    text = PdfReader(io.BytesIO(raw_pdf)).pages[0].extract_text()
    assert _radicals(text)  # what Chromium writes: radicals in the ToUnicode maps


def test_finish_fixes_text_and_adds_info(raw_pdf):
    done = pdfpost.finish(raw_pdf, {"Author": "五原县民政局", "Keywords": "govreport 0.1.0; data abc"})
    assert done.startswith(raw_pdf)  # an incremental update: the original bytes are kept
    reader = PdfReader(io.BytesIO(done), strict=True)
    text = reader.pages[0].extract_text()
    assert TEXT in text.replace("\n", "") and not _radicals(text)
    assert reader.metadata["/Author"] == "五原县民政局" and reader.metadata["/Keywords"].startswith("govreport")
    assert reader.metadata["/Title"] == "测试"
    assert len(reader.pages) == len(PdfReader(io.BytesIO(raw_pdf)).pages) >= 2
    info = subprocess.run(["pdfinfo", "-"], input=done, capture_output=True, check=True).stdout.decode()
    assert "Author:" in info and "五原县民政局" in info
    poppler = subprocess.run(["pdftotext", "-", "-"], input=done, capture_output=True, check=True).stdout.decode()
    assert TEXT in poppler.replace("\n", "")


def test_finish_leaves_unknown_input_alone():
    assert pdfpost.finish(b"%PDF-1.7 not the layout we know") == b"%PDF-1.7 not the layout we know"


def test_cmap_round_trip():
    cmap = (b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n1 begincodespacerange\n<00> <FF>\n"
            b"endcodespacerange\n2 beginbfchar\n<01> <2EA0>\n<02> <0041>\nendbfchar\n2 beginbfrange\n"
            b"<10> <12> <2F00>\n<20> <21> [<2F2F> <4E00>]\nendbfrange\nendcmap\n")
    space, mapping = pdfpost.parse_cmap(cmap)
    assert mapping[b"01"] == "⺠" and mapping[b"11"] == chr(0x2F01) and mapping[b"21"] == "一"
    fixed = pdfpost.fix_cmap(cmap, pdfpost.radicals())
    _, again = pdfpost.parse_cmap(fixed)
    assert again[b"01"] == "民" and again[b"02"] == "A" and again[b"10"] == "一" and again[b"20"] == "工"
    assert pdfpost.fix_cmap(pdfpost.write_cmap(space, {b"05": "民"}), pdfpost.radicals()) is None


def test_radical_table_matches_the_installed_fonts():
    found = fonts.find_cjk_fonts()
    assert pdfpost.radical_table(list(found.files)) == pdfpost.radicals()
    table = pdfpost.radicals()
    assert chr(table[0x2F3E]) == "户"  # the SC face draws ⼾ like 户, not 戶 (what NFKC would give)
    assert unicodedata.normalize("NFKC", chr(0x2F3E)) == "戶"


def test_missing_chromium(tmp_path, monkeypatch):
    with pytest.raises(DependencyError, match="apt-get install chromium"):
        check_chromium(tmp_path / "chromium")
    monkeypatch.setenv("GOVREPORT_CHROMIUM", str(tmp_path / "nowhere"))
    with pytest.raises(DependencyError, match="找不到 Chromium"):
        PdfPrinter().start()
