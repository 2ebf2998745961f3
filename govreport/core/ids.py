"""The one definition of a valid agency id, and its check wherever an id enters govreport.

An agency id names the agency's folder in every output tree (``<out>/<agency-id>/<year>/``) and its
narratives folder (``narratives/<agency-id>/``), so it must be a safe file name on every system by
construction. A valid id:

* is 1 to :data:`AGENCY_ID_MAX` characters long;
* consists of lower-case ASCII letters and digits in groups joined by single hyphens
  (:data:`AGENCY_ID_PATTERN`: ``^[a-z0-9]+(-[a-z0-9]+)*$``), e.g. ``150821-minzhengju`` (region code and
  pinyin slug) or ``synth-000001``; no dots, slashes, spaces, upper case (Windows folders ignore case,
  so ``A`` and ``a`` would be one folder) or non-ASCII characters;
* is not a device name Windows reserves (``con``, ``prn``, ``aux``, ``nul``, ``com1``–``com9``,
  ``lpt1``–``lpt9``).

Checked by: the CSV reader (``agencies.csv``), ``govreport template``, ``govreport import`` (the
template's 单位标识), ``govreport ingest`` and the dataset writer (:func:`govreport.store.update.add_reports`),
and the ``--agency`` arguments of the CLI (:func:`check_agency_arg`).
"""

from __future__ import annotations

import re

from govreport.core.errors import ParameterError, ValueFormatError

AGENCY_ID_MAX = 64
AGENCY_ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_ID_RE = re.compile(AGENCY_ID_PATTERN)
WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                              *(f"lpt{i}" for i in range(1, 10))})
AGENCY_ID_RULE = ("单位标识只能由小写英文字母、数字和连字符组成（如 150821-minzhengju），"
                  f"不超过 {AGENCY_ID_MAX} 个字符，不能以连字符开头或结尾，也不能是 CON、NUL 等 Windows 保留名")


def agency_id_problem(value: object) -> str | None:
    """Why ``value`` is not a valid agency id (Chinese), or None when it is one."""
    if not isinstance(value, str) or value == "":
        return "单位标识为空"
    if len(value) > AGENCY_ID_MAX:
        return f"单位标识过长（{len(value)} 个字符，最多 {AGENCY_ID_MAX} 个）：{value[:AGENCY_ID_MAX]!r}…"
    if not _ID_RE.fullmatch(value):
        return f"单位标识含不允许的字符或格式不对：{value!r}"
    if value in WINDOWS_RESERVED:
        return f"单位标识 {value!r} 是 Windows 保留的设备名，不能用作文件夹名"
    return None


def is_agency_id(value: object) -> bool:
    return agency_id_problem(value) is None


def check_agency_id(value: object, *, file: str | None = None, line: int | None = None,
                    column: str | None = "agency_id") -> str:
    """``value`` if it is a valid agency id, else a :class:`ValueFormatError` naming where it came from."""
    problem = agency_id_problem(value)
    if problem is not None:
        raise ValueFormatError(problem, file=file, line=line, column=column, hint=AGENCY_ID_RULE)
    return str(value)


def invalid_mask(values) -> object:
    """Boolean numpy mask of the entries of a string Series that are not valid agency ids (vectorised)."""
    import numpy as np

    text = values.astype("string").fillna("")
    ok = text.str.fullmatch(AGENCY_ID_PATTERN).fillna(False).to_numpy(dtype=bool)
    ok &= (text.str.len().fillna(0).to_numpy() <= AGENCY_ID_MAX)
    ok &= ~text.isin(WINDOWS_RESERVED).to_numpy(dtype=bool)
    return np.asarray(~ok, dtype=bool)


_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def check_agency_arg(value: object, option: str = "--agency") -> str:
    """A command-line agency key: a valid agency id, or a Chinese name (it contains Chinese characters and
    no path separator or control character). Anything else (``../x``, ``a/b``, ``CON``, empty) is refused."""
    text = str(value or "").strip()
    if not text:
        raise ParameterError(f"{option} 为空", hint="填写单位标识（如 150821-minzhengju）或单位全称（如 五原县民政局）")
    if is_agency_id(text):
        return text
    if _HAN.search(text) and not re.search(r"[/\\\x00-\x1f\x7f]", text):
        return text
    raise ParameterError(f"{option} {text!r} 既不是有效的单位标识，也不是单位的中文全称",
                         hint=AGENCY_ID_RULE + "；或者填写单位的中文全称")
