"""nbconvert export of the executed notebook: the publication copy and the reviewer's copy.

One custom template (``templates/govreport/index.html.j2``, on nbconvert's ``base`` template) writes a
single self-contained document: ``<html lang="zh">``, the official-document CSS inlined, the provenance as
``<meta>`` tags, no code cells, no prompts, no Markdown cells (they document the notebook for analysts),
no scripts and nothing fetched. Cells tagged ``parameters``/``injected-parameters`` are removed by
nbconvert's ``TagRemovePreprocessor``; the publication copy also removes cells tagged ``review-only``.
Each output is rendered by MIME priority: the reviewer's copy prefers
:data:`~govreport.render.document.REVIEW_MIME`, the publication copy ``text/html``. Notebook and
papermill metadata never reach the HTML. The exporters are built once per process and reused.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from functools import cache
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any

from govreport.render._fastimport import defer_rfc3987_syntax

defer_rfc3987_syntax()

from nbconvert.exporters import TemplateExporter  # noqa: E402
from traitlets.config import Config  # noqa: E402

from govreport.render.document import REVIEW_MIME, REVIEW_ONLY_TAG  # noqa: E402
from govreport.render.markup import markdown_html  # noqa: E402

LANG = "zh"  # nbconvert's HTMLExporter resets "zh-CN" to "en"; our template writes the code as given
TEMPLATES = Path(str(resources.files("govreport.render").joinpath("templates")))
RENDITIONS = ("publication", "review")
_PRIORITY = ["text/html", "image/svg+xml", "image/png", "image/jpeg", "text/markdown", "text/plain"]
REVIEW_BANNER = ('<div class="review-banner">审核版：含数据核验标记和附录，仅供审核，'
                 "不得作为正式文本公开发布</div>")


@cache
def css() -> str:
    return resources.files("govreport.render").joinpath("static/report.css").read_text(encoding="utf-8")


def _b64(text: Any) -> str:
    if isinstance(text, list):
        text = "".join(text)
    return base64.b64encode(str(text).encode("utf-8")).decode("ascii")


def _join_lines(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value).replace("\n", "")


@cache
def exporter(rendition: str) -> TemplateExporter:
    if rendition not in RENDITIONS:
        raise ValueError(rendition)
    remove = {"parameters", "injected-parameters"}
    if rendition == "publication":
        remove.add(REVIEW_ONLY_TAG)
    c = Config()
    c.NbConvertBase.display_data_priority = ([REVIEW_MIME] if rendition == "review" else []) + _PRIORITY
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = remove
    c.TemplateExporter.exclude_input = True
    c.TemplateExporter.exclude_input_prompt = True
    c.TemplateExporter.exclude_output_prompt = True
    c.TemplateExporter.exclude_markdown = True
    c.TemplateExporter.exclude_raw = True
    c.TemplateExporter.exclude_unknown = True
    ex = TemplateExporter(
        config=c,
        extra_template_basedirs=[str(TEMPLATES)],
        template_name="govreport",
        template_file="index.html.j2",
    )
    ex.file_extension = ".html"
    ex.register_filter("base64", _b64)
    ex.register_filter("join_lines", _join_lines)
    ex.register_filter("safe_markdown", markdown_html)
    return ex


def warm() -> None:
    """Build both exporters and compile their templates (the first export of a process pays for it)."""
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("")])
    for rendition in RENDITIONS:
        export(nb, rendition=rendition, title="")


def meta_tags(items: Iterable[tuple[str, str]]) -> str:
    """``<meta name=… content=…>`` tags of an output's provenance (:meth:`Provenance.meta_items
    <govreport.store.provenance.Provenance.meta_items>`), escaped."""
    return "".join(f'<meta name="{escape(k)}" content="{escape(v)}">' for k, v in items)


def export(nb: Any, *, rendition: str, title: str, meta: str = "") -> str:
    """The HTML of one rendition of an executed notebook."""
    res = {
        "govreport": {
            "lang": LANG,
            "title": title,
            "meta": meta,
            "css": css(),
            "rendition": rendition,
            "review_mime": REVIEW_MIME,
            "banner": REVIEW_BANNER if rendition == "review" else "",
            "show_streams": rendition == "review",
        }
    }
    body, _ = exporter(rendition).from_notebook_node(nb, resources=res)
    return body


def standalone(fragment_html: str, *, title: str, meta: str = "", rendition: str = "publication") -> str:
    """A page around already rendered HTML, with the same head and CSS (for displays outside a notebook)."""
    banner = REVIEW_BANNER if rendition == "review" else ""
    return (f'<!DOCTYPE html>\n<html lang="{LANG}">\n<head>\n<meta charset="utf-8">\n{meta}\n'
            f"<title>{escape(title)}</title>\n<style>\n{css()}\n</style>\n</head>\n"
            f'<body class="{rendition}">\n{banner}<main class="document">\n{fragment_html}\n</main>\n'
            "</body>\n</html>\n")
