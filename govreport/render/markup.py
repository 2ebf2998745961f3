"""Escaping and the narrative Markdown renderer.

Narratives come from the data and are untrusted: markdown-it-py renders them in CommonMark mode with raw
HTML disabled (``<script>`` shows as text), and without links, images or autolinks (a report must open
offline and never fetch anything; a URL in a narrative stays plain text). Heading levels are shifted so
that a narrative's own sub-headings nest under the section heading.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape

__all__ = ["escape", "markdown_html", "paragraphs_html"]


@lru_cache(maxsize=1)
def _parser():
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable(["link", "image", "autolink", "html_inline", "html_block", "reference"])
    return md


def markdown_html(text: str, *, heading_offset: int = 0) -> str:
    """Render narrative Markdown safely; a heading of level n becomes ``h{n+offset}`` (capped at h6)."""
    if not text.strip():
        return ""
    md = _parser()
    tokens = md.parse(text)
    for tok in tokens:
        if tok.type in ("heading_open", "heading_close"):
            level = min(int(tok.tag[1]) + heading_offset, 6)
            tok.tag = f"h{level}"
    return md.renderer.render(tokens, md.options, {}).strip()


def paragraphs_html(text: str) -> str:
    """Plain text (no Markdown) as escaped paragraphs, one per non-empty line."""
    return "".join(f"<p>{escape(line.strip())}</p>" for line in text.splitlines() if line.strip())
