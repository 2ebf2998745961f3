"""A normalised report text with the means to trace any span back to the source file."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from govreport.readers.normalize import Normalized
from govreport.readers.source import Source

if TYPE_CHECKING:
    from govreport.readers.html import Page


@dataclass(slots=True)
class Document:
    """The normalised text of a report (prose; HTML tables are replaced by ``［表格N］`` lines).

    ``plain`` is the text that was normalised: the decoded file itself for a text report, the page's
    text for HTML (one line per block element). ``plain_lines`` maps each plain line to its 1-based
    line in the file (``None``: the plain text *is* the file, line for line). ``places`` (PDF, Word): per
    plain line, the page or paragraph it comes from, added to each :class:`Source` of the line.
    """

    file: str
    plain: str
    norm: Normalized
    plain_lines: list[int] | None = None
    places: list[dict] | None = None
    _plain_starts: list[int] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        starts = [0]
        find = self.plain.find
        i = find("\n")
        while i >= 0:
            starts.append(i + 1)
            i = find("\n", i + 1)
        self._plain_starts = starts
        self.lines = self.norm.text.split("\n")
        offs = [0]
        for line in self.lines[:-1]:
            offs.append(offs[-1] + len(line) + 1)
        self.starts = offs

    @property
    def text(self) -> str:
        return self.norm.text

    def file_line(self, plain_offset: int) -> int:
        n = bisect_right(self._plain_starts, plain_offset) - 1
        if self.plain_lines is None:
            return n + 1
        return self.plain_lines[min(n, len(self.plain_lines) - 1)] if self.plain_lines else 1

    def source(self, start: int, end: int) -> Source:
        """The source of the normalised span ``[start, end)``."""
        a, b = self.norm.origin_span(start, end)
        extra = {}
        if self.places:
            n = bisect_right(self._plain_starts, a) - 1
            extra = self.places[min(n, len(self.places) - 1)]
        return Source(file=self.file, line=self.file_line(a), text=self.text[start:end], span=(start, end),
                      orig_span=(a, b), **extra)

    def line_index(self, offset: int) -> int:
        """0-based index of the normalised line holding ``offset``."""
        return bisect_right(self.starts, offset) - 1


def read_document(raw: bytes, file: str) -> Page | None:
    """A PDF or Word (.docx) report as a :class:`~govreport.readers.html.Page`, told by content, not name.

    Returns None for text and HTML (the caller decodes them). Other formats (legacy .doc/.wps, .xls,
    images, archives, …) and unreadable PDFs are refused with a Chinese
    :class:`~govreport.core.errors.DataError` naming the fix. pdfplumber and python-docx are imported here,
    only when such a file is read.
    """
    from govreport.readers.detect import sniff

    kind = sniff(raw, file)
    if kind == "pdf":
        from govreport.readers.pdf import read_pdf

        return read_pdf(raw, file)
    if kind == "docx":
        from govreport.readers.docx import read_docx

        return read_docx(raw, file)
    return None
