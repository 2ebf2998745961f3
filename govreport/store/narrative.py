"""Narrative sections stored as Markdown: ``narratives/<agency_id>/<year>.md``.

The file starts with the opening paragraphs (no heading); each section starts with a level-2
heading (``## 一、总体情况``). Deeper headings and everything else belong to the section's body.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from govreport.core.report_text import split_sections


def read_sections(root: Path, paths: list[tuple[str, int, str]]) -> pd.DataFrame:
    """Read the narratives of several agency-years: ``paths`` holds ``(agency_id, year, relative_path)``."""
    rows: list[dict[str, object]] = []
    for agency_id, year, rel in paths:
        p = root / rel
        if not p.exists():
            continue
        text = narrative_text_of(p)
        for seq, (heading, body, line) in enumerate(split_sections(text)):
            rows.append(
                {"agency_id": agency_id, "year": year, "seq": seq, "heading": heading, "body": body, "file": rel,
                 "line": line}
            )
    frame = pd.DataFrame(rows, columns=["agency_id", "year", "seq", "heading", "body", "file", "line"])
    return frame.astype({"year": "int16", "seq": "int16", "line": "int32"})


NARRATIVE_ENCODING_HINT = ("用文本编辑器把正文文件另存为 UTF-8 编码（记事本：另存为 → 编码选“UTF-8”；"
                           "WPS/Word：另存为纯文本，编码选 UTF-8）")


def narrative_bytes(path: Path) -> bytes | None:
    """The bytes of a narrative file, None when there is none; a folder in its place is a :class:`DataError`."""
    from govreport.core.errors import DataError

    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except (IsADirectoryError, PermissionError) as exc:
        what = "是一个文件夹，不是正文文件" if path.is_dir() else f"无法读取（{exc.strerror}）"
        raise DataError(f"报告正文的位置{what}", file=str(path), code="narrative",
                        hint="正文应是一个 UTF-8 编码的 Markdown 文件 narratives/<单位标识>/<年度>.md："
                             "把同名文件夹移走或改名后重试") from None


def narrative_text_of(path: Path) -> str:
    """Decode a narrative file (UTF-8; GBK/GB18030 and Big5 are also read); errors name the file."""
    from govreport.core.errors import EncodingError
    from govreport.store.textfile import decode_bytes

    raw = narrative_bytes(path)
    if raw is None:
        from govreport.core.errors import NotFoundError

        raise NotFoundError(f"{path}：文件不存在", hint="检查文件路径")
    try:
        return decode_bytes(raw, file=str(path))[0]
    except EncodingError as exc:
        raise EncodingError(f"报告正文{exc.message}", file=exc.file, line=exc.line, column=exc.column,
                            hint=NARRATIVE_ENCODING_HINT) from None
