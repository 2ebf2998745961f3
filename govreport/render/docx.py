"""The report as an editable Word document in the official layout of GB/T 9704-2012 《党政机关公文格式》.

:func:`render_docx` turns a :class:`~govreport.render.docspec.DocSpec` (the publication copy as blocks) into
``.docx`` bytes with python-docx:

* A4, top margin 37 mm, left 28 mm, text block 156 × 225 mm, 22 lines × 28 characters: a line grid of
  22 lines (``w:docGrid w:type="lines"``, body lines exactly one grid line apart) and 三号 characters
  condensed by 0.25 pt, so 28 fit the 156 mm line. (A ``linesAndChars`` grid with a negative
  ``w:charSpace`` says the same to Word, but LibreOffice then sets every character over two grid cells:
  14 characters a line. Condensed spacing gives 28 in Word, WPS and LibreOffice alike.)
* Title in 2号 (22 pt) 方正小标宋简体, centred; body in 3号 (16 pt) 仿宋_GB2312 with a two-character
  first-line indent; part headings (一、) in 3号 黑体, narrative sub-headings (（一）) in 3号 楷体_GB2312.
  Fonts are named through the East Asian font attribute (``w:rFonts w:eastAsia``) as offices have them,
  so Word and WPS use them where installed (the font table names a common fallback for each).
* Page numbers in 4号 半角宋体 as 「— 1 —」 at the bottom outside edge: odd pages right, even pages left,
  one character in from the edge (even-and-odd footers), 7 mm below the text block.
* Official tables with their merged header cells (``w:gridSpan``, ``w:vMerge``) at the width of the text
  block in 五号 (10.5 pt; 表四's fifteen columns in 小五), header rows repeated on each page; the channel
  chart as a 300 dpi PNG with its caption.

Same spec, same bytes: fixed core-properties dates, fixed zip timestamps, ids assigned in document order.
"""

from __future__ import annotations

import io
import math
import zipfile
from datetime import UTC, datetime
from functools import cache
from html import escape
from typing import Any

from govreport.render import docspec as S
from govreport.render import tables as T

# GB/T 9704-2012 page geometry (mm) and the grid
PAGE_W, PAGE_H = 210.0, 297.0
MARGIN_TOP, MARGIN_LEFT = 37.0, 28.0
BLOCK_W, BLOCK_H = 156.0, 225.0
MARGIN_RIGHT = PAGE_W - MARGIN_LEFT - BLOCK_W  # 26 mm
MARGIN_BOTTOM = PAGE_H - MARGIN_TOP - BLOCK_H  # 35 mm
LINES, CHARS = 22, 28
PAGE_NUMBER_GAP = 7.0  # mm from the text block's lower edge to the page number's line

# Chinese type sizes (pt)
SIZE_2 = 22.0  # 二号
SIZE_3 = 16.0  # 三号
SIZE_4 = 14.0  # 四号
SIZE_5 = 10.5  # 五号
SIZE_X5 = 9.0  # 小五
TITLE_LINE = 35.0  # pt between the lines of a title of two or more lines

# The faces offices have, and what the font table offers Word/WPS/LibreOffice when one is missing.
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEI_FONT = "黑体"
KAI_FONT = "楷体_GB2312"
SONG_FONT = "宋体"
FONT_ALT: dict[str, tuple[str, str]] = {  # name -> (alternative name, family class)
    TITLE_FONT: ("宋体", "roman"),
    BODY_FONT: ("仿宋", "modern"),
    HEI_FONT: ("SimHei", "modern"),
    KAI_FONT: ("楷体", "modern"),
    SONG_FONT: ("SimSun", "auto"),
}

FIXED_DATE = datetime(1980, 1, 1, tzinfo=UTC)  # core properties: no wall-clock time in the file
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
TWIPS_PER_MM = 1440 / 25.4
CHART_WIDTH_MM = 150.0

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _tw(mm: float) -> int:
    return round(mm * TWIPS_PER_MM)


