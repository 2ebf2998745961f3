"""Chinese numerals, both ways: ``四十二`` ↔ 42 (section numbers, list numbering, figures written in words)."""

from __future__ import annotations

__all__ = ["NUMERAL", "chinese", "parse_chinese"]

_DIGITS = "零一二三四五六七八九"
_LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_VALUE = {ch: i for i, ch in enumerate(_DIGITS)} | {"〇": 0, "两": 2}
_UNITS = {"十": 10, "百": 100, "千": 1000}

#: A run of characters that may form a Chinese numeral below 10 000 (a regular-expression fragment).
NUMERAL = "[零〇一二两三四五六七八九十百千]+"


def parse_chinese(text: str) -> int | None:
    """A Chinese numeral below 10 000 (``四十``, ``一百二十三``, ``十五``); None when not well formed.

    >>> parse_chinese("十五"), parse_chinese("一百二十三"), parse_chinese("一二")
    (15, 123, None)
    """
    total, digit = 0, None
    for ch in text:
        if ch in _VALUE:
            if digit is not None and digit != 0:
                return None  # two digits in a row: not a numeral (一二 …)
            digit = _VALUE[ch]
        elif ch in _UNITS:
            total += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
        else:
            return None
    if digit:
        total += digit
    return total if total > 0 or text in ("零", "〇") else None


def chinese(n: int, *, legal: bool = False) -> str:
    """``n`` (below 100) as a Chinese numeral, ``legal`` in the financial forms (壹拾贰); digits from 100 on.

    >>> chinese(3), chinese(12), chinese(40), chinese(12, legal=True), chinese(120)
    ('三', '十二', '四十', '拾贰', '120')
    """
    digits, ten = (_LEGAL_DIGITS, "拾") if legal else (_DIGITS, "十")
    if n < 10:
        return digits[n]
    if n < 20:
        return ten + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + ten + (digits[n % 10] if n % 10 else "")
    return str(n)
