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
    from .textfile import read_text

    rows: list[dict[str, object]] = []
    for agency_id, year, rel in paths:
        p = root / rel
        if not p.exists():
            continue
        text, _ = read_text(p)
        for seq, (heading, body, line) in enumerate(split_sections(text)):
            rows.append(
                {"agency_id": agency_id, "year": year, "seq": seq, "heading": heading, "body": body, "file": rel,
                 "line": line}
            )
    frame = pd.DataFrame(rows, columns=["agency_id", "year", "seq", "heading", "body", "file", "line"])
    return frame.astype({"year": "int16", "seq": "int16", "line": "int32"})
