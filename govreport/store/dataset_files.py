"""A dataset directory as a set of validated tidy frames, with a Parquet cache.

``read_frames(root)`` returns ``{"agencies", "reports", "cells", "channels", "categories"}`` frames,
checked across files (every reference resolves, every table cell exists in its format). CSV is the
source of truth; ``<root>/.cache/`` holds Parquet copies keyed by each CSV's size and mtime, so a
second load of an unchanged dataset skips parsing and validation. ``write_frames`` writes the CSVs
in canonical order, all or nothing.

Concurrency: every writer holds the dataset's lock (:func:`write_lock`, the file ``<root>/.govreport.lock``,
taken with the filelock library) from re-reading the files to the last rename, so concurrent writers
queue and none loses another's rows. A reader takes the same lock only for a moment, to see the files
between two writes, reads them, and checks that no file was replaced meanwhile (else it reads again): a
reader never mixes files of two different writes and never blocks a writer for longer than that moment.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from govreport import __version__
from govreport.core import schema as layout
from govreport.core.channels import CATEGORY_IDS, CHANNEL_IDS
from govreport.core.errors import GovreportError, NotFoundError, UnknownReferenceError
from govreport.core.formats import FORMATS, CellKey, cell_catalog, cell_ids
from govreport.core.keys import frame_keys
from govreport.store.csvstore import LINE, empty_frame, file_fingerprint, read_file, scan_file, to_text_frame
from govreport.store.textfile import atomic_path

CACHE_SCHEMA = 6
#: Parquet (snappy): at 100,000 agency-years ~100 MB for cells. Arrow IPC files (Feather, LZ4) read back
#: ~0.2 s faster but peak ~0.2 GB higher while decoding; memory is the tighter limit (bench/bench_core.py).
CACHE_SUFFIX = ".parquet"
FRAME_NAMES = ("agencies", "reports", "cells", "channels", "categories")
SPECS = dict(zip(FRAME_NAMES, layout.FILES, strict=True))


def _display(root: Path, name: str) -> str:
    return str(root / name)


# ------------------------------------------------------------------------------------------ locking

LOCK_FILE = ".govreport.lock"
LOCK_WAIT = 300.0  # seconds a writer waits for another writer (an import takes seconds)
_held: dict[Path, int] = {}  # dataset roots whose lock this process holds (re-entrant)


class DatasetBusyError(GovreportError):
    """Another process kept the dataset's lock for longer than we wait."""

    code = "dataset-busy"


def _lock(root: Path):
    from filelock import FileLock

    return FileLock(str(root / LOCK_FILE))


@contextlib.contextmanager
def write_lock(root: str | os.PathLike[str], *, wait: float = LOCK_WAIT) -> Iterator[None]:
    """Hold the dataset's writer lock (creating ``root`` if needed). Inside, re-read what you change and
    replace files with :func:`commit_texts`. Temporary files a killed writer left behind are removed."""
    from filelock import Timeout

    root = Path(root)
    key = root.resolve()
    if key in _held:
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    root.mkdir(parents=True, exist_ok=True)
    lock = _lock(root)
    try:
        lock.acquire(timeout=wait)
    except Timeout:
        raise DatasetBusyError(f"数据集 {root} 正被另一个 govreport 进程写入，等待 {wait:.0f} 秒后仍未结束，未改动",
                               hint="等另一个导入完成后重试") from None
    _held[key] = 1
    try:
        _remove_stale_temp(root)
        yield
    finally:
        del _held[key]
        lock.release()


def _remove_stale_temp(root: Path) -> None:
    """Temporary files (``.<name>.<pid>.tmp``) of a writer that was killed before renaming them."""
    from govreport.store.paths import pid_alive

    for tmp in [*root.glob(".*.tmp"), *root.glob(f"{layout.NARRATIVES_DIR}/*/.*.tmp")]:
        parts = tmp.name.rsplit(".", 2)
        pid = int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else None
        if pid is not None and pid != os.getpid() and not pid_alive(pid):
            tmp.unlink(missing_ok=True)


