"""The whole dataset as tidy pandas frames, and access to single reports.

>>> import govreport
>>> ds = govreport.load("data")
>>> ds.cells.head()                      # one row per agency-year-table-row-column
>>> r = ds.report("五原县民政局", 2020)   # or ds.report("150821-minzhengju", 2020)
>>> r.proactive.total
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import NotFoundError
from .io import layout
from .io.frames import agency_from_row, report_from_rows
from .io.store import link_frames, read_frames
from .keys import agency_year_key, frame_keys
from .model import Agency, Report

#: The ``Dataset._derived`` key naming the dataset's cache directory (set by :func:`load`; the cell
#: matrices are saved there, see :mod:`govreport.matrix`).
CACHE_DIR_KEY = "cache_dir"


@dataclass(eq=False)
class Dataset:
    """Validated tidy frames of a dataset directory (see :mod:`govreport.io.layout`)."""

    agencies: pd.DataFrame
    reports: pd.DataFrame
    cells: pd.DataFrame
    channels: pd.DataFrame
    categories: pd.DataFrame
    root: Path | None = None
    data_hash: str = ""
    _sections: pd.DataFrame | None = field(default=None, repr=False)
    #: results derived from the frames and kept with them (frames are never modified in place)
    _derived: dict[str, object] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------------------------ lookup

    @cached_property
    def _agency_index(self) -> dict[str, int]:
        idx: dict[str, int] = {}
        for i, (aid, name) in enumerate(zip(self.agencies["agency_id"], self.agencies["name"], strict=True)):
            idx[str(aid)] = i
            idx.setdefault(str(name), i)
        return idx

    def agency_id(self, key: str) -> str:
        """Resolve an agency id or full Chinese name to the agency id."""
        i = self._agency_index.get(str(key).strip())
        if i is None:
            close = [n for n in self.agencies["name"].astype(str) if str(key) in n or n in str(key)][:5]
            hint = f"did you mean: {', '.join(close)}?" if close else "list agencies with `govreport agencies`"
            raise NotFoundError(f"unknown agency {key!r}", hint=hint)
        return str(self.agencies["agency_id"].iloc[i])

    def agency(self, key: str) -> Agency:
        return agency_from_row(self.agencies.iloc[self._agency_index[self.agency_id(key)]])

    @cached_property
    def _report_keys(self) -> np.ndarray:
        return frame_keys(self.reports)

    def _report_pos(self, agency_id: str, year: int) -> int | None:
        cats = self.reports["agency_id"].cat.categories
        code = cats.get_indexer([agency_id])[0]
        if code < 0:
            return None
        key = int(agency_year_key(code, int(year)))
        pos = int(np.searchsorted(self._report_keys, key))
        if pos < len(self._report_keys) and self._report_keys[pos] == key:
            return pos
        return None

    def has_report(self, agency: str, year: int) -> bool:
        return self._report_pos(self.agency_id(agency), year) is not None

    def years(self, agency: str | None = None) -> list[int]:
        frame = self.reports
        if agency is not None:
            frame = frame[frame["agency_id"] == self.agency_id(agency)]
        return sorted({int(y) for y in frame["year"]})

    def keys(self) -> list[tuple[str, int]]:
        """Every (agency_id, year) in canonical order."""
        return list(zip(self.reports["agency_id"].astype(str), self.reports["year"].astype(int), strict=True))

    def _slice(self, frame: pd.DataFrame, agency_id: str, year: int) -> pd.DataFrame:
        bounds = self._bounds(frame)
        pos = self._report_pos(agency_id, year)
        if pos is None or bounds is None:
            return frame.iloc[0:0]
        return frame.iloc[bounds[pos]: bounds[pos + 1]]

    def _bounds(self, frame: pd.DataFrame) -> np.ndarray | None:
        """Row offsets of each report's block in a frame sorted by (agency, year)."""
        cache = self.__dict__.setdefault("_bounds_cache", {})
        key = id(frame)
        if key not in cache:
            keys = frame_keys(frame)
            cache[key] = np.searchsorted(keys, np.concatenate([self._report_keys, [np.iinfo(np.int64).max]]))
        return cache[key]

    def report(self, agency: str, year: int) -> Report:
        """One agency-year as a :class:`~govreport.model.Report` (by agency id or full name)."""
        agency_id = self.agency_id(agency)
        pos = self._report_pos(agency_id, int(year))
        if pos is None:
            have = self.years(agency_id)
            name = self.agencies["name"].iloc[self._agency_index[agency_id]]
            raise NotFoundError(
                f"no report for {name} ({agency_id}) in {year}",
                hint=f"years with data for this agency: {', '.join(map(str, have)) or 'none'}",
            )
        sections = self.sections_of(agency_id, int(year))
        return report_from_rows(
            self.agency(agency_id),
            self.reports.iloc[pos],
            self._slice(self.cells, agency_id, int(year)),
            self._slice(self.channels, agency_id, int(year)),
            self._slice(self.categories, agency_id, int(year)),
            sections,
        )

    # ---------------------------------------------------------------------------------- narratives

    def sections_of(self, agency_id: str, year: int) -> pd.DataFrame:
        if self._sections is not None:
            s = self._sections
            return s[(s["agency_id"] == agency_id) & (s["year"] == year)]
        if self.root is None:
            return pd.DataFrame(columns=["agency_id", "year", "seq", "heading", "body", "file", "line"])
        from .io.narrative import read_sections

        return read_sections(self.root, [(agency_id, year, layout.narrative_path(agency_id, year))])

    @property
    def sections(self) -> pd.DataFrame:
        """All narrative sections (read on first use: checks and statistics do not need them)."""
        if self._sections is None:
            from .io.narrative import read_sections

            paths = [(a, y, layout.narrative_path(a, y)) for a, y in self.keys()]
            self._sections = read_sections(self.root, paths) if self.root else read_sections(Path("."), [])
        return self._sections

    # ------------------------------------------------------------------------------------ identity

    def report_hash(self, agency_id: str, year: int) -> str:
        """A hash of everything one agency-year's outputs depend on: its rows, its agency and its narrative."""
        h = hashlib.blake2b(digest_size=16)
        pos = self._report_pos(agency_id, year)
        if pos is None:
            raise NotFoundError(f"no report for {agency_id} in {year}")
        a = self.agencies.iloc[self._agency_index[agency_id]].drop(labels=["line"], errors="ignore")
        h.update(repr(a.tolist()).encode())
        h.update(repr(self.reports.iloc[pos].drop(labels=["line"]).tolist()).encode())
        for frame in (self.cells, self.channels, self.categories):
            part = self._slice(frame, agency_id, year).drop(columns=["line"], errors="ignore")
            h.update(pd.util.hash_pandas_object(part.astype(str), index=False).to_numpy().tobytes())
        if self.root is not None:
            p = self.root / layout.narrative_path(agency_id, year)
            if p.exists():
                h.update(p.read_bytes())
        return h.hexdigest()

    @property
    def is_synthetic(self) -> bool:
        return self.root is not None and (self.root / layout.SYNTHETIC_MARKER).exists()

    # -------------------------------------------------------------------------------------- views

    def subset(self, agencies: list[str] | None = None, years: list[int] | None = None) -> Dataset:
        """A dataset restricted to some agencies (ids or names) and years."""
        ids = {self.agency_id(a) for a in agencies} if agencies else None

        def keep(frame: pd.DataFrame) -> pd.DataFrame:
            m = np.ones(len(frame), dtype=bool)
            if ids is not None:
                m &= frame["agency_id"].astype(str).isin(ids).to_numpy()
            if years is not None and "year" in frame:
                m &= frame["year"].isin(years).to_numpy()
            return frame[m].reset_index(drop=True)

        return Dataset(
            agencies=keep(self.agencies), reports=keep(self.reports), cells=keep(self.cells),
            channels=keep(self.channels), categories=keep(self.categories), root=self.root, data_hash=self.data_hash,
            _sections=None if self._sections is None else keep(self._sections),
        )

    def check(self, **kwargs):
        """Run every rule; see :func:`govreport.checks.run`."""
        from .checks import run

        return run(self, **kwargs)

    def __len__(self) -> int:
        return len(self.reports)

    def __repr__(self) -> str:
        where = f" at {self.root}" if self.root else ""
        return f"<govreport.Dataset{where}: {len(self.agencies)} agencies, {len(self.reports)} agency-years>"

    def _repr_html_(self) -> str:
        from .display import dataset_html

        return dataset_html(self)


def load(path: str | os.PathLike[str] = "data", *, use_cache: bool = True) -> Dataset:
    """Load and validate a dataset directory. Raises :class:`~govreport.errors.DataError` on bad input."""
    frames, data_hash = read_frames(path, use_cache=use_cache)
    ds = Dataset(**frames, root=Path(path), data_hash=data_hash)
    if use_cache:  # derived arrays (the cell matrices) may be kept beside the Parquet cache
        from .io.store import cache_dir

        ds._derived[CACHE_DIR_KEY] = cache_dir(Path(path))
    return ds


def from_frames(frames: dict[str, pd.DataFrame], root: Path | None = None) -> Dataset:
    """Build a dataset from validated (typed) frames, e.g. an ingested report not written anywhere."""
    linked = link_frames(frames, root)
    return Dataset(**linked, root=root)
