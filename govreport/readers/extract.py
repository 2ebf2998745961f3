"""Assembling a :class:`~govreport.core.model.Report` from a published report, with provenance.

``ingest_path`` / ``ingest_bytes`` / ``ingest_text`` return an :class:`Ingested`: the figures read (as
the parts of a Report), where each came from, what was deliberately not read, and warnings
(:mod:`.ingested`). The agency is resolved by :mod:`.agencies`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govreport.core.errors import NotFoundError, ParameterError
from govreport.core.formats import TableCell, table_spec
from govreport.core.model import (
    Agency,
    AgencyKind,
    CategoryFigure,
    ChannelFigure,
    Period,
    Proactive,
    ReportFormat,
    Section,
    TableData,
)
from govreport.core.values import Figure
from govreport.readers import particulars
from govreport.readers import text as prose
from govreport.readers.agencies import resolve_agency
from govreport.readers.detect import decode
from govreport.readers.document import Document
from govreport.readers.ingested import Ingested
from govreport.readers.normalize import normalize
from govreport.readers.proactive import Item, read_proactive
from govreport.readers.sections import outline
from govreport.readers.source import Source
from govreport.readers.tables import TableRead, cells_of, read_grid
from govreport.readers.texttables import read_text_tables

if TYPE_CHECKING:
    from govreport.readers.html import Page

TABLE_TITLES = {
    "t2": "表二（主动公开政府信息情况）",
    "t3": "表三（收到和处理政府信息公开申请情况）",
    "t4": "表四（政府信息公开行政复议、行政诉讼情况）",
}
_PUBLISHED = re.compile(r"(?:发布|成文|印发|生成)(?:时间|日期)[：:]\s*(\d{4})[-年/.](\d{1,2})[-月/.](\d{1,2})")


#: Largest report ingested, in MB of text (a published report is well under 1 MB); a larger file is
#: refused before it is read. Override with ``GOVREPORT_INGEST_MAX_MB`` or ``--max-mb``.
DEFAULT_MAX_MB = 4.0


def max_mb() -> float:
    try:
        return float(os.environ.get("GOVREPORT_INGEST_MAX_MB", DEFAULT_MAX_MB))
    except ValueError:
        return DEFAULT_MAX_MB


def _refuse_size(file: str, size: int, limit_mb: float) -> None:
    if size > limit_mb * 1_000_000:
        raise ParameterError(
            f"{file}：文件大小 {size / 1_000_000:.1f} MB，超过读取上限 {limit_mb:g} MB，未读取"
            "（已发布的年度报告正文通常不到 1 MB，过大的文件多半不是单份报告）",
            hint="确认文件是单份年度报告；确需读取时用 --max-mb 或环境变量 GOVREPORT_INGEST_MAX_MB 调高上限",
            code="too-large")


# ------------------------------------------------------------------------------------------- entry


def ingest_path(path: str | os.PathLike[str], *, agency: str | None = None, year: int | None = None,
                agencies: tuple[Agency, ...] = (), display: str | None = None,
                limit_mb: float | None = None) -> Ingested:
    p = Path(path)
    limit = max_mb() if limit_mb is None else limit_mb
    try:
        _refuse_size(display or str(path), p.stat().st_size, limit)
        raw = p.read_bytes()
    except FileNotFoundError:
        raise NotFoundError(f"{p}：文件不存在", hint="检查报告文件的路径") from None
    except IsADirectoryError:
        raise ParameterError(f"{p}：这是一个文件夹", hint="给出报告文件本身") from None
    return ingest_bytes(raw, display or str(path), agency=agency, year=year, agencies=agencies, limit_mb=limit)


def ingest_bytes(raw: bytes, file: str, *, agency: str | None = None, year: int | None = None,
                 agencies: tuple[Agency, ...] = (), limit_mb: float | None = None) -> Ingested:
    _refuse_size(file, len(raw), max_mb() if limit_mb is None else limit_mb)
    from govreport.readers.document import read_document

    page = read_document(raw, file)  # PDF and Word; None for text and HTML
    if page is not None:
        return ingest_text(page.plain, file, encoding=page.kind, agency=agency, year=year, agencies=agencies,
                           limit_mb=limit_mb, page=page)
    text, encoding = decode(raw, file=file)
    return ingest_text(text, file, encoding=encoding, agency=agency, year=year, agencies=agencies, limit_mb=limit_mb)


def read_prose(text: str, file: str, *, encoding: str = "utf-8", agency: str | None = None,
               year: int | None = None, agencies: tuple[Agency, ...] = ()) -> Ingested:
    """The one entry point for a whole document's text, whatever it was extracted from (a text file, a
    PDF or a Word file): the same readers as :func:`ingest_text`, for text that is not HTML."""
    return ingest_text(text, file, encoding=encoding, agency=agency, year=year, agencies=agencies, html=False)


def ingest_text(text: str, file: str, *, encoding: str = "utf-8", agency: str | None = None,
                year: int | None = None, agencies: tuple[Agency, ...] = (), limit_mb: float | None = None,
                html: bool | None = None, page: Page | None = None) -> Ingested:
    # characters, not bytes: a text of N MB of Chinese is about N/3 million characters
    _refuse_size(file, len(text), max_mb() if limit_mb is None else limit_mb)

    f = prose.Findings()
    doc, norm, grids, unrecognised, kind, hints = _document(text, file, html, page, f)
    ol = outline(doc, hints)

    # --- title, agency name, year, period (each with how it was found)
    title_name, title_year = particulars.read_title(ol.title) if ol.title else (None, None)
    title_src = _title_source(doc, ol, file)
    name_read, name_as_written, contact, opening = _agency_name(doc, norm, title_name, title_src, agency, f)
    rep_year, period, published = _report_year(doc, ol, norm, file, year, title_year, title_src, opening, f)

    # --- agency
    ag, how = resolve_agency(name_read, contact, agency, agencies, f)
    is_gov = ag is not None and ag.kind is AgencyKind.GOVERNMENT

    # --- proactive
    pro = read_proactive(doc, ol, rep_year, period.end, ag.name if ag else (name_read or ""), is_gov, f)
    proactive, audience = _proactive(pro, f)

    # --- tables (HTML) and the figures stated in prose
    tables, fmt = _assemble_tables(doc, ol, grids, unrecognised, kind, rep_year, f)

    # --- period with cut-off, publication date
    cutoff = pro.cutoff
    final_period = Period(period.start, period.end, cutoff)
    sections = _describe_tables(tuple(ol.sections), grids, unrecognised)
    notes_text = _closing_notes(norm, encoding, kind, tables, f)
    return Ingested(
        file=file, encoding=encoding, source_kind=kind, agency=ag, agency_match=how, year=rep_year,
        period=final_period, format=fmt, published=published, proactive=proactive, tables=tables,
        sections=sections, sources=f.sources, not_read=f.not_read, warnings=f.warnings,
        audience=audience, garbles=norm.garbles, traditional=norm.traditional, removed_lines=norm.removed_lines,
        notes=notes_text, spam_words=norm.spam_words, damaged=norm.damaged, agency_name=name_read,
        agency_as_written=name_as_written, methods=f.methods,
    )


def _document(text: str, file: str, html: bool | None, page: Page | None, f: prose.Findings):
    """The normalised document of a text or HTML page, its tables, its kind and the page's title hints."""
    from govreport.readers.html import looks_like_html, parse

    grids = []
    unrecognised = []
    hints: tuple[str, ...] = ()
    is_html = page is None and (looks_like_html(text, file) if html is None else html)
    if page is not None or is_html:
        page = page if page is not None else parse(text, file)
        plain, plain_lines, kind = page.plain, page.plain_lines, page.kind
        f.not_read.extend(page.not_read)
        grids, unrecognised = page.grids, page.unrecognised
        if page.title_hints:
            hints = tuple(normalize("\n".join(page.title_hints), drop_spam=False).text.split("\n"))
    else:
        plain, plain_lines, kind = text, None, "text"
    norm = normalize(plain)
    doc = Document(file, plain, norm, plain_lines, page.places if page is not None else None)
    return doc, norm, grids, unrecognised, kind, hints


