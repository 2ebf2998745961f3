"""The checking engine: one vectorised pass over every agency-year, for every rule of :mod:`govreport.checks.rules`.

>>> import govreport
>>> from govreport.checks.engine import run
>>> result = run(govreport.load("data"))
>>> result.errors, result.warnings
(0, 2)
>>> result.to_frame(severity="warning")["rule"].nunique() >= 1   # one row per finding (pandas DataFrame)
True
>>> len(result.for_report("150821-minzhengju", 2020))
2

How it works. The tidy ``cells`` frame (one row per agency-year-table-row-column, sorted by report) is
scattered with numpy into one wide float matrix per table version: one row per agency-year that has
cells of the version, one column per data cell of that version's tables (both matrices live in one
stacked buffer; group-header cells go to a column nobody reads). In that matrix a blank is NaN and
不适用 is 0, so a sum over operands is NaN exactly when an operand is blank (the instance is then *not
assessable*) and 不适用 contributes nothing. A parallel int8 matrix keeps the marks (value, blank,
不适用, or absent: no row in cells.csv) for the rules that need them. Each rule is then array
arithmetic over all agency-years at once: an identity whose operands are adjacent rows (or columns) of
a table is one matrix product with ±1 weights, others add one operand slice at a time; the ``year − 1``
report of each agency-year is found by a sorted search, so the cross-year rules are the same
arithmetic over two matrices. R9 (value types) scans the matrices, R5/R13 look only at the group-header
cells (found once while scattering), the channel rules use ``np.bincount`` over the channels frame and
the report-level rules the columns of the reports frame. Python objects are made only for the
instances that fail.

Every instance a rule looks at is counted once per agency-year as passed, failed or not assessable;
``CheckResult.summary`` sums those counts per rule, and every failure is one row of
``CheckResult.findings``. A finding names the place in the report's own words (``formats.TableSpec.place``),
the place in the data (file and line of the total, or of the report row), the expected and found
values, a Chinese message with the numbers, and a fingerprint (a hash of rule, agency, year and place)
that stays the same across runs so that a reviewer's decision can be kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import math
import os
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from govreport.checks.rules import (
    APPROX_TOLERANCE,
    RULE_BY_ID,
    RULES,
    SEVERITY_LABELS,
    SUMMABLE_UNITS,
    TOLERANCE,
    CellDomain,
    ChannelSum,
    CrossYear,
    Magnitude,
    NoData,
    NonNegativeFigures,
    PartsWithinTotal,
    ReportPredicate,
    Rule,
    SumIdentity,
    Term,
    TextPredicate,
    TotalPresent,
)
from govreport.core import schema as layout
from govreport.core.channels import Qualifier
from govreport.core.errors import GovreportError, ParameterError
from govreport.core.formats import FORMATS, CellKey, Column, TableSpec, cell_catalog, cell_ids
from govreport.core.keys import ReportIndex, agency_year_key, frame_keys, row_positions
from govreport.core.model import AgencyKind, ReportFormat
from govreport.core.values import Mark, format_value
from govreport.store.matrix import ABSENT as _ABSENT
from govreport.store.matrix import TableMatrix as _Matrix
from govreport.store.matrix import build_matrices, cell_matrices
from govreport.store.matrix import luts as _luts

if TYPE_CHECKING:  # pragma: no cover
    from govreport.core.model import Report
    from govreport.store.dataset import Dataset

FINDING_COLUMNS: tuple[str, ...] = (
    "rule", "severity", "agency_id", "agency", "year", "place", "version", "table", "row", "column",
    "channel_seq", "file", "line", "source", "expected", "found", "message", "fingerprint",
)
SUMMARY_COLUMNS: tuple[str, ...] = ("rule", "title", "severity", "evaluated", "passed", "failed", "not_assessable")

#: Chinese headers of the findings table (HTML, text).
FINDING_HEADERS: dict[str, str] = {
    "severity": "级别", "rule": "规则", "agency": "机关", "year": "年度", "place": "位置", "message": "说明",
    "expected": "应为", "found": "实为", "file": "数据文件", "line": "行", "source": "录入位置",
}
SUMMARY_HEADERS: dict[str, str] = {
    "rule": "规则", "title": "内容", "severity": "级别", "evaluated": "检查项", "passed": "通过", "failed": "未通过",
    "not_assessable": "无法判定",
}

_PASS, _FAIL, _NA = 0, 1, 2
_VALUE, _BLANK, _NAMARK = int(Mark.VALUE), int(Mark.BLANK), int(Mark.NA)
_MANY_TERMS = 4  # sides with more terms than this list only their non-zero terms in messages


# ======================================================================================== result


@dataclass(frozen=True, eq=False)
class CheckResult:
    """The findings of one run, and per-rule counts. Immutable: filtering returns a new result."""

    findings: pd.DataFrame
    summary: pd.DataFrame
    reports: pd.DataFrame  # the agency-years checked: agency_id, agency, year
    counts: np.ndarray  # (agency-years, rules, 3) int32: passed, failed, not assessable per agency-year
    rule_ids: tuple[str, ...]

    # ------------------------------------------------------------------------------ counts

    def _count(self, severity: str) -> int:
        return int((self.findings["severity"] == severity).sum())

    @property
    def errors(self) -> int:
        return self._count("error")

    @property
    def warnings(self) -> int:
        return self._count("warning")

    @property
    def infos(self) -> int:
        return self._count("info")

    @property
    def ok(self) -> bool:
        """True when no finding is an error."""
        return self.errors == 0

    def __len__(self) -> int:
        return len(self.findings)

    # ------------------------------------------------------------------------------ views

    def for_report(self, agency_id: str, year: int) -> CheckResult:
        """The findings and counts of one agency-year (by agency id or full Chinese name).

        Examples
        --------
        >>> import govreport
        >>> govreport.load("data").check().for_report("五原县民政局", 2020).warnings
        2
        """
        ids = self.reports["agency_id"].astype(str).to_numpy()
        names = self.reports["agency"].astype(str).to_numpy()
        years = self.reports["year"].to_numpy()
        hit = ((ids == str(agency_id)) | (names == str(agency_id))) & (years == int(year))
        if not hit.any():
            from govreport.core.errors import NotFoundError

            raise NotFoundError(f"没有 {agency_id} {year} 年度的核验结果",
                                hint="对含有该机关年度的数据集运行核验")
        i = int(np.flatnonzero(hit)[0])
        aid = ids[i]
        f = self.findings
        findings = f[(f["agency_id"] == aid) & (f["year"] == int(year))].reset_index(drop=True)
        counts = self.counts[i: i + 1]
        one = self.reports.iloc[i: i + 1].reset_index(drop=True)
        return CheckResult(findings, _summary(self.rule_ids, counts), one, counts, self.rule_ids)

    def to_frame(self, *, rule: str | Iterable[str] | None = None, severity: str | Iterable[str] | None = None
                 ) -> pd.DataFrame:
        """The findings as a DataFrame, one row per finding, optionally filtered.

        Parameters
        ----------
        rule : str or list of str, optional
            Keep these rule ids (e.g. ``"R1"``, ``["R5", "R13"]``).
        severity : str or list of str, optional
            Keep these severities: ``error``, ``warning``, ``info``.

        Returns
        -------
        pandas.DataFrame
            The columns of :data:`FINDING_COLUMNS`, ``severity`` an ordered categorical (error < warning
            < info), plus ``severity_label`` (错误/警告/提示) and ``title`` (the rule's Chinese title).

        Examples
        --------
        >>> import govreport
        >>> result = govreport.load("data").check()
        >>> result.to_frame(severity="error").shape[0]
        0
        """
        f = self.findings
        keep = np.ones(len(f), dtype=bool)
        if rule is not None:
            keep &= f["rule"].isin([rule] if isinstance(rule, str) else list(rule)).to_numpy()
        if severity is not None:
            keep &= f["severity"].isin([severity] if isinstance(severity, str) else list(severity)).to_numpy()
        out = f[keep].reset_index(drop=True).copy()
        out["severity"] = pd.Categorical(out["severity"].astype(str), categories=list(SEVERITY_LABELS),
                                         ordered=True)
        out["severity_label"] = out["severity"].astype(str).map(SEVERITY_LABELS)
        titles = dict(zip(self.summary["rule"], self.summary["title"], strict=True))
        out["title"] = out["rule"].astype(str).map(titles)
        return out

    # ------------------------------------------------------------------------------ output

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: counts, ``findings`` and ``summary`` as lists of records.

        Examples
        --------
        >>> import govreport
        >>> sorted(govreport.load("data").check().to_json())[:4]
        ['errors', 'findings', 'infos', 'ok']
        """
        return {
            "reports": len(self.reports),
            "errors": self.errors,
            "warnings": self.warnings,
            "infos": self.infos,
            "ok": self.ok,
            "findings": _records(self.findings),
            "summary": _records(self.summary),
        }

    def summary_line(self) -> str:
        na = int(self.summary["not_assessable"].sum()) if len(self.summary) else 0
        return (f"共检查 {len(self.reports)} 份年度报告、{len(self.rule_ids)} 条规则：错误 {self.errors} 条，"
                f"警告 {self.warnings} 条，提示 {self.infos} 条；因数据空白无法判定 {na} 项。")

    def to_text(self) -> str:
        """Chinese, human-readable: findings grouped by agency-year, then a one-line summary."""
        out: list[str] = []
        f = self.findings
        if len(f):
            for (aid, year), group in f.groupby(["agency_id", "year"], sort=False):
                counts = "，".join(f"{SEVERITY_LABELS[s]} {n} 条" for s in ("error", "warning", "info")
                                  if (n := int((group["severity"] == s).sum())))
                out.append(f"{group['agency'].iloc[0]}（{aid}）{year} 年度：{counts}")
                for r in group.itertuples(index=False):
                    out.append(f"  [{SEVERITY_LABELS[r.severity]}] {r.rule} {r.place}")
                    out.append(f"      {r.message}")
                    where = _where(r.file, r.line)
                    detail = f"应为 {r.expected or '—'}，实为 {r.found or '—'}"
                    out.append(f"      {detail}" + (f"（{where}）" if where else ""))
                    if r.source:
                        out.append(f"      录入位置：{r.source}")
                out.append("")
        else:
            out.append("未发现问题。")
        out.append(self.summary_line())
        return "\n".join(out) + "\n"

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return (f"<CheckResult: {len(self.reports)} agency-years, {self.errors} errors, {self.warnings} warnings, "
                f"{self.infos} infos>")

    def _repr_html_(self) -> str:
        head = f"<p><strong>检查结果</strong>：{html.escape(self.summary_line())}</p>"
        shown = self.summary[self.summary["evaluated"] > 0]
        rows = "".join(
            "<tr>" + "".join(f"<td>{html.escape(str(r[c]))}</td>" if c != "severity" else
                             f"<td>{html.escape(SEVERITY_LABELS[str(r[c])])}</td>" for c in SUMMARY_COLUMNS) + "</tr>"
            for r in shown.to_dict("records")
        )
        summary = ("<details><summary>各规则检查情况</summary><table><thead><tr>"
                   + "".join(f"<th>{SUMMARY_HEADERS[c]}</th>" for c in SUMMARY_COLUMNS)
                   + f"</tr></thead><tbody>{rows}</tbody></table></details>")
        return f"<div class=\"govreport-checks\">{head}{findings_html(self.findings)}{summary}</div>"


def _where(file: object, line: object) -> str:
    if not file or (isinstance(file, float) and math.isnan(file)):
        return ""
    if line is None or pd.isna(line):
        return str(file)
    return f"{file} 第 {int(line)} 行"


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for rec in frame.to_dict("records"):
        clean: dict[str, Any] = {}
        for k, v in rec.items():
            if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
                clean[k] = None
            elif isinstance(v, np.integer):
                clean[k] = int(v)
            elif isinstance(v, np.floating):
                clean[k] = float(v)
            else:
                clean[k] = v
        out.append(clean)
    return out


def findings_html(findings: pd.DataFrame) -> str:
    """An HTML table of findings with Chinese headers; every value from the data is escaped."""
    if findings is None or len(findings) == 0:
        return "<p>未发现问题。</p>"
    cols = ["severity", "rule", "agency", "year", "place", "message", "expected", "found", "file"]
    if "source" in findings and (findings["source"].astype(str) != "").any():
        cols.append("source")  # where the figures were typed in, when any finding has one
    head = "".join(f"<th>{FINDING_HEADERS[c]}</th>" for c in cols)
    body = []
    for rec in findings.to_dict("records"):
        cells = []
        for c in cols:
            v = rec.get(c, "")
            if c == "severity":
                text = SEVERITY_LABELS.get(str(v), str(v))
                cells.append(f"<td class=\"sev-{html.escape(str(v))}\">{html.escape(text)}</td>")
                continue
            if c == "file":
                text = _where(v, rec.get("line"))
            else:
                text = "" if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else str(v)
            cells.append(f"<td>{html.escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f"<table class=\"govreport-findings\"><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>")


def _summary(rule_ids: Sequence[str], counts: np.ndarray) -> pd.DataFrame:
    tot = counts.sum(axis=0, dtype=np.int64) if counts.size else np.zeros((len(rule_ids), 3), dtype=np.int64)
    rules = [RULE_BY_ID[r] for r in rule_ids]
    return pd.DataFrame({
        "rule": [r.id for r in rules],
        "title": [r.title for r in rules],
        "severity": [r.severity for r in rules],
        "evaluated": tot.sum(axis=1).astype(np.int64),
        "passed": tot[:, _PASS].astype(np.int64),
        "failed": tot[:, _FAIL].astype(np.int64),
        "not_assessable": tot[:, _NA].astype(np.int64),
    }, columns=list(SUMMARY_COLUMNS))


# ======================================================================================== catalog lookups


# ======================================================================================== engine context

_AGENCY_ATTRS: dict[tuple[int, int], tuple[Any, Any, np.ndarray, np.ndarray]] = {}


def _agency_attributes(agencies: pd.DataFrame, cats: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """Name and kind of each agency code (the reports' agency_id categories), cached for the last frames
    seen: checking one agency-year after another reuses them."""
    key = (id(agencies), id(cats))
    hit = _AGENCY_ATTRS.get(key)
    if hit is not None and hit[0]() is agencies and hit[1]() is cats:
        return hit[2], hit[3]
    ag_index = pd.Index(agencies["agency_id"].astype(str))
    where = ag_index.get_indexer(pd.Index(cats.astype(str)))
    names = agencies["name"].astype(str).to_numpy()
    kinds = agencies["kind"].astype(str).to_numpy()
    out = (np.where(where >= 0, names[np.maximum(where, 0)], ""), np.where(where >= 0, kinds[np.maximum(where, 0)], ""))
    _AGENCY_ATTRS.clear()
    _AGENCY_ATTRS[key] = (weakref.ref(agencies), weakref.ref(cats), *out)
    return out


class _Engine:
    def __init__(self, ds: Dataset, rules: tuple[Rule, ...], sel: np.ndarray | None = None) -> None:
        self.ds = ds
        self.rules = rules
        self.rule_index = {r.id: i for i, r in enumerate(rules)}
        reports = ds.reports
        self.index = index = ReportIndex(reports)
        self.n = n = index.n
        self.agency_cats, self.codes, self.years = index.agency_cats, index.codes, index.years
        self.keys, self.order = index.keys, index.order
        self.sel = sel = np.ones(n, dtype=bool) if sel is None else sel
        self.all_selected = bool(sel.all())
        self.prev = index.find(self.keys - 1)
        # the reports whose figures are needed: the selected ones and their previous years
        need = sel.copy()
        has_prev = sel & (self.prev >= 0)
        need[self.prev[has_prev]] = True
        self.need = need
        # agency attributes per agency code
        self.agency_name_by_code, self.agency_kind_by_code = _agency_attributes(ds.agencies, self.agency_cats)
        self.report_lines = reports["line"].to_numpy() if "line" in reports else np.zeros(n, dtype=np.int64)
        root = ds.root
        self.files = {name: (str(Path(root) / spec.name) if root is not None else "")
                      for name, spec in (("reports", layout.REPORTS), ("cells", layout.CELLS),
                                         ("channels", layout.CHANNELS))}
        self.counts = np.zeros((len(rules), 3, n), dtype=np.int32)  # rule, status, report
        self.findings: list[tuple[tuple, dict[str, Any]]] = []
        self._cell_keys: np.ndarray | None = None
        self._cache: dict[str, Any] = {}

    # ---------------------------------------------------------------------------------- positions

    def frame_positions(self, frame: pd.DataFrame, *, need_pos: bool = True) -> tuple[np.ndarray | None,
                                                                                        np.ndarray | None]:
        """See :meth:`govreport.core.keys.ReportIndex.frame_positions`."""
        return self.index.frame_positions(frame, need_pos=need_pos)

    def cell_positions(self, idx: np.ndarray) -> np.ndarray:
        """Report position of some rows of the cells frame."""
        return row_positions(self.cell_pos, self.cell_bounds, idx)

    # ---------------------------------------------------------------------------------- bookkeeping

    def tally(self, rule: Rule, pos: np.ndarray, status: np.ndarray | int) -> None:
        """Count instances, given as (report position, status) pairs, for a rule."""
        if len(pos) == 0:
            return
        c = self.counts[self.rule_index[rule.id]]
        if np.ndim(status) == 0:
            c[int(status)] += np.bincount(pos, minlength=self.n).astype(np.int32)
            return
        flat = np.bincount(np.asarray(status, dtype=np.int64) * self.n + pos, minlength=self.n * 3)
        c += flat.reshape(3, self.n).astype(np.int32)

    def tally_rows(self, rule: Rule, pos: np.ndarray, passed: np.ndarray, failed: np.ndarray,
                   not_assessable: np.ndarray) -> None:
        """Add per-report counts; ``pos`` holds distinct report positions."""
        if len(pos) == 0:
            return
        c = self.counts[self.rule_index[rule.id]]
        where: slice | np.ndarray = slice(None) if len(pos) == self.n else pos
        c[_PASS, where] += passed.astype(np.int32, copy=False)
        c[_FAIL, where] += failed.astype(np.int32, copy=False)
        c[_NA, where] += not_assessable.astype(np.int32, copy=False)

    def add(self, rule: Rule, pos: int, *, place: str, message: str, expected: str = "", found: str = "",
            version: str = "", table: str = "", row: str = "", column: str = "", channel_seq: int | None = None,
            file: str = "", line: int | None = None, source: str = "", order: tuple = ()) -> None:
        pos = int(pos)
        if rule.hint:
            message += rule.hint
        code = int(self.codes[pos])
        aid = _agency_ids(self)[code]
        year = int(self.years[pos])
        fp = hashlib.blake2b(f"{rule.id}\x1f{aid}\x1f{year}\x1f{place}".encode(), digest_size=8).hexdigest()
        rec = {
            "rule": rule.id, "severity": rule.severity, "agency_id": aid, "agency": str(self.agency_name_by_code[code]),
            "year": year, "place": place, "version": version, "table": table, "row": row, "column": column,
            "channel_seq": channel_seq, "file": file, "line": line, "source": source, "expected": expected,
            "found": found,
            "message": message, "fingerprint": fp,
        }
        self.findings.append(((pos, self.rule_index[rule.id], *order), rec))

    def report_place(self, pos: int) -> tuple[str, int | None]:
        return self.files["reports"], (int(self.report_lines[pos]) if self.files["reports"] else None)

    # ---------------------------------------------------------------------------------- cells

    def load_cells(self) -> None:
        """The cell matrices of the reports this run needs: the dataset's shared ones when it needs all."""
        cm = cell_matrices(self.ds, self.index) if self.need.all() else build_matrices(self.ds, self.index, self.need)
        self.cell_id, self.cell_marks, self.cell_values, self.cell_lines = (
            cm.cell_id, cm.cell_marks, cm.cell_values, cm.cell_lines)
        self.cell_pos, self.cell_bounds, self.group_cells = cm.cell_pos, cm.cell_bounds, cm.group_cells
        self.matrices, self.present, self.table_key_index = cm.matrices, cm.present, cm.table_key_index

    def has_table(self, version: str, table: str) -> np.ndarray:
        i = self.table_key_index.get((version, table))
        if i is None:
            return np.zeros(self.n, dtype=bool)
        return self.present[:, i]

    def cell_index(self, pos: int, gid: int) -> int | None:
        """Row of the cells frame holding one cell of one report, None when the cell is not in the file."""
        if self.cell_bounds is not None:
            lo, hi = int(self.cell_bounds[pos]), int(self.cell_bounds[pos + 1])
            block = self.cell_id[lo:hi]
            i = int(np.searchsorted(block, gid))
            if i < len(block) and block[i] == gid:
                return lo + i
            hits = np.flatnonzero(block == gid)  # a block not sorted by cell id
            return lo + int(hits[0]) if len(hits) else None
        if self._cell_keys is None:
            cell_pos = self.cell_positions(np.arange(len(self.cell_id)))
            self._cell_keys = cell_pos * (len(cell_catalog()) + 1) + self.cell_id
        hits = np.flatnonzero(self._cell_keys == pos * (len(cell_catalog()) + 1) + gid)
        return int(hits[0]) if len(hits) else None

    def cell_line(self, pos: int, gid: int) -> int | None:
        """CSV line of one cell of one report, None when the cell is not in the file."""
        i = self.cell_index(pos, gid)
        return None if i is None else int(self.cell_lines[i])

    def cell_source(self, i: int | None) -> str:
        """Where the figure of a row of the cells frame was entered (its ``note``: a workbook cell such as
        ``文件.xlsx 数据!D23``, or the sentence of the text it was read from)."""
        return self._text_at("cells", "note", i)

    def total_source(self, pos: int) -> str:
        """The workbook cell the stated 主动公开 total of a report was typed in (``proactive_total_source``)."""
        return self._text_at("reports", "proactive_total_source", pos)

    def channel_source(self, i: int) -> str:
        """The workbook cell a row of the channels frame was typed in (its ``source``)."""
        return self._text_at("channels", "source", i)

    def _text_at(self, frame_name: str, column: str, i: int | None) -> str:
        """One row's text of an optional text column of a frame ("" when absent or empty)."""
        if i is None:
            return ""
        key = f"text:{frame_name}:{column}"
        values = self._cache.get(key)
        if values is None:
            frame = getattr(self.ds, frame_name)
            values = frame[column].to_numpy(dtype=object) if column in frame else np.zeros(0, dtype=object)
            self._cache[key] = values
        if i >= len(values):
            return ""
        v = values[i]
        return "" if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA else str(v)

    # ---------------------------------------------------------------------------------- running

    def run(self) -> CheckResult:
        self.load_cells()
        for rule in self.rules:
            for check in rule.checks:
                handler = _HANDLERS[type(check)]
                handler(self, rule, check)
        return self.result()

    def result(self) -> CheckResult:
        self.findings.sort(key=lambda kv: kv[0])
        recs = [r for _, r in self.findings]
        cols: dict[str, Any] = {}
        for c in FINDING_COLUMNS:
            vals = [r[c] for r in recs]
            if c == "year":
                cols[c] = np.asarray(vals, dtype=np.int64)
            elif c in ("channel_seq", "line"):
                cols[c] = pd.array(vals, dtype="Int64")
            else:
                cols[c] = pd.Series(["" if v is None else str(v) for v in vals], dtype=str)
        findings = pd.DataFrame(cols, columns=list(FINDING_COLUMNS))
        sel = np.flatnonzero(self.sel)
        if self.order is not None:
            sel = sel[np.argsort(self.keys[sel], kind="stable")]
        codes = self.codes[sel]
        reports = pd.DataFrame({
            "agency_id": pd.Categorical.from_codes(codes, dtype=self.ds.reports["agency_id"].dtype),
            "agency": self.agency_name_by_code[codes],
            "year": self.years[sel],
        }, columns=["agency_id", "agency", "year"])
        counts = np.ascontiguousarray(self.counts[:, :, sel].transpose(2, 0, 1))
        rule_ids = tuple(r.id for r in self.rules)
        return CheckResult(findings, _summary(rule_ids, counts), reports, counts, rule_ids)


# ======================================================================================== table arithmetic


def _spec(version: str, table: str) -> TableSpec:
    return FORMATS[version].table(table)


def _instances(spec: TableSpec, for_each: str, over: tuple[str, ...] | None) -> tuple[str, ...]:
    axis = spec.data_columns if for_each == "column" else spec.data_rows
    ids = tuple(a.id for a in axis)
    return ids if over is None else tuple(i for i in ids if i in over)


def _cell(for_each: str, operand: str, instance: str) -> tuple[str, str]:
    """(row, column) of an operand in an instance."""
    return (operand, instance) if for_each == "column" else (instance, operand)


def _label(spec: TableSpec, for_each: str, operand: str) -> str:
    return spec.row(operand).name if for_each == "column" else spec.column(operand).name


def _num(value: float) -> str:
    return format_value(float(value), Mark.VALUE)


def _is_blank(mark: int) -> bool:
    return mark in (_BLANK, _ABSENT)


def _term_text(label: str, value: float, mark: int) -> str:
    if _is_blank(mark):
        return f"{label} 空白"
    return f"{label} {format_value(None if mark != _VALUE else float(value), mark)}"


def _side_text(labels: list[str], signs: list[int], values: list[float], marks: list[int]) -> tuple[str, str]:
    """('label a + label b = total', 'total') for a message; long sides list only their non-zero terms."""
    total = sum(s * (v if m == _VALUE else 0.0) for s, v, m in zip(signs, values, marks, strict=True))
    total_text = _num(total)
    if len(labels) == 1 and signs[0] == 1:
        text = _term_text(labels[0], values[0], marks[0])
        return text, (format_value(None, marks[0]) if marks[0] == _NAMARK else total_text)
    keep = list(range(len(labels)))
    omitted = False
    if len(labels) > _MANY_TERMS:
        keep = [i for i in keep if not (marks[i] == _VALUE and values[i] == 0)]
        omitted = len(keep) < len(labels)
    parts = []
    for j, i in enumerate(keep):
        term = _term_text(labels[i], values[i], marks[i])
        if j == 0:
            parts.append(term if signs[i] == 1 else f"−{term}")
        else:
            parts.append(f" {'+' if signs[i] == 1 else '−'} {term}")
    if not parts:
        return f"各项均为 0，合计 {total_text}", total_text
    text = "".join(parts) + f" = {total_text}"
    if omitted:
        text += "（其余各项为 0）"
    return text, total_text


def _as_slice(cols: np.ndarray) -> slice | np.ndarray:
    """Evenly spaced columns as a slice (a view, no copy), else the index array."""
    if len(cols) == 1:
        return slice(int(cols[0]), int(cols[0]) + 1)
    step = int(cols[1] - cols[0])
    if step > 0 and np.all(np.diff(cols) == step):
        return slice(int(cols[0]), int(cols[-1]) + 1, step)
    return cols


def _gather(mat: _Matrix, rows: np.ndarray, cols: np.ndarray, which: str = "values") -> np.ndarray:
    """``arr[rows][:, cols]`` (rows increasing: as many rows as the matrix means all of them, in order)."""
    arr = mat.values if which == "values" else mat.marks
    sl = _as_slice(cols)
    if len(rows) == arr.shape[0]:
        return arr[:, sl]
    if isinstance(sl, slice):
        return arr[rows, sl]
    return arr[rows[:, None], sl[None, :]]


def _row_count(mask: np.ndarray) -> np.ndarray:
    """True cells per row (int32; faster than count_nonzero along an axis)."""
    return np.add.reduce(mask, axis=1, dtype=np.int32)


def _failures(fail: np.ndarray, n_fail: np.ndarray) -> Iterable[tuple[int, int]]:
    """(row, instance) of every failure, looking only at the rows that have one."""
    for r in np.flatnonzero(n_fail):
        for i in np.flatnonzero(fail[r]):
            yield int(r), int(i)


def _operand_cols(mat: _Matrix, table: str, for_each: str, operand: str, instances: tuple[str, ...]) -> np.ndarray:
    return np.asarray([mat.index(table, *_cell(for_each, operand, i)) for i in instances], dtype=np.int64)


def _grid(mat: _Matrix, rows: np.ndarray, table: str) -> np.ndarray:
    """The table's data cells of the given matrix rows as a (reports, data rows, data columns) view."""
    spec = _spec(mat.version, table)
    a, b = _luts().table_cols[(mat.version, table)]
    arr = mat.values[:, a:b] if len(rows) == mat.values.shape[0] else mat.values[rows, a:b]
    return arr.reshape(len(rows), len(spec.data_rows), len(spec.data_columns))


def _dense_identity(mat: _Matrix, rows: np.ndarray, table: str, for_each: str, lhs: tuple[Term, ...],
                    rhs: tuple[Term, ...]) -> np.ndarray | None:
    """Σ lhs − Σ rhs for every instance as one matrix product, when the operands are adjacent rows
    (or columns) of the table: the weights are then all ±1 and a blank (NaN) operand still makes the
    result NaN. None when the operands leave a gap (a zero weight would let NaN × 0 spoil a result)."""
    spec = _spec(mat.version, table)
    axis_ids = [r.id for r in spec.data_rows] if for_each == "column" else [c.id for c in spec.data_columns]
    weights = {axis_ids.index(t.operand): 1.0 for t in lhs}
    for t in rhs:
        weights[axis_ids.index(t.operand)] = weights.get(axis_ids.index(t.operand), 0.0) - 1.0
    lo, hi = min(weights), max(weights) + 1
    if len(weights) != hi - lo or any(w == 0 for w in weights.values()):
        return None
    w = np.asarray([weights[i] for i in range(lo, hi)])
    grid = _grid(mat, rows, table)
    if for_each == "row":
        return grid[:, :, lo:hi] @ w
    return np.einsum("nrc,r->nc", grid[:, lo:hi, :], w)


def _term_sum(mats: dict[int, _Matrix], rows: dict[int, np.ndarray], terms: list[tuple[Term, int]],
              cols_of: list[np.ndarray]) -> np.ndarray:
    """Σ ± terms, one gathered operand at a time (terms may read the previous year)."""
    diff: np.ndarray | None = None
    for (t, side), cols in zip(terms, cols_of, strict=True):
        g = _gather(mats[t.year_offset], rows[t.year_offset], cols)
        sign = side * t.sign
        if diff is None:
            diff = g.astype(np.float64, copy=True) if sign > 0 else -g
        elif sign > 0:
            np.add(diff, g, out=diff)
        else:
            np.subtract(diff, g, out=diff)
    assert diff is not None
    return diff


def _identity(engine: _Engine, rule: Rule, table: str, for_each: str, lhs: tuple[Term, ...],
              rhs: tuple[Term, ...], primary: str, cur: str, prev: str | None, over: tuple[str, ...] | None) -> None:
    """Σ lhs − Σ rhs = 0 for every instance of every report that has the table (and its previous year).

    Blank is NaN in the matrix, so the difference is NaN (not assessable) exactly when an operand is blank.
    """
    spec = _spec(cur, table)
    instances = _instances(spec, for_each, over)
    if prev is not None:
        other = _instances(_spec(prev, table), for_each, over)
        instances = tuple(i for i in instances if i in other)
    if not instances:
        return
    mats = {0: engine.matrices[cur]}
    mask = engine.sel & engine.has_table(cur, table)
    if prev is not None:
        mats[-1] = engine.matrices[prev]
        p = engine.prev
        mask &= (p >= 0) & engine.has_table(prev, table)[np.maximum(p, 0)]
    pos = np.flatnonzero(mask)
    if len(pos) == 0:
        return
    rows = {0: mats[0].rowmap[pos]}
    if prev is not None:
        rows[-1] = mats[-1].rowmap[engine.prev[pos]]
    terms = [(t, +1) for t in lhs] + [(t, -1) for t in rhs]
    cols_of = [_operand_cols(mats[t.year_offset], table, for_each, t.operand, instances) for t, _ in terms]
    plain = prev is None and over is None and all(t.sign == 1 and t.year_offset == 0 for t, _ in terms)
    diff = _dense_identity(mats[0], rows[0], table, for_each, lhs, rhs) if plain else None
    if diff is None:
        diff = _term_sum(mats, rows, terms, cols_of)
    na = np.isnan(diff)
    with np.errstate(invalid="ignore"):
        fail = np.abs(diff) > TOLERANCE  # NaN compares False
    n_fail = _row_count(fail)
    n_na = _row_count(na)
    engine.tally_rows(rule, pos, len(instances) - n_fail - n_na, n_fail, n_na)
    if not n_fail.any():
        return
    primary_side = 0 if any(t.operand == primary and t.year_offset == 0 for t in lhs) else 1
    for ri, ii in _failures(fail, n_fail):
        rpos = int(pos[ri])
        inst = instances[ii]
        sides: list[tuple[list[str], list[int], list[float], list[int]]] = [([], [], [], []), ([], [], [], [])]
        for k, (t, side) in enumerate(terms):
            mat = mats[t.year_offset]
            r = rows[t.year_offset][ri]
            c = cols_of[k][ii]
            label = _label(_spec(mat.version, table), for_each, t.operand)
            if t.year_offset:
                label = f"上年（{int(engine.years[rpos]) + t.year_offset}年）{label}"
            bucket = sides[0 if side == 1 else 1]
            bucket[0].append(label)
            bucket[1].append(t.sign)
            bucket[2].append(float(mat.values[r, c]))
            bucket[3].append(int(mat.marks[r, c]))
        texts = [_side_text(*s) for s in sides]
        exp_text, exp_total = texts[1 - primary_side]
        found_text, found_total = texts[primary_side]
        delta = _num(abs(float(diff[ri, ii])))
        message = f"{exp_text}，但{found_text}，相差 {delta}。"
        row, column = _cell(for_each, primary, inst)
        _add_cell_finding(engine, rule, rpos, cur, table, row, column, spec.place(row, column), message,
                          exp_total, found_total, fallback=[_cell(for_each, t.operand, inst) for t, _ in terms
                                                            if t.year_offset == 0])


def _add_cell_finding(engine: _Engine, rule: Rule, pos: int, version: str, table: str, row: str, column: str,
                      place: str, message: str, expected: str, found: str,
                      fallback: Iterable[tuple[str, str]] = ()) -> None:
    """A finding located at a cell: its line in cells.csv, else an operand's, else the report row."""
    ids = cell_ids()
    gid = ids[CellKey(version, table, row, column)]
    file = engine.files["cells"]
    index = engine.cell_index(pos, gid)
    source = engine.cell_source(index)
    line = int(engine.cell_lines[index]) if file and index is not None else None
    if line is None and file:
        for r, c in fallback:
            line = engine.cell_line(pos, ids[CellKey(version, table, r, c)])
            if line is not None:
                break
        if line is None:
            file, line = engine.report_place(pos)
    engine.add(rule, pos, place=place, message=message, expected=expected, found=found, version=version,
               table=table, row=row, column=column, file=file, line=line, source=source, order=(version, gid))


def _sum_identity(engine: _Engine, rule: Rule, check: SumIdentity) -> None:
    _identity(engine, rule, check.table, check.for_each, tuple(Term(o) for o in check.lhs),
              tuple(Term(o) for o in check.rhs), check.primary, check.version, None, check.over)


def _cross_year(engine: _Engine, rule: Rule, check: CrossYear) -> None:
    for cur in check.current_versions:
        for prev in check.previous_versions:
            _identity(engine, rule, check.table, check.for_each, check.lhs, check.rhs, check.primary, cur, prev,
                      check.over)


def _rows_with(engine: _Engine, version: str, table: str) -> tuple[np.ndarray, np.ndarray, _Matrix]:
    mat = engine.matrices[version]
    pos = np.flatnonzero(engine.sel & engine.has_table(version, table))
    return pos, mat.rowmap[pos], mat


def _operands(engine: _Engine, mat: _Matrix, rows: np.ndarray, ri: int, ii: int, spec: TableSpec, for_each: str,
              cols: dict[str, np.ndarray]) -> tuple[list[str], list[float], list[int]]:
    labels, values, marks = [], [], []
    for op, c in cols.items():
        labels.append(_label(spec, for_each, op))
        values.append(float(mat.values[rows[ri], c[ii]]))
        marks.append(int(mat.marks[rows[ri], c[ii]]))
    return labels, values, marks


def _parts_within_total(engine: _Engine, rule: Rule, check: PartsWithinTotal) -> None:
    spec = _spec(check.version, check.table)
    instances = _instances(spec, check.for_each, check.over)
    pos, rows, mat = _rows_with(engine, check.version, check.table)
    if len(pos) == 0 or not instances:
        return
    whole_cols = _operand_cols(mat, check.table, check.for_each, check.whole, instances)
    whole_v = _gather(mat, rows, whole_cols)
    assessable = _gather(mat, rows, whole_cols, "marks") == _VALUE
    known = np.zeros(whole_v.shape)
    part_cols = {p: _operand_cols(mat, check.table, check.for_each, p, instances) for p in check.parts}
    for p, pc in part_cols.items():
        v = _gather(mat, rows, pc)
        if p in check.require:
            assessable &= _gather(mat, rows, pc, "marks") == _VALUE
        known += np.where(np.isnan(v), 0.0, np.maximum(v, 0.0))  # filled-in parts bound the sum from below
    fail = assessable & (known > whole_v + TOLERANCE)
    n_fail = _row_count(fail)
    n_ok = _row_count(assessable)
    engine.tally_rows(rule, pos, n_ok - n_fail, n_fail, len(instances) - n_ok)
    for ri, ii in _failures(fail, n_fail):
        inst = instances[ii]
        labels, values, marks = _operands(engine, mat, rows, ri, ii, spec, check.for_each, part_cols)
        filled = [i for i, m in enumerate(marks) if m == _VALUE]
        text, total = _side_text([labels[i] for i in filled], [1] * len(filled), [values[i] for i in filled],
                                 [marks[i] for i in filled])
        whole = _num(float(whole_v[ri, ii]))
        wlabel = _label(spec, check.for_each, check.whole)
        message = f"{text}，超过{wlabel} {whole}，多出 {_num(float(known[ri, ii] - whole_v[ri, ii]))}。"
        row, column = _cell(check.for_each, check.whole, inst)
        _add_cell_finding(engine, rule, int(pos[ri]), check.version, check.table, row, column,
                          spec.place(row, column), message, f"不超过 {whole}", total,
                          fallback=[_cell(check.for_each, p, inst) for p in check.parts])


def _total_present(engine: _Engine, rule: Rule, check: TotalPresent) -> None:
    spec = _spec(check.version, check.table)
    instances = _instances(spec, check.for_each, check.over)
    pos, rows, mat = _rows_with(engine, check.version, check.table)
    if len(pos) == 0 or not instances:
        return
    total_cols = _operand_cols(mat, check.table, check.for_each, check.total, instances)
    total_blank = (_gather(mat, rows, total_cols, "marks") & 1) == 1  # blank or absent
    part_cols = {p: _operand_cols(mat, check.table, check.for_each, p, instances) for p in check.parts}
    # every total of a table present is an instance; only reports with a blank total need their parts read
    fail = np.zeros(total_blank.shape, dtype=bool)
    some = np.flatnonzero(total_blank.any(axis=1))
    if len(some):
        any_part = np.zeros((len(some), len(instances)), dtype=bool)
        for pc in part_cols.values():
            any_part |= _gather(mat, rows[some], pc, "marks") == _VALUE
        fail[some] = any_part & total_blank[some]
    n_fail = _row_count(fail)
    engine.tally_rows(rule, pos, len(instances) - n_fail, n_fail, np.zeros_like(n_fail))
    for ri, ii in _failures(fail, n_fail):
        inst = instances[ii]
        labels, values, marks = _operands(engine, mat, rows, ri, ii, spec, check.for_each, part_cols)
        filled = [f"{labels[i]} {_num(values[i])}" for i, m in enumerate(marks) if m == _VALUE]
        complete = not any(_is_blank(m) for m in marks)
        total = _num(sum(v for v, m in zip(values, marks, strict=True) if m == _VALUE))
        tlabel = _label(spec, check.for_each, check.total)
        message = f"{tlabel}空白，但已填写分项：{'、'.join(filled)}。"
        if complete:
            message += f"按分项合计，{tlabel}应为 {total}。"
        row, column = _cell(check.for_each, check.total, inst)
        _add_cell_finding(engine, rule, int(pos[ri]), check.version, check.table, row, column,
                          spec.place(row, column), message, total if complete else "应填写", "空白",
                          fallback=[_cell(check.for_each, p, inst) for p in check.parts])


# ======================================================================================== cell-level rules


@cache
def _nodata_lut(check: NoData) -> np.ndarray:
    """cell_id -> covered by this NoData check."""
    lut = np.zeros(len(cell_catalog()), dtype=bool)
    spec = _spec(check.version, check.table)
    ids = cell_ids()
    for r in spec.rows:
        for c in spec.columns:
            if r.id in check.rows or (c.id in check.columns and not r.group):
                lut[ids[CellKey(check.version, check.table, r.id, c.id)]] = True
    return lut


def _no_data(engine: _Engine, rule: Rule, check: NoData) -> None:
    """Group-header cells present in cells.csv must be blank (they are few: found once, when loading)."""
    idx = engine.group_cells
    if len(idx) == 0:
        return
    idx = idx[_nodata_lut(check)[engine.cell_id[idx]]]
    if not engine.all_selected:
        idx = idx[engine.sel[engine.cell_positions(idx)]]
    if len(idx) == 0:
        return
    filled = engine.cell_marks[idx] != _BLANK
    cell_pos = engine.cell_positions(idx)
    engine.tally(rule, cell_pos, np.where(filled, _FAIL, _PASS))
    spec = _spec(check.version, check.table)
    catalog = cell_catalog()
    for i, p in zip(idx[filled], cell_pos[filled], strict=True):
        k = catalog[int(engine.cell_id[i])]
        mark = int(engine.cell_marks[i])
        found = format_value(float(engine.cell_values[i]) if mark == _VALUE else None, mark)
        place = spec.place(k.row, k.column)
        message = f"{place}位于分组标题，却填写了“{found}”。"
        engine.add(rule, int(p), place=place, message=message, expected="空白", found=found,
                   version=k.version, table=k.table, row=k.row, column=k.column, file=engine.files["cells"],
                   line=int(engine.cell_lines[i]) if engine.files["cells"] else None,
                   source=engine.cell_source(int(i)), order=(k.version, int(engine.cell_id[i])))


_DOMAIN_TEXT = {0: "非负整数", 1: "整数（可为负数）", 2: "非负数"}


def _cell_domain(engine: _Engine, rule: Rule, check: CellDomain) -> None:
    """R9 over one version's matrix: a figure (not blank, not 不适用) fits its column's value type.

    Instances are the cells present in cells.csv: a figure or 不适用 is assessed (不适用 always fits),
    a blank is not assessable."""
    lut = _luts()
    mat = engine.matrices[check.version]
    if mat.values.shape[0] == 0:
        return
    vt = lut.vtype[check.version]
    values, marks = mat.values, mat.marks
    n_figures = _row_count((marks & 1) == 0)  # value or 不适用 (blank and absent are odd codes)
    n_blank = _row_count(marks == _BLANK)
    decimal, signed = np.flatnonzero(vt == 2), np.flatnonzero(vt == 1)
    # cheap candidates first: a row with a negative figure outside the signed columns, or with more
    # x != rint(x) outside the decimal columns than it has NaN (blank or absent) cells there
    with np.errstate(invalid="ignore"):
        neg = values < 0  # NaN compares False
        neg[:, signed] = False
        frac = np.rint(values) != values  # NaN compares unequal
        frac[:, decimal] = False
        n_nan = values.shape[1] - n_figures - _row_count(np.isnan(values[:, decimal]))
        suspect = (_row_count(neg) > 0) | (_row_count(frac) > n_nan)
    bad = np.zeros(values.shape, dtype=bool)
    cand = np.flatnonzero(suspect)
    if len(cand):
        v = values[cand]
        with np.errstate(invalid="ignore"):
            neg = (v < 0) & (vt != 1)[None, :]  # signed columns may be negative
            nonint = (np.abs(v - np.rint(v)) > TOLERANCE) & (vt != 2)[None, :]  # decimals may be fractions
        bad[cand] = neg | nonint
    n_bad = _row_count(bad) if len(cand) else np.zeros(values.shape[0], dtype=np.int32)

    def describe(place: str, col: Column, j: int, found: object) -> tuple[str, str]:
        want = _DOMAIN_TEXT[int(vt[j])]
        unit = f"（单位：{col.unit}）" if col.unit else ""
        return f"{place}{unit}应为{want}，却填写了 {found}。", want

    _flag_cells(engine, rule, mat, bad, n_bad, n_figures, n_blank, describe)


def _flag_cells(engine: _Engine, rule: Rule, mat: _Matrix, bad: np.ndarray, n_bad: np.ndarray, n_assessed: np.ndarray,
                n_not_assessable: np.ndarray, describe: Callable[[str, Column, int, object], tuple[str, str]]) -> None:
    """Tally a per-cell rule over one version's matrix and add a finding for every ``bad`` cell of the selected
    reports, naming its table position, its cells.csv line and where it was entered (the workbook cell).

    ``n_assessed``/``n_bad``/``n_not_assessable`` count per matrix row; ``describe(place, column, j, found)``
    gives the finding's message and expected value for matrix column ``j``."""
    rows_pos = np.flatnonzero(mat.rowmap >= 0)
    keep = engine.sel[rows_pos]
    engine.tally_rows(rule, rows_pos[keep], (n_assessed - n_bad)[keep], n_bad[keep], n_not_assessable[keep])
    catalog = cell_catalog()
    file = engine.files["cells"]
    for r in np.flatnonzero(n_bad * keep):
        p = int(rows_pos[r])
        for j in np.flatnonzero(bad[r]):
            gid = int(mat.gids[j])
            k = catalog[gid]
            spec = _spec(k.version, k.table)
            found = _num(float(mat.values[r, j]))
            place = spec.place(k.row, k.column)
            message, expected = describe(place, spec.column(k.column), int(j), found)
            index = engine.cell_index(p, gid)
            engine.add(rule, p, place=place, message=message, expected=expected, found=found, version=k.version,
                       table=k.table, row=k.row, column=k.column, file=file,
                       line=int(engine.cell_lines[index]) if file and index is not None else None,
                       source=engine.cell_source(index), order=(k.version, gid))


def _magnitude(engine: _Engine, rule: Rule, check: Magnitude) -> None:
    """M1 over one version's matrix: a figure (not blank, not 不适用) is at most its table's and unit's limit.

    Instances are the figures present; a blank or 不适用 is not assessed. The stated 主动公开 total is
    assessed once, by the check that carries ``proactive_total``."""
    if check.proactive_total is not None:
        _magnitude_total(engine, rule, check.proactive_total)
    mat = engine.matrices[check.version]
    if mat.values.shape[0] == 0:
        return
    catalog = cell_catalog()
    limits = np.full(len(mat.gids), np.inf)
    for j, gid in enumerate(mat.gids.tolist()):
        k = catalog[int(gid)]
        unit = _spec(k.version, k.table).column(k.column).unit
        for table, want_unit, limit in check.limits:
            if table == k.table and want_unit in ("", unit):
                limits[j] = limit
                break
    values, marks = mat.values, mat.marks
    with np.errstate(invalid="ignore"):
        bad = (np.abs(values) > limits[None, :]) & (marks == _VALUE)
    n_values = _row_count(marks == _VALUE)

    def describe(place: str, col: Column, j: int, found: object) -> tuple[str, str]:
        limit, unit = _num(float(limits[j])), col.unit or ""
        return f"{place}填写了 {found} {unit}，超过合理上限 {limit} {unit}，可能多输了位数。", f"不超过 {limit}"

    _flag_cells(engine, rule, mat, bad, _row_count(bad), n_values, np.zeros(values.shape[0], dtype=np.int32),
                describe)


def _magnitude_total(engine: _Engine, rule: Rule, limit: float) -> None:
    rep = engine.ds.reports
    total = rep["proactive_total"].to_numpy(dtype=np.float64)
    has = engine.sel & (rep["proactive_total_mark"].to_numpy() == _VALUE)
    with np.errstate(invalid="ignore"):
        big = has & (np.abs(total) > limit)
    idx = np.flatnonzero(has)
    engine.tally(rule, idx, np.where(big[idx], _FAIL, _PASS))
    for p in np.flatnonzero(big):
        file, line = engine.report_place(int(p))
        found = _num(total[p])
        engine.add(rule, int(p), place="主动公开 总数",
                   message=f"主动公开总数为 {found}，超过合理上限 {_num(limit)}，可能多输了位数。",
                   expected=f"不超过 {_num(limit)}", found=found, file=file, line=line,
                   source=engine.total_source(int(p)))


# ======================================================================================== channels


_QUAL_TEXT = {"余": "{v}余", "多": "{v}多", "以上": "{v}以上", "约": "约{v}", "近": "近{v}"}


def _figure_with_qualifier(value: float, mark: int, qualifier: str) -> str:
    if mark == _BLANK:
        return "空白"
    if mark == _NAMARK:
        return "不适用"
    return _QUAL_TEXT.get(qualifier, "{v}").format(v=_num(value))


def _text_at(series: pd.Series, i: int) -> str:
    v = series.iloc[int(i)]
    return "" if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else str(v)


def _qualifier_kind(series: pd.Series) -> np.ndarray:
    """Per row: 0 exact, 1 lower bound (余/多/以上), 2 upper bound (近), 3 approximate (约)."""
    kind_of = {q.value: {"exact": 0, "lower": 1, "upper": 2, "approx": 3}[q.bound] for q in Qualifier}
    if isinstance(series.dtype, pd.CategoricalDtype):
        table = np.asarray([kind_of.get(str(c), 0) for c in series.cat.categories] + [0], dtype=np.int8)
        return table[series.cat.codes.to_numpy()]  # code -1 (missing) reads the trailing 0
    return series.astype(object).map(lambda q: kind_of.get("" if q is None or q is pd.NA else str(q), 0)) \
        .to_numpy(dtype=np.int8)


def _bounds(values: np.ndarray, marks: np.ndarray, kind: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bound of each figure: exact, 余/多/以上 (≥), 近 (≤), 约 (±APPROX_TOLERANCE).

    不适用 is 0; a blank is 0 here and is handled by the caller (the comparison is not assessable)."""
    v = np.where(marks == _VALUE, values, 0.0)
    lo = v.copy()
    hi = v.copy()
    hi[kind == 1] = np.inf
    lo[kind == 2] = 0.0
    lo[kind == 3] = v[kind == 3] * (1 - APPROX_TOLERANCE)
    hi[kind == 3] = v[kind == 3] * (1 + APPROX_TOLERANCE)
    return lo, hi


def _summable(series: pd.Series) -> np.ndarray:
    """Units that count items (empty = the unit of the stated total)."""
    s = series.astype("string").fillna("").str.strip()
    return (s.isin(SUMMABLE_UNITS) | (s == "")).to_numpy(dtype=bool)


def _channel_data(engine: _Engine) -> dict[str, Any]:
    cached = engine._cache.get("channels")
    if cached is not None:
        return cached
    ch = engine.ds.channels
    rep = engine.ds.reports
    n = engine.n
    pos, _ = engine.frame_positions(ch)
    pos = pos.astype(np.int64)
    values = ch["value"].to_numpy(dtype=np.float64)
    marks = ch["value_mark"].to_numpy()
    summable = _summable(ch["unit"]) if len(ch) else np.zeros(0, dtype=bool)
    lo, hi = _bounds(values, marks, _qualifier_kind(ch["qualifier"]) if len(ch) else np.zeros(0, np.int8))
    total = rep["proactive_total"].to_numpy(dtype=np.float64)
    total_mark = rep["proactive_total_mark"].to_numpy()
    t_lo, t_hi = _bounds(total, total_mark, _qualifier_kind(rep["proactive_qualifier"]))
    ov = rep["channels_overlap"]
    known = ov.notna().to_numpy(dtype=bool)
    yes = ov.fillna(False).to_numpy(dtype=bool)
    overlap = np.where(known, np.where(yes, "yes", "no"), "unknown")
    n_summable = np.bincount(pos, weights=summable, minlength=n)
    out = {
        "frame": ch, "pos": pos, "values": values, "marks": marks, "summable": summable,
        "total": total, "total_mark": total_mark, "t_lo": t_lo, "t_hi": t_hi, "overlap": overlap,
        "s_lo": np.bincount(pos, weights=np.where(summable, lo, 0.0), minlength=n),
        "s_hi": np.bincount(pos, weights=np.where(summable, hi, 0.0), minlength=n),
        "n_channels": np.bincount(pos, minlength=n),
        "n_summable": n_summable,
        "n_blank": np.bincount(pos, weights=summable & (marks == _BLANK), minlength=n),
        "total_unit_ok": _summable(rep["proactive_unit"]),
    }
    engine._cache["channels"] = out
    return out


def _channel_sum(engine: _Engine, rule: Rule, check: ChannelSum) -> None:
    c = _channel_data(engine)
    if len(c["pos"]) == 0:
        return
    overlap = c["overlap"]
    s_lo, s_hi, t_lo, t_hi = c["s_lo"], c["s_hi"], c["t_lo"], c["t_hi"]
    n_excluded = c["n_channels"] - c["n_summable"]
    applies = engine.sel & (c["n_channels"] > 0) & np.isin(overlap, list(check.overlap))
    assessable = applies & (c["n_blank"] == 0) & (c["total_mark"] != _BLANK) & (c["n_summable"] > 0) & \
        c["total_unit_ok"]
    below = s_hi < t_lo - TOLERANCE
    above = s_lo > t_hi + TOLERANCE
    exceed_ok = np.isin(overlap, list(check.exceed_ok))
    fail = assessable & ((above & ~exceed_ok) | (below & (n_excluded == 0)))
    # with channels left out of the sum, a sum below the total shows nothing; when the sum may also
    # exceed the total (overlap), nothing can be shown at all
    undecidable = assessable & ~fail & (below | exceed_ok) & (n_excluded > 0)
    status = np.where(~assessable | undecidable, _NA, np.where(fail, _FAIL, _PASS))
    idx = np.flatnonzero(applies)
    engine.tally(rule, idx, status[idx])
    if not fail.any():
        return
    pos = c["pos"]
    frame = c["frame"]
    rep = engine.ds.reports
    order = np.argsort(pos, kind="stable")
    sorted_pos = pos[order]
    for p in np.flatnonzero(fail):
        members = order[np.searchsorted(sorted_pos, p): np.searchsorted(sorted_pos, p, side="right")]
        parts, excluded = [], []
        sources = [engine.total_source(int(p))] + [engine.channel_source(int(i)) for i in members]
        for i in members:
            label = _text_at(frame["label"], i)
            if not c["summable"][i]:
                excluded.append(label)
                continue
            fig = _figure_with_qualifier(c["values"][i], c["marks"][i], _text_at(frame["qualifier"], i))
            parts.append(f"{label} {fig}")
        sum_text = _range_text(s_lo[p], s_hi[p])
        total_text = _figure_with_qualifier(c["total"][p], c["total_mark"][p],
                                            _text_at(rep["proactive_qualifier"], p))
        unit = _text_at(rep["proactive_unit"], p)
        if above[p]:
            rel, diff = "超过", s_lo[p] - t_hi[p]
        else:
            rel, diff = "少于", t_lo[p] - s_hi[p]
        message = (f"各渠道合计 {' + '.join(parts)} = {sum_text}{unit}，{rel}主动公开总数 {total_text}{unit}，"
                   f"相差至少 {_num(diff)}。")
        if overlap[p] == "unknown":
            message += "报告未说明各渠道是否重复计数。"
        elif overlap[p] == "yes":
            message += "各渠道可重复计数，但合计不应少于总数。"
        if excluded:
            message += f"（未计入非条数单位的渠道：{'、'.join(excluded)}）"
        file, line = engine.report_place(int(p))
        engine.add(rule, int(p), place="主动公开 总数与各渠道合计", message=message, expected=total_text,
                   found=sum_text, file=file, line=line, source=_sources_text(sources))


def _sources_text(sources: Iterable[str]) -> str:
    """Workbook cells in one line, the file and sheet named once per run:
    ``文件.xlsx 数据!C12、C16、C17`` (empty sources are left out)."""
    out: list[str] = []
    prefix = None
    for s in sources:
        if not s:
            continue
        cut = max(s.rfind("!"), s.rfind(" "))
        head, ref = s[:cut + 1], s[cut + 1:]
        if out and head == prefix:
            out[-1] += f"、{ref}"
        else:
            out.append(s)
            prefix = head
    return "；".join(out)


def _range_text(lo: float, hi: float) -> str:
    if math.isinf(hi):
        return f"至少 {_num(lo)}"
    if abs(hi - lo) <= TOLERANCE:
        return _num(lo)
    return f"{_num(lo)}–{_num(hi)}"


def _non_negative(engine: _Engine, rule: Rule, check: NonNegativeFigures) -> None:
    c = _channel_data(engine)
    # the stated total
    has_total = engine.sel & (c["total_mark"] != _BLANK)
    neg_total = has_total & (c["total_mark"] == _VALUE) & (c["total"] < 0)
    idx = np.flatnonzero(has_total)
    engine.tally(rule, idx, np.where(neg_total[idx], _FAIL, _PASS))
    for p in np.flatnonzero(neg_total):
        file, line = engine.report_place(int(p))
        found = _num(c["total"][p])
        engine.add(rule, int(p), place="主动公开 总数", message=f"主动公开总数为 {found}，条数不能为负数。",
                   expected="非负数", found=found, file=file, line=line, source=engine.total_source(int(p)))
    # every channel figure
    pos = c["pos"]
    if len(pos) == 0:
        return
    m = (c["marks"] != _BLANK) if engine.all_selected else engine.sel[pos] & (c["marks"] != _BLANK)
    idx = np.flatnonzero(m)
    bad = (c["marks"][idx] == _VALUE) & (c["values"][idx] < 0)
    engine.tally(rule, pos[idx], np.where(bad, _FAIL, _PASS))
    frame = c["frame"]
    for i in idx[bad]:
        seq = int(frame["seq"].iloc[i])
        place = f"主动公开 第{seq}项渠道“{_text_at(frame['label'], i)}”"
        found = _num(c["values"][i])
        file = engine.files["channels"]
        engine.add(rule, int(pos[i]), place=place, message=f"{place}为 {found}，条数不能为负数。", expected="非负数",
                   found=found, channel_seq=seq, file=file, line=int(frame["line"].iloc[i]) if file else None,
                   source=engine.channel_source(int(i)), order=("", 0, seq))


# ======================================================================================== report-level rules


def _days(col: pd.Series) -> np.ndarray:
    """Dates as int64 day numbers; missing = INT64 min."""
    arr = col.to_numpy(dtype="datetime64[D]") if len(col) else np.zeros(0, dtype="datetime64[D]")
    out = arr.astype(np.int64)
    out[np.isnat(arr)] = _NO_DATE
    return out


_NO_DATE = np.iinfo(np.int64).min
_EPOCH = dt.date(1970, 1, 1)


def _date_text(day: int) -> str:
    d = _EPOCH + dt.timedelta(days=int(day))
    return f"{d.year}年{d.month}月{d.day}日"


def _year_day(years: np.ndarray, month: int, day: int) -> np.ndarray:
    """Day number of month/day in each year (vectorised calendar arithmetic)."""
    y = (np.asarray(years, dtype=np.int64) - 1970).astype("datetime64[Y]")
    return ((y.astype("datetime64[M]") + (month - 1)).astype("datetime64[D]") + (day - 1)).astype(np.int64)


def _year_bounds(years: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return _year_day(years, 1, 1), _year_day(years, 12, 31)


def _report_dates(engine: _Engine) -> dict[str, np.ndarray]:
    cached = engine._cache.get("dates")
    if cached is not None:
        return cached
    rep = engine.ds.reports
    first, last = _year_bounds(engine.years)
    out = {"start": _days(rep["period_start"]), "end": _days(rep["period_end"]), "cutoff": _days(rep["data_cutoff"]),
           "published": _days(rep["published"]), "first": first, "last": last,
           "format": rep["format"].astype("string").fillna("").to_numpy(dtype=object)}
    engine._cache["dates"] = out
    return out


def _report_finding(engine: _Engine, rule: Rule, p: int, place: str, message: str, expected: str,
                    found: str) -> None:
    file, line = engine.report_place(p)
    engine.add(rule, p, place=place, message=message, expected=expected, found=found, file=file, line=line)


def _period_text(start: int, end: int) -> str:
    s = _date_text(start) if start != _NO_DATE else "（未载明）"
    e = _date_text(end) if end != _NO_DATE else "（未载明）"
    return f"{s}至{e}"


def _versions_present(engine: _Engine) -> dict[str, np.ndarray]:
    """version -> bool per report: has cells of an official table of the version (信息处理费 aside)."""
    lut = _luts()
    out = {}
    for v in lut.versions:
        keys = [i for i, k in enumerate(lut.table_keys) if k[0] == v and k[1] != "fee"]
        out[v] = engine.present[:, keys].any(axis=1)
    return out


def _tables_of(engine: _Engine, p: int, version: str) -> str:
    lut = _luts()
    refs = [FORMATS[v].table(t).ref for i, (v, t) in enumerate(lut.table_keys)
            if v == version and t != "fee" and engine.present[p, i]]
    return "、".join(dict.fromkeys(refs))


def _format_label(fmt: str) -> str:
    return ReportFormat(fmt).label


@dataclass(slots=True)
class _ReportCtx:
    """What a report-predicate kernel reads: the engine, the rule and its check, and the reports' dates as day
    numbers (:func:`_report_dates`; ``has[name]``: the report states that date)."""

    engine: _Engine
    rule: Rule
    check: ReportPredicate
    d: dict[str, np.ndarray]
    has: dict[str, np.ndarray]

    def emit(self, applies: np.ndarray, fail: np.ndarray, na: np.ndarray | None = None) -> np.ndarray:
        """Tally the rule over the selected reports it applies to; the positions of those that fail."""
        engine = self.engine
        applies = applies & engine.sel
        na = np.zeros(engine.n, dtype=bool) if na is None else na
        fail = applies & fail & ~na
        idx = np.flatnonzero(applies)
        engine.tally(self.rule, idx, np.where(na[idx], _NA, np.where(fail[idx], _FAIL, _PASS)))
        return np.flatnonzero(fail)


_ReportKernel = Callable[[_ReportCtx], None]
#: One kernel per :data:`~govreport.checks.rules.ReportPredicateKind`, registered with :func:`_report_kind`.
_REPORT_KINDS: dict[str, _ReportKernel] = {}


def _report_kind(kind: str) -> Callable[[_ReportKernel], _ReportKernel]:
    def register(fn: _ReportKernel) -> _ReportKernel:
        assert kind not in _REPORT_KINDS, kind
        _REPORT_KINDS[kind] = fn
        return fn
    return register


def _report_predicate(engine: _Engine, rule: Rule, check: ReportPredicate) -> None:
    d = _report_dates(engine)
    has = {k: d[k] != _NO_DATE for k in ("start", "end", "cutoff", "published")}
    _REPORT_KINDS[check.kind](_ReportCtx(engine, rule, check, d, has))


@_report_kind("period_within_year")
def _period_within_year(c: _ReportCtx) -> None:
    engine, rule, has = c.engine, c.rule, c.has
    start, end, first, last = c.d["start"], c.d["end"], c.d["first"], c.d["last"]
    outside = (has["start"] & (start < first)) | (has["end"] & (end > last)) | \
        (has["start"] & has["end"] & (start > end))
    for p in c.emit(has["start"] | has["end"], outside):
        y = int(engine.years[p])
        period = _period_text(start[p], end[p])
        why = "起始日期晚于截止日期" if has["start"][p] and has["end"][p] and start[p] > end[p] else \
            f"超出 {y} 年度"
        _report_finding(engine, rule, p, "统计期限", f"统计期限为{period}，{why}；年度报告应统计 {y}年1月1日至"
                        f"{y}年12月31日 的数据。", f"{y}年1月1日至{y}年12月31日之内", period)


@_report_kind("cutoff_before_period_end")
def _cutoff_before_period_end(c: _ReportCtx) -> None:
    engine, rule, has = c.engine, c.rule, c.has
    start, end, cutoff = c.d["start"], c.d["end"], c.d["cutoff"]
    applies = has["cutoff"] & has["end"]
    fail = (cutoff < end) & (~has["start"] | (cutoff >= start))
    for p in c.emit(applies, fail):
        days = int(end[p] - cutoff[p])
        _report_finding(engine, rule, p, "数据统计截止日期",
                        f"数据统计截止于{_date_text(cutoff[p])}，早于统计期末{_date_text(end[p])}"
                        f"（相差 {days} 天），此后 {days} 天的数据未计入。",
                        _date_text(end[p]), _date_text(cutoff[p]))


@_report_kind("cutoff_outside_period")
def _cutoff_outside_period(c: _ReportCtx) -> None:
    engine, rule, has = c.engine, c.rule, c.has
    start, end, cutoff = c.d["start"], c.d["end"], c.d["cutoff"]
    applies = has["cutoff"] & (has["start"] | has["end"])
    fail = (has["end"] & (cutoff > end)) | (has["start"] & (cutoff < start))
    for p in c.emit(applies, fail):
        period = _period_text(start[p], end[p])
        _report_finding(engine, rule, p, "数据统计截止日期",
                        f"数据统计截止日期{_date_text(cutoff[p])}不在统计期限{period}之内。", f"{period}之内",
                        _date_text(cutoff[p]))


@_report_kind("period_missing")
def _period_missing(c: _ReportCtx) -> None:
    engine, rule, has = c.engine, c.rule, c.has
    for p in c.emit(np.ones(engine.n, dtype=bool), ~has["start"] & ~has["end"]):
        y = int(engine.years[p])
        _report_finding(engine, rule, p, "统计期限", f"报告未载明统计期限（通常为 {y}年1月1日至{y}年12月31日）。",
                        "载明统计期限", "未载明")


@_report_kind("narrative_only")
def _narrative_only(c: _ReportCtx) -> None:
    engine, rule = c.engine, c.rule
    first_year = int(c.check.param("first_year", 2019))  # type: ignore[arg-type]
    for p in c.emit(np.ones(engine.n, dtype=bool), (c.d["format"] == "none") & (engine.years >= first_year)):
        y = int(engine.years[p])
        fmt = _format_for(y)
        _report_finding(engine, rule, p, "报告格式",
                        f"报告为纯文字报告，未使用统一表格；{y} 年度应使用《{fmt.title}》（{fmt.doc_no}）的表格。",
                        f"{_format_label(fmt.version)}表格", _format_label("none"))


@_report_kind("outdated_tables")
def _outdated_tables(c: _ReportCtx) -> None:
    """Tables of a format in a report of a year after the format's last year."""
    _tables_outside_years(c, lambda spec, years: np.zeros(len(years), dtype=bool) if spec.last_year is None
                          else years > spec.last_year)


@_report_kind("premature_tables")
def _premature_tables(c: _ReportCtx) -> None:
    """Tables of a format in a report of a year before the format's first year."""
    _tables_outside_years(c, lambda spec, years: years < spec.first_year)


def _tables_outside_years(c: _ReportCtx, wrong_years: Callable[[Any, np.ndarray], np.ndarray]) -> None:
    engine, rule = c.engine, c.rule
    present = _versions_present(engine)
    for v in c.check.versions:
        spec = FORMATS[v]
        wrong = wrong_years(spec, engine.years)
        for p in c.emit(present[v], wrong):
            y = int(engine.years[p])
            tables = _tables_of(engine, p, v)
            span = f"{spec.first_year}–{spec.last_year}" if spec.last_year else f"{spec.first_year} 年起"
            right = _format_for(y)
            should = f"，{y} 年度应使用{_format_label(right.version)}" if right is not None else ""
            _report_finding(engine, rule, p, f"{tables}（{_format_label(v)}）",
                            f"{y} 年度报告使用了{_format_label(v)}的表格（{tables}），该格式适用于 {span} 年度"
                            f"{should}。", _format_label(right.version) if right is not None else "无统一格式",
                            _format_label(v))


@_report_kind("declared_format_contradiction")
def _declared_format_contradiction(c: _ReportCtx) -> None:
    engine, rule = c.engine, c.rule
    present = _versions_present(engine)
    fmt = c.d["format"]
    wrong = np.zeros(engine.n, dtype=bool)
    other = {"2019": "2021", "2021": "2019"}
    for v, o in other.items():
        wrong |= (fmt == v) & present[o]
    for p in c.emit(np.isin(fmt, list(other)), wrong):
        o = other[str(fmt[p])]
        _report_finding(engine, rule, p, "报告格式",
                        f"reports.csv 申报的格式为{_format_label(str(fmt[p]))}，但 cells.csv 中有"
                        f"{_format_label(o)}的表格（{_tables_of(engine, p, o)}）。"
                        "如确为混用，请申报为 hybrid。",
                        _format_label(str(fmt[p])), _format_label("hybrid"))


@_report_kind("declared_format_incomplete")
def _declared_format_incomplete(c: _ReportCtx) -> None:
    engine, rule, check = c.engine, c.rule, c.check
    present = _versions_present(engine)
    fmt = c.d["format"]
    n_versions = sum(present[v].astype(int) for v in check.versions)
    applies = np.isin(fmt, ["2019", "2021", "hybrid"])
    wrong = ((fmt == "hybrid") & (n_versions < 2)) | (np.isin(fmt, ["2019", "2021"]) & (n_versions == 0))
    for p in c.emit(applies, wrong):
        f = str(fmt[p])
        have = [v for v in check.versions if present[v][p]]
        found = "、".join(_format_label(v) for v in have) or "无表格数据"
        if f == "hybrid":
            msg = f"报告申报为混用格式，但只有{found}的表格。"
        else:
            msg = f"报告申报为{_format_label(f)}，但没有任何表格数据（表二、表三、表四均未填报）。"
        _report_finding(engine, rule, p, "报告格式", msg, _format_label(f), found)


@_report_kind("publication_deadline")
def _publication_deadline(c: _ReportCtx) -> None:
    engine, rule, has, pub = c.engine, c.rule, c.has, c.d["published"]
    deadlines = dict(c.check.params)
    kinds = engine.agency_kind_by_code[engine.codes]
    applies = has["published"] & np.isin(kinds, list(deadlines))
    due = np.full(engine.n, _NO_DATE, dtype=np.int64)
    for k, (month, day) in deadlines.items():  # type: ignore[misc]
        m = kinds == k
        if m.any():
            due[m] = _year_day(engine.years[m] + 1, int(month), int(day))
    for p in c.emit(applies, pub > due):
        label = AgencyKind(str(kinds[p])).label
        late = int(pub[p] - due[p])
        _report_finding(engine, rule, p, "公布日期",
                        f"公布日期{_date_text(pub[p])}晚于法定期限{_date_text(due[p])}（{label}，《条例》第四十九条），"
                        f"逾期 {late} 天。", f"不晚于{_date_text(due[p])}", _date_text(pub[p]))


@_report_kind("published_before_period_end")
def _published_before_period_end(c: _ReportCtx) -> None:
    engine, rule, has, pub = c.engine, c.rule, c.has, c.d["published"]
    period_end = np.where(has["end"], c.d["end"], c.d["last"])
    for p in c.emit(has["published"], pub <= period_end):
        _report_finding(engine, rule, p, "公布日期",
                        f"公布日期{_date_text(pub[p])}不晚于统计期末{_date_text(period_end[p])}，年度报告应在统计期结束后公布。",
                        f"晚于{_date_text(period_end[p])}", _date_text(pub[p]))


# ======================================================================================== text


def _text_data(engine: _Engine) -> dict[int, list[tuple[str, str, str, int | None]] | None] | None:
    """Each selected report's narrative sections as (heading, body, file, line), by report position (a
    report without a narrative file: no entry; one whose file cannot be read: None, not assessable —
    rendering it names the problem); None when the dataset's narratives are not known at all (a report
    checked on its own without its text)."""
    if "text" in engine._cache:
        return engine._cache["text"]
    ds = engine.ds
    out: dict[int, list[tuple[str, str, str, int | None]] | None] | None = {}
    frame = ds._sections
    if frame is not None:
        if len(frame):
            codes = engine.agency_cats.get_indexer(pd.Index(frame["agency_id"].astype(str)))
            keys = agency_year_key(codes, frame["year"].to_numpy())
            pos = np.where(codes >= 0, engine.index.find(keys), -1)
            for p, h, b, f, ln in zip(pos, frame["heading"], frame["body"], frame["file"], frame["line"],
                                      strict=True):
                if p >= 0 and engine.sel[p]:
                    line = None if ln is None or pd.isna(ln) else int(ln)
                    out.setdefault(int(p), []).append((str(h or ""), str(b or ""), str(f or ""), line))  # type: ignore[union-attr]
    elif ds.root is None:
        out = None
    else:
        from govreport.core.errors import GovreportError
        from govreport.core.report_text import split_sections
        from govreport.store.textfile import read_text

        root = Path(ds.root)
        raw: dict[int, str] = engine._cache.setdefault("raw_text", {})
        sel = np.flatnonzero(engine.sel)
        files = _narrative_files(root) if len(sel) > 1000 else None  # one listing instead of a stat each
        ids = _agency_ids(engine)
        for p in sel:
            aid, year = ids[engine.codes[p]], int(engine.years[p])
            if files is not None and (aid, year) not in files:
                continue
            rel = layout.narrative_path(aid, year)
            path = root / rel
            if files is None and not path.exists():
                continue
            try:
                text, _ = read_text(path)
            except (GovreportError, OSError):
                out[int(p)] = None
                continue
            raw[int(p)] = text
            out[int(p)] = [(h, b, rel, ln) for h, b, ln in split_sections(text)]
    engine._cache["text"] = out
    return out


def _agency_ids(engine: _Engine) -> np.ndarray:
    """The agency id of each agency code, as Python strings (cached)."""
    ids = engine._cache.get("agency_ids")
    if ids is None:
        ids = engine._cache["agency_ids"] = np.asarray([str(a) for a in engine.agency_cats], dtype=object)
    return ids


def _narrative_files(root: Path) -> set[tuple[str, int]]:
    """(agency id, year) of every ``narratives/<agency_id>/<year>.md`` under a dataset directory."""
    out: set[tuple[str, int]] = set()
    base = root / layout.NARRATIVES_DIR
    if not base.is_dir():
        return out
    for d in os.scandir(base):
        if d.is_dir():
            for f in os.scandir(d.path):
                stem, dot, ext = f.name.rpartition(".")
                if dot and ext == "md" and stem.isdigit():
                    out.add((d.name, int(stem)))
    return out


def _text_file(engine: _Engine, rel: str) -> str:
    return os.path.join(str(engine.ds.root), rel) if rel and engine.ds.root is not None else rel


def _table_present(engine: _Engine, p: int, table: str) -> bool:
    """The report has figures (or 不适用) in a table of any version; ``t2`` = any 表二 block."""
    for i, (_v, t) in enumerate(_luts().table_keys):
        if (t == table or (table == "t2" and t.startswith("t2"))) and engine.present[p, i]:
            return True
    return False


def _part_figures(engine: _Engine) -> list[np.ndarray]:
    """Per official part (formats.SECTION_SPECS): which reports have figures shown in it."""
    cached = engine._cache.get("part_figures")
    if cached is None:
        from govreport.core.formats import SECTION_SPECS

        total_mark = engine.ds.reports["proactive_total_mark"].to_numpy()
        cached = []
        for spec in SECTION_SPECS:
            has = np.zeros(engine.n, dtype=bool)
            for i, (_v, t) in enumerate(_luts().table_keys):
                if any(t == x or (x == "t2" and t.startswith("t2")) for x in spec.tables):
                    has |= engine.present[:, i]
            if spec.proactive:
                has |= total_mark != _BLANK
            cached.append(has)
        engine._cache["part_figures"] = cached
    return cached


_FORMATTED = ("2019", "2021", "hybrid")


def _no_text(engine: _Engine, rule: Rule, pos: np.ndarray) -> None:
    """N1 for reports without any text: one instance each (vectorised; a finding per failing report)."""
    from govreport.core.formats import SECTION_SPECS
    from govreport.core.report_text import official_headings

    if not len(pos):
        return
    formatted = np.isin(_report_dates(engine)["format"][pos], _FORMATTED)
    figures = np.stack([f[pos] for f in _part_figures(engine)], axis=1)  # reports × parts
    fail = ~formatted | ~figures.all(axis=1)
    engine.tally(rule, pos, np.where(fail, _FAIL, _PASS))
    # a dataset without narratives fails every report: the message depends only on the format kind, the year
    # and the parts without figures, and the file on the agency and year, so both are built once per distinct key
    prefix = os.path.join(str(engine.ds.root), "") if engine.ds.root is not None else ""  # = _text_file's join
    messages: dict[tuple, str] = {}
    for i in np.flatnonzero(fail):
        p = int(pos[i])
        aid, year = _agency_ids(engine)[engine.codes[p]], int(engine.years[p])
        key = (bool(formatted[i]), year, figures[i].tobytes())
        message = messages.get(key)
        if message is None:
            if formatted[i]:
                heads = official_headings(year)
                missing = "、".join(f"“{heads[k]}”" for k in range(len(SECTION_SPECS)) if not figures[i, k])
                message = f"报告没有正文：缺少{missing}部分（这些部分没有表格数据，须有文字）。"
            else:
                message = "报告没有正文：纯文字报告的内容全部在正文中，数据中却没有正文。"
            messages[key] = message
        file = "" if engine.ds._sections is not None else prefix + layout.narrative_path(aid, year)
        engine.add(rule, p, place="正文", expected="有文字", found="缺少", file=file, message=message)


def _text_predicate(engine: _Engine, rule: Rule, check: TextPredicate) -> None:
    from govreport.core.formats import SECTION_SPECS
    from govreport.core.report_text import DRAFT_MARK, assign_topics, official_headings

    text = _text_data(engine)
    sel = np.flatnonzero(engine.sel)
    if text is None:
        engine.tally(rule, sel, _NA)
        return
    has = np.zeros(engine.n, dtype=bool)
    has[np.fromiter(text.keys(), dtype=np.int64, count=len(text))] = True
    without = sel[~has[sel]]
    if check.kind == "parts_present":
        _no_text(engine, rule, without)
    else:
        engine.tally(rule, without, _NA)
    fmt = _report_dates(engine)["format"]
    figures = _part_figures(engine) if check.kind == "parts_present" else []
    for p in sorted(text):
        rows = text[p]
        if rows is None:  # the narrative file cannot be read: not assessable (rendering names the problem)
            engine.tally(rule, np.array([p]), _NA)
            continue
        aid = str(engine.agency_cats[engine.codes[p]])
        year = int(engine.years[p])
        file = _text_file(engine, rows[0][2] if rows and rows[0][2] else layout.narrative_path(aid, year))
        if engine.ds._sections is not None:
            file = _text_file(engine, rows[0][2]) if rows and rows[0][2] else ""
        if check.kind == "parts_present":
            if fmt[p] in _FORMATTED:
                topics = assign_topics([h for h, *_ in rows])
                heads = official_headings(year)
                for k, (spec, heading) in enumerate(zip(SECTION_SPECS, heads, strict=True)):
                    mine = [r for r, t in zip(rows, topics, strict=True) if t == spec.topic]
                    if any(b.strip() for _, b, _, _ in mine) or figures[k][p]:
                        engine.tally(rule, np.array([p]), _PASS)
                        continue
                    engine.tally(rule, np.array([p]), _FAIL)
                    tables = "，本部分也没有填报数字" if spec.tables else ""
                    if mine:
                        message, found, line = f"正文“{mine[0][0]}”部分没有文字{tables}。", "空白", mine[0][3]
                    else:
                        message, found, line = f"正文缺少“{heading}”部分{tables}。", "缺少", None
                    engine.add(rule, p, place=f"正文“{heading}”", message=message, expected="有文字",
                               found=found, file=file, line=line, order=(k,))
            elif any(b.strip() for _, b, _, _ in rows):
                engine.tally(rule, np.array([p]), _PASS)
            else:
                engine.tally(rule, np.array([p]), _FAIL)
                engine.add(rule, p, place="正文", expected="有文字", found="缺少", file=file,
                           message="报告没有正文：纯文字报告的内容全部在正文中，数据中却没有正文。")
        elif check.kind == "no_draft_mark":
            if not rows:
                engine.tally(rule, np.array([p]), _NA)
                continue
            marked = [r for r in rows if DRAFT_MARK in r[1]]
            engine.tally(rule, np.array([p]), _FAIL if marked else _PASS)
            for i, (h, _b, _f, line) in enumerate(marked):
                where = f"“{h}”部分" if h else "开头部分"
                engine.add(rule, p, place=f"正文{where}", message=f"正文{where}仍有草稿标记“{DRAFT_MARK}”。",
                           expected="本年度文字", found="上年文字草稿", file=file, line=line, order=(i,))
        elif check.kind == "figures_agree":
            if not any(b.strip() for _, b, _, _ in rows):
                engine.tally(rule, np.array([p]), _NA)
                continue
            _figures_agree(engine, rule, p, rows, file)
        else:  # pragma: no cover - rules.py and this module are kept in step by tests
            raise AssertionError(check.kind)
    if check.kind == "figures_agree":
        _figure_cache(engine).save()


def _channel_agrees(engine: _Engine, rule: Rule, p: int, fig: Any, said: str, file: str, with_lines: bool,
                    k: int) -> int:
    """N2 for a channel figure of the text: against the data's channel of the same label (as written)."""
    c = _channel_data(engine)
    idx = engine._cache.get("channel_blocks")
    if idx is None:  # each report's channel rows, once: (order, start per report)
        ch = c["frame"]
        order = np.argsort(c["pos"], kind="stable")
        starts = np.searchsorted(c["pos"][order], np.arange(engine.n + 1))
        idx = engine._cache["channel_blocks"] = (
            order, starts, ch["label"].astype(str).to_numpy(dtype=object),
            ch["line"].to_numpy() if "line" in ch else None, ch["seq"].to_numpy())
    order, starts, labels, lines, seqs = idx
    hit = [int(i) for i in order[starts[p]:starts[p + 1]] if labels[i] == fig.row]
    if len(hit) != 1 or int(c["marks"][hit[0]]) != _VALUE:
        return _NA
    i = hit[0]
    data = float(c["values"][i])
    if abs(data - fig.value) <= TOLERANCE:
        return _PASS
    cfile = engine.files["channels"]
    line = int(lines[i]) if cfile and lines is not None else None
    source = engine.channel_source(i)
    at = _at(_where(cfile, line) if cfile else "", source)
    place = f"主动公开渠道“{fig.row}”"
    engine.add(rule, p, place=f"{place}（正文与数据）", message=f"{said}，但数据中{place}为 {_num(data)}{at}。",
               expected=_num(data), found=_num(fig.value), channel_seq=int(seqs[i]), file=file,
               line=fig.line if with_lines else None, source=source, order=(0, k))
    return _FAIL


def _figure_cache(engine: _Engine) -> Any:
    """The figures each text states (the prose reader), kept beside the dataset's cache when it has one."""
    fc = engine._cache.get("figure_cache")
    if fc is None:
        from govreport.readers.stated import FigureCache
        from govreport.store.matrix import CACHE_DIR_KEY

        fc = engine._cache["figure_cache"] = FigureCache(engine.ds._derived.get(CACHE_DIR_KEY))
    return fc


def _figures_agree(engine: _Engine, rule: Rule, p: int, rows: list[tuple[str, str, str, int | None]],
                   file: str) -> None:
    """N2: every figure the text states against the data (the proactive total, table cells)."""
    from govreport.core.model import Section
    from govreport.core.report_text import join_sections

    code = int(engine.codes[p])
    year = int(engine.years[p])
    text = engine._cache.get("raw_text", {}).get(p)  # the file as read: its lines are the file's
    with_lines = text is not None
    if text is None:
        text = join_sections([Section(h, b) for h, b, _, _ in rows])
    agencies = engine._cache.setdefault("agency_objects", {})
    if code not in agencies:
        agencies[code] = engine.ds.agency(str(engine.agency_cats[code]))
    try:
        stated = _figure_cache(engine).get(text, file or "正文", agencies[code], year)
    except GovreportError:  # a text the prose reader refuses: its figures cannot be compared
        engine.tally(rule, np.array([p]), _NA)
        return
    totals = engine._cache.get("totals")
    if totals is None:
        rep = engine.ds.reports
        totals = engine._cache["totals"] = (rep["proactive_total"].to_numpy(dtype=np.float64),
                                            rep["proactive_total_mark"].to_numpy())
    lut = _luts()
    status: list[int] = []
    for k, fig in enumerate(stated):
        where = f"正文第 {fig.line} 行" if with_lines and fig.line else "正文"
        said = f"{where}写“{fig.sentence}”，读作 {_num(fig.value)}"
        if fig.table == "channel":
            status.append(_channel_agrees(engine, rule, p, fig, said, file, with_lines, k))
            continue
        if not fig.table:
            if int(totals[1][p]) != _VALUE:
                status.append(_NA)
                continue
            data = float(totals[0][p])
            if abs(data - fig.value) <= TOLERANCE:
                status.append(_PASS)
                continue
            status.append(_FAIL)
            rfile, rline = engine.report_place(p)
            source = engine.total_source(p)
            at = _at(_where(rfile, rline) if rfile else "", source)
            engine.add(rule, p, place="主动公开 总数（正文与数据）",
                       message=f"{said}，但数据中的主动公开总数为 {_num(data)}{at}。",
                       expected=_num(data), found=_num(fig.value), file=file, line=fig.line if with_lines else None,
                       source=source, order=(0, k))
            continue
        hit = None
        for v in lut.versions:
            gid = cell_ids().get(CellKey(v, fig.table, fig.row, fig.column))
            if gid is not None and engine.has_table(v, fig.table)[p]:
                hit = (v, gid, engine.cell_index(p, gid))
                break
        if hit is None or hit[2] is None or int(engine.cell_marks[hit[2]]) != _VALUE:
            status.append(_NA)
            continue
        v, gid, i = hit
        data = float(engine.cell_values[i])
        if abs(data - fig.value) <= TOLERANCE:
            status.append(_PASS)
            continue
        status.append(_FAIL)
        place = _spec(v, fig.table).place(fig.row, fig.column)
        cfile = engine.files["cells"]
        source = engine.cell_source(i)
        tail = _at(_where(cfile, int(engine.cell_lines[i])) if cfile else "", source)
        engine.add(rule, p, place=f"{place}（正文与表格）", message=f"{said}，但{place}为 {_num(data)}{tail}。",
                   expected=_num(data), found=_num(fig.value), version=v, table=fig.table, row=fig.row,
                   column=fig.column, file=file, line=fig.line if with_lines else None, source=source,
                   order=(1, k))
    if status:
        engine.tally(rule, np.full(len(status), p, dtype=np.int64), np.asarray(status, dtype=np.int64))
    else:
        engine.tally(rule, np.array([p]), _NA)


def _at(where: str, source: str) -> str:
    """``（数据文件 行；录入位置 工作簿!单元格）`` for a message, or "" when neither is known."""
    at = [where] if where else []
    if source:
        at.append(f"录入位置 {source}")
    return f"（{'；'.join(at)}）" if at else ""


def _format_for(year: int):
    from govreport.core.formats import format_for_year

    return format_for_year(year)


_HANDLERS = {
    SumIdentity: _sum_identity,
    CrossYear: _cross_year,
    PartsWithinTotal: _parts_within_total,
    TotalPresent: _total_present,
    NoData: _no_data,
    CellDomain: _cell_domain,
    ChannelSum: _channel_sum,
    NonNegativeFigures: _non_negative,
    ReportPredicate: _report_predicate,
    Magnitude: _magnitude,
    TextPredicate: _text_predicate,
}


# ======================================================================================== entry points


def _select_rules(rules: Iterable[str | Rule] | str | None) -> tuple[Rule, ...]:
    if rules is None:
        return RULES
    if isinstance(rules, (str, Rule)):
        rules = [rules]
    wanted = []
    for r in rules:
        rid = r.id if isinstance(r, Rule) else str(r).strip()
        if rid not in RULE_BY_ID:
            raise ParameterError(f"没有规则 {rid!r}", hint=f"可选的规则：{', '.join(RULE_BY_ID)}")
        wanted.append(rid)
    keep = set(wanted)
    return tuple(r for r in RULES if r.id in keep)


def run(ds: Dataset, *, agencies: Iterable[str] | str | None = None, years: Iterable[int] | int | None = None,
        rules: Iterable[str | Rule] | str | None = None) -> CheckResult:
    """Run the rules over a dataset in one pass and collect every finding.

    ``agencies`` (ids or full names) and ``years`` restrict the agency-years checked; the cross-year rules
    still read each selected agency-year's previous year. ``rules`` restricts the rules (ids).
    An unknown agency raises :class:`~govreport.core.errors.NotFoundError`.

    Parameters
    ----------
    ds : Dataset
    agencies : str or list of str, optional
        Agency ids or full names to check; default all.
    years : int or list of int, optional
        Report years to check; default all.
    rules : str or list of str, optional
        Rule ids (see :data:`govreport.checks.rules.RULES`); default every rule.

    Returns
    -------
    CheckResult
        Every finding (``.findings``, ``.to_frame()``), per-rule counts (``.summary``) and totals.

    Examples
    --------
    >>> import govreport
    >>> result = run(govreport.load("data"), rules=["R1", "P2"])
    >>> result.to_frame()["rule"].tolist()
    ['P2']
    """
    if isinstance(agencies, str):
        agencies = [agencies]
    if isinstance(years, (int, np.integer)):
        years = [int(years)]
    selected = _select_rules(rules)
    sel = _selection(ds, list(agencies) if agencies is not None else None,
                     [int(y) for y in years] if years is not None else None)
    if sel is not None:
        ds, sel = _restrict(ds, sel)
    return _Engine(ds, selected, sel).run()


def _report_keys(reports: pd.DataFrame) -> np.ndarray:
    return frame_keys(reports)


def _selection(ds: Dataset, agencies: list[str] | None, years: list[int] | None) -> np.ndarray | None:
    """The agency-years asked for (None: all). An unknown agency raises NotFoundError."""
    if agencies is None and years is None:
        return None
    reports = ds.reports
    sel = np.ones(len(reports), dtype=bool)
    if agencies is not None:
        wanted = sorted({ds.agency_id(a) for a in agencies})
        codes = reports["agency_id"].cat.categories.get_indexer(pd.Index(wanted))
        sel &= np.isin(reports["agency_id"].cat.codes.to_numpy(), codes[codes >= 0])
    if years is not None:
        sel &= np.isin(reports["year"].to_numpy(), np.asarray(years, dtype=np.int64))
    return sel


#: The columns the engine reads (a restricted dataset carries only these).
_USED_COLUMNS = {
    "cells": ("agency_id", "year", "cell_id", "value", "value_mark", "line", "note"),
    "channels": ("agency_id", "year", "seq", "label", "value", "value_mark", "qualifier", "unit", "line"),
}

_BOUNDS: weakref.WeakKeyDictionary[Any, dict[str, np.ndarray | None]] = weakref.WeakKeyDictionary()


def _frame_bounds(ds: Dataset, name: str) -> np.ndarray | None:
    """Each report's block of rows in a frame sorted like the reports (cached per dataset); None when
    the frame is not in that order."""
    cache_ = _BOUNDS.setdefault(ds, {})
    if name not in cache_:
        cache_[name] = ReportIndex(ds.reports).frame_positions(getattr(ds, name), need_pos=False)[1]
    return cache_[name]


def _restrict(ds: Dataset, sel: np.ndarray) -> tuple[Dataset, np.ndarray]:
    """The part of the dataset the selected agency-years need (they and their previous years), so that
    checking a few agency-years of a national dataset costs as little as their own rows."""
    from govreport.store.dataset import Dataset

    keys = _report_keys(ds.reports)
    if len(keys) > 1 and not np.all(keys[1:] > keys[:-1]):
        return ds, sel
    need = sel.copy()
    prev_keys = keys[sel] - 1
    pos = np.minimum(np.searchsorted(keys, prev_keys), max(len(keys) - 1, 0))
    need[pos[keys[pos] == prev_keys]] = True
    idx = np.flatnonzero(need)
    if len(idx) * 2 > len(keys):
        return ds, sel
    frames = {}
    for name in ("cells", "channels"):
        frame = getattr(ds, name)
        frame = frame[[c for c in frame.columns if c in _USED_COLUMNS[name]]]
        bounds = _frame_bounds(ds, name)
        if bounds is None:
            return ds, sel
        lo, hi = bounds[idx], bounds[idx + 1]
        lengths = hi - lo
        rows = np.repeat(lo - (np.cumsum(lengths) - lengths), lengths) + np.arange(lengths.sum())
        frames[name] = frame.iloc[rows].reset_index(drop=True)
    sub = Dataset(agencies=ds.agencies, reports=ds.reports.iloc[idx].reset_index(drop=True), cells=frames["cells"],
                  channels=frames["channels"], categories=ds.categories.iloc[0:0], root=ds.root,
                  data_hash=ds.data_hash)
    return sub, sel[idx]


def check_report(report: Report, *, text: bool = False) -> CheckResult:
    """Check one :class:`~govreport.core.model.Report` that is not stored in any dataset.

    Its rows are built, validated and linked exactly as a dataset's would be; findings carry no file
    or line (there is no file), only the place in the report's own words. With ``text`` the report's
    sections are its text and the text rules (N1–N3) check them; otherwise they are not assessable.
    """
    from govreport.store.csvstore import validate_frame
    from govreport.store.dataset import from_frames
    from govreport.store.dataset_files import SPECS
    from govreport.store.frames import report_to_text_frames

    texts = report_to_text_frames(report)
    typed = {}
    for name, frame in texts.items():
        lines = np.arange(2, len(frame) + 2, dtype=np.int32)
        typed[name] = validate_frame(frame, lines, SPECS[name], f"{report.title} → {SPECS[name].name}")
    ds = from_frames(typed)
    if text:
        ds._sections = pd.DataFrame(
            {"agency_id": report.agency.id, "year": report.year, "seq": range(len(report.sections)),
             "heading": [s.heading for s in report.sections], "body": [s.body for s in report.sections],
             "file": "", "line": None},
            columns=["agency_id", "year", "seq", "heading", "body", "file", "line"])
    return run(ds)


__all__ = ["FINDING_COLUMNS", "SUMMARY_COLUMNS", "CheckResult", "check_report", "findings_html", "run"]