LINE_PITCH = round(_tw(BLOCK_H) / LINES)  # twips between grid lines (579)
#: Character spacing (1/20 pt, negative: condensed) that puts CHARS 三号 characters on a line of BLOCK_W:
#: 156 mm / 28 = 15.79 pt per character, so 16 pt glyphs are condensed by 0.25 pt.
CONDENSE = math.floor((BLOCK_W / 25.4 * 72 / CHARS - SIZE_3) * 20)


# ---------------------------------------------------------------------------------------- styles


def _set_fonts(rpr: Any, name: str) -> None:
    """rFonts with ascii/hAnsi/eastAsia = ``name`` (no theme fonts: those would win over the names)."""
    from docx.oxml.ns import qn

    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _style(doc: Any, name: str, *, font: str, size: float, bold: bool = False, align: Any = None,
           indent_chars: int = 0, exact_line: float | None = None, before: float = 0.0, after: float = 0.0,
           keep_next: bool = False) -> Any:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    try:
        style = doc.styles[name]
    except KeyError:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
    f = style.font
    f.size = Pt(size)
    f.bold = bold
    f.italic = False
    f.color.rgb = RGBColor(0, 0, 0)
    rpr = style.element.get_or_add_rPr()
    _set_fonts(rpr, font)
    for tag in ("w:bCs", "w:spacing", "w:kern"):
        for el in rpr.findall(qn(tag)):
            rpr.remove(el)
    pf = style.paragraph_format
    pf.alignment = align
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)
    if exact_line is not None:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(exact_line)
    else:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    pf.keep_with_next = keep_next
    ppr = style.element.get_or_add_pPr()
    for tag in ("w:pBdr", "w:contextualSpacing"):
        for el in ppr.findall(qn(tag)):
            ppr.remove(el)
    _indent(ppr, indent_chars, size)
    return style


def _indent(ppr: Any, chars: int, size: float) -> None:
    """A first-line indent of ``chars`` characters (w:firstLineChars, with w:firstLine for old readers)."""
    from docx.oxml.ns import qn

    ind = ppr.get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(chars * 100))
    ind.set(qn("w:firstLine"), str(round(chars * size * 20)))


def _no_grid_snap(ppr: Any) -> None:
    """``w:snapToGrid w:val="0"``: lines of this style keep their own height (tables, figures, footers)."""
    from docx.oxml.ns import qn

    snap = ppr.makeelement(qn("w:snapToGrid"), {qn("w:val"): "0"})
    later = ("w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
             "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
             "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
    nxt = next((el for el in ppr if el.tag in {qn(t) for t in later}), None)
    if nxt is None:
        ppr.append(snap)
    else:
        nxt.addprevious(snap)


def _setup_styles(doc: Any) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    line = LINE_PITCH / 20  # pt
    # document defaults: the body face and size, Chinese as the East Asian language
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr, BODY_FONT)
    rpr.find(qn("w:sz")).set(qn("w:val"), str(int(SIZE_3 * 2)))
    rpr.find(qn("w:szCs")).set(qn("w:val"), str(int(SIZE_3 * 2)))
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    J = WD_ALIGN_PARAGRAPH
    normal = _style(doc, "Normal", font=BODY_FONT, size=SIZE_3, align=J.JUSTIFY, indent_chars=2, exact_line=line)
    nrpr = normal.element.get_or_add_rPr()
    condense = nrpr.makeelement(qn("w:spacing"), {qn("w:val"): str(CONDENSE)})
    nrpr.find(qn("w:sz")).addprevious(condense)  # CT_RPr order: ... color, spacing, w, kern, position, sz
    # the title's lines off the grid (a 22 pt line is taller than a grid line: snapped, it would take two)
    _style(doc, "Title", font=TITLE_FONT, size=SIZE_2, align=J.CENTER, exact_line=TITLE_LINE, after=line)
    _style(doc, "Heading 1", font=HEI_FONT, size=SIZE_3, align=J.JUSTIFY, indent_chars=2, exact_line=line,
           keep_next=True)
    _style(doc, "Heading 2", font=KAI_FONT, size=SIZE_3, align=J.JUSTIFY, indent_chars=2, exact_line=line,
           keep_next=True)
    _style(doc, "Heading 3", font=BODY_FONT, size=SIZE_3, bold=True, align=J.JUSTIFY, indent_chars=2,
           exact_line=line, keep_next=True)
    _style(doc, "Caption", font=BODY_FONT, size=SIZE_4, align=J.CENTER, exact_line=line, keep_next=True)
    _style(doc, "GR Table Text", font=BODY_FONT, size=SIZE_5, align=J.CENTER)
    _style(doc, "GR Table Note", font=BODY_FONT, size=SIZE_5, align=J.LEFT)
    _style(doc, "GR Figure", font=BODY_FONT, size=SIZE_3, align=J.CENTER, keep_next=True)
    _style(doc, "GR Page Number", font=SONG_FONT, size=SIZE_4)
    for name in ("Title", "GR Table Text", "GR Table Note", "GR Figure", "GR Page Number"):
        _no_grid_snap(doc.styles[name].element.get_or_add_pPr())
    doc.styles["Caption"].paragraph_format.keep_with_next = True