def _title_source(doc: Document, ol, file: str) -> Source | None:
    if not ol.title:
        return None
    if ol.title_span is not None:
        return doc.source(*ol.title_span)
    if ol.title_line is not None:
        a = doc.starts[ol.title_line]
        return doc.source(a, a + len(doc.lines[ol.title_line]))
    return Source(file=file, line=1, text=ol.title)


def _agency_name(doc: Document, norm, title_name: str | None, title_src: Source | None, agency: str | None,
                 f: prose.Findings):
    """The agency's name as read (full name when the text gives it), as written, the contact and opening."""
    name_read: str | None = None
    if title_name:
        name_read = title_name
        f.found(("agency", "name"), title_src, "title")
    contact = particulars.read_contact(doc, f)
    opening = particulars.read_opening_agency(doc)
    if name_read is None:
        meta = particulars.read_metadata_agency(doc, norm.removed_lines)
        if meta:
            name_read = meta[0]
            f.found(("agency", "name"), meta[1], "metadata")
    if name_read is None and opening:
        name_read = opening[0]
        f.found(("agency", "name"), opening[2], "opening")
    if name_read is None:
        sig = particulars.read_signature(doc)
        if sig:
            name_read = sig[0]
            f.found(("agency", "name"), sig[1], "signature")
    if name_read is None and contact.get("office"):
        name_read = particulars.agency_prefix(contact["office"])
        if name_read:
            f.found(("agency", "name"), f.sources[("agency", "office")], "contact")
    name_as_written = name_read
    if name_read is not None:
        full = particulars.resolve_short_form(name_read, doc) or particulars.resolve_full_name(name_read, doc)
        if full:
            name_read = full[0]
            f.warnings.append(f"机关名称“{name_as_written}”按正文给出的全称“{name_read}”记录")
            f.sources[("agency", "full_name")] = full[1]
    elif agency is None:
        me = particulars.self_reference(doc)
        if me:
            f.miss("机关名称", f"报告只以“{me}”自称，标题、落款、页面信息和正文都没有写明机关名称")
    return name_read, name_as_written, contact, opening