def _identities(root: Path) -> dict[str, tuple[int, int, int] | None]:
    out: dict[str, tuple[int, int, int] | None] = {}
    for spec in layout.FILES:
        try:
            st = os.stat(root / spec.name)
        except FileNotFoundError:
            out[spec.name] = None
        else:
            out[spec.name] = (st.st_ino, st.st_size, st.st_mtime_ns)
    return out


def _quiet_identities(root: Path) -> dict[str, tuple[int, int, int] | None]:
    """The files' identities at a moment no writer is between two renames.

    Taken under the lock when the lock file exists. A reader never creates it (reading leaves the
    directory as it was): every writer creates it before its first rename, so when it is still absent
    after the identities were taken, no write was under way then. A read-only dataset has no writers.
    """
    key = root.resolve()
    if key in _held:
        return _identities(root)
    lock_path = root / LOCK_FILE
    if not lock_path.exists():
        ids = _identities(root)
        if not lock_path.exists():
            return ids
    from filelock import Timeout

    try:
        with _lock(root).acquire(timeout=LOCK_WAIT):
            return _identities(root)
    except Timeout:
        raise DatasetBusyError(f"数据集 {root} 正被另一个 govreport 进程写入，等待 {LOCK_WAIT:.0f} 秒后仍未结束",
                               hint="等另一个导入完成后重试") from None
    except OSError:  # a lock file we may not open: a dataset we may not write, nobody else writes it either
        return _identities(root)


def read_frames(root: str | os.PathLike[str], *, use_cache: bool = True) -> tuple[dict[str, pd.DataFrame], str]:
    """Read and validate a dataset directory. Returns the frames and a content hash of the CSV files.

    The files read are those of one completed write (see the module docstring on concurrency)."""
    root = Path(root)
    if not root.is_dir():
        raise NotFoundError(f"{root}：数据集目录不存在", hint="用 --data 指定存放 reports.csv 的目录")
    if not (root / layout.REPORTS.name).exists():
        raise NotFoundError(
            f"{root}：不是 govreport 数据集（没有 {layout.REPORTS.name}）",
            hint="指定存放 agencies.csv 和 reports.csv 的目录；新数据集可用 govreport import --create 建立",
        )
    for _ in range(20):
        before = _quiet_identities(root)
        try:
            result = _read_frames_once(root, use_cache)
        except (GovreportError, OSError):
            if _identities(root) != before:  # a writer replaced files under us: read the new version
                continue
            raise
        if _identities(root) == before:
            return result
    raise DatasetBusyError(f"数据集 {root} 在读取期间一再被改写，未能读到完整的一版",
                           hint="等正在进行的导入结束后重试")


def _read_frames_once(root: Path, use_cache: bool) -> tuple[dict[str, pd.DataFrame], str]:
    fingerprints = {spec.name: file_fingerprint(root / spec.name) for spec in layout.FILES}
    if use_cache:
        cached = _read_cache(root, fingerprints)
        if cached is not None:
            return cached
    frames: dict[str, pd.DataFrame] = {}
    digest = hashlib.blake2b(digest_size=16)
    present = [(name, spec, root / spec.name) for name, spec in SPECS.items() if (root / spec.name).exists()]
    scans: dict[str, Future] = {name: Future() for name, _, _ in present}

    def hash_files() -> None:
        """Hash the files in order (one digest) and count their lines, beside the parsing."""
        for name, spec, path in present:
            try:
                digest.update(spec.name.encode() + b"\0")
                scans[name].set_result(scan_file(path, digest))
                digest.update(b"\0")
            except BaseException as exc:  # e.g. the file vanished: the reader reports it
                scans[name].set_exception(exc)
                for later in scans.values():
                    if not later.done():
                        later.set_exception(exc)
                return

    # hashlib, numpy and pyarrow release the GIL: hashing overlaps the parsing on a second core
    with ThreadPoolExecutor(max_workers=1) as pool:
        hashing = pool.submit(hash_files)
        for name, spec in SPECS.items():
            path = root / spec.name
            if name in scans:
                frames[name] = read_file(path, spec, _display(root, spec.name),
                                         categorical=CATEGORICAL.get(name, ()), scan=scans[name].result)
            else:
                frames[name] = empty_frame(spec)
        hashing.result()
    _release_arrow_memory()
    frames = link_frames(frames, root)
    data_hash = digest.hexdigest()
    if use_cache:
        _write_cache(root, fingerprints, frames, data_hash)
    return frames, data_hash


