"""Reading text files whatever Excel or a web mirror saved them as: UTF-8 (with or without BOM),
GBK/GB18030, Big5. Writing text files atomically (write aside, then rename)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from govreport.core.errors import EncodingError

_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def decode_bytes(raw: bytes, *, file: str = "<input>", candidates: tuple[str, ...] = ()) -> tuple[str, str]:
    """Decode ``raw``; returns ``(text, encoding)``.

    Order: a BOM decides; then strict UTF-8; then ``candidates``; then GB18030 (a superset of GBK);
    then whatever charset-normalizer finds most plausible among Chinese encodings (Big5 included).
    """
    for bom, enc in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(enc), enc
            except UnicodeDecodeError:  # a BOM, then bytes that are not that encoding
                bare = {"utf-8-sig": "utf-8"}.get(enc, "utf-16-le" if bom == b"\xff\xfe" else "utf-16-be")
                try:
                    raw[len(bom):].decode(bare)
                    pos = len(bom)
                except UnicodeDecodeError as exc:
                    pos = len(bom) + exc.start
                raise _undecodable(raw, pos, file, f"在字节顺序标记（BOM）之后不是有效的 {bare} 编码") from None
    utf8_error: UnicodeDecodeError | None = None
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    for enc in candidates:
        try:
            return raw.decode(enc), enc
        except UnicodeDecodeError:
            continue
    guess = _guess_chinese(raw)
    if guess is not None:
        return raw.decode(guess), guess
    try:
        return raw.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    # Point at the bad byte: the encoding that reads the most lines is taken to be the file's encoding,
    # and the first byte it cannot read is reported (UTF-8 first on a tie).
    pos = utf8_error.start if utf8_error else 0
    best: tuple[int, int] | None = None
    for priority, enc in enumerate(("utf-8", "gb18030", "big5")):
        readable, first, offset = 0, None, 0
        for line in raw.split(b"\n"):
            try:
                line.decode(enc)
                readable += 1
            except UnicodeDecodeError as exc:
                first = offset + exc.start if first is None else first
            offset += len(line) + 1
        if first is not None and (best is None or (readable, -priority) > best):
            best, pos = (readable, -priority), first
    raise _undecodable(raw, pos, file, "无法按 UTF-8、GB18030/GBK 或 Big5 编码读取")


def _undecodable(raw: bytes, pos: int, file: str, what: str) -> EncodingError:
    line = raw.count(b"\n", 0, pos) + 1
    col = pos - (raw.rfind(b"\n", 0, pos) + 1) + 1
    return EncodingError(
        f"{what}（第一个无法识别的字节为 0x{raw[pos:pos + 1].hex() or '（文件结尾）'}）",
        file=file,
        line=line,
        column=f"第 {col} 个字节",
        hint="把文件另存为 UTF-8 编码（Excel：另存为 → CSV UTF-8（逗号分隔））",
    )


def _guess_chinese(raw: bytes) -> str | None:
    """Choose between GB18030 and Big5 when both decode: prefer the one charset-normalizer ranks higher."""
    decodable = []
    for enc in ("gb18030", "big5"):
        try:
            raw.decode(enc)
            decodable.append(enc)
        except UnicodeDecodeError:
            continue
    if len(decodable) <= 1:
        return decodable[0] if decodable else None
    from charset_normalizer import from_bytes

    best = from_bytes(raw, cp_isolation=["gb18030", "big5"]).best()
    if best is None:
        return "gb18030"
    return "big5" if best.encoding.startswith("big5") else "gb18030"


def read_text(path: str | os.PathLike[str]) -> tuple[str, str]:
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        from govreport.core.errors import NotFoundError

        raise NotFoundError(f"{p}：文件不存在", hint="检查文件路径") from None
    except IsADirectoryError:
        from govreport.core.errors import NotFoundError

        raise NotFoundError(f"{p}：是一个文件夹，不是文件", hint="指定文件本身的路径") from None
    return decode_bytes(raw, file=str(p))


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success rename it over ``target``, else delete it."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o666 & ~_umask())  # mkstemp makes 0600: give the file the mode open() would
        os.replace(tmp_path, target)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def _umask() -> int:
    try:  # Linux: read it without changing it (setting it races with other threads creating files)
        with open("/proc/self/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)  # elsewhere: set and restore at once
    os.umask(mask)
    return mask


def write_text_atomic(target: str | os.PathLike[str], text: str) -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="\n")


def write_bytes_atomic(target: str | os.PathLike[str], data: bytes) -> None:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