def _font_table(doc: Any) -> None:
    """Name the office faces in word/fontTable.xml with a fallback name, GB2312 charset and family class."""
    from lxml import etree

    part = next((p for p in doc.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml"), None)
    if part is None:  # pragma: no cover - python-docx's default template has one
        return
    root = etree.fromstring(part.blob)
    w = f"{{{W_NS}}}"
    for name, (alt, family) in FONT_ALT.items():
        font = etree.SubElement(root, f"{w}font", {f"{w}name": name})
        etree.SubElement(font, f"{w}altName", {f"{w}val": alt})
        etree.SubElement(font, f"{w}charset", {f"{w}val": "86"})
        etree.SubElement(font, f"{w}family", {f"{w}val": family})
        etree.SubElement(font, f"{w}pitch", {f"{w}val": "variable"})
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# ------------------------------------------------------------------------------------- page set-up


def _section(doc: Any) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Mm

    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(PAGE_W), Mm(PAGE_H)
    sec.top_margin, sec.bottom_margin = Mm(MARGIN_TOP), Mm(MARGIN_BOTTOM)
    sec.left_margin, sec.right_margin = Mm(MARGIN_LEFT), Mm(MARGIN_RIGHT)
    sec.header_distance = Mm(15)
    # the footer's baseline box: its top 7 mm under the text block, one 18 pt line high
    sec.footer_distance = Mm(MARGIN_BOTTOM - PAGE_NUMBER_GAP - 18 * 25.4 / 72)
    grid = sec._sectPr.find(qn("w:docGrid"))
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH))
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(sec.footer.paragraphs[0], odd=True)
    sec.even_page_footer.is_linked_to_previous = False
    _page_number(sec.even_page_footer.paragraphs[0], odd=False)