def _report_year(doc: Document, ol, norm, file: str, year: int | None, title_year: int | None,
                 title_src: Source | None, opening, f: prose.Findings):
    """The report's year (given, else from the title, period, opening or publication date), period, published."""
    period = particulars.read_period(doc, f)
    if ("period",) in f.sources:
        f.methods[("period",)] = "period"
    period_year = period.start.year if period.start is not None and (
        period.end is None or period.end.year == period.start.year) else None
    published, published_src = _published(doc, norm, file)
    if published_src is not None:
        f.found(("published",), published_src, "published")
    if year is not None:
        rep_year: int | None = year
        f.methods[("year",)] = "given"
    elif title_year is not None:
        rep_year = title_year
        f.found(("year",), title_src, "title")
    elif period_year is not None:
        rep_year = period_year
        f.found(("year",), f.sources.get(("period",)), "period")
        if opening is not None and opening[1] is not None and opening[1] != period_year:
            f.warnings.append(f"正文开头称“{opening[0]}{opening[1]}年”报告，统计期限却是 {period_year} 年"
                              f"（按统计期限记录），请核对")
    elif opening is not None and opening[1] is not None:
        rep_year = opening[1]
        f.found(("year",), opening[2], "opening")
    elif (oy := particulars.read_opening_year(doc, ol.title_line)) is not None:
        rep_year = oy[0]
        f.found(("year",), oy[1], "opening")
    elif published is not None and published.month <= 6:
        rep_year = published.year - 1
        f.found(("year",), published_src, "inferred")
        f.warnings.append(f"报告年度由发布日期 {published.isoformat()} 推定为 {rep_year} 年"
                          "（上半年发布的年报报告上一年），请核对")
    else:
        rep_year = None
        f.miss("报告年度", "标题、统计期限、正文开头和发布日期都没有给出可确定的年度")
    if rep_year is not None and period.start is not None and period.start.year != rep_year:
        what = "标题" if f.methods.get(("year",)) == "title" else "报告"
        f.warnings.append(f"{what}年度 {rep_year} 与统计期限的年度 {period.start.year} 不一致"
                          f"（按{what}年度记录），请核对")
    return rep_year, period, published


def _proactive(pro, f: prose.Findings) -> tuple[Proactive, list[dict[str, Any]]]:
    """The proactive figures read from prose as a :class:`Proactive`, and the audience figures (JSON only)."""
    channels = tuple(
        ChannelFigure(channel=ch, label=it.label, figure=Figure.of(it.value), qualifier=it.qualifier, unit=it.unit,
                      host=host, account=account, note=_item_note(it))
        for it, ch, host, account in pro.channels
    )
    categories = tuple(
        CategoryFigure(category=cat, label=it.label, figure=Figure.of(it.value), qualifier=it.qualifier,
                       unit=it.unit, note=_item_note(it))
        for it, cat in pro.categories
    )
    proactive = Proactive(total=pro.total, total_qualifier=pro.qualifier, unit=pro.unit, channels=channels,
                          categories=categories, channels_overlap=pro.overlap)
    audience = [
        {"label": it.label, "value": int(it.value) if it.value.is_integer() else it.value, "unit": it.unit,
         "qualifier": it.qualifier, "text": it.raw, "source": f.sources[("audience", i)].to_json()}
        for i, it in enumerate(pro.audience, start=1)
    ]
    return proactive, audience


