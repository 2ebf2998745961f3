"""Reading and writing the tidy CSV files of a dataset, with validation that names file, line and column.

Reading is vectorised (pyarrow's CSV parser, then numpy) so that a national year of ~100,000
agency-years parses in seconds; see ``bench/bench_core.py``. Every problem becomes one
:class:`~govreport.errors.DataError` naming the first offending line, with a hint saying how to fix it.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DuplicateKeyError, SchemaError, ValueFormatError
from ..values import Mark, format_series, parse_series
from .layout import FileSpec, Kind
from .textfile import atomic_path, decode_bytes

LINE = "line"  # column added to every frame: the 1-based line of the row in its CSV file
BOOL_TRUE = frozenset({"yes", "true", "1", "是", "y"})
BOOL_FALSE = frozenset({"no", "false", "0", "否", "n"})


def read_csv_text(path: Path, display: str | None = None) -> tuple[pd.DataFrame, np.ndarray]:
    """Read a CSV as strings (no NA conversion). Returns the frame and each row's line number."""
    display = display or str(path)
    raw = path.read_bytes()
    text: str | None = None
    try:
        if raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        raw.decode("utf-8")  # validates; cheap compared with parsing
        source: io.IOBase = io.BytesIO(raw)
    except UnicodeDecodeError:
        text, _ = decode_bytes(raw, file=display)
        raw = text.encode("utf-8")
        source = io.BytesIO(raw)
    if not raw.strip():
        raise SchemaError("the file is empty", file=display, line=1, hint="add the header row")
    try:
        frame = pd.read_csv(
            source,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            engine="pyarrow" if len(raw) > 1_000_000 else "c",
        )
    except (pd.errors.ParserError, ValueError) as exc:
        line = _parser_error_line(str(exc))
        raise SchemaError(
            f"not a well-formed CSV file: {exc}".splitlines()[0],
            file=display,
            line=line,
            hint="every row needs as many comma-separated fields as the header; quote fields that contain commas",
        ) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    lines = _line_numbers(raw, len(frame))
    return frame, lines


def _parser_error_line(message: str) -> int | None:
    import re

    m = re.search(r"line (\d+)", message) or re.search(r"row (\d+)", message)
    return int(m.group(1)) if m else None


def _line_numbers(raw: bytes, nrows: int) -> np.ndarray:
    """Line of each data row. Fast path when no field contains a newline and no line is blank."""
    body = raw.rstrip(b"\r\n")
    if body.count(b"\n") == nrows and b"\n\n" not in body and b'"' not in body:
        return np.arange(2, nrows + 2, dtype=np.int32)
    # Slow path: walk the file with the csv module, which knows quoted newlines.
    reader = csv.reader(io.StringIO(raw.decode("utf-8")))
    lines = []
    next(reader, None)
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        if not row or all(not f.strip() for f in row):
            continue
        lines.append(start)
    arr = np.asarray(lines[:nrows], dtype=np.int32)
    if len(arr) < nrows:  # pragma: no cover - defensive
        arr = np.concatenate([arr, np.arange(len(arr) + 2, nrows + 2, dtype=np.int32)])
    return arr


def validate_frame(frame: pd.DataFrame, lines: np.ndarray, spec: FileSpec, display: str) -> pd.DataFrame:
    """Check columns and values against ``spec``; return a typed frame with a ``line`` column.

    Figure columns become ``<name>`` (float64, NaN unless a value) and ``<name>_mark`` (int8).
    """
    missing = [c for c in spec.required if c not in frame.columns]
    if missing:
        raise SchemaError(
            f"missing required column {missing[0]!r}",
            file=display,
            line=1,
            column=missing[0],
            hint=f"the header of {spec.name} must contain: {', '.join(spec.columns)}",
        )
    unknown = [c for c in frame.columns if c not in spec.columns]
    if unknown:
        raise SchemaError(
            f"unknown column {unknown[0]!r}",
            file=display,
            line=1,
            column=unknown[0],
            hint=f"rename or remove it; {spec.name} has the columns: {', '.join(spec.columns)}",
        )
    out: dict[str, object] = {}
    for f in spec.fields:
        if f.name not in frame.columns:
            col = pd.Series([""] * len(frame), dtype="string")
        else:
            col = frame[f.name].astype("string").str.strip()
        out.update(_convert(col, f, lines, display))
    result = pd.DataFrame(out)
    result[LINE] = lines
    _check_unique(result, spec, display)
    return result


def _fail(
    cls: type[ValueFormatError] | type[SchemaError],
    mask: np.ndarray,
    lines: np.ndarray,
    display: str,
    column: str,
    message: str,
    hint: str,
    values: pd.Series | None = None,
) -> None:
    bad = np.flatnonzero(mask)
    if len(bad) == 0:
        return
    i = int(bad[0])
    shown = f" {values.iloc[i]!r}" if values is not None else ""
    more = f" ({len(bad) - 1} more rows like it)" if len(bad) > 1 else ""
    raise cls(f"{message}{shown}{more}", file=display, line=int(lines[i]), column=column, hint=hint)


