"""The dataset as open data: readable tidy tables with Chinese labels, and a data dictionary.

Pure functions from a :class:`~govreport.dataset.Dataset` to frames; ``govreport export`` writes them.
Every figure keeps its status next to its value: ``reported`` (a number, 0 included), ``blank`` (not
reported: the value is empty) or ``not_applicable`` (不适用: the value is empty). Nothing is filled in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .channels import CATEGORY_BY_ID, CHANNEL_BY_ID
from .formats import FORMATS, cell_catalog
from .io import layout
from .values import Mark

if TYPE_CHECKING:  # pragma: no cover
    from .dataset import Dataset

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
    from .stats import channel_distribution

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


def reports_table(ds: Dataset) -> pd.DataFrame:
    """One row per agency-year: identity, period, format, stated total and the derived measures."""
    from .stats import panel, review_rates

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
        "channels_overlap": ["" if pd.isna(v) else ("yes" if v else "no") for v in r["channels_overlap"]],
    })
    for c in ("received", "carried_over", "handled", "granted", "partial", "denied", "unable", "not_processed",
              "other", "carried_forward", "disclosure_rate", "disclosure_rate_status"):
        out[c] = p[c].to_numpy()
    for c in ("review_total", "review_correction_rate", "review_correction_rate_status", "litigation_total",
              "litigation_correction_rate", "litigation_correction_rate_status"):
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


def data_dictionary() -> pd.DataFrame:
    """Every exported column: table, column, unit, meaning (with the meaning of blank, 0 and 不适用)."""
    rows: list[tuple[str, str, str, str]] = []
    for f in layout.AGENCIES.fields:
        rows.append(("agencies", f.name, f.unit, f.doc or f.name))
    common = [("agency_id", "", "agency id (see agencies)"), ("agency", "", "agency's full Chinese name"),
              ("year", "year", "report year")]
    rows += [("reports", *c) for c in common]
    rows += [
        ("reports", "kind", "", "department (due 31 Jan) / government (due 31 Mar) / other"),
        ("reports", "level", "", "national / province / prefecture / county / township"),
        ("reports", "region", "", "administrative region path"),
        ("reports", "region_code", "", "GB/T 2260 region code"),
        ("reports", "format", "", "2019 trial tables, 2021 tables, hybrid, or none (narrative-only report)"),
        ("reports", "period_start", "date", "first day of the statistical period as stated; empty if not stated"),
        ("reports", "period_end", "date", "last day of the statistical period as stated; empty if not stated"),
        ("reports", "data_cutoff", "date", "day the counts stop when earlier than period_end; empty otherwise"),
        ("reports", "published", "date", "publication date; empty if unknown"),
        ("reports", "proactive_total", "see proactive_unit", "stated total of proactively disclosed items"),
        ("reports", "proactive_total_status", "", STATUS_MEANING),
        ("reports", "proactive_qualifier", "", "余/多/以上 = at least, 近 = at most, 约 = about, empty = exact"),
        ("reports", "proactive_unit", "", "unit of the stated total (条, 篇 …)"),
        ("reports", "channel_sum", "see proactive_unit", "sum of the channel figures with item units; empty if none"),
        ("reports", "channels_overlap", "", "yes: channels count the same items more than once; empty: not stated"),
    ]
    t3 = "Table 3 总计 column; empty when not reported (never 0 by default)"
    for c, label in (("received", "一、本年新收"), ("carried_over", "二、上年结转"), ("handled", "（七）总计"),
                     ("granted", "（一）予以公开"), ("partial", "（二）部分公开"),
                     ("denied", "（三）不予公开, sum of sub-rows; empty if any sub-row blank"),
                     ("unable", "（四）无法提供, sum of sub-rows"),
                     ("not_processed", "（五）不予处理, sum of sub-rows"),
                     ("other", "（六）其他处理 (2019 row or sum of the 2021 sub-rows)"),
                     ("carried_forward", "四、结转下年度继续办理")):
        rows.append(("reports", c, "件", f"{label}; {t3}"))
    rows += [
        ("reports", "disclosure_rate", "%",
         "实质公开率 = (予以公开 + 部分公开) / 总计 × 100; empty when not available"),
        ("reports", "disclosure_rate_status", "", "ok / none_handled (nothing handled: not applicable) / missing"),
        ("reports", "review_total", "件", "Table 4 行政复议 总计"),
        ("reports", "review_correction_rate", "%", "行政复议 结果纠正 / (总计 − 尚未审结) × 100"),
        ("reports", "review_correction_rate_status", "", "ok / none_handled / missing"),
        ("reports", "litigation_total", "件", "Table 4 行政诉讼 总计, both routes"),
        ("reports", "litigation_correction_rate", "%",
         "行政诉讼 结果纠正 / (总计 − 尚未审结) × 100, both routes pooled"),
        ("reports", "litigation_correction_rate_status", "", "ok / none_handled / missing"),
    ]
    rows += [("cells", *c) for c in common]
    rows += [
        ("cells", "version", "", "table layout: 2019 (trial format) or 2021"),
        ("cells", "table", "", "t2a–t2e: Table 2 blocks (Article 20); t3: applications; t4: review and litigation; "
                               "fee: 信息处理费"),
        ("cells", "table_label", "", "the table as a reviewer names it"),
        ("cells", "row", "", "row id"), ("cells", "row_label", "", "official row label"),
        ("cells", "column", "", "column id"), ("cells", "column_label", "", "official column label"),
        ("cells", "unit", "", "unit of the value: 件, 项, 个, 万元, 元"),
        ("cells", "value", "see unit", "the figure; empty when status is blank or not_applicable"),
        ("cells", "status", "", STATUS_MEANING),
        ("cells", "note", "", layout.CELLS.field("note").doc),
    ]
    rows += [("channels", *c) for c in common]
    rows += [
        ("channels", "seq", "", "order in the report"),
        ("channels", "channel", "", "canonical channel id"),
        ("channels", "channel_label", "", "canonical channel name"),
        ("channels", "label", "", "the channel as written in the report"),
        ("channels", "value", "see unit", "the figure; empty when status is blank or not_applicable"),
        ("channels", "status", "", STATUS_MEANING),
        ("channels", "qualifier", "", "余/多/以上 = at least, 近 = at most, 约 = about, empty = exact"),
        ("channels", "unit", "", "条, 篇, 期 … ; 人次 and similar are audience metrics, not items"),
        ("channels", "host", "", "website only: own or superior government's site"),
        ("channels", "account", "", "named account"),
        ("channels", "share_pct", "%", "share of the channel figures with the same item unit, largest-remainder "
                                       "rounded to 2 decimals (sums to 100.00)"),
        ("channels", "share_status", "", "ok / blank / not_applicable / audience_metric / mixed_units / zero_total"),
        ("channels", "rank", "", "1 = largest figure in the agency-year; ties share the better rank"),
    ]
    rows += [("categories", *c) for c in common]
    rows += [
        ("categories", "seq", "", "order in the report"),
        ("categories", "category", "", "canonical content category id"),
        ("categories", "category_label", "", "canonical category name"),
        ("categories", "label", "", "the category as written"),
        ("categories", "value", "see unit", "the figure; empty when status is blank or not_applicable"),
        ("categories", "status", "", STATUS_MEANING),
        ("categories", "qualifier", "", "余/多/以上 = at least, 近 = at most, 约 = about"),
        ("categories", "unit", "", "条, 篇 …"),
    ]
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
        return "yes" if v else "no"
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