def _closing_notes(norm, encoding: str, kind: str, tables: tuple[TableData, ...], f: prose.Findings) -> str:
    """The warnings on removed spam and mojibake, and the report's notes (with the cells left unread)."""
    if norm.spam_words:
        f.warnings.append(f"正文中夹杂的赌博类垃圾词 {len(norm.spam_words)} 处已删去（"
                          f"{'、'.join(dict.fromkeys(norm.spam_words))}），其余文字照常读取")
    if norm.damaged:
        f.warnings.append(f"乱码 {len(norm.damaged)} 处（共 {sum(map(len, norm.damaged))} 字）已跳过，其余文字照常读取")
    notes_text = _notes(encoding, norm.garbles, norm.traditional, len(norm.removed_lines), len(f.not_read), kind)
    have = {(t.spec.id, r, c) for t in tables for (r, c) in t.cells}
    unread = [n.item for n in f.not_read if n.cell is not None and n.cell not in have]
    if unread:  # carried into the dataset and the review: these cells are 未读取, not 空白
        notes_text += f"以下单元格报告中有内容但未能读取（未读取，不是空白）：{'；'.join(unread)}。"
    return notes_text


def _assemble_tables(doc: Document, ol, grids, unrecognised, kind: str, rep_year: int | None,
                     f: prose.Findings) -> tuple[tuple[TableData, ...], ReportFormat]:
    """The official tables: cells read from the page's tables, then figures stated in prose for the tables
    the page does not have (where it has them, the prose only cross-checks them). Also the report format."""
    tr = TableRead()
    for grid, k in grids:
        read_grid(grid, k, rep_year, tr)
    for grid in unrecognised:
        f.miss(f"表格{grid.index}", "不是表二、表三或表四，未读取", Source(file=doc.file, line=_grid_line(grid),
                                                                       text=grid.text()[:60], table=grid.index))
    f.not_read.extend(tr.not_read)
    f.warnings.extend(tr.warnings)
    present: set[str] = set()
    text_read: set[str] = set()
    if kind == "text":
        tt = read_text_tables(doc, rep_year)
        for key, (fig, src) in tt.cells.items():
            tr.cells[key] = (fig, src)
            f.methods[("cell", key.version, *key.table_cell)] = "table-text"
        f.not_read.extend(tt.not_read)
        present, text_read = tt.present, tt.read
    table_versions: dict[str, str] = {}
    cells: dict[tuple[str, str], dict[tuple[str, str], Figure]] = {}
    notes: dict[tuple[str, str], dict[tuple[str, str], str]] = {}
    for key, (fig, src) in tr.cells.items():
        v, (t, r, c) = key.version, key.table_cell
        table_versions[t] = v
        cells.setdefault((v, t), {})[(r, c)] = fig
        f.sources[("cell", v, t, r, c)] = src
    default_version = "2019" if rep_year is not None and rep_year <= 2020 else "2021"
    prose_cells: dict[TableCell, prose.ProseCell] = {}
    for reader, tables_of in ((prose.read_applications, ("t3",)), (prose.read_reviews, ("t4",)),
                              (lambda d, o, ff: prose.read_article20_and_fee(d, o, rep_year, ff),
                               ("t2a", "t2b", "t2c", "t2d", "t2e", "fee"))):
        part = prose.Findings()
        prose_cells.update(reader(doc, ol, part))
        if not any(t in table_versions and t not in text_read for t in tables_of):
            f.not_read.extend(part.not_read)  # a table read from the page supersedes prose
            f.warnings.extend(part.warnings)
    for (t, r, c), pc in prose_cells.items():
        have_cell = (r, c) in cells.get((table_versions.get(t, ""), t), {})
        if t in table_versions and (t not in text_read or have_cell):
            # the table itself was read: it wins; the prose only cross-checks it (a table read from text
            # supersedes the prose only in the cells it gave)
            v = table_versions[t]
            have = cells.get((v, t), {}).get((r, c))
            if have is not None and have != pc.figure:
                spec = table_spec(v, t)
                f.warnings.append(f"正文与表格不一致：{spec.place(r, c)} 表格为 {have.text() or '空白'}，"
                                  f"正文为 {pc.figure.text()}（{pc.note}）")
            continue
        v = table_versions.get(t) or default_version
        if (r, c) not in cells_of(v, t):
            continue
        cells.setdefault((v, t), {})[(r, c)] = pc.figure
        notes.setdefault((v, t), {})[(r, c)] = pc.note
        f.sources[("cell", v, t, r, c)] = pc.source
        f.methods[("cell", v, t, r, c)] = pc.method
    tables = tuple(
        TableData(table_spec(v, t), figs, notes.get((v, t), {}))
        for (v, t), figs in sorted(cells.items(), key=lambda kv: _table_rank(kv[0]))
    )
    versions = set(table_versions.values())
    fmt = (ReportFormat.NONE if not versions else ReportFormat.HYBRID if len(versions) > 1
           else ReportFormat(versions.pop()))
    _missing_tables(tables, table_versions, present, f)
    return tables, fmt



