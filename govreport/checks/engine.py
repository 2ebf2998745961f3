"""The checking engine: one vectorised pass over every agency-year, for every rule of :mod:`govreport.checks.rules`.

>>> import govreport
>>> from govreport.checks import run
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

Each kind of check is a *kernel* registered by its family module (:mod:`~govreport.checks.arithmetic`,
:mod:`~govreport.checks.cells`, :mod:`~govreport.checks.channels`, :mod:`~govreport.checks.report_level`,
:mod:`~govreport.checks.text`) in :data:`govreport.checks.registry.KERNELS`; the engine holds what they
share (positions, cell matrices, tallies, findings) and dispatches each check of each rule to its kernel.
The agency-years asked for are cut out first (:mod:`govreport.checks.selection`).

Every instance a rule looks at is counted once per agency-year as passed, failed or not assessable;
``CheckResult.summary`` sums those counts per rule, and every failure is one row of
``CheckResult.findings`` (:mod:`govreport.checks.results`). A finding names the place in the report's own
words (``formats.TableSpec.place``), the place in the data (file and line of the total, or of the report row),
the expected and found values, a Chinese message with the numbers, and a fingerprint (a hash of rule, agency,
year and place) that stays the same across runs so that a reviewer's decision can be kept.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import pandas as pd

from govreport.checks import arithmetic as _arithmetic
from govreport.checks import cells as _cells
from govreport.checks import channels as _channels
from govreport.checks import report_level as _report_level
from govreport.checks import text as _text
from govreport.checks.registry import KERNELS
from govreport.checks.results import _FAIL, _NA, _PASS, FINDING_COLUMNS, CheckResult, _summary
from govreport.checks.rules import Rule
from govreport.checks.selection import _restrict, _select_rules, _selection
from govreport.core import schema as layout
from govreport.core.formats import cell_catalog
from govreport.core.keys import ReportIndex, row_positions
from govreport.store.cache import derived
from govreport.store.matrix import build_matrices, cell_matrices

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from govreport.core.model import Report
    from govreport.store.dataset import Dataset

#: The families of kernels: importing each registers its check kinds in :data:`KERNELS`.
_FAMILIES = (_arithmetic, _cells, _channels, _report_level, _text)


def _agency_attributes(agencies: pd.DataFrame, cats: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """Name and kind of each agency code (the reports' agency_id categories), derived once per pair of frames
    (:func:`govreport.store.cache.derived`): checking one agency-year after another reuses them.

    Both are taken by identity: the categories own the entry, and the agencies frame is named by a token that
    lives as long as the frame does (a frame's ``id`` may be reused once it is gone; the token's cannot while
    an entry holds it)."""
    def build() -> tuple[np.ndarray, np.ndarray]:
        ag_index = pd.Index(agencies["agency_id"].astype(str))
        where = ag_index.get_indexer(pd.Index(cats.astype(str)))
        names = agencies["name"].astype(str).to_numpy()
        kinds = agencies["kind"].astype(str).to_numpy()
        return (np.where(where >= 0, names[np.maximum(where, 0)], ""),
                np.where(where >= 0, kinds[np.maximum(where, 0)], ""))

    return derived(cats, "agency_attributes", build, derived(agencies, "identity", object))


_T = TypeVar("_T")


class _Engine:
    def __init__(self, ds: Dataset, rules: tuple[Rule, ...], sel: np.ndarray | None = None) -> None:
        self.ds = ds
        self.rules = rules
        self.rule_index = {r.id: i for i, r in enumerate(rules)}
        reports = ds.reports
        self.index = index = ReportIndex(reports)
        self.n = n = index.n
        self.agency_cats, self.codes, self.years = index.agency_cats, index.codes, index.years
        #: the agency id of each agency code, as Python strings
        self.agency_ids = np.asarray([str(a) for a in self.agency_cats], dtype=object)
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
        aid = self.agency_ids[code]
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

    def memo(self, name: str, build: Callable[[], _T], *args: Hashable) -> _T:
        """``build()`` once per run under ``name`` and ``args``: :func:`govreport.store.cache.derived` of this
        run (what the kernels share: the report dates, the texts, the channel arrays …)."""
        return derived(self, name, build, *args)

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
        width = len(cell_catalog()) + 1
        keys = self.memo("cell_keys", lambda: self.cell_positions(np.arange(len(self.cell_id))) * width + self.cell_id)
        hits = np.flatnonzero(keys == pos * width + gid)
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
        def build() -> np.ndarray:
            frame = getattr(self.ds, frame_name)
            return frame[column].to_numpy(dtype=object) if column in frame else np.zeros(0, dtype=object)

        values = self.memo("text_column", build, frame_name, column)
        if i >= len(values):
            return ""
        v = values[i]
        return "" if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA else str(v)

    # ---------------------------------------------------------------------------------- running

    def run(self) -> CheckResult:
        self.load_cells()
        for rule in self.rules:
            for check in rule.checks:
                KERNELS[type(check)](self, rule, check)
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


__all__ = ["check_report", "run"]
