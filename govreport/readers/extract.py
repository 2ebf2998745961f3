"""Assembling a :class:`~govreport.core.model.Report` from a published report, with provenance.

``ingest_path`` / ``ingest_bytes`` / ``ingest_text`` return an :class:`Ingested`: the figures read (as
the parts of a Report), where each came from, what was deliberately not read, and warnings. The agency
is matched by name against known agencies (an existing dataset's ``agencies.csv``) or derived from the
name the report gives (kind, level and superior from the name's region part; id = region + agency
type in pinyin when pypinyin is installed, else a stable hash).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govreport.core.errors import NotFoundError, ParameterError
from govreport.core.formats import TableCell, table_spec
from govreport.core.ids import AGENCY_ID_MAX, check_agency_arg, is_agency_id
from govreport.core.model import (
    Agency,
    AgencyKind,
    CategoryFigure,
    ChannelFigure,
    Level,
    Period,
    Proactive,
    Report,
    ReportFormat,
    Section,
    TableData,
)
from govreport.core.values import Figure, Mark
from govreport.readers import text as prose
from govreport.readers.detect import decode
from govreport.readers.document import Document
from govreport.readers.normalize import normalize
from govreport.readers.sections import outline
from govreport.readers.source import NotRead, Source
from govreport.readers.tables import TableRead, read_grid
from govreport.readers.texttables import read_text_tables

if TYPE_CHECKING:
    from govreport.readers.html import Page

TABLE_TITLES = {
    "t2": "表二（主动公开政府信息情况）",
    "t3": "表三（收到和处理政府信息公开申请情况）",
    "t4": "表四（政府信息公开行政复议、行政诉讼情况）",
}
_PUBLISHED = re.compile(r"(?:发布|成文|印发|生成)(?:时间|日期)[：:]\s*(\d{4})[-年/.](\d{1,2})[-月/.](\d{1,2})")


@dataclass(slots=True)
class Ingested:
    """Everything read from one published report."""

    file: str
    encoding: str
    source_kind: str  # text | html
    agency: Agency | None
    agency_match: str  # dataset | given | derived | none
    year: int | None
    period: Period
    format: ReportFormat
    published: dt.date | None
    proactive: Proactive
    tables: tuple[TableData, ...]
    sections: tuple[Section, ...]
    sources: dict[tuple, Source]
    not_read: list[NotRead]
    warnings: list[str]
    audience: list[dict[str, Any]] = field(default_factory=list)
    garbles: int = 0
    traditional: bool = False
    removed_lines: tuple[str, ...] = ()
    notes: str = ""
    spam_words: tuple[str, ...] = ()
    damaged: tuple[str, ...] = ()
    agency_name: str | None = None  # the name read from the report (also when no Agency could be made of it)
    agency_as_written: str | None = None  # before a short form was resolved with the text's own full name
    methods: dict[tuple, str] = field(default_factory=dict)  # how each item was found (see text.Findings)

    def method_of(self, key: tuple) -> str | None:
        """How an item was found: title, metadata, opening, signature, contact, period, published, given,
        dataset, table, table-text, prose, prose-none, prose-cn-numeral, inferred; None when not read."""
        if key in self.methods:
            return self.methods[key]
        if key in self.sources:
            if key[0] == "cell":
                return "table" if self.sources[key].table is not None else "prose"
            return "prose"
        return None

    def report(self, source: str | None = None, *, unidentified: bool = False) -> Report:
        """The Report; raises :class:`ParameterError` when the agency or the year could not be read.

        ``unidentified=True`` (for checks only, never for the dataset): a report whose agency could not be
        identified is returned under an "unidentified agency" labelled with its file name."""
        agency = self.agency
        if agency is None and unidentified:
            agency = unidentified_agency(self.file, self.agency_name)
        if agency is None:
            raise ParameterError(f"{self.file}：无法从报告中读出机关",
                                 hint="用 --agency 给出机关的 id 或中文全称")
        if self.year is None:
            raise ParameterError(f"{self.file}：无法从报告中读出报告年度",
                                 hint="用 --year 给出年度，例如 --year 2020")
        return Report(
            agency=agency, year=self.year, format=self.format, period=self.period, published=self.published,
            proactive=self.proactive, tables=self.tables, sections=self.sections,
            source=source if source is not None else self.file, notes=self.notes,
        )

    def source_of(self, key: tuple) -> Source | None:
        return self.sources.get(key)

    def unread_cells(self) -> dict[tuple[str, str, str], NotRead]:
        """Official table cells the document fills but that could not be read: 未读取, never 空白."""
        have = {(t.spec.id, r, c) for t in self.tables for (r, c) in t.cells}
        return {n.cell: n for n in self.not_read if n.cell is not None and n.cell not in have}

    # ----------------------------------------------------------------------------------------- JSON

    def to_json(self) -> dict[str, Any]:
        def src(key: tuple) -> dict[str, Any] | None:
            s = self.sources.get(key)
            return s.to_json() if s is not None else None

        method = self.method_of

        a = self.agency
        agency: dict[str, Any] | None = None
        if a is not None:
            agency = {
                "id": a.id, "name": a.name, "kind": a.kind.value, "level": a.level.value, "region": a.region,
                "region_code": a.region_code, "superior": a.superior, "address": a.address, "postcode": a.postcode,
                "phone": a.phone, "fax": a.fax, "email": a.email, "office": a.office, "matched": self.agency_match,
                "as_written": self.agency_as_written or a.name,
                "method": method(("agency", "name")) or self.agency_match,
                "confidence": _CONFIDENCE.get(method(("agency", "name")) or self.agency_match, "medium"),
                "sources": {k[1]: self.sources[k].to_json() for k in sorted(self.sources, key=str)
                            if k[0] == "agency"},
            }
        elif self.agency_name:  # a name was read but no agency record could be made of it (level unknown)
            agency = {"id": None, "name": self.agency_name, "as_written": self.agency_as_written,
                      "matched": "none", "method": method(("agency", "name")),
                      "sources": {k[1]: self.sources[k].to_json() for k in sorted(self.sources, key=str)
                                  if k[0] == "agency"}}
        p = self.proactive
        channels = [
            {"seq": i, "label": c.label, "channel": c.channel, "value": _num(c.figure), "qualifier": c.qualifier,
             "unit": c.unit, "host": c.host, "account": c.account, "note": c.note,
             "method": method(("channel", i)), "source": src(("channel", i))}
            for i, c in enumerate(p.channels, start=1)
        ]
        categories = [
            {"seq": i, "label": c.label, "category": c.category, "value": _num(c.figure), "qualifier": c.qualifier,
             "unit": c.unit, "note": c.note, "method": method(("category", i)), "source": src(("category", i))}
            for i, c in enumerate(p.categories, start=1)
        ]

        def cells(ids: tuple[str, ...]) -> list[dict[str, Any]]:
            out = []
            for t in self.tables:
                if t.spec.id not in ids:
                    continue
                for r in t.spec.rows:
                    for c in t.spec.columns:
                        if (r.id, c.id) in t.cells:
                            fig = t.cells[(r.id, c.id)]
                            out.append({
                                "version": t.spec.version, "table": t.spec.id, "row": r.id, "column": c.id,
                                "place": t.spec.place(r.id if r.label else None, c.id),
                                "value": _num(fig), "mark": fig.mark.name.lower(),
                                "note": t.notes.get((r.id, c.id), ""),
                                "method": method(("cell", t.spec.version, t.spec.id, r.id, c.id)),
                                "source": src(("cell", t.spec.version, t.spec.id, r.id, c.id)),
                            })
            for (t_id, r_id, c_id), n in sorted(self.unread_cells().items()):
                if t_id in ids:
                    out.append({"version": None, "table": t_id, "row": r_id, "column": c_id, "place": n.item,
                                "value": "未读取", "mark": "not_read", "note": n.reason,
                                "source": n.source.to_json() if n.source is not None else None})
            return out

        return {
            "file": self.file,
            "encoding": self.encoding,
            "kind": self.source_kind,
            "normalisation": {"pinyin_removed": self.garbles, "traditional_to_simplified": self.traditional,
                              "removed_lines": list(self.removed_lines), "spam_words": list(self.spam_words),
                              "damaged_removed": list(self.damaged)},
            "agency": agency,
            "year": self.year,
            "year_method": method(("year",)) if self.year is not None else None,
            "year_confidence": _CONFIDENCE.get(method(("year",)) or "", "medium") if self.year is not None else None,
            "year_source": src(("year",)),
            "format": self.format.value,
            "period": {
                "start": _d(self.period.start), "end": _d(self.period.end), "cutoff": _d(self.period.cutoff),
                "source": src(("period",)), "cutoff_source": src(("cutoff",)),
            },
            "published": _d(self.published),
            "published_source": src(("published",)),
            "proactive": {
                "total": _num(p.total), "qualifier": p.total_qualifier, "unit": p.unit,
                "method": method(("proactive_total",)), "source": src(("proactive_total",)),
                "channels_overlap": p.channels_overlap,
                "channels": channels,
                "categories": categories,
                "audience": self.audience,
            },
            "article20": cells(("t2a", "t2b", "t2c", "t2d", "t2e")),
            "applications": cells(("t3",)),
            "reviews": cells(("t4",)),
            "fees": cells(("fee",)),
            "sections": [{"heading": s.heading, "body": s.body} for s in self.sections],
            "not_read": [n.to_json() for n in self.not_read],
            "warnings": list(self.warnings),
        }


#: How sure a year or an agency name is, by how it was found: the report's own title, metadata, period,
#: sign-off or an override are certain; an opening sentence or the contact line is a reading of prose; a
#: year inferred from the publication date is a guess the user must confirm.
_CONFIDENCE = {"title": "high", "metadata": "high", "period": "high", "signature": "high", "given": "high",
               "dataset": "high", "opening": "medium", "contact": "medium", "inferred": "low"}


def unidentified_agency(file: str, name: str | None = None) -> Agency:
    """The stand-in agency of a report whose agency could not be identified: named after the file."""
    stem = Path(file).name
    digest = hashlib.blake2b(file.encode("utf-8"), digest_size=4).hexdigest()
    label = f"未识别机关（{stem}）" if not name else f"{name}（未能确定机关层级，{stem}）"
    return Agency(id=f"unidentified-{digest}", name=label, kind=AgencyKind.OTHER, level=Level.COUNTY)


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


def _num(fig: Figure) -> float | int | str | None:
    if fig.mark is Mark.NA:
        return "不适用"
    if fig.mark is Mark.BLANK or fig.value is None:
        return None
    return int(fig.value) if float(fig.value).is_integer() else fig.value


def _d(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


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
    from govreport.readers.html import looks_like_html, parse

    # characters, not bytes: a text of N MB of Chinese is about N/3 million characters
    _refuse_size(file, len(text), max_mb() if limit_mb is None else limit_mb)

    f = prose.Findings()
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
    ol = outline(doc, hints)

    # --- title, agency name, year, period (each with how it was found)
    name_read: str | None = None
    title_name, title_year = prose.read_title(ol.title) if ol.title else (None, None)
    title_src = None
    if ol.title:
        if ol.title_span is not None:
            title_src = doc.source(*ol.title_span)
        elif ol.title_line is not None:
            a = doc.starts[ol.title_line]
            title_src = doc.source(a, a + len(doc.lines[ol.title_line]))
        else:
            title_src = Source(file=file, line=1, text=ol.title)

    def found(key: tuple, src: Source | None, method: str) -> None:
        if src is not None:
            f.sources[key] = src
        f.methods[key] = method

    if title_name:
        name_read = title_name
        found(("agency", "name"), title_src, "title")
    contact = prose.read_contact(doc, f)
    opening = prose.read_opening_agency(doc)
    if name_read is None:
        meta = prose.read_metadata_agency(doc, norm.removed_lines)
        if meta:
            name_read = meta[0]
            found(("agency", "name"), meta[1], "metadata")
    if name_read is None and opening:
        name_read = opening[0]
        found(("agency", "name"), opening[2], "opening")
    if name_read is None:
        sig = prose.read_signature(doc)
        if sig:
            name_read = sig[0]
            found(("agency", "name"), sig[1], "signature")
    if name_read is None and contact.get("office"):
        name_read = prose.agency_prefix(contact["office"])
        if name_read:
            found(("agency", "name"), f.sources[("agency", "office")], "contact")
    name_as_written = name_read
    if name_read is not None:
        full = prose.resolve_short_form(name_read, doc) or prose.resolve_full_name(name_read, doc)
        if full:
            name_read = full[0]
            f.warnings.append(f"机关名称“{name_as_written}”按正文给出的全称“{name_read}”记录")
            f.sources[("agency", "full_name")] = full[1]
    elif agency is None:
        me = prose.self_reference(doc)
        if me:
            f.miss("机关名称", f"报告只以“{me}”自称，标题、落款、页面信息和正文都没有写明机关名称")
    period = prose.read_period(doc, f)
    if ("period",) in f.sources:
        f.methods[("period",)] = "period"
    period_year = period.start.year if period.start is not None and (
        period.end is None or period.end.year == period.start.year) else None
    published, published_src = _published(doc, norm, file)
    if published_src is not None:
        found(("published",), published_src, "published")
    if year is not None:
        rep_year: int | None = year
        f.methods[("year",)] = "given"
    elif title_year is not None:
        rep_year = title_year
        found(("year",), title_src, "title")
    elif period_year is not None:
        rep_year = period_year
        found(("year",), f.sources.get(("period",)), "period")
        if opening is not None and opening[1] is not None and opening[1] != period_year:
            f.warnings.append(f"正文开头称“{opening[0]}{opening[1]}年”报告，统计期限却是 {period_year} 年"
                              f"（按统计期限记录），请核对")
    elif opening is not None and opening[1] is not None:
        rep_year = opening[1]
        found(("year",), opening[2], "opening")
    elif (oy := prose.read_opening_year(doc, ol.title_line)) is not None:
        rep_year = oy[0]
        found(("year",), oy[1], "opening")
    elif published is not None and published.month <= 6:
        rep_year = published.year - 1
        found(("year",), published_src, "inferred")
        f.warnings.append(f"报告年度由发布日期 {published.isoformat()} 推定为 {rep_year} 年"
                          "（上半年发布的年报报告上一年），请核对")
    else:
        rep_year = None
        f.miss("报告年度", "标题、统计期限、正文开头和发布日期都没有给出可确定的年度")
    if rep_year is not None and period.start is not None and period.start.year != rep_year:
        what = "标题" if f.methods.get(("year",)) == "title" else "报告"
        f.warnings.append(f"{what}年度 {rep_year} 与统计期限的年度 {period.start.year} 不一致"
                          f"（按{what}年度记录），请核对")

    # --- agency
    ag, how = resolve_agency(name_read, contact, agency, agencies, f)
    is_gov = ag is not None and ag.kind is AgencyKind.GOVERNMENT

    # --- proactive
    pro = prose.read_proactive(doc, ol, rep_year, period.end, ag.name if ag else (name_read or ""), is_gov, f)
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

    # --- tables (HTML) and the figures stated in prose
    tables, fmt = _assemble_tables(doc, ol, grids, unrecognised, kind, rep_year, f)

    # --- period with cut-off, publication date
    cutoff = pro.cutoff
    final_period = Period(period.start, period.end, cutoff)
    sections = _describe_tables(tuple(ol.sections), grids, unrecognised)

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
    return Ingested(
        file=file, encoding=encoding, source_kind=kind, agency=ag, agency_match=how, year=rep_year,
        period=final_period, format=fmt, published=published, proactive=proactive, tables=tables,
        sections=sections, sources=f.sources, not_read=f.not_read, warnings=f.warnings,
        audience=audience, garbles=norm.garbles, traditional=norm.traditional, removed_lines=norm.removed_lines,
        notes=notes_text, spam_words=norm.spam_words, damaged=norm.damaged, agency_name=name_read,
        agency_as_written=name_as_written, methods=f.methods,
    )


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
        if (r, c) not in _spec_cells(v, t):
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



@lru_cache(maxsize=64)
def _spec_cells(version: str, table_id: str) -> frozenset[tuple[str, str]]:
    spec = table_spec(version, table_id)
    return frozenset((r.id, c.id) for r in spec.rows for c in spec.columns)


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


def _item_note(it: prose.Item) -> str:
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


# ------------------------------------------------------------------------------------------ agency

_UNIT = re.compile(
    r"(?:自治区|自治州|自治县|自治旗|特别行政区|省|市|州|盟|地区|县|旗|区|镇|乡|苏木|街道)"
    r"(?!场|政|容|域|划|村|镇|直)"  # 市场监督管理局, 区域, 乡村振兴局 … are not region names
)
_MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")
_DEPARTMENT = re.compile(r"(?:局|委员会|委|办公室|办公厅|办|厅|署|部)$")


def split_region(name: str) -> tuple[str, str]:
    """``巴彦淖尔市五原县民政局`` → (``巴彦淖尔市五原县``, ``民政局``). Region '' when none is named."""
    last = None
    for m in _UNIT.finditer(name):
        if m.end() < len(name):
            last = m
    if last is None:
        return "", name
    return name[:last.end()], name[last.end():]


def derive_agency(name: str) -> tuple[Agency | None, list[str]]:
    """An Agency for a name not in the dataset: kind, level and superior from the name (with the doubts)."""
    doubts: list[str] = []
    region, rest = split_region(name)
    units = [m.group() for m in _UNIT.finditer(region)]
    last = units[-1] if units else ""
    level: Level | None
    if name.startswith(("国家", "国务院", "中华人民共和国")):
        level = Level.NATIONAL
    elif last in ("省", "自治区", "特别行政区") or region in _MUNICIPALITIES:
        level = Level.PROVINCE
    elif last in ("市", "州", "自治州", "盟", "地区"):
        level = Level.PREFECTURE
        if last == "市" and len(units) == 1:
            doubts.append(f"“{region}”也可能是县级市，机关层级按地级记录，请核对")
    elif last in ("县", "自治县", "旗", "自治旗", "区"):
        level = Level.COUNTY
    elif last in ("镇", "乡", "苏木", "街道"):
        level = Level.TOWNSHIP
    else:
        return None, ["无法从机关名称判断其层级"]
    if level is Level.TOWNSHIP or re.search(r"管委会|管理委员会|中心|院|所|站|队$", rest):
        kind = AgencyKind.OTHER
    elif rest.endswith("人民政府") or rest == "政府":
        kind = AgencyKind.GOVERNMENT
    elif _DEPARTMENT.search(rest):
        kind = AgencyKind.DEPARTMENT
    else:
        kind = AgencyKind.OTHER
        doubts.append("无法从机关名称判断机关类别，按“其他”记录")
    superior = ""
    if kind is AgencyKind.DEPARTMENT and region:
        superior = f"{region}人民政府"
    elif len(units) >= 2:
        parent = region[:_parent_end(region)]
        superior = f"{parent}人民政府" if parent else ""
    return Agency(id=agency_slug(region, rest), name=name, kind=kind, level=level, superior=superior,
                  short_name=name), doubts


def _parent_end(region: str) -> int:
    """End of the second-to-last region unit (the parent region)."""
    ends = [m.end() for m in _UNIT.finditer(region)]
    return ends[-2] if len(ends) >= 2 else 0


@lru_cache(maxsize=1024)
def agency_slug(region: str, rest: str) -> str:
    """A readable ASCII id: pinyin of the region and the agency type (``wuyuanxian-minzhengju``)."""
    try:
        from pypinyin import lazy_pinyin
    except ImportError:  # pragma: no cover - depends on the environment
        digest = hashlib.blake2b((region + rest).encode("utf-8"), digest_size=5).hexdigest()
        return f"agency-{digest}"

    def py(s: str) -> str:
        return re.sub(r"[^a-z0-9]+", "", "".join(lazy_pinyin(s)).lower())

    parts = [p for p in (py(region), py(rest)) if p]
    slug = "-".join(parts) or "agency"
    if not is_agency_id(slug):  # too long (or, improbably, a reserved name): keep it unique with a hash
        digest = hashlib.blake2b((region + rest).encode("utf-8"), digest_size=4).hexdigest()
        slug = f"{slug[:AGENCY_ID_MAX - 9].rstrip('-')}-{digest}"
    return slug


def resolve_agency(name: str | None, contact: dict[str, str], given: str | None, known: tuple[Agency, ...],
                   f: prose.Findings) -> tuple[Agency | None, str]:
    by_key: dict[str, Agency] = {}
    for a in known:
        by_key.setdefault(a.id, a)
        by_key.setdefault(a.name, a)
        if a.short_name:
            by_key.setdefault(a.short_name, a)
    agency: Agency | None = None
    how = "none"
    if given:
        if given in by_key:
            agency, how = by_key[given], "given"
        elif is_agency_id(check_agency_arg(given)):
            if name is None:
                f.miss("机关名称", "报告中读不出机关名称，--agency 给的是编号，数据集中没有这个编号")
                return None, "none"
            derived, doubts = derive_agency(name)
            if derived is None:
                f.miss("机关层级", doubts[0])
                return None, "none"
            agency, how = replace(derived, id=given), "given"
            f.warnings.extend(doubts)
        else:
            derived, doubts = derive_agency(given)
            if derived is None:
                f.miss("机关层级", doubts[0])
                return None, "none"
            agency, how = derived, "given"
            f.warnings.extend(doubts)
        if name and agency.name != name:
            f.warnings.append(f"报告中的机关名称“{name}”与 --agency 指定的“{agency.name}”不同，按 --agency 记录")
    elif name is None:
        f.miss("机关名称", "标题、落款和联系方式中都没有可确定的机关名称")
        return None, "none"
    elif name in by_key:
        agency, how = by_key[name], "dataset"
    elif (near := _near_name(name, known)) is not None:
        agency, how = near, "dataset"
        f.warnings.append(f"报告中的机关名称“{name}”按数据集中的“{near.name}”（{near.id}）记录")
    else:
        derived, doubts = derive_agency(name)
        if derived is None:
            f.miss("机关层级", f"“{name}”：{doubts[0]}")
            return None, "none"
        agency, how = derived, "derived"
        f.warnings.extend(doubts)
    # contact block: fill what the agency record lacks; report differences
    updates = {}
    for key, value in contact.items():
        current = getattr(agency, key)
        if not current:
            updates[key] = value
        elif current != value:
            f.warnings.append(f"报告中的{_FIELD_LABELS[key]}“{value}”与数据集中的“{current}”不同，保留数据集中的值")
    if updates:
        agency = replace(agency, **updates)
    return agency, how


def _near_name(name: str, known: tuple[Agency, ...]) -> Agency | None:
    """The one known agency whose name the read name ends with (or is the end of): 巴彦淖尔市五原县民政局."""
    hits = {a.id: a for a in known if len(a.name) >= 4 and len(name) >= 4
            and (name.endswith(a.name) or a.name.endswith(name))}
    return next(iter(hits.values())) if len(hits) == 1 else None


_FIELD_LABELS = {"office": "编制机构", "address": "地址", "postcode": "邮编", "phone": "电话", "fax": "传真",
                 "email": "电子邮箱"}


def known_agencies(root: str | os.PathLike[str] | None) -> tuple[Agency, ...]:
    """The agencies of a dataset directory (empty when there is none)."""
    if root is None:
        return ()
    path = Path(root) / "agencies.csv"
    if not path.exists():
        return ()
    from govreport.core import schema as layout
    from govreport.store.csvstore import read_file
    from govreport.store.frames import agency_from_row

    frame = read_file(path, layout.AGENCIES)
    return tuple(agency_from_row(row) for _, row in frame.iterrows())
