"""The figures a report's own text states, read by the prose reader (rule N2 compares them with the tables).

:func:`stated_figures` reads a Markdown text through :func:`govreport.readers.extract.ingest_text`, the
reader's public entry point; :class:`FigureCache` keeps the results beside the dataset's Parquet cache.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from govreport.core.model import Agency

@dataclass(frozen=True, slots=True)
class StatedFigure:
    """A figure the text states: the proactive total (``table`` empty), a channel (``table`` ``channel``,
    ``row`` its label as written) or a table cell."""

    table: str
    row: str
    column: str
    value: float
    line: int | None  # line of the text (1-based) where the sentence is
    sentence: str


def stated_figures(text: str, file: str, agency: Agency, year: int) -> list[StatedFigure]:
    """The figures ``text`` (Markdown) states that the prose reader reads with certainty."""
    from govreport.readers.extract import ingest_text

    got = ingest_text(text, file, agency=agency.id, year=year, agencies=(agency,))
    out: list[StatedFigure] = []
    total = got.proactive.total
    if total.is_value and total.value is not None:
        src = got.source_of(("proactive_total",))
        out.append(StatedFigure("", "", "", float(total.value), src.line if src else None, src.text if src else ""))
    for i, c in enumerate(got.proactive.channels, start=1):
        if c.figure.is_value and c.figure.value is not None and c.label:
            src = got.source_of(("channel", i))
            out.append(StatedFigure("channel", c.label, "", float(c.figure.value), src.line if src else None,
                                    src.text if src else ""))
    for t in got.tables:
        for (row, column), fig in t.cells.items():
            if not fig.is_value or fig.value is None:
                continue
            src = got.source_of(("cell", t.spec.version, t.spec.id, row, column))
            out.append(StatedFigure(t.spec.id, row, column, float(fig.value), src.line if src else None,
                                    src.text if src else ""))
    return out


class FigureCache:
    """:func:`stated_figures` results kept beside the dataset's Parquet cache (``text-figures.json``), so
    that checking a large dataset again reads only the texts that changed (the prose reader takes a few
    milliseconds per report). Keyed by the text, the agency, the year and the reader's own source code, so
    a changed reader never answers from old results. Without a directory it only keeps results in memory."""

    FILE = "text-figures.json"

    def __init__(self, directory: os.PathLike[str] | str | None) -> None:
        self.path = Path(directory) / self.FILE if directory is not None else None
        self._entries: dict[str, list[list[object]]] | None = None
        self._used: set[str] = set()
        self._added = 0

    def _load(self) -> dict[str, list[list[object]]]:
        if self._entries is None:
            self._entries = {}
            if self.path is not None and self.path.is_file():
                try:
                    data = json.loads(self.path.read_text(encoding="utf-8"))
                    if isinstance(data, dict) and data.get("reader") == _reader_signature():
                        self._entries = dict(data.get("entries", {}))
                except (OSError, ValueError):
                    self._entries = {}
        return self._entries

    def get(self, text: str, file: str, agency: Agency, year: int) -> list[StatedFigure]:
        key = hashlib.blake2b(f"{agency.id}\x1f{year}\x1f{text}".encode(), digest_size=16).hexdigest()
        entries = self._load()
        self._used.add(key)
        hit = entries.get(key)
        if hit is not None:
            try:
                return [StatedFigure(str(t), str(r), str(c), float(v), None if ln is None else int(ln), str(s))
                        for t, r, c, v, ln, s in hit]
            except (TypeError, ValueError):
                pass
        figures = stated_figures(text, file, agency, year)
        entries[key] = [[f.table, f.row, f.column, f.value, f.line, f.sentence] for f in figures]
        self._added += 1
        return figures

    def save(self) -> None:
        """Write the results to disk when new ones were computed (entries not used by this run are dropped
        when they outnumber the used ones); a cache that cannot be written is simply not kept."""
        if self.path is None or not self._added or self._entries is None:
            return
        entries = self._entries
        if len(entries) > 2 * len(self._used):
            entries = {k: v for k, v in entries.items() if k in self._used}
        from govreport.store.textfile import write_text_atomic

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_text_atomic(self.path, json.dumps({"reader": _reader_signature(), "entries": entries},
                                                    ensure_ascii=False, sort_keys=True))
        except OSError:
            pass
        self._added = 0


@cache
def _reader_signature() -> str:
    """A hash of the prose reader's code (the readers package, this module included): cached results are valid
    only for the code that computed them."""
    h = hashlib.blake2b(digest_size=16)
    for p in sorted(Path(__file__).resolve().parent.glob("*.py")):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()



__all__ = ["FigureCache", "StatedFigure", "stated_figures"]
