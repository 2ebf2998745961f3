"""What reading one published report gave: :class:`Ingested` (the figures as the parts of a Report, where
each came from, what was deliberately not read, warnings) and its JSON form with provenance."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from govreport.core.errors import ParameterError
from govreport.core.model import (
    Agency,
    Period,
    Proactive,
    Report,
    ReportFormat,
    Section,
    TableData,
)
from govreport.core.values import Figure, Mark
from govreport.readers.agencies import unidentified_agency
from govreport.readers.source import NotRead, Source


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
        src, method = self._src, self.method_of
        return {
            "file": self.file,
            "encoding": self.encoding,
            "kind": self.source_kind,
            "normalisation": {"pinyin_removed": self.garbles, "traditional_to_simplified": self.traditional,
                              "removed_lines": list(self.removed_lines), "spam_words": list(self.spam_words),
                              "damaged_removed": list(self.damaged)},
            "agency": self._agency_json(),
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
            "proactive": self._proactive_json(),
            "article20": self._cells_json(("t2a", "t2b", "t2c", "t2d", "t2e")),
            "applications": self._cells_json(("t3",)),
            "reviews": self._cells_json(("t4",)),
            "fees": self._cells_json(("fee",)),
            "sections": [{"heading": s.heading, "body": s.body} for s in self.sections],
            "not_read": [n.to_json() for n in self.not_read],
            "warnings": list(self.warnings),
        }

    def _src(self, key: tuple) -> dict[str, Any] | None:
        s = self.sources.get(key)
        return s.to_json() if s is not None else None

    def _agency_json(self) -> dict[str, Any] | None:
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
        return agency

    def _proactive_json(self) -> dict[str, Any]:
        src, method = self._src, self.method_of
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
        return {
            "total": _num(p.total), "qualifier": p.total_qualifier, "unit": p.unit,
            "method": method(("proactive_total",)), "source": src(("proactive_total",)),
            "channels_overlap": p.channels_overlap,
            "channels": channels,
            "categories": categories,
            "audience": self.audience,
        }

    def _cells_json(self, ids: tuple[str, ...]) -> list[dict[str, Any]]:
        """The cells of tables ``ids`` read (in layout order), then those left unread."""
        src, method = self._src, self.method_of
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


#: How sure a year or an agency name is, by how it was found: the report's own title, metadata, period,
#: sign-off or an override are certain; an opening sentence or the contact line is a reading of prose; a
#: year inferred from the publication date is a guess the user must confirm.
_CONFIDENCE = {"title": "high", "metadata": "high", "period": "high", "signature": "high", "given": "high",
               "dataset": "high", "opening": "medium", "contact": "medium", "inferred": "low"}


def _num(fig: Figure) -> float | int | str | None:
    if fig.mark is Mark.NA:
        return "不适用"
    if fig.mark is Mark.BLANK or fig.value is None:
        return None
    return int(fig.value) if float(fig.value).is_integer() else fig.value


def _d(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None
