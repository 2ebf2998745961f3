"""Labels: reducing a table's row and column labels to keys, and matching them to the official layout.

Two readers match labels, each with its own strictness, and both find their keys and vocabularies here:

* published reports (:mod:`.tables`, :mod:`.texttables`, :mod:`.pdf`): :func:`label_key` drops whitespace,
  numbering, quotes and trailing notes in brackets, and :func:`fuzzy` accepts an abbreviation or a typo when
  it names one label only; the vocabularies of 表二 and 表三 are :func:`t2_column_keys`, :func:`t2_row_keys`
  and :func:`t3_row_keys`;
* the filled-in template (:mod:`.xlsx_tables`, :mod:`.xlsx_template`): labels are the template's own, matched
  exactly after :func:`govreport.core.template_schema.norm` (width, whitespace, quotes, enumeration); an
  axis of the layout is named by its label or its short form (:func:`axis_vocabulary`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from functools import cache, lru_cache
from typing import TypeVar

from govreport.core.formats import FORMATS, Axis, table_spec

_A = TypeVar("_A", bound=Axis)

# ----------------------------------------------------------------------------- published reports

_KEY_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．)）]|[①-⑳])\s*"
)
_KEY_NOTE = re.compile(r"[（(][^（）()]*[)）]\s*$")
_KEY_DROP = re.compile(r"[\s“”\"'‘’《》「」、，,。.：:；;·/／]+")


@lru_cache(maxsize=8192)
def label_key(label: str) -> str:
    """A label reduced for fuzzy matching: no whitespace, numbering, quotes or trailing notes in brackets."""
    s = _KEY_NUMBERING.sub("", label.strip())
    s = _KEY_NOTE.sub("", s)
    return _KEY_DROP.sub("", s)


@cache
def t3_row_keys() -> dict[str, tuple[str, bool]]:
    """label key → (row id, is a group header) over both versions (2021 rows + the 2019 （六） data row)."""
    keys: dict[str, tuple[str, bool]] = {}
    for v in ("2021", "2019"):
        for r in table_spec(v, "t3").rows:
            keys.setdefault(label_key(r.label), (r.id, r.group))
    keys["其他处理"] = ("other_handling", False)  # a data row in 2019, a group in 2021 (decided by sub-rows)
    return keys


@cache
def t2_column_keys() -> dict[str, list[tuple[str, str]]]:
    """label key → [(version, column id)] for the Article 20 blocks."""
    out: dict[str, list[tuple[str, str]]] = {}
    for v, spec in FORMATS.items():
        for t in spec.tables:
            if not t.id.startswith("t2"):
                continue
            for c in t.columns:
                k = label_key(c.label)
                if (v, c.id) not in out.setdefault(k, []):
                    out[k].append((v, c.id))
    return out


@cache
def t2_row_keys() -> dict[str, list[tuple[str, str, str]]]:
    """label key → [(version, table id, row id)]."""
    out: dict[str, list[tuple[str, str, str]]] = {}
    for v, spec in FORMATS.items():
        for t in spec.tables:
            if not t.id.startswith("t2"):
                continue
            for r in t.rows:
                out.setdefault(label_key(r.label), []).append((v, t.id, r.id))
    return out


def fuzzy(key: str, choices: dict) -> str | None:
    """The unique choice ``key`` abbreviates or misspells, if any."""
    if not key:
        return None
    if key in choices:
        return key
    return _fuzzy_cached(key, tuple(choices))


@lru_cache(maxsize=8192)
def _fuzzy_cached(key: str, choices: tuple[str, ...]) -> str | None:
    prefix = [c for c in choices if len(key) >= 4 and (c.startswith(key) or (key.startswith(c) and len(c) >= 4))]
    if len(prefix) == 1:
        return prefix[0]
    if len(key) < 4:
        return None
    scored = sorted(((difflib.SequenceMatcher(None, key, c).ratio(), c) for c in choices if len(c) >= 4),
                    reverse=True)
    if scored and scored[0][0] >= 0.8 and (len(scored) == 1 or scored[1][0] < scored[0][0]):
        return scored[0][1]
    return None


# ------------------------------------------------------------------------------------- the template


def axis_keys(a: Axis) -> set[str]:
    """The exact keys a row or column of the layout is named by in the template: its label and short form."""
    from govreport.core.template_schema import norm  # the template's own module: not on the ingest path

    out = {norm(a.label)}
    if a.short:
        out.add(norm(a.short))
    out.discard("")
    return out


def axis_vocabulary(axes: Iterable[_A]) -> dict[str, list[_A]]:
    """Exact key → the rows (or columns) of the layout named so, in layout order."""
    vocab: dict[str, list[_A]] = {}
    for a in axes:
        for k in axis_keys(a):
            vocab.setdefault(k, []).append(a)
    return vocab
