"""What a run of the checks returns: :class:`CheckResult` (the findings and the per-rule counts) and its columns.

Data only: the findings as a DataFrame, counts, filters, JSON and Chinese text. The HTML display
(``CheckResult._repr_html_``) is :func:`govreport.render.display.check_result_html`, imported lazily.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from govreport.checks.rules import RULE_BY_ID, SEVERITY_LABELS

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

#: The status of an instance a rule looks at: the index of the last axis of :attr:`CheckResult.counts`.
_PASS, _FAIL, _NA = 0, 1, 2


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
                    where = where_text(r.file, r.line)
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
        from govreport.render.display import check_result_html

        return check_result_html(self)


def where_text(file: object, line: object) -> str:
    """``数据文件 第 n 行`` of a finding ("" when it has no file)."""
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


__all__ = ["FINDING_COLUMNS", "SUMMARY_COLUMNS", "CheckResult"]
