"""Narrative sections stored as Markdown: ``narratives/<agency_id>/<year>.md``.

The file starts with the opening paragraphs (no heading); each section starts with a level-2
heading (``## 一、总体情况``). Deeper headings and everything else belong to the section's body.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..model import Section

_H2 = re.compile(r"^##(?!#)\s*(.*?)\s*#*\s*$")


def split_sections(text: str) -> list[tuple[str, str, int]]:
    """Split Markdown into ``(heading, body, line)``; the opening part has heading ''.

    ``line`` is the 1-based line where the section's heading (or the file) starts.
    """
    sections: list[tuple[str, list[str], int]] = [("", [], 1)]
    in_fence = False
    for n, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        m = None if in_fence else _H2.match(line)
        if m:
            sections.append((m.group(1), [], n))
        else:
            sections[-1][1].append(line)
    out = [(h, "\n".join(body).strip("\n"), ln) for h, body, ln in sections]
    if out and out[0][0] == "" and not out[0][1].strip():
        out = out[1:]
    return out


def join_sections(sections: list[Section] | tuple[Section, ...]) -> str:
    parts: list[str] = []
    for s in sections:
        if s.heading:
            parts.append(f"## {s.heading}\n\n{s.body.strip()}\n" if s.body.strip() else f"## {s.heading}\n")
        else:
            parts.append(s.body.strip() + "\n")
    return "\n".join(parts)


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
    from ..errors import DataError

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
    from ..errors import EncodingError
    from .textfile import decode_bytes

    raw = narrative_bytes(path)
    if raw is None:
        from ..errors import NotFoundError

        raise NotFoundError(f"{path}：文件不存在", hint="检查文件路径")
    try:
        return decode_bytes(raw, file=str(path))[0]
    except EncodingError as exc:
        raise EncodingError(f"报告正文{exc.message}", file=exc.file, line=exc.line, column=exc.column,
                            hint=NARRATIVE_ENCODING_HINT) from None