#: Text columns that ``link_frames`` turns into categoricals (the CSV reader may hand them over as such).
CATEGORICAL: dict[str, tuple[str, ...]] = {
    "reports": ("agency_id",),
    "cells": ("agency_id", "version", "table", "row", "column"),
    "channels": ("agency_id", "channel"),
    "categories": ("agency_id", "category"),
}


def link_frames(frames: dict[str, pd.DataFrame], root: Path | None = None) -> dict[str, pd.DataFrame]:
    """Check references across files, add ``cell_id``, and sort every frame canonically."""
    disp = (lambda n: _display(root, n)) if root is not None else (lambda n: n)
    agencies = frames["agencies"].sort_values("agency_id", kind="stable").reset_index(drop=True)
    agency_ids = pd.Index(agencies["agency_id"].astype(str))
    reports = frames["reports"]
    _require_in(reports["agency_id"], agency_ids, reports, disp(layout.REPORTS.name), "agency_id",
                "单位", f"先在 {layout.AGENCIES.name} 中添加该单位，或改正单位标识")
    agency_cat = pd.CategoricalDtype(agency_ids.tolist())
    reports = reports.astype({"agency_id": agency_cat})
    reports = reports.sort_values(["agency_id", "year"], kind="stable").reset_index(drop=True)
    report_keys = frame_keys(reports)
    out = {"agencies": agencies, "reports": reports}
    for name in ("cells", "channels", "categories"):
        frame = frames[name]
        display = disp(SPECS[name].name)
        _require_in(frame["agency_id"], agency_ids, frame, display, "agency_id", "单位",
                    f"先在 {layout.AGENCIES.name} 中添加该单位，或改正单位标识")
        frame = frame.astype({"agency_id": agency_cat})
        pos, i = _report_positions(report_keys, frame_keys(frame))
        if i >= 0:
            raise UnknownReferenceError(
                f"{layout.REPORTS.name} 中没有 {frame['agency_id'].iloc[i]} {int(frame['year'].iloc[i])} 年度的报告",
                file=display, line=int(frame[LINE].iloc[i]), column="year",
                hint=f"在 {layout.REPORTS.name} 中为该单位和年度添加一行，或改正 agency_id/year",
            )
        if name == "cells":
            frame = _attach_cell_ids(frame, display)
            order = _sort_order(pos, frame["cell_id"].to_numpy())
        else:
            ids = CHANNEL_IDS if name == "channels" else CATEGORY_IDS
            col = "channel" if name == "channels" else "category"
            _require_in(frame[col], pd.Index(sorted(ids)), frame, display, col,
                        "渠道" if col == "channel" else "栏目分类", f"请用其中之一：{', '.join(sorted(ids))}")
            frame = frame.astype({col: pd.CategoricalDtype(sorted(ids))})
            order = _sort_order(pos, frame["seq"].to_numpy())
        if order is not None and len(order) and not np.all(order[1:] > order[:-1]):
            frame = frame.iloc[order]
        out[name] = frame.reset_index(drop=True)
    return out