def _page_number(p: Any, *, odd: bool) -> None:
    """「— N —」 with a PAGE field; odd pages right, even pages left, one 四号 character in from the edge."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml import parse_xml
    from docx.shared import Pt

    p.style = "GR Page Number"
    pf = p.paragraph_format
    pf.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(18)
    pf.first_line_indent = Pt(0)
    if odd:
        pf.right_indent = Pt(SIZE_4)
    else:
        pf.left_indent = Pt(SIZE_4)
    p.add_run("— ")
    for xml in (f'<w:r xmlns:w="{W_NS}"><w:fldChar w:fldCharType="begin"/></w:r>',
                f'<w:r xmlns:w="{W_NS}"><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>',
                f'<w:r xmlns:w="{W_NS}"><w:fldChar w:fldCharType="separate"/></w:r>',
                f'<w:r xmlns:w="{W_NS}"><w:t>1</w:t></w:r>',
                f'<w:r xmlns:w="{W_NS}"><w:fldChar w:fldCharType="end"/></w:r>'):
        p._p.append(parse_xml(xml))
    p.add_run(" —")


# ------------------------------------------------------------------------------------------ blocks


def _add(doc: Any, text: str, style_id: str) -> Any:
    """A paragraph in the style with this id (python-docx's lookup by style name scans every style)."""
    p = doc.add_paragraph(text)
    p._p.style = style_id
    return p


def _paragraph(doc: Any, block: S.Paragraph) -> None:
    p = doc.add_paragraph()
    for r in block.runs:
        parts = r.text.split("\n")
        for i, text in enumerate(parts):
            run = p.add_run(text)
            if r.bold:
                run.bold = True
            if i < len(parts) - 1:
                run.add_break()


def _figure(doc: Any, block: S.Figure) -> None:
    from docx.shared import Mm

    p = _add(doc, "", "GRFigure")
    p.add_run().add_picture(io.BytesIO(block.png()), width=Mm(CHART_WIDTH_MM))
    _add(doc, block.caption, "Caption")


def table_font_size(table_id: str, layout: T.TableLayout) -> float:
    """五号 in tables; 小五 where the grid is wider than ten columns (表四's fifteen)."""
    return SIZE_X5 if _grid_width(layout) > 10 else SIZE_5


def _grid_width(layout: T.TableLayout) -> int:
    rows = layout.head + layout.body
    return max((sum(c.colspan for c in r) for r in rows[:1]), default=0)


def _grid(layout: T.TableLayout) -> list[list[tuple[T.Cell, int, int] | None]]:
    """Each grid slot: (the cell covering it, its first row, its first column); None where nothing is."""
    rows = layout.head + layout.body
    width = _grid_width(layout)
    grid: list[list[tuple[T.Cell, int, int] | None]] = [[None] * width for _ in rows]
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while c < width and grid[r][c] is not None:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    if r + dr < len(rows) and c + dc < width:
                        grid[r + dr][c + dc] = (cell, r, c)
            c += cell.colspan
    return grid


def column_widths_mm(layout: T.TableLayout, width_mm: float = BLOCK_W) -> list[float]:
    """The layout's percent widths, or (simple tables) widths by the longest text of each column."""
    n = _grid_width(layout)
    if layout.col_widths and len(layout.col_widths) == n:
        total = sum(layout.col_widths)
        return [width_mm * w / total for w in layout.col_widths]
    longest = [3] * n
    for row in _grid(layout):
        for c, slot in enumerate(row):
            if slot is not None and slot[0].colspan == 1:
                longest[c] = max(longest[c], min(len(slot[0].text) + 1, 16))
    total = sum(longest)
    return [width_mm * k / total for k in longest]


_ALIGN = {"label": "left", "text": "left"}


def table_xml(layout: T.TableLayout, size: float) -> str:
    """The ``w:tbl`` of a layout: fixed widths filling the text block, merged cells, header rows repeated."""
    widths = [_tw(w) for w in column_widths_mm(layout)]
    widths[-1] += _tw(BLOCK_W) - sum(widths)
    grid = _grid(layout)
    nhead = len(layout.head)
    half_points = round(size * 2)
    out = [f'<w:tbl xmlns:w="{W_NS}"><w:tblPr><w:tblStyle w:val="TableGrid"/>'
           f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
           '<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="57" w:type="dxa"/>'
           '<w:right w:w="57" w:type="dxa"/></w:tblCellMar><w:tblLook w:val="0000"/></w:tblPr><w:tblGrid>']
    out += [f'<w:gridCol w:w="{w}"/>' for w in widths]
    out.append("</w:tblGrid>")
    for r, row in enumerate(grid):
        trpr = "<w:cantSplit/>" + ("<w:tblHeader/>" if r < nhead else "")
        out.append(f"<w:tr><w:trPr>{trpr}</w:trPr>")
        c = 0
        while c < len(row):
            slot = row[c]
            if slot is None:
                out.append(_tc(widths[c], 1, None, "", "center", half_points))
                c += 1
                continue
            cell, r0, _c0 = slot
            span = cell.colspan
            w = sum(widths[c:c + span])
            merge = None
            if cell.rowspan > 1:
                merge = "restart" if r0 == r else "continue"
            text = cell.text if r0 == r else ""
            align = _ALIGN.get(cell.kind, "center")
            out.append(_tc(w, span, merge, text, align, half_points, bold=cell.kind in ("caption",)))
            c += span
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def _tc(width: int, span: int, merge: str | None, text: str, align: str, half_points: int, *,
        bold: bool = False) -> str:
    props = [f'<w:tcW w:w="{width}" w:type="dxa"/>']
    if span > 1:
        props.append(f'<w:gridSpan w:val="{span}"/>')
    if merge == "restart":
        props.append('<w:vMerge w:val="restart"/>')
    elif merge == "continue":
        props.append("<w:vMerge/>")
    props.append('<w:vAlign w:val="center"/>')
    jc = {"left": "left", "center": "center"}[align]
    rpr = f'<w:rPr>{"<w:b/>" if bold else ""}<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/></w:rPr>'
    run = f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text, quote=False)}</w:t></w:r>' if text else ""
    return (f'<w:tc><w:tcPr>{"".join(props)}</w:tcPr><w:p><w:pPr><w:pStyle w:val="GRTableText"/>'
            f'<w:jc w:val="{jc}"/>{rpr}</w:pPr>{run}</w:p></w:tc>')