_PLACEHOLDER = re.compile(r"^［表格(\d+)］$", re.MULTILINE)


def _describe_tables(sections: tuple[Section, ...], grids, unrecognised) -> tuple[Section, ...]:
    """Replace the ``［表格N］`` placeholders of the narrative with what the table is (its figures are data)."""
    kinds = {g.index: TABLE_TITLES[k] for g, k in grids}
    kinds.update({g.index: "未识别的表格" for g in unrecognised})

    def text(m: re.Match) -> str:
        what = kinds.get(int(m.group(1)), "表格")
        return f"（此处为{what}，数字已读入数据，不在正文中重复。）" if what in TABLE_TITLES.values() else \
            f"（此处为{what}，未读取。）"

    return tuple(Section(s.heading, _PLACEHOLDER.sub(text, s.body), s.level) if "［表格" in s.body else s
                 for s in sections)


def _grid_line(grid) -> int:
    for row in grid.rows:
        for c in row:
            if c is not None:
                return c.line
    return 1


def _item_note(it: Item) -> str:
    """Qualifier remarks, and the item as written when the label is not simply its start."""
    parts = [it.note] if it.note else []
    if not it.raw.startswith(it.label) or not _FIGURE_TAIL.fullmatch(it.raw[len(it.label):]):
        parts.append(f"原文：{it.raw}")
    return "；".join(parts)


_FIGURE_TAIL = re.compile(rf"(?:约|近|超过|逾)?(?:{prose.NUM})万?(?:余|多)?(?:{prose.UNITS})(?:以上)?")


def _published(doc: Document, norm, file: str) -> tuple[dt.date | None, Source | None]:
    """The publication date of the page (metadata kept as text, or dropped as page chrome)."""
    for line, at in zip(norm.removed_lines, norm.removed_at, strict=True):
        m = _PUBLISHED.search(line)
        if m:
            d = _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            if d:
                return d, Source(file=file, line=doc.file_line(at), text=m.group(0))
    for i, line in enumerate(doc.lines[:12]):
        m = _PUBLISHED.search(line)
        if m:
            d = _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            if d:
                a = doc.starts[i]
                return d, doc.source(a + m.start(), a + m.end())
    return None, None


def _safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _table_rank(key: tuple[str, str]) -> tuple[int, str]:
    from govreport.core.formats import table_order

    return (table_order().get(key, 99), key[0])


def _missing_tables(tables: tuple[TableData, ...], from_file: dict[str, str], present: set[str],
                    f: prose.Findings) -> None:
    """Say which official tables were not read, and whether the report has them (as text) or not."""
    have = {t.spec.id: len(t.cells) for t in tables}
    if not any(t.startswith("t2") for t in from_file):
        if "t2" in present:
            f.miss(TABLE_TITLES["t2"], "报告中有该表，但纯文本无法可靠还原其行列，未读取")
        else:
            f.miss(TABLE_TITLES["t2"], "报告中没有该表" + ("，正文中的相关数字见上" if any(
                k.startswith("t2") for k in have) else "，正文也没有可确定的数字"))
    for t in ("t3", "t4"):
        if t in from_file:
            continue
        n = have.get(t, 0)
        lead = "报告中有该表，但纯文本无法可靠还原其行列，未读取" if t in present else "报告中没有该表"
        if n:
            f.miss(TABLE_TITLES[t], f"{lead}；只从正文读出 {n} 格，其余各格留空")
        else:
            f.miss(TABLE_TITLES[t], f"{lead}，正文也没有可确定的数字")


def _notes(encoding: str, garbles: int, traditional: bool, removed: int, not_read: int, kind: str) -> str:
    what = {"html": "网页", "pdf": "PDF", "docx": "Word 文档"}.get(kind, "文本")
    parts = [f"由 govreport ingest 自动读取（{what}" + ("" if kind in ("pdf", "docx") else f"，编码 {encoding}")]
    if garbles:
        parts.append(f"去除镜像网站拼音注音 {garbles} 处")
    if traditional:
        parts.append("繁体已转为简体")
    if removed:
        parts.append(f"删除网站附加行 {removed} 行")
    text = "；".join(parts) + "）。"
    if not_read:
        text += f"有 {not_read} 项未读取，见 govreport ingest --json 的 not_read。"
    return text