def _release_arrow_memory() -> None:
    """Return the memory Arrow's pool keeps after a conversion to the system (~0.5 GB at 100k reports)."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


def _report_positions(report_keys: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, int]:
    """Index of each row's report in ``report_keys`` (int32), and the first row without a report (or -1).

    Works on runs of equal keys (a dataset file is grouped by agency-year), so the search and the
    check run once per agency-year rather than once per row.
    """
    n = len(keys)
    if n == 0:
        return np.zeros(0, dtype=np.int32), -1
    change = np.empty(n, dtype=bool)
    change[0] = True
    np.not_equal(keys[1:], keys[:-1], out=change[1:])
    starts = np.flatnonzero(change)
    run_keys = keys[starts]
    run_pos = np.searchsorted(report_keys, run_keys)
    if len(report_keys) == 0:
        return np.zeros(n, dtype=np.int32), 0
    found = report_keys[np.minimum(run_pos, len(report_keys) - 1)] == run_keys
    if not found.all():
        return np.zeros(0, dtype=np.int32), int(starts[np.flatnonzero(~found)[0]])
    lengths = np.diff(np.append(starts, n))
    return np.repeat(run_pos.astype(np.int32), lengths), -1


def _sort_order(pos: np.ndarray, minor: np.ndarray) -> np.ndarray | None:
    """``np.lexsort((minor, pos))``, or None when the rows are already in that order (the usual case)."""
    if len(pos) < 2:
        return None
    span = int(minor.max()) - int(minor.min()) + 1 if len(minor) else 1
    combined = pos.astype(np.int64) * span + (minor.astype(np.int64) - (int(minor.min()) if len(minor) else 0))
    if np.all(combined[1:] >= combined[:-1]):
        return None
    return np.lexsort((minor, pos))


def _require_in(values: pd.Series, allowed: pd.Index, frame: pd.DataFrame, display: str, column: str,
                what: str, hint: str) -> None:
    if len(values) == 0:
        return
    if isinstance(values.dtype, pd.CategoricalDtype):  # test each category once, not each row
        codes = values.cat.codes.to_numpy()
        ok = pd.Index(values.cat.categories.astype(str)).isin(allowed)
        bad = (codes < 0) | ~ok[np.maximum(codes, 0)]
    else:
        bad = ~values.astype(str).isin(allowed).to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise UnknownReferenceError(
            f"未知的{what} {values.iloc[i]!r}", file=display, line=int(frame[LINE].iloc[i]), column=column, hint=hint
        )


_AXES = ("version", "table", "row", "column")


def _attach_cell_ids(cells: pd.DataFrame, display: str) -> pd.DataFrame:
    """Map (version, table, row, column) to the catalog's integer cell id; reject unknown cells."""
    catalog = cell_catalog()
    vocab = {a: sorted({getattr(k, a) for k in catalog}) for a in _AXES}
    cats = {a: pd.CategoricalDtype(vocab[a]) for a in _AXES}
    cells = cells.astype({a: cats[a] for a in _AXES})
    sizes = [len(vocab[a]) for a in _AXES]
    lookup = np.full(int(np.prod(sizes)), -1, dtype=np.int32)
    for cid, k in enumerate(catalog):
        flat = 0
        for a, size in zip(_AXES, sizes, strict=True):
            flat = flat * size + vocab[a].index(getattr(k, a))
        lookup[flat] = cid
    flat = np.zeros(len(cells), dtype=np.int64 if int(np.prod(sizes)) >= 2**31 else np.int32)
    unknown_axis = np.zeros(len(cells), dtype=bool)
    for a, size in zip(_AXES, sizes, strict=True):  # one axis at a time: no per-axis int64 copies
        c = cells[a].cat.codes.to_numpy()
        unknown_axis |= c < 0
        flat *= size
        flat += np.maximum(c, 0)
    cell_id = lookup[flat]
    cell_id[unknown_axis] = -1
    if np.any(cell_id < 0):
        i = int(np.flatnonzero(cell_id < 0)[0])
        raise _unknown_cell(cells.iloc[i], display)
    cells["cell_id"] = cell_id.astype(np.int32)  # ``cells`` is astype's new frame: no copy needed
    return cells


