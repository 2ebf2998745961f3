"""The integer key of an agency-year: ``agency code × 10 000 + year``.

The agency code is the position of the agency id in the frames' shared ``agency_id`` categories (see
:func:`govreport.store.dataset_files.link_frames`), so keys compare in the canonical (agency, year) order in which every
frame of a :class:`~govreport.store.dataset.Dataset` is sorted; a sorted key array is searched with
``np.searchsorted``. Years stay below 10 000, so the key is unique. This module is the one place that builds it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

KEY_BASE = 10_000


def agency_year_key(codes: np.ndarray | int, years: np.ndarray | int) -> np.ndarray:
    """Keys (int64) of agency codes and years, element-wise (scalars give a 0-d array)."""
    return np.asarray(codes, dtype=np.int64) * KEY_BASE + np.asarray(years, dtype=np.int64)


def frame_keys(frame: pd.DataFrame) -> np.ndarray:
    """The key of every row of a frame with a categorical ``agency_id`` and a ``year`` column."""
    return agency_year_key(frame["agency_id"].cat.codes.to_numpy(), frame["year"].to_numpy())


class ReportIndex:
    """Where each agency-year is among a dataset's reports, and where each row of a frame belongs.

    Built from the reports frame (one row per agency-year, normally sorted by key). The checking engine
    and the cell matrices (:mod:`govreport.store.matrix`) both place rows with it.
    """

    def __init__(self, reports: pd.DataFrame) -> None:
        self.n = n = len(reports)
        self.agency_cats = reports["agency_id"].cat.categories
        self.codes = reports["agency_id"].cat.codes.to_numpy().astype(np.int64)
        self.years = reports["year"].to_numpy().astype(np.int64)
        self.keys = agency_year_key(self.codes, self.years)
        #: None when the reports are sorted by key (the canonical order), else the sorting permutation
        self.order = None if n < 2 or np.all(self.keys[1:] > self.keys[:-1]) else np.argsort(self.keys, kind="stable")

    def find(self, keys: np.ndarray) -> np.ndarray:
        """Position of each report key among the reports, -1 where absent."""
        if self.n == 0:
            return np.full(len(keys), -1, dtype=np.int64)
        if self.order is None:
            pos = np.searchsorted(self.keys, keys)
            pos_c = np.minimum(pos, self.n - 1)
            return np.where(self.keys[pos_c] == keys, pos_c, -1).astype(np.int64)
        sorted_keys = self.keys[self.order]
        pos = np.minimum(np.searchsorted(sorted_keys, keys), self.n - 1)
        return np.where(sorted_keys[pos] == keys, self.order[pos], -1).astype(np.int64)

    def codes_of(self, frame: pd.DataFrame) -> np.ndarray:
        """Agency codes of a frame's rows, in the reports' categories (-1 for an unknown agency)."""
        col = frame["agency_id"]
        if isinstance(col.dtype, pd.CategoricalDtype) and col.cat.categories.equals(self.agency_cats):
            return col.cat.codes.to_numpy()
        return self.agency_cats.get_indexer(col.astype(str)).astype(np.int64)

    def frame_positions(self, frame: pd.DataFrame, *, need_pos: bool = True) -> tuple[np.ndarray | None,
                                                                                        np.ndarray | None]:
        """Report position of every row of a frame keyed by (agency_id, year), and, when the frame is
        sorted like the reports (the dataset's canonical order), each report's block of rows
        (``bounds[p]:bounds[p + 1]``). With ``need_pos=False`` the positions are only computed when the
        frame is not sorted (callers use the bounds)."""
        m = len(frame)
        if m == 0:
            return np.zeros(0, dtype=np.int32), np.zeros(self.n + 1, dtype=np.int64)
        codes = self.codes_of(frame)
        years = frame["year"].to_numpy()
        if self.order is None and self.n:
            # runs of equal (agency, year): compare neighbours instead of building keys per row
            change = np.flatnonzero((codes[1:] != codes[:-1]) | (years[1:] != years[:-1])) + 1
            starts = np.concatenate([[0], change])
            run_keys = agency_year_key(codes[starts], years[starts])
            if np.all(run_keys[1:] > run_keys[:-1]):
                run_pos = self.find(run_keys)
                if np.all(run_pos >= 0):
                    lengths = np.diff(np.concatenate([starts, [m]]))
                    pos = np.repeat(run_pos.astype(np.int32), lengths) if need_pos else None
                    bounds = np.zeros(self.n + 1, dtype=np.int64)
                    counts = np.zeros(self.n, dtype=np.int64)
                    counts[run_pos] = lengths
                    bounds[1:] = np.cumsum(counts)
                    return pos, bounds
        keys = agency_year_key(codes, years)
        return self.find(keys).astype(np.int32), None


def row_positions(pos: np.ndarray | None, bounds: np.ndarray | None, idx: np.ndarray) -> np.ndarray:
    """Report position of some rows of a frame, from its per-row positions or else its report blocks."""
    if pos is not None:
        return pos[idx].astype(np.int64)
    assert bounds is not None
    return np.searchsorted(bounds, idx, side="right").astype(np.int64) - 1
