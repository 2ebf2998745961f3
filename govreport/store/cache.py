"""A per-process memo of loaded datasets, keyed by directory and file signatures.

The renderer validates parameters against the dataset before it forks the process that executes the
notebook; the notebook then asks for the same dataset and gets the already loaded, validated frames
(the fork copies them). A batch worker loads a dataset once for all its reports. Any change to a
file of the dataset (size or modification time) changes the key, so a stale dataset is never served.
A :class:`~govreport.store.dataset.Dataset` is treated as read-only by everything in govreport.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

_MEMO: dict[tuple[Any, ...], Any] = {}
_MAX = 4


def signature(root: Path) -> tuple[Any, ...]:
    items = []
    with os.scandir(root) as it:
        for e in sorted(it, key=lambda e: e.name):
            if e.is_file() and e.name.endswith(".csv"):
                st = e.stat()
                items.append((e.name, st.st_size, st.st_mtime_ns))
    return (str(root.resolve()), tuple(items))


def load(path: str | os.PathLike[str]) -> Any:
    """:func:`govreport.load` with a memo (narratives are read by the dataset on demand, as always)."""
    from govreport.store.dataset import load as _load

    root = Path(path)
    key = signature(root) if root.is_dir() else None
    if key is not None and key in _MEMO:
        return _MEMO[key]
    ds = _load(root)
    if key is not None:
        if len(_MEMO) >= _MAX:
            _MEMO.pop(next(iter(_MEMO)))
        _MEMO[key] = ds
    return ds


def clear() -> None:
    _MEMO.clear()