def _unknown_cell(row: pd.Series, display: str) -> UnknownReferenceError:
    line = int(row[LINE])
    v, t, r, _ = (None if pd.isna(row[a]) else str(row[a]) for a in _AXES)
    raw = {a: row[a] for a in _AXES}
    if v not in FORMATS:
        return UnknownReferenceError(f"未知的表格格式 {raw['version']!r}", file=display, line=line, column="version",
                                     hint="填写 2019（试行格式，2019–2020 年度）或 2021")
    spec = FORMATS[v]
    if t is None or not spec.has_table(t):
        return UnknownReferenceError(
            f"{v} 格式没有表格 {raw['table']!r}", file=display, line=line, column="table",
            hint=f"{v} 格式的表格：{', '.join(x.id for x in spec.tables)}")
    table = spec.table(t)
    if r is None or not table.has_row(r):
        return UnknownReferenceError(
            f"表格 {t}（{v} 格式）没有行 {raw['row']!r}", file=display, line=line, column="row",
            hint=f"{t} 的行：{', '.join(x.id for x in table.rows)}")
    return UnknownReferenceError(
        f"表格 {t}（{v} 格式）没有列 {raw['column']!r}", file=display, line=line, column="column",
        hint=f"{t} 的列：{', '.join(x.id for x in table.columns)}")


# ------------------------------------------------------------------------------------------------ cache


def cache_dir(root: Path) -> Path:
    """Where a dataset directory's caches live (``<root>/.cache``; ignored by git)."""
    return root / layout.CACHE_DIR



def _manifest(fingerprints: dict[str, tuple[int, int] | None], data_hash: str | None = None) -> dict:
    return {"schema": CACHE_SCHEMA, "govreport": __version__, "files": fingerprints, "hash": data_hash}


def _dtype_schema(frames: dict[str, pd.DataFrame]) -> dict[str, list[list]]:
    """Every column's exact dtype, so that a cached load returns the frames a CSV load returns.

    Parquet keeps values and categories but not every dtype detail (date unit, the dtype of the
    categories, the categories of an empty frame); categories equal to the agency ids are referenced.
    """
    agency_ids = frames["agencies"]["agency_id"].astype(str).tolist()
    schema: dict[str, list[list]] = {}  # frame -> [[column, dtype entry], ...] in column order
    for name, frame in frames.items():
        cols: list[list] = []
        for col in frame.columns:
            dtype = frame[col].dtype
            if isinstance(dtype, pd.CategoricalDtype):
                cats = dtype.categories
                entry: dict = {"dtype": "category", "ordered": bool(dtype.ordered),
                               "categories_dtype": str(cats.dtype)}
                if len(cats) == len(agency_ids) and cats.astype(str).tolist() == agency_ids:
                    entry["categories_of"] = "agencies.agency_id"
                else:
                    entry["categories"] = [str(c) for c in cats]
                cols.append([str(col), entry])
            else:
                cols.append([str(col), {"dtype": str(dtype)}])
        schema[name] = cols
    return schema


def _restore_dtypes(frames: dict[str, pd.DataFrame], schema: dict[str, list[list]]) -> dict[str, pd.DataFrame]:
    agency_ids = frames["agencies"]["agency_id"].astype(str).tolist()
    out: dict[str, pd.DataFrame] = {}
    for name, frame in frames.items():
        cols = schema[name]
        if list(frame.columns) != [c for c, _ in cols]:
            raise ValueError("cached columns differ")
        fixed: dict[str, object] = {}
        for col, entry in cols:
            series = frame[col]
            if entry["dtype"] == "category":
                values = agency_ids if entry.get("categories_of") == "agencies.agency_id" else entry["categories"]
                target = pd.CategoricalDtype(pd.Index(values, dtype=entry["categories_dtype"]), entry["ordered"])
                if isinstance(series.dtype, pd.CategoricalDtype) and \
                        series.cat.categories.astype(str).tolist() == [str(v) for v in values]:
                    fixed[col] = pd.Categorical.from_codes(series.cat.codes.to_numpy(), dtype=target)
                else:
                    fixed[col] = series.astype(target)
            elif str(series.dtype) != entry["dtype"]:
                fixed[col] = series.astype(entry["dtype"])
        out[name] = frame.assign(**fixed) if fixed else frame
    return out


