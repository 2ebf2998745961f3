"""Reading and writing the tidy CSV files of a dataset, with validation that names file, line and column.

Reading is vectorised (pyarrow's CSV parser, then numpy) so that a national year of ~100,000
agency-years parses in seconds; see ``bench/bench_core.py``. Every problem becomes one
:class:`~govreport.core.errors.DataError` naming the first offending line, with a hint saying how to fix it.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from govreport.core.errors import DuplicateKeyError, SchemaError, ValueFormatError
from govreport.core.schema import NO, YES, Choice, FileSpec, Kind
from govreport.core.values import NA_CANONICAL, Mark, format_value, parse_series
from govreport.store.textfile import atomic_path, decode_bytes

LINE = "line"  # column added to every frame: the 1-based line of the row in its CSV file


def _spellings(choice: Choice) -> frozenset[str]:
    return frozenset(s.lower() for s in (choice.value, choice.label, *choice.aliases))


BOOL_TRUE = _spellings(YES)  # a yes/no cell is read as the template's 是/否 dropdown is
BOOL_FALSE = _spellings(NO)


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
        raise SchemaError("文件是空的", file=display, line=1, hint="第一行写上表头（各列的列名）")
    engine = "pyarrow" if len(raw) > 1_000_000 else "c"
    try:
        frame = pd.read_csv(
            source,
            dtype=str,
            keep_default_na=False,
            # the pyarrow engine rejects na_filter; with keep_default_na=False it keeps '' and 'NA' as text
            **({} if engine == "pyarrow" else {"na_filter": False}),
            engine=engine,
        )
    except (pd.errors.ParserError, ValueError) as exc:
        line = _parser_error_line(str(exc))
        raise SchemaError(
            f"不是格式正确的 CSV 文件：{exc}".splitlines()[0],
            file=display,
            line=line,
            hint="每一行的逗号分隔字段数要与表头相同；含逗号的内容请用英文双引号括起来",
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
            f"缺少必需的列 {missing[0]!r}",
            file=display,
            line=1,
            column=missing[0],
            hint=f"{spec.name} 的表头必须包含：{', '.join(spec.columns)}",
        )
    unknown = [c for c in frame.columns if c not in spec.columns]
    if unknown:
        raise SchemaError(
            f"未知的列 {unknown[0]!r}",
            file=display,
            line=1,
            column=unknown[0],
            hint=f"改正列名或删除该列；{spec.name} 的列为：{', '.join(spec.columns)}",
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
    more = f"（另有 {len(bad) - 1} 行同样有误）" if len(bad) > 1 else ""
    raise cls(f"{message}{shown}{more}", file=display, line=int(lines[i]), column=column, hint=hint)


def _convert(col: pd.Series, f, lines: np.ndarray, display: str) -> dict[str, object]:
    name = f.name
    empty = (col == "").to_numpy(dtype=bool)
    if f.kind is Kind.TEXT:
        return {name: col}
    if f.kind is Kind.ID:
        _fail(ValueFormatError, empty, lines, display, name, "值为空", f"每一行都要填写 {name}")
        return {name: col}
    if f.kind is Kind.AGENCY_ID:
        from govreport.core.ids import AGENCY_ID_RULE, invalid_mask

        _fail(ValueFormatError, empty, lines, display, name, "单位标识为空", f"每一行都要填写 {name}")
        _fail(ValueFormatError, invalid_mask(col), lines, display, name, "不是有效的单位标识：", AGENCY_ID_RULE, col)
        return {name: col}
    if f.kind in (Kind.YEAR, Kind.INT):
        nums = pd.to_numeric(col, errors="coerce")
        bad = nums.isna().to_numpy() | (nums.to_numpy(dtype="float64", na_value=np.nan) % 1 != 0)
        lo, hi = (1990, 2100) if f.kind is Kind.YEAR else (0, 10**9)
        what = "年份（如 2020）" if f.kind is Kind.YEAR else "整数"
        _fail(ValueFormatError, bad, lines, display, name, f"不是{what}：", f"填写{what}", col)
        arr = nums.to_numpy(dtype="int64")
        _fail(ValueFormatError, (arr < lo) | (arr > hi), lines, display, name, "超出范围：",
              f"{name} 应在 {lo} 到 {hi} 之间", col)
        return {name: arr.astype(np.int16 if f.kind is Kind.YEAR else np.int32)}
    if f.kind is Kind.DATE:
        parsed = pd.to_datetime(col.where(~pd.Series(empty, index=col.index)), format="%Y-%m-%d", errors="coerce")
        bad = parsed.isna().to_numpy() & ~empty
        _fail(ValueFormatError, bad, lines, display, name, "不是日期：", "日期写成 YYYY-MM-DD，如 2020-12-31",
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
            "不是数字：",
            "填写数字（单位报告为零时填 0）；未报告的留空；不适用的填“不适用”（或 / 、—）",
            col,
        )
        return {name: values, f"{name}_mark": marks}
    if f.kind is Kind.CHOICE:
        allowed = set(f.values) | ({""} if not f.required else set())
        bad = ~col.isin(allowed).to_numpy()
        shown = ", ".join(repr(c) for c in f.values if c)
        _fail(ValueFormatError, bad, lines, display, name, "不是允许的取值：", f"请用其中之一：{shown}", col)
        return {name: col.astype("category")}
    if f.kind is Kind.BOOL:
        low = col.str.lower()
        bad = ~(low.isin(BOOL_TRUE) | low.isin(BOOL_FALSE) | (low == "")).to_numpy()
        _fail(ValueFormatError, bad, lines, display, name, "不是 yes/no：", "填写 yes（是）或 no（否），不知道的留空",
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
        f"键（{key_text}）重复：第 {int(lines[same[0]])} 行已有同样的键",
        file=display,
        line=int(lines[same[1]]),
        column=spec.key[-1],
        hint="每个键只能出现一次：删除或合并这两行中的一行",
    )


def read_file(path: Path, spec: FileSpec, display: str | None = None, *,
              categorical: Sequence[str] = (), scan: Callable[[], tuple[int, bool]] | None = None) -> pd.DataFrame:
    """Read and validate one CSV file of a dataset.

    A well-formed file takes the fast path (:func:`_read_file_fast`); anything unusual (a BOM, another
    encoding, quoted fields, blank lines, any invalid value or duplicated key) goes through
    :func:`read_csv_text` and :func:`validate_frame`, which raise the error that names file, line and
    column. ``categorical`` names ID/TEXT columns that the caller turns into categories anyway
    (``store.link_frames``): the fast path may return them as categoricals instead of strings.
    ``scan`` returns :func:`scan_file`'s result when the caller reads the file anyway (to hash it); the
    fast path calls it only after parsing, so the caller may compute it meanwhile.
    """
    display = display or str(path)
    fast = _read_file_fast(path, spec, categorical, scan)
    if fast is not None:
        return fast
    frame, lines = read_csv_text(path, display)
    return validate_frame(frame, lines, spec, display)


# ------------------------------------------------------------------------------------ fast read path
#
# Every column is parsed by pyarrow as dictionary-encoded text, so stripping, parsing and checking run
# once per distinct value (a few thousand in a file of millions of rows) and the rows only carry integer
# codes. The result is identical to ``validate_frame(read_csv_text(...))`` (tests/test_synth.py checks
# this); the fast path never raises a DataError itself: it returns None and the slow path reports.

_SCAN_BLOCK = 1 << 24


def scan_file(path: Path, digest=None) -> tuple[int, bool]:
    """Read a file once, in blocks: ``(newlines in its body, starts with a BOM)``; feeds ``digest`` if given.

    The body is the file without its trailing CR/LF characters, as in :func:`_line_numbers`: when the
    parser finds exactly that many data rows, no row was a blank line or spanned two lines, so row i
    sits on line i + 2.
    """
    count = 0
    last = b""
    first = True
    bom = False
    with path.open("rb") as fh:
        while block := fh.read(_SCAN_BLOCK):
            if first:
                bom = block.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"))
                first = False
            if digest is not None:
                digest.update(block)
            count += int(np.count_nonzero(np.frombuffer(block, dtype=np.uint8) == 10))  # 3x bytes.count
            last = block
    trailing = last[len(last.rstrip(b"\r\n")):]
    if len(trailing) == len(last) and last:  # pragma: no cover - a block of nothing but line ends
        return -1, bom
    return count - trailing.count(b"\n"), bom


def _read_file_fast(path: Path, spec: FileSpec, categorical: Sequence[str] = (),
                    scan: Callable[[], tuple[int, bool]] | None = None) -> pd.DataFrame | None:
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        return None
    try:
        with path.open("rb") as fh:
            header_bytes = fh.readline()
    except OSError:
        return None
    if header_bytes.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or not header_bytes.strip():
        return None
    try:
        header = next(csv.reader([header_bytes.decode("utf-8").rstrip("\r\n")]))
    except (UnicodeDecodeError, StopIteration, csv.Error):
        return None
    names = [h.strip() for h in header]
    if len(set(names)) != len(names) or any(c not in spec.columns for c in names) or \
            any(c not in names for c in spec.required):
        return None
    parsed = _parse_coded(path, header, pa, pacsv)
    if parsed is None:  # malformed or not UTF-8: the slow path decides
        return None
    nrows, columns = parsed
    try:
        newlines, _ = scan() if scan is not None else scan_file(path)
    except OSError:
        return None
    if nrows != newlines:
        return None  # a blank line, or a quoted value spanning lines: line numbers need the slow path
    out: dict[str, object] = {}
    key = _KeyBuilder(newlines)
    for f in spec.fields:
        coded = _Coded.of(columns.pop(f.name, None), newlines)
        converted = _convert_coded(coded, f, f.name in categorical)
        if converted is None:
            return None
        out.update(converted)
        if f.name in spec.key:
            key.add(*coded.key_codes(f))
        del coded
    result = pd.DataFrame(out)
    result[LINE] = np.arange(2, newlines + 2, dtype=np.int32)
    unique = key.unique()
    if unique is None:  # pragma: no cover - keys too wide for one int64: let pandas decide
        unique = not result[list(spec.key)].duplicated().any()
    return result if unique else None


_PARSE_BLOCK = 1 << 22  # bytes per parsed batch: small batches keep the memory low


Coded = tuple[list[str], np.ndarray]  # a column's distinct texts and one int32 code per row


def _parse_coded(path: Path, header: list[str], pa, pacsv) -> tuple[int, dict[str, Coded]] | None:
    """Parse a CSV in batches into, per column, its distinct raw texts (in order of appearance) and an
    int32 code per row. Each batch has its own small dictionary, mapped once onto the column's codes.

    Streaming keeps the memory at the size of the codes (the multi-threaded ``read_csv`` holds the
    whole table, ~0.5 GB more at 100,000 reports, and is no faster on a busy two-core machine).
    """
    text_dict = pa.dictionary(pa.int32(), pa.string())
    names = [h.strip() for h in header]
    size = max(1024, path.stat().st_size // 32)  # rows are not known in advance: grown by doubling
    codes = {name: np.empty(size, dtype=np.int32) for name in names}
    vocab: dict[str, dict[str, int]] = {name: {} for name in names}
    offset = 0
    try:
        reader = pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(use_threads=True, block_size=_PARSE_BLOCK),
            parse_options=pacsv.ParseOptions(newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, text_dict), strings_can_be_null=False,
                quoted_strings_can_be_null=False, null_values=[], check_utf8=True),
        )
        for batch in reader:
            n = batch.num_rows
            if offset + n > size:
                size = max(2 * size, offset + n)
                for name in names:
                    codes[name] = np.resize(codes[name], size)
            for i, name in enumerate(names):
                arr = batch.column(i)
                index = vocab[name]
                local = np.fromiter((index.setdefault(v, len(index)) for v in arr.dictionary.to_pylist()),
                                    dtype=np.int32, count=len(arr.dictionary))
                codes[name][offset:offset + n] = local[arr.indices.to_numpy(zero_copy_only=False)]
            offset += n
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError, UnicodeDecodeError):
        return None
    return offset, {name: (list(vocab[name]), codes[name][:offset]) for name in names}


class _Coded:
    """A column as its distinct stripped values (``cats``, dtype string) and one code per row."""

    __slots__ = ("cats", "codes")

    def __init__(self, cats: pd.Series, codes: np.ndarray) -> None:
        self.cats = cats
        self.codes = codes

    @classmethod
    def of(cls, column: tuple[list[str], np.ndarray] | None, nrows: int) -> _Coded:
        if column is None:  # optional column absent from the file: every row is ''
            return cls(pd.Series([""], dtype="string"), np.zeros(nrows, dtype=np.int32))
        texts, codes = column
        raw = pd.Series(texts, dtype="string").str.strip()
        # stripping may make two distinct texts equal: merge them so that a value has one code
        fcodes, uniques = pd.factorize(raw, sort=False)
        if len(uniques) != len(raw):
            codes = fcodes.astype(np.int32)[codes]
            raw = pd.Series(uniques, dtype="string")
        return cls(raw.reset_index(drop=True), codes)

    def take(self, per_cat: np.ndarray) -> np.ndarray:
        return per_cat[self.codes]

    def used(self) -> np.ndarray:
        return np.bincount(self.codes, minlength=len(self.cats)) > 0

    def strings(self) -> pd.Series:
        """The column as a string Series (what ``astype('string').str.strip()`` gives)."""
        return pd.Series(self.cats.array.take(self.codes), dtype="string")

    def categorical(self, categories: pd.Index | None = None) -> pd.Categorical:
        if categories is None:
            return pd.Categorical.from_codes(self.codes, dtype=pd.CategoricalDtype(pd.Index(self.cats)))
        remap = categories.get_indexer(self.cats)
        return pd.Categorical.from_codes(remap.astype(np.int32)[self.codes], dtype=pd.CategoricalDtype(categories))

    def key_codes(self, f) -> tuple[np.ndarray, int]:
        if f.kind in (Kind.YEAR, Kind.INT):
            nums = pd.to_numeric(self.cats).to_numpy(dtype="int64")
            lo = int(nums.min()) if len(nums) else 0
            return (nums - lo)[self.codes], int(nums.max() - lo + 1) if len(nums) else 1
        return self.codes.astype(np.int64), max(len(self.cats), 1)


def _convert_coded(coded: _Coded, f, as_category: bool) -> dict[str, object] | None:
    """:func:`_convert` on distinct values; None when some row is invalid (the slow path reports it)."""
    name = f.name
    cats = coded.cats
    # pyarrow builds dictionaries from the values it meets: every category occurs (CHOICE checks below)
    used = np.ones(len(cats), dtype=bool)
    empty = (cats == "").to_numpy(dtype=bool)
    if f.kind in (Kind.TEXT, Kind.ID, Kind.AGENCY_ID):
        if f.kind is not Kind.TEXT and (empty & used).any():
            return None
        if f.kind is Kind.AGENCY_ID:
            from govreport.core.ids import invalid_mask

            if (invalid_mask(cats) & used).any():
                return None
        return {name: coded.categorical() if as_category else coded.strings()}
    if f.kind in (Kind.YEAR, Kind.INT):
        nums = pd.to_numeric(cats, errors="coerce")
        num_arr = nums.to_numpy(dtype="float64", na_value=np.nan)
        bad = np.isnan(num_arr) | (num_arr % 1 != 0)
        if (bad & used).any():
            return None
        lo, hi = (1990, 2100) if f.kind is Kind.YEAR else (0, 10**9)
        arr = np.where(bad, lo, num_arr).astype("int64")
        if (((arr < lo) | (arr > hi)) & used).any():
            return None
        return {name: coded.take(arr).astype(np.int16 if f.kind is Kind.YEAR else np.int32)}
    if f.kind is Kind.DATE:
        parsed = pd.to_datetime(cats.where(~pd.Series(empty, index=cats.index)), format="%Y-%m-%d", errors="coerce")
        if ((parsed.isna().to_numpy() & ~empty) & used).any():
            return None
        days = parsed.astype("datetime64[s]").to_numpy()
        return {name: pd.Series(coded.take(days), dtype="datetime64[s]")}
    if f.kind is Kind.FIGURE:
        values, marks, bad = parse_series(cats)
        if (bad & used).any():
            return None
        return {name: coded.take(values), f"{name}_mark": coded.take(marks)}
    if f.kind is Kind.CHOICE:
        allowed = set(f.values) | ({""} if not f.required else set())
        if (~cats.isin(allowed).to_numpy() & used).any():
            return None
        observed = pd.Index(cats[coded.used()]).sort_values()
        return {name: coded.categorical(pd.Index(observed, dtype="string"))}
    if f.kind is Kind.BOOL:
        low = cats.str.lower()
        true = low.isin(BOOL_TRUE).to_numpy()
        false = low.isin(BOOL_FALSE).to_numpy()
        if (~(true | false | (low == "").to_numpy()) & used).any():
            return None
        return {name: pd.arrays.BooleanArray(coded.take(true), coded.take(~(true | false)))}
    raise AssertionError(f.kind)  # pragma: no cover


class _KeyBuilder:
    """The key columns of a file folded into one int64 per row (mixed radix), one column at a time."""

    def __init__(self, nrows: int) -> None:
        self.combined = np.zeros(nrows, dtype=np.int64)
        self.radix = 1

    def add(self, codes: np.ndarray, card: int) -> None:
        self.radix *= card
        if self.radix < 2**62:
            self.combined *= card
            self.combined += codes

    def unique(self) -> bool | None:
        """No two rows share a key (None: the keys did not fit in one int64)."""
        combined = self.combined
        if self.radix >= 2**62:  # pragma: no cover - not with the dataset layouts
            return None
        if len(combined) < 2 or np.all(combined[1:] > combined[:-1]):
            return True
        combined.sort()
        return not np.any(combined[1:] == combined[:-1])


def empty_frame(spec: FileSpec) -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series([], dtype="string") for c in spec.columns})
    return validate_frame(frame, np.zeros(0, dtype=np.int32), spec, spec.name)


# ---------------------------------------------------------------------------------------------- writing


def to_text_frame(frame: pd.DataFrame, spec: FileSpec) -> pd.DataFrame:
    """Turn a typed frame back into the strings written to CSV (canonical figure and date text).

    A field marked ``omit_when_empty`` is left out when no row has a value."""
    out: dict[str, Sequence[str]] = {}
    for f in spec.fields:
        if f.kind is Kind.FIGURE:
            out[f.name] = _figure_texts(
                frame[f.name].to_numpy(dtype="float64", na_value=np.nan),
                frame[f"{f.name}_mark"].to_numpy(dtype=np.int8) if f"{f.name}_mark" in frame else
                np.where(frame[f.name].isna(), Mark.BLANK, Mark.VALUE),
            )
        elif f.kind is Kind.DATE:
            col = frame[f.name] if f.name in frame else pd.Series([pd.NaT] * len(frame))
            if pd.api.types.is_datetime64_dtype(col.dtype):
                out[f.name] = col.dt.strftime("%Y-%m-%d").fillna("").to_numpy(dtype=object)
            else:
                out[f.name] = [d.strftime("%Y-%m-%d") if not pd.isna(d) else "" for d in col]
        elif f.kind is Kind.BOOL:
            col = frame[f.name] if f.name in frame else pd.Series([pd.NA] * len(frame))
            if isinstance(col.dtype, pd.BooleanDtype):
                na = col.isna().to_numpy()
                yes = col.fillna(False).to_numpy(dtype=bool)
                out[f.name] = np.where(na, "", np.where(yes, YES.value, NO.value)).astype(object)
            else:
                out[f.name] = ["" if pd.isna(v) else (YES.value if v else NO.value) for v in col]
        else:
            col = frame[f.name] if f.name in frame else pd.Series([""] * len(frame))
            out[f.name] = _plain_texts(col)
    # a column written only when some row has a value: files without it keep their bytes
    columns = [f.name for f in spec.fields
               if not (f.omit_when_empty and all(v == "" for v in out[f.name]))]
    return pd.DataFrame({c: out[c] for c in columns}, columns=columns)


def _plain_texts(col: pd.Series) -> Sequence[str]:
    """``["" if pd.isna(v) else str(v) for v in col]``, vectorised for text, categorical and integer columns."""
    dtype = col.dtype
    values = col.array
    if isinstance(dtype, pd.CategoricalDtype):
        cats = dtype.categories
        if pd.api.types.infer_dtype(cats, skipna=True) in ("string", "empty"):
            texts = np.asarray(cats.astype(object), dtype=object)
            codes = col.cat.codes.to_numpy()
            return np.where(codes < 0, "", texts[np.maximum(codes, 0)] if len(texts) else "").astype(object)
    elif isinstance(dtype, pd.StringDtype) or (
            dtype == np.dtype(object) and pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty")):
        return col.fillna("").to_numpy(dtype=object)
    elif isinstance(dtype, np.dtype) and dtype.kind in "iu":
        return col.to_numpy().astype(str).astype(object)
    return ["" if pd.isna(v) else str(v) for v in col]


def _figure_texts(values: np.ndarray, marks: np.ndarray) -> Sequence[str]:
    """:func:`~govreport.core.values.format_series`, vectorised for whole numbers (the common case)."""
    out = np.full(len(values), "", dtype=object)
    out[marks == Mark.NA] = NA_CANONICAL
    is_value = marks == Mark.VALUE
    with np.errstate(invalid="ignore"):
        whole = is_value & (np.abs(values) < 1e15) & (values == np.floor(values))
    out[whole] = values[whole].astype(np.int64).astype(str)
    for i in np.flatnonzero(is_value & ~whole).tolist():
        out[i] = format_value(float(values[i]), Mark.VALUE)
    return out


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
