"""Cell value semantics: a reported number, a blank, or 不适用.

A figure in these reports is one of three things, and they are never confused:

* a **value**: a number the agency reported, ``0`` included;
* a **blank**: nothing was reported (an empty cell, or a figure the report does not give);
* **不适用** (not applicable): the agency wrote ``/``, ``—`` or 不适用 because it has no such power.

In memory a column of figures is two arrays: ``value`` (float64, NaN unless the mark is a value) and
``mark`` (int8 codes below). Nothing in govreport turns a blank into 0.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import pandas as pd


class Mark(IntEnum):
    """What a cell holds. Stored as int8 codes in frames.

    Examples
    --------
    >>> Mark.NA.label, int(Mark.BLANK)
    ('不适用', 1)
    """

    VALUE = 0
    BLANK = 1
    NA = 2

    @property
    def label(self) -> str:
        return {Mark.VALUE: "数值", Mark.BLANK: "空白（未填报）", Mark.NA: "不适用"}[self]


#: Tokens that mean 不适用 (matched after stripping whitespace). The canonical spelling is 不适用.
NA_TOKENS: frozenset[str] = frozenset(
    {"不适用", "/", "／", "—", "——", "－", "-", "--", "─", "无此项", "n/a", "N/A", "NA"}
)
NA_CANONICAL = "不适用"

_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
_FULLWIDTH = str.maketrans("０１２３４５６７８９．－＋，", "0123456789.-+,")


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure with its mark. ``value`` is ``None`` unless ``mark`` is VALUE.

    Examples
    --------
    >>> Figure.of(0).text(), Figure.blank().text(), Figure.na().text()
    ('0', '', '不适用')
    >>> Figure.of(0) == Figure.blank()
    False
    """

    mark: Mark
    value: float | None = None

    @classmethod
    def blank(cls) -> Figure:
        return cls(Mark.BLANK)

    @classmethod
    def na(cls) -> Figure:
        return cls(Mark.NA)

    @classmethod
    def of(cls, value: float | int) -> Figure:
        return cls(Mark.VALUE, float(value))

    @property
    def is_value(self) -> bool:
        return self.mark is Mark.VALUE

    def text(self) -> str:
        """Canonical text: the number, '' for blank, 不适用 for NA."""
        return format_value(self.value if self.mark is Mark.VALUE else None, self.mark)

    def __str__(self) -> str:
        return self.text()


def parse_token(text: str | None) -> tuple[Mark, float | None]:
    """Parse one cell's text. Raises ``ValueError`` for anything that is not a figure.

    Thousands separators and full-width digits are accepted; empty text is a blank.

    Parameters
    ----------
    text : str or None
        The cell as written.

    Returns
    -------
    tuple of (Mark, float or None)

    Examples
    --------
    >>> parse_token("1,234"), parse_token(""), parse_token("／")
    ((<Mark.VALUE: 0>, 1234.0), (<Mark.BLANK: 1>, None), (<Mark.NA: 2>, None))
    """
    if text is None:
        return Mark.BLANK, None
    s = str(text).strip().translate(_FULLWIDTH)
    if s == "":
        return Mark.BLANK, None
    if s in NA_TOKENS:
        return Mark.NA, None
    s = s.replace(",", "")
    if not _NUMBER.match(s):
        raise ValueError(text)
    v = float(s)
    return Mark.VALUE, (0.0 if v == 0 else v)


def format_value(value: float | None, mark: Mark | int) -> str:
    """Canonical text for a figure: integers without a decimal point, decimals without float noise.

    Examples
    --------
    >>> format_value(12.0, Mark.VALUE), format_value(0.1 + 0.2, Mark.VALUE), format_value(None, Mark.NA)
    ('12', '0.3', '不适用')
    """
    mark = Mark(mark)
    if mark is Mark.BLANK:
        return ""
    if mark is Mark.NA:
        return NA_CANONICAL
    assert value is not None and not math.isnan(value)
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


def parse_series(texts: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vectorised :func:`parse_token` for a column of strings.

    Returns ``(values, marks, bad)``: float64 values (NaN unless a value), int8 marks, and a boolean mask
    of cells that are not figures at all (the caller reports the first one with its line).
    """
    s = texts.astype("string").fillna("").str.strip()
    if s.str.contains(r"[^\x00-\x7f]", regex=True).any():
        s = s.str.translate(_FULLWIDTH)
    blank = (s == "").to_numpy()
    na = s.isin(NA_TOKENS).to_numpy()
    numeric_text = s.str.replace(",", "", regex=False)
    values = pd.to_numeric(numeric_text.where(~(blank | na), None), errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan
    )
    looks_numeric = numeric_text.str.fullmatch(_NUMBER.pattern).fillna(False).to_numpy(dtype=bool)
    bad = ~(blank | na) & (~looks_numeric | np.isnan(values))
    marks = np.full(len(s), Mark.VALUE, dtype=np.int8)
    marks[blank] = Mark.BLANK
    marks[na] = Mark.NA
    values[blank | na | bad] = np.nan
    values[values == 0] = 0.0  # no negative zero
    return values, marks, bad


def format_series(values: np.ndarray, marks: np.ndarray) -> list[str]:
    """Vectorised :func:`format_value` (used when writing CSV)."""
    return [format_value(v, m) for v, m in zip(values.tolist(), marks.tolist(), strict=True)]


__all__ = [
    "NA_CANONICAL",
    "NA_TOKENS",
    "Figure",
    "Mark",
    "format_series",
    "format_value",
    "parse_series",
    "parse_token",
]
