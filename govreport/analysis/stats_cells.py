"""The statistics' array kernels (:mod:`govreport.analysis.stats` builds its frames with them).

Table 3 and Table 4 figures as (reports × keys) value and mark matrices read from the dataset's cell
matrices, sums of sub-rows with the blank rule, consecutive group numbers of (agency, year) blocks and
competition ranks. Internal: not part of the library's API.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from govreport.core.formats import T4_OUTCOME_LABELS, T4_ROUTES, table_spec
from govreport.core.keys import frame_keys
from govreport.core.values import Mark

if TYPE_CHECKING:  # pragma: no cover
    from govreport.store.dataset import Dataset

T3_2021 = table_spec("2021", "t3")
#: The sub-rows of each group under 三、本年度办理结果 (denied, unable, not_processed and the 2021
#: sub-rows of other_handling), derived from the table declaration.
T3_PARTS = {g: list(T3_2021.parts("row", g)) for g in T3_2021.subgroups("row", "results")}
T3_SINGLE = ["new_received", "carried_over", "granted", "partial", "other_handling", "results_total",
              "carried_forward"]
T4_OUTCOME_KEYS = tuple(k for k, _ in T4_OUTCOME_LABELS)  # maintained … pending, total


def group_codes(frame: pd.DataFrame) -> tuple[np.ndarray, int]:
    """Consecutive group numbers for (agency_id, year) blocks; frames are sorted by that key."""
    if len(frame) == 0:
        return np.zeros(0, dtype=np.int64), 0
    codes = frame_keys(frame)
    change = np.empty(len(codes), dtype=bool)
    change[0] = True
    change[1:] = codes[1:] != codes[:-1]
    if not np.all(codes[1:] >= codes[:-1]):
        _, inv = np.unique(codes, return_inverse=True)
        return inv.astype(np.int64), int(inv.max()) + 1
    groups = np.cumsum(change) - 1
    return groups, int(groups[-1]) + 1


def competition_rank(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """1 = largest within group; ties share the better rank; NaN values get NaN."""
    n = len(values)
    ranks = np.full(n, np.nan)
    ok = ~np.isnan(values)
    if not ok.any():
        return ranks
    idx = np.flatnonzero(ok)
    g, v = groups[idx], values[idx]
    order = np.lexsort((-v, g))
    g_s, v_s = g[order], v[order]
    start = np.searchsorted(g_s, g_s)  # first position of each group in sorted order
    new_value = np.ones(len(v_s), dtype=bool)
    new_value[1:] = (g_s[1:] != g_s[:-1]) | (v_s[1:] != v_s[:-1])
    pos = np.arange(len(v_s))
    first_of_run = np.maximum.accumulate(np.where(new_value, pos, 0))
    ranks[idx[order]] = first_of_run - start + 1
    return ranks


Block = tuple[str, str | None, str | None, tuple[str, ...]]  # table, column (or None), row (or None), keys


def block_matrices(ds: Dataset, blocks: dict[str, Block]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """One (reports × keys) value and mark matrix per block, read from the dataset's cell matrices.

    A block is one table column (``row`` None: keys are row ids) or one table row (``column`` None: keys
    are column ids); both table versions map to the same keys. The cells are scattered once per dataset
    (:func:`govreport.store.matrix.cell_matrices`, shared with the checks); absent cells are blank.
    """
    from govreport.store.matrix import ABSENT, cell_matrices

    n = len(ds.reports)
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    cm = cell_matrices(ds) if n and len(ds.cells) else None
    for name, (table, column, row, keys) in blocks.items():
        values = np.full((n, len(keys)), np.nan)
        marks = np.full((n, len(keys)), Mark.BLANK, dtype=np.int8)
        for mat in (cm.matrices.values() if cm is not None else ()):
            pairs = [(i, mat.col.get((table, k, column) if column is not None else (table, row, k)))
                     for i, k in enumerate(keys)]
            pairs = [(i, c) for i, c in pairs if c is not None]
            if not pairs:
                continue
            rows = np.flatnonzero(mat.rowmap >= 0)
            keys_at = np.array([i for i, _ in pairs])
            cols = np.array([c for _, c in pairs])
            m = mat.marks[np.ix_(mat.rowmap[rows], cols)]
            v = mat.values[np.ix_(mat.rowmap[rows], cols)]
            present = m != ABSENT
            sub_m = marks[np.ix_(rows, keys_at)]
            sub_v = values[np.ix_(rows, keys_at)]
            sub_m[present] = m[present]
            sub_v[present] = np.where(m[present] == Mark.VALUE, v[present], np.nan)
            marks[np.ix_(rows, keys_at)] = sub_m
            values[np.ix_(rows, keys_at)] = sub_v
        out[name] = (values, marks)
    return out


T3_KEYS = tuple(T3_SINGLE + [k for parts in T3_PARTS.values() for k in parts])
T4_KEYS = tuple(f"{r}_{o}" for r in T4_ROUTES for o in T4_OUTCOME_KEYS)
T3_BLOCK: Block = ("t3", "total", None, T3_KEYS)
T4_BLOCK: Block = ("t4", None, "value", T4_KEYS)


def sum_parts(values: np.ndarray, marks: np.ndarray) -> np.ndarray:
    """Row-wise sum of parts; NaN when any part is blank; 不适用 parts count as none."""
    contrib = np.where(marks == Mark.NA, 0.0, values)
    out = contrib.sum(axis=1)
    out[(marks == Mark.BLANK).any(axis=1)] = np.nan
    return out


def cell_field(values: np.ndarray, marks: np.ndarray) -> np.ndarray:
    """Value of a single cell for arithmetic: NaN when blank, 0 contribution when 不适用 handled by caller."""
    return np.where(marks == Mark.VALUE, values, np.nan)