def _read_cache(root: Path, fingerprints) -> tuple[dict[str, pd.DataFrame], str] | None:
    cdir = cache_dir(root)
    try:
        manifest = json.loads((cdir / "manifest.json").read_text())
    except (FileNotFoundError, ValueError):
        return None
    schema = manifest.pop("dtypes", None)
    expected = _manifest({k: list(v) if v else None for k, v in fingerprints.items()}, manifest.get("hash"))
    if manifest != expected or not isinstance(schema, dict):
        return None
    try:
        import pyarrow.parquet as pq

        frames = {}
        for name in FRAME_NAMES:
            table = pq.read_table(cdir / f"{name}{CACHE_SUFFIX}", use_threads=True)
            frames[name] = table.to_pandas(split_blocks=True, self_destruct=True)
            del table
            _release_arrow_memory()
        frames = _restore_dtypes(frames, schema)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return frames, manifest["hash"]


def _write_cache(root: Path, fingerprints, frames: dict[str, pd.DataFrame], data_hash: str) -> None:
    cdir = cache_dir(root)
    try:
        cdir.mkdir(exist_ok=True)
        for name, frame in frames.items():
            with atomic_path(cdir / f"{name}{CACHE_SUFFIX}") as tmp:
                frame.to_parquet(tmp, index=False)
        manifest = _manifest({k: list(v) if v else None for k, v in fingerprints.items()}, data_hash)
        manifest["dtypes"] = _dtype_schema(frames)
        with atomic_path(cdir / "manifest.json") as tmp:
            tmp.write_text(json.dumps(manifest, ensure_ascii=False, sort_keys=True))
    except OSError:
        return  # a read-only dataset simply has no cache


# ---------------------------------------------------------------------------------------------- writing


def canonical_text(frames: dict[str, pd.DataFrame]) -> dict[str, str]:
    """The CSV text of each file, sorted canonically (documents order for cells)."""
    texts: dict[str, str] = {}
    index = cell_ids()
    for name in FRAME_NAMES:
        spec = SPECS[name]
        frame = frames[name]
        by_text = lambda s: s.astype(str) if s.dtype.name in ("category", "object") else s  # noqa: E731
        if name == "cells" and len(frame):
            frame = frame.assign(
                _order=frame["cell_id"].to_numpy() if "cell_id" in frame else
                [index[CellKey(str(a), str(b), str(c), str(d))] for a, b, c, d in
                 zip(frame["version"], frame["table"], frame["row"], frame["column"], strict=True)]
            ).sort_values(["agency_id", "year", "_order"], kind="stable", key=by_text)
        elif len(frame):
            frame = frame.sort_values(list(spec.key), kind="stable", key=by_text)
        text_frame = to_text_frame(frame, spec)
        texts[spec.name] = text_frame.to_csv(index=False, lineterminator="\n")
    return texts


def write_frames(root: str | os.PathLike[str], frames: dict[str, pd.DataFrame],
                 extra_files: dict[str, str] | None = None) -> list[Path]:
    """Write every CSV (and ``extra_files``: relative path → text) all-or-nothing.

    All new contents are first written beside their targets; only when every one is written are they
    renamed into place, so a failure leaves the directory as it was.
    """
    root = Path(root)
    contents = canonical_text(frames)
    contents.update(extra_files or {})
    return commit_texts(root, contents)


def commit_texts(root: Path, contents: dict[str, str]) -> list[Path]:
    """Write ``contents`` (path relative to ``root`` → text) all-or-nothing: every file is written beside its
    target first, then all are renamed into place. Every target must lie inside ``root``."""
    from govreport.store.paths import inside

    root = Path(root)
    targets = {rel: inside(root, rel) for rel in contents}  # before anything is written
    staged: list[tuple[Path, Path]] = []
    try:
        for rel, text in contents.items():
            target = targets[rel]
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            tmp.write_text(text, encoding="utf-8", newline="\n")
            staged.append((tmp, target))
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, target in staged:
        os.replace(tmp, target)
    return [t for _, t in staged]
