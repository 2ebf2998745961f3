"""The batch's files in the output directory: the lock, leftovers of a killed run, ``batch.json``.

* ``.batch.lock`` — one batch at a time per output directory (``flock``, ``msvcrt.locking`` where
  :mod:`fcntl` is missing; the system releases it when the processes holding it end, so a killed batch
  never leaves a stale lock).
* Leftovers — a render stages its files in ``<agency-id>/<year>/.staging-<pid>-*/`` and renames them into
  place only when all succeeded; index and state files are written beside their target and renamed. A run
  killed half-way can leave those hidden staging directories and temporary files, never a partial output.
  :func:`remove_leftovers` deletes them at the start of the next run (under the lock).
* ``batch.json`` — the machine-readable state after a run (see :func:`state_document`): for every
  agency-year of the dataset its state (current / stale / failed / missing), what this run did with it,
  its input hash and files, and the reason of a failure. Deterministic: no times, no absolute paths, sorted.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from govreport.core.errors import GovreportError

try:
    import fcntl
except ImportError:  # Windows (see govreport.run.worker: the POSIX-only pieces)
    fcntl = None  # type: ignore[assignment]

STATE_FILE = "batch.json"
INDEX_FILE = "index.html"
LOCK_FILE = ".batch.lock"
STATE_SCHEMA = 1


class BatchLockedError(GovreportError):
    """Another batch is writing to the same output directory."""

    code = "batch-locked"


@contextlib.contextmanager
def locked(out_dir: Path, *, wait: float = 60.0) -> Iterator[None]:
    """Hold the output directory's batch lock; wait up to ``wait`` seconds for another batch (or the worker
    processes of a killed one, which stop within moments) to let go."""
    out_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(out_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                _lock(fd)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise BatchLockedError(f"另一个 govreport batch 正在写入 {out_dir}",
                                           hint="等它结束，或换一个 --out 目录") from None
                time.sleep(0.2)
        yield
    finally:
        os.close(fd)  # releases the lock (the batch's forked workers drop their copies when they end)


def _lock(fd: int) -> None:
    """Take the lock on ``fd`` without waiting; :class:`BlockingIOError` when another process holds it."""
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    import msvcrt

    try:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError as exc:  # EACCES or EDEADLOCK: held by another process
        raise BlockingIOError(str(exc)) from None


def remove_leftovers(out_dir: Path) -> int:
    """Remove staging directories and temporary files left by a killed run; returns how many."""
    n = 0
    if not out_dir.is_dir():
        return 0
    for path in [*out_dir.glob("*/*/.staging-*"), *out_dir.glob(".staging-*")]:
        shutil.rmtree(path, ignore_errors=True)
        n += 1
    for name in (STATE_FILE, INDEX_FILE):
        for path in out_dir.glob(f".{name}.*.tmp"):
            path.unlink(missing_ok=True)
            n += 1
    return n


def read_state(out_dir: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((out_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(data, dict) or data.get("schema") != STATE_SCHEMA:
        return None
    return data


def previous_failures(state: Mapping[str, Any] | None) -> dict[tuple[str, int], dict[str, str]]:
    """``(agency_id, year) -> {"error": …, "notebook": …}`` of the agency-years the last run left failed."""
    out: dict[tuple[str, int], dict[str, str]] = {}
    for item in (state or {}).get("reports", []):
        if item.get("state") == "failed":
            out[(str(item["agency_id"]), int(item["year"]))] = {"error": str(item.get("error", "")),
                                                               "notebook": str(item.get("notebook", ""))}
    return out


def state_json(document: Mapping[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1) + "\n"
