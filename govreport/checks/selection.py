"""Which rules and which agency-years a run checks, and the part of the dataset those agency-years need.

:func:`_select_rules` reads the ``rules`` argument of :func:`govreport.checks.run`, :func:`_selection` its
``agencies`` and ``years``; :func:`_restrict` cuts the selected agency-years and their previous years out of
the dataset, so that checking a few agency-years of a national dataset costs as little as their own rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from govreport.checks.rules import RULE_BY_ID, RULES, Rule
from govreport.core.errors import ParameterError
from govreport.core.keys import ReportIndex, frame_keys
from govreport.store.cache import derived

if TYPE_CHECKING:  # pragma: no cover
    from govreport.store.dataset import Dataset


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

def _frame_bounds(ds: Dataset, name: str) -> np.ndarray | None:
    """Each report's block of rows in a frame sorted like the reports (derived once per dataset,
    :func:`govreport.store.cache.derived`); None when the frame is not in that order."""
    return derived(ds, "frame_bounds",
                   lambda: ReportIndex(ds.reports).frame_positions(getattr(ds, name), need_pos=False)[1], name)


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
