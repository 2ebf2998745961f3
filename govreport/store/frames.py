"""Conversions between a :class:`~govreport.core.model.Report` and the tidy rows of the dataset files."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from govreport.core import schema as layout
from govreport.core.formats import cell_catalog
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
from govreport.core.report_text import join_sections
from govreport.core.values import Figure, Mark, format_value


def _figure(value: float, mark: int) -> Figure:
    m = Mark(int(mark))
    return Figure(m, float(value) if m is Mark.VALUE else None)


def _date(v: object) -> dt.date | None:
    if v is None or pd.isna(v):
        return None
    return pd.Timestamp(v).date()


def _s(v: object) -> str:
    return "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)


def agency_from_row(row: pd.Series) -> Agency:
    return Agency(
        id=_s(row["agency_id"]),
        name=_s(row["name"]),
        kind=AgencyKind(_s(row["kind"])),
        level=Level(_s(row["level"])),
        **{f: _s(row[f]) for f in ("region", "region_code", "superior", "short_name", "address", "postcode",
                                   "phone", "fax", "email", "office")},
    )


def report_from_rows(
    agency: Agency,
    rep: pd.Series,
    cells: pd.DataFrame,
    channels: pd.DataFrame,
    categories: pd.DataFrame,
    sections: pd.DataFrame | None,
) -> Report:
    catalog = cell_catalog()
    by_table: dict[tuple[str, str], dict[tuple[str, str], Figure]] = {}
    notes: dict[tuple[str, str], dict[tuple[str, str], str]] = {}
    for cid, value, mark, note in zip(
        cells["cell_id"].to_numpy(), cells["value"].to_numpy(), cells["value_mark"].to_numpy(),
        cells["note"].to_numpy() if "note" in cells else [""] * len(cells), strict=True,
    ):
        k = catalog[int(cid)]
        by_table.setdefault((k.version, k.table), {})[(k.row, k.column)] = _figure(value, mark)
        if _s(note):
            notes.setdefault((k.version, k.table), {})[(k.row, k.column)] = _s(note)
    from govreport.core.formats import table_spec

    tables = tuple(
        TableData(table_spec(v, t), figs, notes.get((v, t), {}))
        for (v, t), figs in sorted(by_table.items(), key=lambda kv: _table_rank(kv[0]))
    )
    chans = tuple(
        ChannelFigure(
            channel=_s(r.channel), label=_s(r.label), figure=_figure(r.value, r.value_mark), qualifier=_s(r.qualifier),
            unit=_s(r.unit), host=_s(r.host), account=_s(r.account), note=_s(r.note),
            source=_s(getattr(r, "source", "")),
        )
        for r in channels.itertuples(index=False)
    )
    cats = tuple(
        CategoryFigure(
            category=_s(r.category), label=_s(r.label), figure=_figure(r.value, r.value_mark),
            qualifier=_s(r.qualifier), unit=_s(r.unit), note=_s(r.note),
        )
        for r in categories.itertuples(index=False)
    )
    overlap = rep["channels_overlap"]
    proactive = Proactive(
        total=_figure(rep["proactive_total"], rep["proactive_total_mark"]),
        total_qualifier=_s(rep["proactive_qualifier"]),
        unit=_s(rep["proactive_unit"]) or "条",
        channels=chans,
        categories=cats,
        channels_overlap=None if pd.isna(overlap) else bool(overlap),
        total_source=_s(rep.get("proactive_total_source", "")),
    )
    secs: tuple[Section, ...] = ()
    if sections is not None and len(sections):
        secs = tuple(Section(_s(h), _s(b)) for h, b in zip(sections["heading"], sections["body"], strict=True))
    return Report(
        agency=agency,
        year=int(rep["year"]),
        format=ReportFormat(_s(rep["format"])),
        period=Period(_date(rep["period_start"]), _date(rep["period_end"]), _date(rep["data_cutoff"])),
        published=_date(rep["published"]),
        proactive=proactive,
        tables=tables,
        sections=secs,
        source=_s(rep["source"]),
        notes=_s(rep["notes"]),
    )


def _table_rank(key: tuple[str, str]) -> tuple[int, str]:
    from govreport.core.formats import table_order

    return (table_order().get(key, 99), key[0])


# ------------------------------------------------------------------------------- report → text rows


def _d(d: dt.date | None) -> str:
    return d.isoformat() if d else ""


def report_to_text_frames(report: Report) -> dict[str, pd.DataFrame]:
    """The rows of one report as CSV text frames (one per dataset file), agency included."""
    a = report.agency
    agencies = pd.DataFrame(
        [{
            "agency_id": a.id, "name": a.name, "kind": a.kind.value, "level": a.level.value, "region": a.region,
            "region_code": a.region_code, "superior": a.superior, "short_name": a.short_name, "address": a.address,
            "postcode": a.postcode, "phone": a.phone, "fax": a.fax, "email": a.email, "office": a.office,
        }],
        columns=list(layout.AGENCIES.columns),
    )
    p = report.proactive
    reports = pd.DataFrame(
        [{
            "agency_id": a.id, "year": str(report.year), "format": report.format.value,
            "period_start": _d(report.period.start), "period_end": _d(report.period.end),
            "data_cutoff": _d(report.period.cutoff), "published": _d(report.published),
            "proactive_total": p.total.text(), "proactive_qualifier": p.total_qualifier,
            "proactive_unit": p.unit if p.total.mark != Mark.BLANK or p.channels else "",
            "channels_overlap": "" if p.channels_overlap is None else ("yes" if p.channels_overlap else "no"),
            "source": report.source, "notes": report.notes, "proactive_total_source": p.total_source,
        }],
        columns=list(layout.REPORTS.columns),
    )
    cell_rows = []
    for t in report.tables:
        for r in t.spec.rows:
            for c in t.spec.columns:
                if (r.id, c.id) in t.cells:
                    f = t.cells[(r.id, c.id)]
                    cell_rows.append({
                        "agency_id": a.id, "year": str(report.year), "version": t.spec.version, "table": t.spec.id,
                        "row": r.id, "column": c.id, "value": f.text(), "note": t.notes.get((r.id, c.id), ""),
                    })
    cells = pd.DataFrame(cell_rows, columns=list(layout.CELLS.columns))
    channels = pd.DataFrame(
        [{
            "agency_id": a.id, "year": str(report.year), "seq": str(i), "channel": ch.channel, "label": ch.label,
            "value": ch.figure.text(), "qualifier": ch.qualifier, "unit": ch.unit, "host": ch.host,
            "account": ch.account, "note": ch.note, "source": ch.source,
        } for i, ch in enumerate(p.channels, start=1)],
        columns=list(layout.CHANNELS.columns),
    )
    categories = pd.DataFrame(
        [{
            "agency_id": a.id, "year": str(report.year), "seq": str(i), "category": c.category, "label": c.label,
            "value": c.figure.text(), "qualifier": c.qualifier, "unit": c.unit, "note": c.note,
        } for i, c in enumerate(p.categories, start=1)],
        columns=list(layout.CATEGORIES.columns),
    )
    return {"agencies": agencies, "reports": reports, "cells": cells, "channels": channels, "categories": categories}


def narrative_text(report: Report) -> str | None:
    return join_sections(report.sections) if report.sections else None


def figure_text(value: float, mark: int) -> str:
    return format_value(None if np.isnan(value) else value, mark)
