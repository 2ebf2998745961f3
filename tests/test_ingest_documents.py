"""PDF and Word reports: the same figures as the HTML report they were made from, refusals for the rest.

The PDFs are the HTML fixture reports printed by Chromium (one browser for the module; tests marked
``slow``), the Word files are written with python-docx; see tests/fixtures/ingest/documents.py.
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
from pathlib import Path

import pytest

from govreport.cli import main
from govreport.core.errors import DataError, EncodingError
from govreport.core.values import Mark
from govreport.readers import ingest_bytes, ingest_path
from govreport.readers.grid import Box, from_boxes
from tests.fixtures.ingest import build_fixtures as bf
from tests.fixtures.ingest import documents

FIX = Path(__file__).parent / "fixtures" / "ingest"


@functools.cache
def read(path: Path):
    """Each fixture is ingested once for the module (the tests only look)."""
    return ingest_path(path)


def cells(got, tables=("t2a", "t2b", "t2c", "t2d", "t2e", "t3", "t4")) -> dict:
    return {(t.spec.id, r, c): f for t in got.tables if t.spec.id in tables for (r, c), f in t.cells.items()}


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    return documents.build_pdfs(tmp_path_factory.mktemp("pdf"))


@pytest.fixture(scope="module")
def docxs(tmp_path_factory) -> dict[str, Path]:
    return documents.build_docxs(tmp_path_factory.mktemp("docx"))


@pytest.fixture(scope="module")
def bad(tmp_path_factory, docxs) -> dict[str, Path]:
    # a small real PDF to encrypt and truncate: made without Chromium (Pillow page + pypdf text)
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, StreamObject

    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    stream = StreamObject()
    stream.set_data(b"BT /F1 12 Tf 20 100 Td (report 2022) Tj ET")
    page[NameObject("/Contents")] = writer._add_object(stream)
    import io

    buf = io.BytesIO()
    writer.write(buf)
    return documents.build_bad(tmp_path_factory.mktemp("bad"), buf.getvalue())


# ------------------------------------------------------------------------------------------ grid model


def test_cell_boxes_become_spans() -> None:
    boxes = [Box(0, 0, 30, 10, "", 1, (0, 0, 30, 10)), Box(30, 0, 50, 10, "", 1, (30, 0, 50, 10)),
             Box(0, 10, 10, 30, "", 1, (0, 10, 10, 30)), Box(10, 10, 30, 20, "", 1, (10, 10, 30, 20)),
             Box(30, 10, 50, 20, "", 1, (30, 10, 50, 20)), Box(10, 20, 50, 30, "", 1, (10, 20, 50, 30))]
    grid = from_boxes(boxes, 1, "x.pdf", ["a", "b", "c", "d", "e", "f"])
    assert [[c.text if c else None for c in row] for row in grid.rows] == [
        ["a", "a", "b"], ["c", "d", "e"], ["c", "f", "f"]]
    assert grid.rows[2][0] is grid.rows[1][0]  # one cell, two rows
    assert grid.source(grid.rows[2][2]).box == (10.0, 20.0, 50.0, 30.0)


# ------------------------------------------------------------------------------------------------ PDF


@pytest.mark.slow
@pytest.mark.parametrize("name", list(documents.PDF_SOURCES))
def test_pdf_reads_every_table_cell_the_html_has(pdfs, name: str) -> None:
    src, _ = documents.PDF_SOURCES[name]
    want = cells(read(FIX / src))
    got = read(pdfs[name])
    assert got.source_kind == "pdf"
    assert cells(got) == want
    assert len([k for k in want if k[0] == "t3"]) >= 7 * 23
    assert not got.unread_cells()


@pytest.mark.slow
def test_pdf_keeps_blank_zero_and_not_applicable(pdfs) -> None:
    got = read(pdfs["table-2019.pdf"])
    t3 = next(t for t in got.tables if t.spec.id == "t3")
    assert t3.get("new_received", "public_welfare").mark is Mark.BLANK  # the column the report leaves empty
    assert t3.get("new_received", "research") == t3.get("new_received", "research").of(0)
    t2 = next(t for t in got.tables if t.spec.id == "t2a")
    assert all(f.mark is Mark.NA for (r, _), f in t2.cells.items() if r == "regulations")


@pytest.mark.slow
def test_pdf_table_split_across_pages_vertical_header_and_prose_box(pdfs) -> None:
    from govreport.readers.pdf import read_pdf

    page = read_pdf(pdfs["table-2021.pdf"].read_bytes(), "table-2021.pdf")
    t3 = next(g for g, k in page.grids if k == "t3")
    assert len(t3.pages) >= 2  # one table over the page break, its continuation without a header
    assert "三、本年度办理结果" in {c.text for c in t3.cells()}  # set vertically, one character per line
    # merged label cells cut by the page break are whole again: no empty label cell is left
    assert all(c is not None and c.text for row in t3.rows for c in row[:3])
    assert [k for _, k in page.grids] == ["t2", "t3", "t4"] and not page.unrecognised
    # the opening paragraphs sit in a drawn, ruled box: prose, not a table
    lines = page.plain.split("\n")
    assert any("统计期限自2022年1月1日起至2022年12月31日止" in line for line in lines)
    assert "一、总体情况" in lines and "（一）主动公开" in lines
    # a two-column bordered table holding prose is text, its long cell one line
    assert documents.LAYOUT_NOTE in lines
    got = read(pdfs["table-2021.pdf"])
    assert got.year == 2022 and got.agency.name == "青禾县市场监督管理局"
    assert got.proactive.total.value == 2035
    assert got.period.start.isoformat() == "2022-01-01"


@pytest.mark.slow
def test_pdf_header_repeated_on_the_next_page_is_dropped(pdfs) -> None:
    from govreport.readers.pdf import read_pdf

    def t3(name: str):
        page = read_pdf(pdfs[name].read_bytes(), name)
        return next(g for g, k in page.grids if k == "t3")

    repeated, plain = t3("table-2021-thead.pdf"), t3("table-2021.pdf")
    assert len(repeated.pages) >= 2 and len(repeated.rows) == len(plain.rows)


@pytest.mark.slow
def test_pdf_provenance_page_and_cell_box(pdfs) -> None:
    got = read(pdfs["table-2021.pdf"])
    src = got.source_of(("cell", "2021", "t3", "results_total", "total"))
    assert src.page >= 2 and src.box is not None and src.text == "23"
    assert f"第{src.page}页" in src.where and "表格" in src.where
    doc = got.to_json()
    cell = next(c for c in doc["applications"] if c["row"] == "results_total" and c["column"] == "total")
    assert cell["source"]["page"] == src.page and len(cell["source"]["box"]) == 4
    assert doc["proactive"]["source"]["page"] == 1


@pytest.mark.slow
def test_audit_finds_the_pdfs_own_errors_with_page_and_cell(pdfs, capsys) -> None:
    assert main(["audit", str(pdfs["audit-broken-2022.pdf"]), "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    r6 = next(f for f in doc["findings"] if f["rule"] == "R6")
    assert r6["severity"] == "error" and r6["source"]["page"] >= 1 and "box" in r6["source"]
    assert "表格" in r6["source_where"] and "页" in r6["source_where"]


def test_detected_by_content_not_by_name(docxs, bad, tmp_path: Path) -> None:
    renamed = tmp_path / "report.txt"
    renamed.write_bytes(docxs["table-2019.docx"].read_bytes())
    assert ingest_path(renamed).source_kind == "docx"
    renamed.write_bytes(bad["scanned.pdf"].read_bytes())
    with pytest.raises(DataError, match="没有文字层"):
        ingest_path(renamed)
    html_named_pdf = tmp_path / "report.pdf"
    html_named_pdf.write_bytes((FIX / "table-2019.html").read_bytes())
    assert ingest_path(html_named_pdf).source_kind == "html"


# ----------------------------------------------------------------------------------------------- Word


@pytest.mark.parametrize("name", list(documents.DOCX_SOURCES))
def test_word_reads_every_table_cell_the_html_has(docxs, name: str) -> None:
    src, _ = documents.DOCX_SOURCES[name]
    want = cells(read(FIX / src))
    got = read(docxs[name])
    assert got.source_kind == "docx"
    assert cells(got) == want


def test_word_table_split_by_page_break_is_one_table(docxs) -> None:
    import docx

    from govreport.readers.docx import read_docx

    path = docxs["table-2021.docx"]
    assert len(docx.Document(str(path)).tables) == 4  # 表三 is two Word tables
    page = read_docx(path.read_bytes(), path.name)
    assert [k for _, k in page.grids] == ["t2", "t3", "t4"]
    t3 = next(g for g, k in page.grids if k == "t3")
    # the merged label cell cut by the page break is one cell (its lower half was left empty)
    labels = {id(row[0]) for row in t3.rows[5:]}
    assert len(labels) == 2  # 三、本年度办理结果 and 四、结转下年度继续办理


def test_word_continuation_under_a_continued_line(tmp_path: Path) -> None:
    from govreport.readers.docx import read_docx

    path = tmp_path / "continued.docx"
    documents.build_docx((FIX / "table-2021.html").read_text("utf-8"), path, continued="续表")
    page = read_docx(path.read_bytes(), path.name)
    assert [k for _, k in page.grids] == ["t2", "t3", "t4"] and "续表" not in page.plain
    assert cells(ingest_path(path)) == cells(read(FIX / "table-2021.html"))


def test_word_report_set_in_a_frame_table(tmp_path: Path) -> None:
    path = tmp_path / "framed.docx"
    documents.build_docx((FIX / "table-2019.html").read_text("utf-8"), path, frame=True)
    got = ingest_path(path)
    assert cells(got) == cells(read(FIX / "table-2019.html"))
    assert got.year == 2020 and got.proactive.total.value == 612


def test_word_legacy_horizontal_merge(tmp_path: Path) -> None:
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    path = tmp_path / "hmerge.docx"
    documents.build_docx((FIX / "table-2021.html").read_text("utf-8"), path)
    doc = docx.Document(str(path))
    t4 = doc.tables[-1]._tbl
    first = t4.findall(qn("w:tr"))[0].findall(qn("w:tc"))[0]  # 行政复议, gridSpan 5
    pr = first.find(qn("w:tcPr"))
    pr.remove(pr.find(qn("w:gridSpan")))
    pr.append(parse_xml(f'<w:hMerge {nsdecls("w")} w:val="restart"/>'))
    for _ in range(4):
        first.addnext(parse_xml(f'<w:tc {nsdecls("w")}><w:tcPr><w:hMerge/></w:tcPr><w:p/></w:tc>'))
    doc.save(str(path))
    want = {k: v for k, v in cells(read(FIX / "table-2021.html")).items() if k[0] == "t4"}
    assert {k: v for k, v in cells(ingest_path(path)).items() if k[0] == "t4"} == want


def test_word_provenance_paragraph_and_cell_numbers(docxs) -> None:
    got = read(docxs["table-2021.docx"])
    src = got.source_of(("cell", "2021", "t4", "value", "review_total"))
    assert (src.table, src.row, src.col) == (4, 4, 5) and src.kind == "docx"
    assert src.where.endswith("table-2021.docx 表格4 第4行第5格")
    assert got.source_of(("proactive_total",)).para is not None
    assert "段" in got.source_of(("proactive_total",)).where
    # a cell of the continued 表三 names its own Word table
    late = got.source_of(("cell", "2021", "t3", "carried_forward", "total"))
    assert late.table == 3


def test_unreadable_cell_is_not_read_never_blank(tmp_path: Path, capsys) -> None:
    t4 = list(bf.T4_2022)
    t4[4] = "见附件"  # 行政复议 总计: the document fills it, the reader cannot
    path = tmp_path / "unread.docx"
    documents.build_docx(bf.report_2021_format(bf.T3_2022, t4), path)
    got = ingest_path(path)
    assert ("t4", "value", "review_total") in got.unread_cells()
    doc = got.to_json()
    cell = next(c for c in doc["reviews"] if c["column"] == "review_total")
    assert cell["value"] == "未读取" and cell["mark"] == "not_read"
    assert "未读取" in got.report().notes and "行政复议·总计" in got.report().notes  # shown in the review
    main(["audit", str(path), "--json"])
    audit = json.loads(capsys.readouterr().out)
    about = [f for f in audit["findings"] if f.get("column") == "review_total"]
    assert about and all("空白" not in f["message"] and f["found"] != "空白" for f in about)
    assert any("未读取" in (f["message"] + str(f["found"])) for f in about)


# ------------------------------------------------------------------------------------------- refusals

REFUSALS = {
    "scanned.pdf": "没有文字层",
    "locked.pdf": "密码",
    "truncated.pdf": "不完整",
    "damaged.pdf": "损坏",
    "legacy.doc": "另存为” .docx 或 PDF",
    "report.wps": "旧版 Word 或 WPS",
    "figures.xls": "Excel",
    "page.png": "图片",
    "reports.zip": "压缩包",
    "broken.docx": "Word 文档已损坏",
}


@pytest.mark.parametrize("name", list(REFUSALS))
def test_refusals_are_one_chinese_message_with_the_fix(bad, name: str, capsys) -> None:
    with pytest.raises(DataError) as err:
        ingest_bytes(bad[name].read_bytes(), name)
    assert REFUSALS[name] in str(err.value) and err.value.hint
    assert "UTF-8" not in str(err.value)
    assert main(["ingest", str(bad[name]), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err and REFUSALS[name] in captured.err


def test_cli_refusal_has_no_traceback(bad) -> None:
    run = subprocess.run([sys.executable, "-m", "govreport", "audit", str(bad["legacy.doc"])],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "Traceback" not in run.stderr and "另存为" in run.stderr


def test_text_files_still_get_the_encoding_hint(tmp_path: Path) -> None:
    bad_text = tmp_path / "report.txt"
    bad_text.write_bytes("年度报告".encode() + b"\x81\x20" * 3 + "统计".encode())
    with pytest.raises(EncodingError) as err:
        ingest_path(bad_text)
    assert "UTF-8" in str(err.value)


def test_import_govreport_stays_free_of_pdf_and_word_libraries() -> None:
    code = ("import sys, govreport, govreport.readers, govreport.run.pdf; "
            "print(any(m.split('.')[0] in ('pdfplumber', 'pdfminer', 'docx') for m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.stdout.strip() == "False", run.stderr


@pytest.mark.slow
def test_pdf_with_an_image_only_page_lists_it_as_not_read(pdfs, bad, tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(str(pdfs["table-2019.pdf"])))
    writer.add_page(PdfReader(str(bad["scanned.pdf"])).pages[0])
    path = tmp_path / "mixed.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    got = ingest_path(path)
    n = len(writer.pages)
    assert any(x.item == f"第{n}页" and "没有文字层" in x.reason for x in got.not_read)
    assert cells(got) == cells(read(FIX / "table-2019.html"))


def test_word_line_breaks_and_content_controls(tmp_path: Path) -> None:
    import docx
    from docx.oxml.ns import qn
    from lxml import etree

    doc = docx.Document()
    doc.add_paragraph("青禾县水利局2022年政府信息公开工作年度报告")
    doc.add_paragraph("本报告所列数据的统计期限为2022年1月1日至2022年12月31日。")
    p = doc.add_paragraph("一、总体情况")
    p.add_run().add_break()
    p.add_run("全年主动公开政府信息318条。")
    # the opening paragraph wrapped in a content control, as template-made documents have it
    body = doc.element.body
    first = body[0]
    sdt = etree.SubElement(body, qn("w:sdt"))
    content = etree.SubElement(sdt, qn("w:sdtContent"))
    body.insert(0, sdt)
    content.append(first)
    path = tmp_path / "breaks.docx"
    doc.save(str(path))
    got = ingest_path(path)
    assert got.year == 2022 and got.agency.name == "青禾县水利局"
    assert got.proactive.total.value == 318
    assert got.source_of(("proactive_total",)).para == 3
    assert any(s.heading.startswith("一、总体情况") for s in got.sections)


def test_word_automatic_numbering_is_written_out(tmp_path: Path) -> None:
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    doc = docx.Document()
    numbering = doc.part.numbering_part.element
    numbering.append(parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
        '</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))

    def numbered(text: str, level: int) -> None:
        p = doc.add_paragraph(text)
        p._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'))

    doc.add_paragraph("青禾县水利局2022年政府信息公开工作年度报告")
    numbered("总体情况", 0)
    numbered("主动公开", 1)
    doc.add_paragraph("全年主动公开政府信息318条。")
    numbered("依申请公开", 1)
    numbered("主动公开政府信息情况", 0)
    path = tmp_path / "numbered.docx"
    doc.save(str(path))
    from govreport.readers.docx import read_docx

    lines = read_docx(path.read_bytes(), path.name).plain.split("\n")
    assert lines[1:6] == ["一、总体情况", "（一）主动公开", "全年主动公开政府信息318条。", "（二）依申请公开",
                          "二、主动公开政府信息情况"]


def _core(page: int, rows: list[list[tuple[float, float, str]]], top: float = 100.0, h: float = 20.0):
    from govreport.readers.pdf import _Core

    boxes, raw = [], []
    for r, row in enumerate(rows):
        for x0, x1, text in row:
            b = (x0, top + r * h, x1, top + (r + 1) * h)
            boxes.append(Box(*b, text, page, b))
            raw.append(text)
    core = _Core(page, min(b.x0 for b in boxes), top, max(b.x1 for b in boxes), top + len(rows) * h)
    core.boxes, core.raw = boxes, raw
    return core


@pytest.mark.parametrize(("upper", "lower", "joined"), [
    # a row cut by the page break: label goes on below, the figures printed on one side
    (["5.要求行政机关确认或重新", "", ""], ["出具已获取信息", "0", "3"], True),
    (["5.要求行政机关确认或重新出具已获取信息", "", ""], ["", "0", "3"], True),
    # two rows: the lower label has its own numbering, or both are whole labels, or figures on both sides
    (["2.重复申请", "", ""], ["3.要求提供公开出版物", "0", "3"], False),
    (["其他对外管理服务事项", "", ""], ["行政处罚", "4", ""], False),
    (["5.要求行政机关确认或重新", "1", ""], ["出具已获取信息", "0", "3"], False),
])
def test_pdf_row_cut_by_a_page_break(upper: list[str], lower: list[str], joined: bool) -> None:
    from govreport.readers.pdf import _append

    cols = [(0.0, 100.0), (100.0, 140.0), (140.0, 180.0)]
    prev = _core(1, [[(0.0, 100.0, "1.本机关不掌握相关政府信息"), (100.0, 140.0, "4"), (140.0, 180.0, "1")],
                     [(a, b, t) for (a, b), t in zip(cols, upper, strict=True)]])
    _append(prev, _core(2, [[(a, b, t) for (a, b), t in zip(cols, lower, strict=True)]], top=60.0))
    grid = from_boxes(prev.boxes, 1, "x.pdf", prev.raw)
    if joined:
        assert len(grid.rows) == 2 and grid.rows[1][0].text == upper[0] + lower[0]
        assert [c.text for c in grid.rows[1][1:]] == ["0", "3"] and grid.rows[1][1].page == 2
    else:
        assert len(grid.rows) == 3