def _table(doc: Any, block: S.Table) -> None:
    from docx.oxml import parse_xml

    layout = block.layout
    if layout.caption:
        _add(doc, layout.caption, "Caption")
    size = table_font_size(block.table_id, layout)
    body = doc.element.body
    body.sectPr.addprevious(parse_xml(table_xml(layout, size)))
    for note in layout.notes:
        _add(doc, note, "GRTableNote")
    # a small gap before the text goes on
    _add(doc, "", "GRTableNote")


# ---------------------------------------------------------------------------------------- document


def preload() -> None:
    """Import python-docx and build the styled empty document now (a batch worker, before it forks)."""
    import matplotlib.backends.backend_agg  # noqa: F401  (the chart's PNG)
    from PIL import PngImagePlugin  # noqa: F401

    _base()


@cache
def _base() -> bytes:
    """The empty document with the styles, the page set-up and the footers (made once per process)."""
    import docx

    doc = docx.Document()
    _setup_styles(doc)
    _font_table(doc)
    _section(doc)
    body = doc.element.body
    for el in list(body):
        if not el.tag.endswith("}sectPr"):
            body.remove(el)
    # python-docx's template carries a thumbnail of some other page: no preview is better than a wrong one
    rels = doc.part.package.rels
    for rid in [rid for rid, rel in rels.items() if rel.reltype.endswith("/metadata/thumbnail")]:
        del rels[rid]
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def render_docx(spec: S.DocSpec, *, subject: str = "政府信息公开工作年度报告") -> bytes:
    """The .docx bytes of ``spec`` (deterministic: see the module docstring)."""
    import docx

    doc = docx.Document(io.BytesIO(_base()))
    title = _add(doc, "", "Title")
    for i, line in enumerate(spec.title_lines or (spec.title,)):
        run = title.add_run(line)
        if i < len(spec.title_lines) - 1:
            run.add_break()
    for block in spec.blocks:
        if isinstance(block, S.Heading):
            _add(doc, block.text, f"Heading{block.level}")
        elif isinstance(block, S.Paragraph):
            _paragraph(doc, block)
        elif isinstance(block, S.Figure):
            _figure(doc, block)
        elif isinstance(block, S.Table):
            _table(doc, block)
    cp = doc.core_properties
    cp.title = spec.title
    cp.subject = subject
    cp.author = spec.author
    cp.keywords = spec.keywords
    cp.comments = ""
    cp.last_modified_by = "govreport"
    cp.revision = 1
    cp.created = cp.modified = FIXED_DATE.replace(tzinfo=None)
    cp.last_printed = FIXED_DATE.replace(tzinfo=None)
    cp.language = "zh-CN"
    cp.category = subject
    buf = io.BytesIO()
    doc.save(buf)
    return normalize_zip(buf.getvalue())


def normalize_zip(data: bytes) -> bytes:
    """Rewrite a zip with a fixed timestamp and mode on every member (same content, same bytes)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def write_docx(spec: S.DocSpec, path: Any) -> None:
    """Write ``spec`` to ``path`` atomically."""
    from govreport.store.textfile import write_bytes_atomic

    write_bytes_atomic(path, render_docx(spec))