def _convert(col: pd.Series, f, lines: np.ndarray, display: str) -> dict[str, object]:
    name = f.name
    empty = (col == "").to_numpy(dtype=bool)
    if f.kind is Kind.TEXT:
        return {name: col}
    if f.kind is Kind.ID:
        _fail(ValueFormatError, empty, lines, display, name, "empty value", f"fill in {name} on every row")
        return {name: col}
    if f.kind in (Kind.YEAR, Kind.INT):
        nums = pd.to_numeric(col, errors="coerce")
        bad = nums.isna().to_numpy() | (nums.to_numpy(dtype="float64", na_value=np.nan) % 1 != 0)
        lo, hi = (1990, 2100) if f.kind is Kind.YEAR else (0, 10**9)
        what = "a year like 2020" if f.kind is Kind.YEAR else "a whole number"
        _fail(ValueFormatError, bad, lines, display, name, f"not {what}:", f"write {what}", col)
        arr = nums.to_numpy(dtype="int64")
        _fail(ValueFormatError, (arr < lo) | (arr > hi), lines, display, name, "out of range:",
              f"{name} must lie between {lo} and {hi}", col)
        return {name: arr.astype(np.int16 if f.kind is Kind.YEAR else np.int32)}
    if f.kind is Kind.DATE:
        parsed = pd.to_datetime(col.where(~pd.Series(empty, index=col.index)), format="%Y-%m-%d", errors="coerce")
        bad = parsed.isna().to_numpy() & ~empty
        _fail(ValueFormatError, bad, lines, display, name, "not a date:", "write dates as YYYY-MM-DD, e.g. 2020-12-31",
              col)
        return {name: parsed.astype("datetime64[s]")}
    if f.kind is Kind.FIGURE:
        values, marks, bad = parse_series(col)
        _fail(
            ValueFormatError,
            bad,
            lines,
            display,
            name,
            "not a figure:",
            "write a number (0 if the agency reported zero), leave it empty if not reported, or 不适用 (/ or —)",
            col,
        )
        return {name: values, f"{name}_mark": marks}
    if f.kind is Kind.CHOICE:
        allowed = set(f.choices) | ({""} if not f.required else set())
        bad = ~col.isin(allowed).to_numpy()
        shown = ", ".join(repr(c) for c in f.choices if c)
        _fail(ValueFormatError, bad, lines, display, name, "not an allowed value:", f"use one of {shown}", col)
        return {name: col.astype("category")}
    if f.kind is Kind.BOOL:
        low = col.str.lower()
        bad = ~(low.isin(BOOL_TRUE) | low.isin(BOOL_FALSE) | (low == "")).to_numpy()
        _fail(ValueFormatError, bad, lines, display, name, "not yes/no:", "write yes, no, or leave it empty if unknown",
              col)
        b = pd.array([True if v in BOOL_TRUE else False if v in BOOL_FALSE else pd.NA for v in low], dtype="boolean")
        return {name: b}
    raise AssertionError(f.kind)  # pragma: no cover


def _check_unique(frame: pd.DataFrame, spec: FileSpec, display: str) -> None:
    if len(frame) < 2:
        return
    keys = frame[list(spec.key)]
    dup = keys.duplicated(keep=False).to_numpy()
    if not dup.any():
        return
    idx = np.flatnonzero(dup)
    first = keys.iloc[idx[0]]
    same = idx[(keys.iloc[idx] == first).all(axis=1).to_numpy()]
    lines = frame[LINE].to_numpy()
    key_text = ", ".join(f"{k}={first[k]}" for k in spec.key)
    raise DuplicateKeyError(
        f"duplicated key ({key_text}) also on line {int(lines[same[0]])}",
        file=display,
        line=int(lines[same[1]]),
        column=spec.key[-1],
        hint="each key may appear once: delete or merge one of the two rows",
    )


def read_file(path: Path, spec: FileSpec, display: str | None = None) -> pd.DataFrame:
    display = display or str(path)
    frame, lines = read_csv_text(path, display)
    return validate_frame(frame, lines, spec, display)


def empty_frame(spec: FileSpec) -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series([], dtype="string") for c in spec.columns})
    return validate_frame(frame, np.zeros(0, dtype=np.int32), spec, spec.name)


# ---------------------------------------------------------------------------------------------- writing


def to_text_frame(frame: pd.DataFrame, spec: FileSpec) -> pd.DataFrame:
    """Turn a typed frame back into the strings written to CSV (canonical figure and date text)."""
    out: dict[str, Sequence[str]] = {}
    for f in spec.fields:
        if f.kind is Kind.FIGURE:
            out[f.name] = format_series(
                frame[f.name].to_numpy(dtype="float64", na_value=np.nan),
                frame[f"{f.name}_mark"].to_numpy(dtype=np.int8) if f"{f.name}_mark" in frame else
                np.where(frame[f.name].isna(), Mark.BLANK, Mark.VALUE),
            )
        elif f.kind is Kind.DATE:
            col = frame[f.name] if f.name in frame else pd.Series([pd.NaT] * len(frame))
            out[f.name] = [d.strftime("%Y-%m-%d") if not pd.isna(d) else "" for d in col]
        elif f.kind is Kind.BOOL:
            col = frame[f.name] if f.name in frame else pd.Series([pd.NA] * len(frame))
            out[f.name] = ["" if pd.isna(v) else ("yes" if v else "no") for v in col]
        else:
            col = frame[f.name] if f.name in frame else pd.Series([""] * len(frame))
            out[f.name] = ["" if pd.isna(v) else str(v) for v in col]
    return pd.DataFrame(out, columns=list(spec.columns))


def write_file(path: Path, frame: pd.DataFrame, spec: FileSpec) -> None:
    """Write ``frame`` (typed or text) as canonical CSV, atomically."""
    text_frame = to_text_frame(frame, spec)
    with atomic_path(path) as tmp:
        text_frame.to_csv(tmp, index=False, lineterminator="\n", encoding="utf-8", quoting=csv.QUOTE_MINIMAL)


def file_fingerprint(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_size, st.st_mtime_ns)
