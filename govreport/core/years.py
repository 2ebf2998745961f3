"""Year selections as people write them: ``2019-2023``, ``2021``, ``2019,2021-2022``, ``２０１９—２０２０年``.

The one parser of ``--years`` (``govreport batch``, ``synth``, ``compare``) and of the comparison notebook's
``years`` parameter, and its inverse :func:`years_text`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from govreport.core.errors import ParameterError

#: The years a selection may name at all (a command may narrow this further, e.g. synth from 2019).
FIRST_YEAR, LAST_YEAR = 1990, 2100

_YEAR_DASHES = str.maketrans({"—": "-", "–": "-", "－": "-", "～": "-", "~": "-", "至": "-", "到": "-",
                              "，": ",", "、": ",", "；": ",", ";": ",", " ": "", "\u3000": "",
                              **{chr(0xFF10 + i): str(i) for i in range(10)}})
_YEAR_PART = re.compile(r"(\d{4})年?(?:-(\d{4})年?)?")
_HINT = "写年份范围或列表，例如 2019-2023、2021 或 2019,2021-2022（留空表示全部年份）"


def parse_years(text: str | None) -> tuple[int, ...] | None:
    """``""``/None → None (all years); ``"2019-2023"``, ``"2021"``, ``"2019,2021-2022"`` → the sorted years.

    Full-width digits, ``—``/``–``/``～``/``至``/``到`` as range marks, ``，``/``、``/``；`` as separators, spaces
    and a trailing ``年`` are accepted; a year named twice counts once. Anything else raises
    :class:`~govreport.core.errors.ParameterError`.
    """
    if text is None:
        return None
    s = str(text).translate(_YEAR_DASHES)
    if not s.strip(","):
        return None
    out: set[int] = set()
    for part in s.split(","):
        if not part:
            continue
        m = _YEAR_PART.fullmatch(part)
        if m is None:
            raise ParameterError(f"不是年份范围：{text!r}（无法识别 {part!r}）", hint=_HINT)
        a, b = int(m[1]), int(m[2] or m[1])
        if b < a:
            raise ParameterError(f"年份范围 {part!r} 起止颠倒", hint=f"改写为 {b}-{a}")
        if a < FIRST_YEAR or b > LAST_YEAR:
            raise ParameterError(f"年份 {part!r} 超出 {FIRST_YEAR}–{LAST_YEAR} 的范围", hint=_HINT)
        out.update(range(a, b + 1))
    return tuple(sorted(out))


def years_text(years: Sequence[int] | None) -> str:
    """``2019-2023`` or ``2019,2021``: the canonical text of a year selection (``""`` for all)."""
    if not years:
        return ""
    runs: list[tuple[int, int]] = []
    for y in sorted(set(years)):
        if runs and y == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], y)
        else:
            runs.append((y, y))
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)
