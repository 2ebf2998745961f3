"""Output paths that stay where they belong, file names safe on every system, and leftovers of killed runs.

* :func:`inside` — every output path is built with it: the path must lie inside its output folder (no
  absolute part, no ``..`` that climbs out, no backslash or drive colon), else :class:`UnsafePathError`
  before anything is written.
* :func:`safe_file_name` — a file name made from free text (a Chinese agency name, a scope name) that is
  valid on Windows too: no ``<>:"/\\|?*`` or control characters, no trailing dot or space, not a reserved
  device name (``CON``, ``NUL``, ``COM1`` …, with or without an extension).
* :func:`remove_stale` — temporary folders named ``<prefix><pid>-…`` (render staging folders, the
  browser's profile) whose owner process is gone are removed by the next run that touches the folder.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

from govreport.core.errors import GovreportError


class UnsafePathError(GovreportError):
    """An output path would leave its output folder."""

    code = "unsafe-path"


def inside(root: str | os.PathLike[str], *parts: str | os.PathLike[str]) -> Path:
    """``root / parts…``, checked to stay inside ``root``: no part may be absolute, and ``..`` may not climb
    out (a lexical check, cheap enough for every agency-year of a batch; links inside the output folder are
    the user's own)."""
    rel = os.path.normpath(os.path.join(*(os.fspath(p) for p in parts))) if parts else "."
    if any(os.path.isabs(os.fspath(p)) or os.fspath(p).startswith(("/", "\\")) for p in parts) or \
            rel == ".." or rel.startswith(("../", "..\\")) or os.path.isabs(rel) or \
            (os.name != "nt" and "\\" in rel) or ":" in rel:
        shown = "/".join(os.fspath(p) for p in parts)
        raise UnsafePathError(f"输出路径 {shown!r} 会落在输出文件夹 {root} 之外，未写入任何文件",
                              hint="检查单位标识等用来组成文件名的值：只能用小写字母、数字和连字符，不能含 .. 或 /")
    return Path(root).joinpath(*parts)


_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$", re.IGNORECASE)
NAME_MAX_BYTES = 240  # most file systems allow 255 bytes per name; a Chinese character takes 3 in UTF-8


def safe_file_name(name: str, *, fallback: str = "未命名") -> str:
    """``name`` made safe as one file name on Windows, macOS and Linux (characters replaced by ``_``)."""
    text = _FORBIDDEN.sub("_", str(name)).strip()
    text = text.rstrip(". ")
    if text in ("", ".", ".."):
        text = fallback
    if _RESERVED.match(text):
        text = "_" + text
    while len(text.encode("utf-8")) > NAME_MAX_BYTES:  # keeps the extension only when the stem allows it
        text = text[:-1]
    return text.rstrip(". ") or fallback


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if os.name == "nt":  # os.kill(pid, 0) would end the process there
        return _windows_pid_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    except OSError:
        return False
    return True


def _windows_pid_alive(pid: int) -> bool:
    import ctypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return ctypes.get_last_error() == 5  # type: ignore[attr-defined]  # ERROR_ACCESS_DENIED: it exists
    try:
        code = ctypes.c_ulong()
        return not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)) or code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


STALE_AGE = 24 * 3600.0  # seconds: an entry without a readable owner is stale after a day


def remove_stale(folder: str | os.PathLike[str], prefix: str, *, keep_pid: int | None = None) -> int:
    """Remove the entries of ``folder`` named ``<prefix><pid>-…`` whose process ``pid`` has ended (and those
    without a pid older than :data:`STALE_AGE`); returns how many. Never touches a live process's entry."""
    folder = Path(folder)
    n = 0
    try:
        entries = list(folder.glob(f"{prefix}*"))
    except OSError:
        return 0
    now = time.time()
    own = os.getpid() if keep_pid is None else keep_pid
    for path in entries:
        m = re.match(r"(\d+)-", path.name[len(prefix):])
        if m is not None:
            pid = int(m.group(1))
            if pid == own or pid_alive(pid):
                continue
        else:
            try:
                if now - path.lstat().st_mtime < STALE_AGE:
                    continue
            except OSError:
                continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            try:
                path.unlink()
            except OSError:
                continue
        n += 1
    return n
