"""report.docx (GB/T 9704-2012 layout) read back with python-docx, and the official-layout PDF (Typst):
page set-up, fonts and sizes, every figure of report.html, the official tables' grid and merges, same bytes
for the same input, a clean text layer."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
from collections import Counter

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

import govreport
from govreport.checks.rules import SEVERITY_LABELS
from govreport.render import docspec
from govreport.render import docx as D
from govreport.render.document import ReportDocument
from tests.test_render_fixtures import AGENCY_ID, formatted_dataset, soup

MM = Mm(1)


@pytest.fixture(scope="module")
def seed_doc():
    return ReportDocument.prepare(govreport.load("data", use_cache=False), "五原县民政局", 2020)


@pytest.fixture(scope="module")
def fmt_doc(tmp_path_factory):
    ds = govreport.load(formatted_dataset(tmp_path_factory.mktemp("fmt") / "data"), use_cache=False)
    return ReportDocument.prepare(ds, AGENCY_ID, 2021)


@pytest.fixture(scope="module")
def seed_bytes(seed_doc):
    return D.render_docx(docspec.build(seed_doc))


@pytest.fixture(scope="module")
def fmt_bytes(fmt_doc):
    return D.render_docx(docspec.build(fmt_doc))


def _read(data: bytes):
    return docx.Document(io.BytesIO(data))


def _east_asia(style) -> str:
    return style.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


def _html_text(doc: ReportDocument) -> str:
    html = "".join(f.html for f in doc.fragments())
    page = soup(html)
    for svg in page.find_all("svg"):
        svg.decompose()
    return page.get_text("\n")


def _docx_text(d) -> str:
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        parts += ["".join(tc.xpath(".//w:t/text()")) for tc in t._tbl.iter(qn("w:tc"))]  # merged cells once
    return "\n".join(parts)


# ------------------------------------------------------------------------------------------ page


def test_page_size_margins_grid_and_footers(seed_bytes):
    d = _read(seed_bytes)
    sec = d.sections[0]
    assert abs(sec.page_width - Mm(210)) < MM and abs(sec.page_height - Mm(297)) < MM
    assert abs(sec.top_margin - Mm(37)) < MM and abs(sec.left_margin - Mm(28)) < MM
    assert abs(sec.page_width - sec.left_margin - sec.right_margin - Mm(156)) < MM  # text block 156 mm wide
    assert abs(sec.page_height - sec.top_margin - sec.bottom_margin - Mm(225)) < MM  # and 225 mm high
    grid = sec._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines"
    assert round(225 / 25.4 * 1440 / int(grid.get(qn("w:linePitch")))) == 22  # 22 lines
    # 28 characters of 三号, condensed, fill the 156 mm line (and 29 would not)
    condense = int(d.styles["Normal"].element.rPr.find(qn("w:spacing")).get(qn("w:val"))) / 20
    pitch = 16 + condense
    assert 28 * pitch <= 156 / 25.4 * 72 < 29 * pitch
    assert d.settings.odd_and_even_pages_header_footer
    odd, even = sec.footer.paragraphs[0], sec.even_page_footer.paragraphs[0]
    for p in (odd, even):
        assert p.text == "— 1 —"  # 「— N —」 around a PAGE field
        assert "PAGE" in "".join(p._p.xpath(".//w:instrText/text()"))
        assert p.style.font.size == Pt(14)  # 4号
    assert odd.paragraph_format.alignment == 2 and even.paragraph_format.alignment == 0  # right / left


def test_fonts_and_sizes(seed_bytes, seed_doc):
    d = _read(seed_bytes)
    title = d.paragraphs[0]
    assert title.style.name == "Title"
    # two lines, broken between words (not inside 年度报告)
    lines = docspec.title_lines(seed_doc.report.title)
    assert title.text == "五原县民政局2020年\n政府信息公开工作年度报告" == "\n".join(lines)
    assert _east_asia(title.style) == "方正小标宋简体" and title.style.font.size == Pt(22)
    assert title.style.paragraph_format.alignment == 1  # centred
    normal = d.styles["Normal"]
    assert _east_asia(normal) == "仿宋_GB2312" and normal.font.size == Pt(16)
    assert normal.element.pPr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
    h1, h2 = d.styles["Heading 1"], d.styles["Heading 2"]
    assert (_east_asia(h1), h1.font.size, h1.font.bold) == ("黑体", Pt(16), False)
    assert (_east_asia(h2), h2.font.size) == ("楷体_GB2312", Pt(16))
    headings = [p.text for p in d.paragraphs if p.style.name == "Heading 1"]
    html_h2 = [h.get_text() for h in soup("".join(f.html for f in seed_doc.fragments())).find_all("h2")]
    assert headings == html_h2
    subs = [p.text for p in d.paragraphs if p.style.name == "Heading 2"]
    assert subs[0].startswith("（一）")
    body = next(p for p in d.paragraphs if p.text.startswith("2020年以来，我局政务公开工作"))
    assert body.style.name == "Normal"


def test_every_figure_of_report_html_is_in_the_docx(seed_doc, seed_bytes, fmt_doc, fmt_bytes):
    number = re.compile(r"\d+(?:\.\d+)?%?")
    for doc, data in ((seed_doc, seed_bytes), (fmt_doc, fmt_bytes)):
        html_numbers = Counter(number.findall(_html_text(doc)))
        docx_text = _docx_text(_read(data))
        docx_numbers = Counter(number.findall(docx_text))
        missing = html_numbers - docx_numbers
        assert not missing, missing
        for needle in ("418条", "72.49%", "0478-5212471") if doc is seed_doc else ("不适用",):
            assert needle in docx_text


def test_chart_is_a_high_resolution_png_with_its_caption(seed_bytes, seed_doc):
    d = _read(seed_bytes)
    images = [p for p in d.part.package.iter_parts() if p.partname.endswith(".png")]
    assert len(images) == 1
    from PIL import Image

    im = Image.open(io.BytesIO(images[0].blob))
    assert im.size[0] >= 1800  # 300 dpi over 6.3 in
    _spec, caption = seed_doc.channel_figure()
    assert any(p.text == caption for p in d.paragraphs)
    shape = d.inline_shapes[0]
    assert shape.width <= Mm(156)


def _grid_of(table) -> list[list[int]]:
    tcs = [[c._tc for c in row.cells] for row in table.rows]  # kept alive while their ids are compared
    _grid_of.keep = tcs
    return [[id(tc) for tc in row] for row in tcs]


def test_official_tables_grid_and_merges(fmt_doc, fmt_bytes):
    d = _read(fmt_bytes)
    layouts = [lay for topic in ("proactive", "applications", "review", "other")
               for _tid, lay, _p in fmt_doc.topic_layouts(topic)]
    official = [t for t in d.tables if len(t.columns) != 5]  # the channel table has 5 columns
    assert len(official) == len(layouts) >= 3
    for table, lay in zip(official, layouts, strict=True):
        rows = lay.head + lay.body
        assert len(table.rows) == len(rows)
        assert len(table.columns) == D._grid_width(lay)
        widths = [int(g.get(qn("w:w"))) for g in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert abs(sum(widths) - round(156 * 1440 / 25.4)) <= 1  # exactly the text block's width
        ids = _grid_of(table)
        for (cell, r0, c0) in {s for row in D._grid(lay) for s in row if s is not None}:
            block = {ids[r][c] for r in range(r0, r0 + cell.rowspan) for c in range(c0, c0 + cell.colspan)}
            assert len(block) == 1, (lay.id, cell)  # one merged cell
            assert table.cell(r0, c0).text == cell.text
            outside = {ids[r][c] for r in range(len(rows)) for c in range(len(ids[0]))
                       if not (r0 <= r < r0 + cell.rowspan and c0 <= c < c0 + cell.colspan)}
            assert block.isdisjoint(outside)
    t3 = next(t for t, lay in zip(official, layouts, strict=True) if "t3" in lay.classes)
    assert t3.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # header repeated on each page
    corner = t3.cell(0, 0)
    spec_corner = next(lay for lay in layouts if "t3" in lay.classes).head[0][0]
    assert spec_corner.rowspan > 1 and spec_corner.colspan > 1 and corner.text == spec_corner.text


def test_no_review_marks(fmt_bytes):
    with zipfile.ZipFile(io.BytesIO(fmt_bytes)) as z:
        names = z.namelist()
        xml = z.read("word/document.xml").decode("utf-8")
    assert "word/comments.xml" not in names
    assert not any("thumbnail" in n for n in names)  # python-docx's template preview is not ours
    assert "<w:ins " not in xml and "<w:del " not in xml
    assert "核验" not in xml  # the reviewer's notes stay in review.html
    d = _read(fmt_bytes)
    assert all(SEVERITY_LABELS["error"] not in p.text for p in d.paragraphs)


def test_same_input_same_bytes(seed_doc, seed_bytes):
    again = D.render_docx(docspec.build(seed_doc))
    assert again == seed_bytes
    with zipfile.ZipFile(io.BytesIO(seed_bytes)) as z:
        assert {i.date_time for i in z.infolist()} == {D.ZIP_DATE}
        core = z.read("docProps/core.xml").decode("utf-8")
    assert "1980-01-01T00:00:00Z" in core and "govreport" in core
    d = _read(seed_bytes)
    assert d.core_properties.author == "五原县民政局"


# ---------------------------------------------------------------------------------- official PDF


@pytest.fixture(scope="module")
def official_pdf(seed_doc):
    pytest.importorskip("typst")
    from govreport.render import official_pdf

    return official_pdf.render_pdf(docspec.build(seed_doc))


def test_official_pdf_text_layer_and_page_size(official_pdf, seed_doc):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(official_pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)
    text = "".join(p.extract_text() for p in reader.pages).replace("\n", "")
    assert "五原县民政局" in text and "民政" in text and "418" in text and "政府信息公开工作年度报告" in text
    assert "\u2ea0" not in text  # 民, not the radical ⺠
    assert "— 2 —" in reader.pages[1].extract_text()
    assert reader.metadata.title == seed_doc.report.title


def test_official_pdf_same_bytes(official_pdf, seed_doc):
    from govreport.render import official_pdf as O

    assert O.render_pdf(docspec.build(seed_doc)) == official_pdf


def test_official_layout_without_its_fonts_is_one_chinese_message(monkeypatch, tmp_path):
    from govreport.core.errors import DependencyError
    from govreport.render import fonts
    from govreport.render import official_pdf as O

    monkeypatch.setattr(fonts, "search_dirs", lambda: (tmp_path,))  # a machine without the Noto CJK faces
    with pytest.raises(DependencyError) as caught:
        O.font_dirs()
    assert caught.value.message == "公文版式（--layout official）需要思源字体 Noto Serif CJK SC 和 Noto Sans CJK SC"
    assert "apt-get install fonts-noto-cjk" in caught.value.hint and "安装" in caught.value.hint


# ------------------------------------------------------------------------------------------- CLI


@pytest.mark.slow
def test_cli_render_docx_and_official_pdf(tmp_path, seed_bytes):
    pytest.importorskip("typst")
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "govreport", "render", "--out", str(out), "--to", "pdf,docx",
                           "--layout", "official"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    target = out / "150821-minzhengju" / "2020"
    assert (target / "report.docx").exists() and (target / "report.pdf").read_bytes().startswith(b"%PDF")
    d = _read((target / "report.docx").read_bytes())
    assert "data 5f262e77" in d.core_properties.keywords or d.core_properties.keywords.startswith("govreport")
    assert _docx_text(d) == _docx_text(_read(seed_bytes))


@pytest.mark.slow
@pytest.mark.parametrize(("to", "layout"), [("docx", "web"), ("pdf,docx", "official")])
def test_docx_and_official_pdf_are_held_back_over_errors(tmp_path, to, layout):
    """Like report.html, report.docx and the official PDF are publication copies: with an error finding
    (the fixture's R6) neither is written, whatever else was asked for; the reviewer's copy always is."""
    if layout == "official":
        pytest.importorskip("typst")
    from govreport.run.pipeline import Renderer

    data = formatted_dataset(tmp_path / "data")
    wanted = ["report.pdf", "report.docx"] if "pdf" in to else ["report.docx"]
    with Renderer(tmp_path / "held", to=to, layout=layout) as r:
        res = r.render(AGENCY_ID, 2021, data_dir=data)
    assert res.held_back and res.findings["errors"] >= 1
    assert sorted(res.files) == ["provenance.json", "report.ipynb", "review.html"]
    assert sorted(p.name for p in res.directory.iterdir()) == sorted(res.files)
    assert json.loads((res.directory / "provenance.json").read_text(encoding="utf-8"))["held_back"] == wanted
    with Renderer(tmp_path / "allowed", to=to, layout=layout, allow_errors=True) as r:
        res = r.render(AGENCY_ID, 2021, data_dir=data)
    assert not res.held_back and sorted(res.files) == sorted(["provenance.json", "report.ipynb", *wanted])
    assert _read(res.files["report.docx"].read_bytes()).paragraphs


def test_title_lines():
    assert docspec.title_lines("某局2021年政府信息公开工作年度报告") == ()  # fits one line
    long_name = "某某自治区某某市某某县人民政府办公室2021年"
    assert docspec.title_lines(f"{long_name}政府信息公开工作年度报告") == ()  # no balanced break: wrap
    lines = docspec.title_lines("五原县民政局2020年政府信息公开工作年度报告")
    assert lines == ("五原县民政局2020年", "政府信息公开工作年度报告")
