"""The integer key of an agency-year: ``agency code × 10 000 + year``.

The agency code is the position of the agency id in the frames' shared ``agency_id`` categories (see
:func:`govreport.io.store.link_frames`), so keys compare in the canonical (agency, year) order in which every
frame of a :class:`~govreport.dataset.Dataset` is sorted; a sorted key array is searched with
``np.searchsorted``. Years stay below 10 000, so the key is unique. This module is the one place that builds it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

KEY_BASE = 10_000


def agency_year_key(codes: np.ndarray | int, years: np.ndarray | int) -> np.ndarray:
    """Keys (int64) of agency codes and years, element-wise (scalars give a 0-d array)."""
    return np.asarray(codes, dtype=np.int64) * KEY_BASE + np.asarray(years, dtype=np.int64)


def frame_keys(frame: pd.DataFrame) -> np.ndarray:
    """The key of every row of a frame with a categorical ``agency_id`` and a ``year`` column."""
    return agency_year_key(frame["agency_id"].cat.codes.to_numpy(), frame["year"].to_numpy())
