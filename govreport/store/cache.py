"""govreport's one cache mechanism: values memoised under a documented key, never served stale.

Two uses, one mechanism (:class:`Memo`, a mapping that, when given a size, drops its oldest entry when full):

**Values derived from an object** (:func:`derived`). The key is ``(owner, name, *args)``: the owner is an
object treated as read-only by everything in govreport (a :class:`~govreport.store.dataset.Dataset`, a frame
of it, or one run of the checks, whose kernels share what they derive through ``_Engine.memo``), ``name`` says
what was derived (``"cell_matrices"``, ``"frame_bounds"``, ``"dates"`` …) and ``args`` whatever else it depends
on. The owner is held by identity and weakly: its entries go when it is garbage collected (so they need no
size limit, and none is evicted while its owner lives), and an entry can never answer for another object that
later reuses the same ``id``.

**Loaded datasets** (:func:`govreport.store.dataset.load_shared`, a :class:`Memo` beside the dataset it
loads, since this module sits below :mod:`govreport.store.dataset`). The key is :func:`signature`: the
resolved directory and the name, size and modification time of each of its CSV files, so any change to a
file changes the key and a stale dataset is never served. The renderer validates parameters against the
dataset before it forks the process that executes the notebook; the notebook then asks for the same dataset
and gets the frames already loaded (the fork copies them). A batch worker loads a dataset once for all its
reports.

Every memo is per process. :func:`clear` empties them all (tests, long-lived workers).

Two kinds of memo stay on :mod:`functools` by design, because their key is their arguments and nothing can
go stale: constant tables (functions of the formats and layouts alone, e.g. :func:`govreport.store.matrix.luts`)
with :func:`functools.cache`, and pure functions of small values (a label's key, a table's cells by version and
id) with :func:`functools.lru_cache`. Everything derived from a dataset, a frame or a run goes through this
module.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["Memo", "clear", "derived", "signature"]

T = TypeVar("T")

_ALL: list[Memo] = []


class Memo:
    """A memo ``key -> value``; with a ``maxsize``, the oldest entry is dropped first when it is full."""

    def __init__(self, maxsize: int | None) -> None:
        self.maxsize = maxsize
        self._entries: dict[Hashable, Any] = {}
        _ALL.append(self)

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        """The value under ``key``, built (and kept) on first use."""
        try:
            return self._entries[key]
        except KeyError:
            pass
        value = build()
        if self.maxsize is not None and len(self._entries) >= self.maxsize:
            self._entries.pop(next(iter(self._entries)))
        self._entries[key] = value
        return value

    def pop(self, key: Hashable) -> None:
        self._entries.pop(key, None)

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


#: ``(id(owner), name, *args) -> value``; entries of an owner go when the owner does.
_DERIVED = Memo(maxsize=None)
#: ``id(owner) -> weak reference``: whose entries are in :data:`_DERIVED`.
_OWNERS: dict[int, weakref.ref[Any]] = {}


def _forget(oid: int) -> None:
    _OWNERS.pop(oid, None)
    for key in [k for k in _DERIVED._entries if k[0] == oid]:  # type: ignore[index]
        _DERIVED.pop(key)


def derived(owner: object, name: str, build: Callable[[], T], *args: Hashable) -> T:
    """``build()`` memoised under ``(owner, name, *args)`` for as long as ``owner`` lives.

    >>> class Frame: ...
    >>> f = Frame()
    >>> derived(f, "answer", lambda: 42), derived(f, "answer", lambda: 0)
    (42, 42)
    """
    oid = id(owner)
    ref = _OWNERS.get(oid)
    if ref is None or ref() is not owner:
        if ref is not None:  # an earlier owner with the same id is gone
            _forget(oid)
        _OWNERS[oid] = weakref.ref(owner, lambda _r, oid=oid: _forget(oid))
    return _DERIVED.get((oid, name, *args), build)


def signature(root: Path) -> tuple[Any, ...]:
    """The key of a loaded dataset: its resolved directory and each CSV's name, size and modification time."""
    items = []
    with os.scandir(root) as it:
        for e in sorted(it, key=lambda e: e.name):
            if e.is_file() and e.name.endswith(".csv"):
                st = e.stat()
                items.append((e.name, st.st_size, st.st_mtime_ns))
    return (str(root.resolve()), tuple(items))


def clear() -> None:
    """Empty every memo of the process."""
    for memo in _ALL:
        memo.clear()
    _OWNERS.clear()
