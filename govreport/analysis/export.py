"""The dataset as open data: readable tidy tables with Chinese labels, and a data dictionary.

Pure functions from a :class:`~govreport.store.dataset.Dataset` to frames; ``govreport export`` writes them.
Every figure keeps its status next to its value: ``reported`` (a number, 0 included), ``blank`` (not
reported: the value is empty) or ``not_applicable`` (不适用: the value is empty). Nothing is filled in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from govreport.analysis.stats import APPLICATION_FIGURES
from govreport.core import schema as layout
from govreport.core.channels import CATEGORY_BY_ID, CHANNEL_BY_ID
from govreport.core.formats import FORMATS, cell_catalog
from govreport.core.values import Mark

if TYPE_CHECKING:  # pragma: no cover
    from govreport.store.dataset import Dataset

STATUS = {Mark.VALUE: "reported", Mark.BLANK: "blank", Mark.NA: "not_applicable"}
STATUS_MEANING = (
    "reported = the agency reported this number (0 is a reported zero); blank = not reported, value empty; "
    "not_applicable = the agency wrote 不适用, / or —, value empty"
)


def _status(marks: np.ndarray) -> np.ndarray:
    return np.array([STATUS[Mark(int(m))] for m in range(3)], dtype=object)[marks.astype(int)]


def _value(values: np.ndarray, marks: np.ndarray) -> np.ndarray:
    return np.where(marks == Mark.VALUE, values, np.nan)


def _names(ds: Dataset, agency_ids: pd.Series) -> np.ndarray:
    lookup = dict(zip(ds.agencies["agency_id"].astype(str), ds.agencies["name"].astype(str), strict=True))
    return agency_ids.astype(str).map(lookup).to_numpy()


def cells_table(ds: Dataset) -> pd.DataFrame:
    """Table figures with the official labels of table, row and column, unit and status."""
    cat = cell_catalog()
    title, row_label, col_label, unit = [], [], [], []
    for k in cat:
        t = FORMATS[k.version].table(k.table)
        title.append(t.ref)
        row_label.append(t.row(k.row).label)
        c = t.column(k.column)
        col_label.append(c.label if not c.parent or c.parent == "applicant" else
                         f"{t.column(c.parent).label}·{c.label}")
        unit.append(c.unit)
    ids = ds.cells["cell_id"].to_numpy()
    marks = ds.cells["value_mark"].to_numpy()
    return pd.DataFrame({
        "agency_id": ds.cells["agency_id"].astype(str).to_numpy(),
        "agency": _names(ds, ds.cells["agency_id"]),
        "year": ds.cells["year"].to_numpy().astype(int),
        "version": ds.cells["version"].astype(str).to_numpy(),
        "table": ds.cells["table"].astype(str).to_numpy(),
        "table_label": np.asarray(title, dtype=object)[ids],
        "row": ds.cells["row"].astype(str).to_numpy(),
        "row_label": np.asarray(row_label, dtype=object)[ids],
        "column": ds.cells["column"].astype(str).to_numpy(),
        "column_label": np.asarray(col_label, dtype=object)[ids],
        "unit": np.asarray(unit, dtype=object)[ids],
        "value": _value(ds.cells["value"].to_numpy(), marks),
        "status": _status(marks),
        "note": ds.cells["note"].astype(str).to_numpy(),
    })


def channels_table(ds: Dataset) -> pd.DataFrame:
    from govreport.analysis.stats import channel_distribution

    dist = channel_distribution(ds.channels)
    ch = ds.channels
    return pd.DataFrame({
        "agency_id": ch["agency_id"].astype(str).to_numpy(),
        "agency": _names(ds, ch["agency_id"]),
        "year": ch["year"].to_numpy().astype(int),
        "seq": ch["seq"].to_numpy().astype(int),
        "channel": ch["channel"].astype(str).to_numpy(),
        "channel_label": [CHANNEL_BY_ID[c].label for c in ch["channel"].astype(str)],
        "label": ch["label"].astype(str).to_numpy(),
        "value": _value(ch["value"].to_numpy(), ch["value_mark"].to_numpy()),
        "status": _status(ch["value_mark"].to_numpy()),
        "qualifier": ch["qualifier"].astype(str).to_numpy(),
        "unit": ch["unit"].astype(str).to_numpy(),
        "host": ch["host"].astype(str).to_numpy(),
        "account": ch["account"].astype(str).to_numpy(),
        "share_pct": dist["share"].to_numpy(),
        "share_status": dist["share_status"].to_numpy(),
        "rank": dist["rank"].to_numpy(),
    })


def categories_table(ds: Dataset) -> pd.DataFrame:
    c = ds.categories
    return pd.DataFrame({
        "agency_id": c["agency_id"].astype(str).to_numpy(),
        "agency": _names(ds, c["agency_id"]),
        "year": c["year"].to_numpy().astype(int),
        "seq": c["seq"].to_numpy().astype(int),
        "category": c["category"].astype(str).to_numpy(),
        "category_label": [CATEGORY_BY_ID[x].label for x in c["category"].astype(str)],
        "label": c["label"].astype(str).to_numpy(),
        "value": _value(c["value"].to_numpy(), c["value_mark"].to_numpy()),
        "status": _status(c["value_mark"].to_numpy()),
        "qualifier": c["qualifier"].astype(str).to_numpy(),
        "unit": c["unit"].astype(str).to_numpy(),
    })


_RATE = ("disclosure_rate", "disclosure_rate_status")  # stats.panel: 实质公开率
#: The Table 4 figures of ``reports`` (stats.review_rates).
_REVIEW = ("review_total", "review_correction_rate", "review_correction_rate_status", "litigation_total",
           "litigation_correction_rate", "litigation_correction_rate_status")


def reports_table(ds: Dataset) -> pd.DataFrame:
    """One row per agency-year: identity, period, format, stated total and the derived measures."""
    from govreport.analysis.stats import panel, review_rates

    p = panel(ds)
    rev = review_rates(ds)
    r = ds.reports
    d = lambda col: [x.strftime("%Y-%m-%d") if not pd.isna(x) else "" for x in r[col]]  # noqa: E731
    out = pd.DataFrame({
        "agency_id": p["agency_id"], "agency": p["name"], "year": p["year"], "kind": p["kind"], "level": p["level"],
        "region": p["region"], "region_code": p["region_code"], "format": p["format"],
        "period_start": d("period_start"), "period_end": d("period_end"), "data_cutoff": d("data_cutoff"),
        "published": d("published"),
        "proactive_total": _value(r["proactive_total"].to_numpy(), r["proactive_total_mark"].to_numpy()),
        "proactive_total_status": _status(r["proactive_total_mark"].to_numpy()),
        "proactive_qualifier": r["proactive_qualifier"].astype(str).to_numpy(),
        "proactive_unit": r["proactive_unit"].astype(str).to_numpy(),
        "channel_sum": p["channel_sum"],
        "channels_overlap": ["" if pd.isna(v) else (layout.YES.value if v else layout.NO.value)
                             for v in r["channels_overlap"]],
    })
    for c in (*APPLICATION_FIGURES, *_RATE):
        out[c] = p[c].to_numpy()
    for c in _REVIEW:
        out[c] = rev[c].to_numpy()
    return out


def agencies_table(ds: Dataset) -> pd.DataFrame:
    return ds.agencies.drop(columns=["line"]).astype(str).reset_index(drop=True)


TABLES = {
    "agencies": agencies_table,
    "reports": reports_table,
    "cells": cells_table,
    "channels": channels_table,
    "categories": categories_table,
}


#: Each exported table: the CSV schema files its columns come from, and its columns in order.
_EXPORTED: dict[str, tuple[tuple[layout.FileSpec, ...], tuple[str, ...]]] = {
    "agencies": ((layout.AGENCIES,), layout.AGENCIES.columns),
    "reports": ((layout.REPORTS, layout.AGENCIES), (
        "agency_id", "agency", "year", "kind", "level", "region", "region_code", "format", "period_start",
        "period_end", "data_cutoff", "published", "proactive_total", "proactive_total_status", "proactive_qualifier",
        "proactive_unit", "channel_sum", "channels_overlap", *APPLICATION_FIGURES, *_RATE, *_REVIEW)),
    "cells": ((layout.CELLS,), ("agency_id", "agency", "year", "version", "table", "table_label", "row", "row_label",
                                "column", "column_label", "unit", "value", "status", "note")),
    "channels": ((layout.CHANNELS,), ("agency_id", "agency", "year", "seq", "channel", "channel_label", "label",
                                      "value", "status", "qualifier", "unit", "host", "account", "share_pct",
                                      "share_status", "rank")),
    "categories": ((layout.CATEGORIES,), ("agency_id", "agency", "year", "seq", "category", "category_label",
                                          "label", "value", "status", "qualifier", "unit")),
}

_RATE_STATUS = "ok / none_handled (nothing handled: not applicable) / missing"
#: Columns the export adds to the schema: (unit, meaning). Schema columns take theirs from core/schema.py.
_DERIVED: dict[str, tuple[str, str]] = {
    "agency": ("", "agency's full Chinese name (agencies.csv name)"),
    "channel_sum": ("see proactive_unit", "sum of the channel figures with item units; empty if none"),
    "disclosure_rate": ("%", "实质公开率 = (予以公开 + 部分公开) / 总计 × 100; empty when not available"),
    "disclosure_rate_status": ("", _RATE_STATUS),
    "review_total": ("件", "Table 4 行政复议 总计"),
    "review_correction_rate": ("%", "行政复议 结果纠正 / (总计 − 尚未审结) × 100"),
    "review_correction_rate_status": ("", _RATE_STATUS),
    "litigation_total": ("件", "Table 4 行政诉讼 总计, both routes"),
    "litigation_correction_rate": ("%", "行政诉讼 结果纠正 / (总计 − 尚未审结) × 100, both routes pooled"),
    "litigation_correction_rate_status": ("", _RATE_STATUS),
    "table_label": ("", "the table as a reviewer names it"),
    "row_label": ("", "official row label"),
    "column_label": ("", "official column label"),
    "unit": ("", "unit of the value: " + ", ".join(dict.fromkeys(
        c.unit for spec in FORMATS.values() for t in spec.tables for c in t.columns))),
    "channel_label": ("", "canonical channel name"),
    "category_label": ("", "canonical category name"),
    "share_pct": ("%", "share of the channel figures with the same item unit, largest-remainder rounded to "
                       "2 decimals (sums to 100.00)"),
    "share_status": ("", "ok / blank / not_applicable / audience_metric / mixed_units / zero_total"),
    "rank": ("", "1 = largest figure in the agency-year; ties share the better rank"),
}
def _t3_meaning(row_id: str) -> str:
    t3 = {v: FORMATS[v].table("t3") for v in FORMATS}
    label = t3["2021"].row(row_id).name
    if t3["2021"].row(row_id).group:
        label += ", sum of sub-rows; empty if any sub-row blank"
        if not t3["2019"].row(row_id).group:
            label += " (2019: the row itself)"
    return f"{label}; Table 3 总计 column; empty when not reported (never 0 by default)"


def _schema_entry(files: tuple[layout.FileSpec, ...], columns: tuple[str, ...], name: str) -> tuple[str, str] | None:
    """(unit, meaning) of a column of the CSV schema as the export writes it (None: not a schema column).

    A figure keeps the schema's meaning and gains a status column next to it (``status`` beside ``value``,
    ``<figure>_status`` beside any other figure)."""
    for spec in files:
        figure = "value" if name == "status" else name.removesuffix("_status")
        if name.endswith("status") and figure in spec.columns and spec.field(figure).kind == layout.Kind.FIGURE:
            return "", STATUS_MEANING
        if name in spec.columns:
            f = spec.field(name)
            meaning = f.doc or name
            if f.kind == layout.Kind.FIGURE:
                meaning += "; empty when status is blank or not_applicable"
            unit = "year" if f.kind == layout.Kind.YEAR else f.unit
            return ("" if unit == "see unit" and "unit" not in columns else unit), meaning
    return None


def data_dictionary() -> pd.DataFrame:
    """Every exported column: table, column, unit, meaning (with the meaning of blank, 0 and 不适用).

    Columns of the CSV schema take their unit and meaning from :mod:`govreport.core.schema`; the 表三 figures
    their labels from :mod:`govreport.core.formats`; only the columns the export derives are described here.
    """
    rows: list[tuple[str, str, str, str]] = []
    for table, (files, columns) in _EXPORTED.items():
        for name in columns:
            entry = _schema_entry(files, columns, name)
            if entry is None and table == "reports" and name in APPLICATION_FIGURES:
                entry = "件", _t3_meaning(APPLICATION_FIGURES[name])
            unit, meaning = entry if entry is not None else _DERIVED[name]
            rows.append((table, name, unit, meaning))
    return pd.DataFrame(rows, columns=["table", "column", "unit", "meaning"])


def export_tables(ds: Dataset) -> dict[str, pd.DataFrame]:
    return {name: fn(ds) for name, fn in TABLES.items()}


def _cell_text(v: object) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return str(int(f)) if f.is_integer() else f"{f:.6f}".rstrip("0").rstrip(".")
    if isinstance(v, (bool, np.bool_)):
        return layout.YES.value if v else layout.NO.value
    return str(v)


def to_csv_text(frame: pd.DataFrame) -> str:
    """Canonical CSV: integral numbers without '.0', empty for missing, LF line ends."""
    text = frame.copy()
    for c in text.columns:
        if text[c].dtype.kind in "fcib" or text[c].dtype == object:
            text[c] = [_cell_text(v) for v in text[c].tolist()]
    return text.to_csv(index=False, lineterminator="\n")


def _json_value(v: object) -> object:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, (np.floating, float)):
        f = float(v)
        return int(f) if f.is_integer() else f
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.bool_):
        return bool(v)
    return v


def to_records(frame: pd.DataFrame) -> list[dict[str, object]]:
    cols = list(frame.columns)
    return [{c: _json_value(v) for c, v in zip(cols, row, strict=True)} for row in frame.itertuples(index=False)]
