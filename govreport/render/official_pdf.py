"""report.pdf in the official layout of GB/T 9704-2012, typeset in-process by Typst with free fonts.

:func:`render_pdf` serialises a :class:`~govreport.render.docspec.DocSpec` (the same spec report.docx is
made from) to JSON and compiles ``official/report.typ`` with it (``sys.inputs``): A4, top margin 37 mm,
left 28 mm, text block 156 × 225 mm, 22 lines × 28 characters, title 22 pt centred, body 16 pt with a
two-character indent, 一、 headings 黑体-like, （一） headings 楷体-like, 「— 1 —」 page numbers at the
bottom outside edge (odd right, even left), tables with merged headers, the channel chart at 300 dpi.

Free substitutes for the office faces (docs/official-layout.md says why):

=============  ==========================  ==================================
office face    substitute                  Debian package
=============  ==========================  ==================================
方正小标宋简体  Noto Serif CJK SC Bold      fonts-noto-cjk
仿宋_GB2312    Noto Serif CJK SC           fonts-noto-cjk
楷体_GB2312    LXGW WenKai (霞鹜文楷)       fonts-lxgw-wenkai
黑体           Noto Sans CJK SC            fonts-noto-cjk
宋体 (页码)    Noto Serif CJK SC           fonts-noto-cjk
=============  ==========================  ==================================

The compiler (fonts loaded once) is kept per process: :func:`preload` builds and warms it in a batch worker.
Typst runs worker threads, which a forked child does not inherit: a render child only prepares the inputs
(:func:`spec_inputs`, plain strings) and the process owning the compiler typesets them
(:func:`compile_inputs`), as it prints with Chromium in the web layout.

Fonts are embedded as CID fonts with their ToUnicode maps, so the text layer reads right (民 is U+6C11).
No date in the file: same spec, same bytes.
"""

from __future__ import annotations

import json
import os
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from govreport.core.errors import DependencyError
from govreport.render import docspec as S

SERIF = "Noto Serif CJK SC"
SANS = "Noto Sans CJK SC"
KAI = ("LXGW WenKai", "AR PL UKai CN")
FONTS = {"title": [SERIF], "fang": [SERIF], "song": [SERIF], "hei": [SANS], "kai": [*KAI, SERIF]}
#: Font files (name → where Debian installs them); the directories holding them are given to Typst.
FONT_FILES = ("NotoSerifCJK-Regular.ttc", "NotoSerifCJK-Bold.ttc", "NotoSansCJK-Regular.ttc",
              "LXGWWenKai-Regular.ttf", "ukai.ttc")
INSTALL_HINT = "安装字体和排版程序：apt-get install fonts-noto-cjk fonts-lxgw-wenkai；pip install typst"


def template_dir() -> Path:
    return Path(str(resources.files("govreport.render").joinpath("official")))


def font_dirs() -> list[str]:
    """Directories holding the faces the template asks for (only those: a quick font scan)."""
    from govreport.render.fonts import search_dirs

    found: dict[str, str] = {}
    for d in search_dirs():
        if not d.is_dir():
            continue
        for root, _dirs, files in os.walk(d):
            for f in files:
                if f in FONT_FILES and f not in found:
                    found[f] = root
    if "NotoSerifCJK-Regular.ttc" not in found or "NotoSansCJK-Regular.ttc" not in found:
        raise DependencyError("公文版式（--layout official）需要思源字体 Noto Serif CJK SC 和 Noto Sans CJK SC",
                              hint=INSTALL_HINT)
    return sorted(set(found.values()))


@cache
def compiler() -> Any:
    try:
        import typst
    except ImportError as exc:
        raise DependencyError("公文版式（--layout official）需要 typst 软件包", hint=INSTALL_HINT) from exc
    fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False, font_paths=font_dirs())
    root = template_dir()
    return typst.Compiler(str(root / "report.typ"), root=str(root), font_paths=fonts)


def compiler_started() -> bool:
    """Whether this process has built the compiler (a process forked from it then cannot typeset: the
    compiler's worker threads do not survive a fork)."""
    return compiler.cache_info().currsize > 0


_warm = False


def preload() -> None:
    """Load the compiler and parse its fonts now, with a small document in every face (before a batch forks
    its children: they inherit both, and their first report costs no more than the next)."""
    global _warm
    if _warm:
        return
    from govreport.render import tables as T

    cell = T.Cell("一", kind="label")
    warm = S.DocSpec(title="年度报告", author="", year=0, blocks=(
        S.Heading(1, "一、总体情况"), S.Heading(2, "（一）主动公开"), S.Heading(3, "1.公开"),
        S.Paragraph((S.Run("本年度主动公开政府信息0条。"), S.Run("说明", bold=True))),
        S.Table("warm", T.simple_table(("序号",), [(cell,)], html_id="warm", caption="表", notes=("注",))),
    ))
    render_pdf(warm)
    _warm = True


def png_svg(png: bytes) -> str:
    """A PNG wrapped in an SVG document (a data URI): ``sys.inputs`` carries text only. The chart is drawn
    once (300 dpi) for both report.docx and this PDF."""
    import base64
    import struct

    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
    data = base64.b64encode(png).decode("ascii")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
            f'<image width="{width}" height="{height}" xlink:href="data:image/png;base64,{data}"/></svg>')


def spec_json(spec: S.DocSpec) -> tuple[str, dict[str, str]]:
    """The spec as the template's JSON, and the chart images (SVG text) by key."""
    from govreport.render.docx import column_widths_mm, table_font_size

    images: dict[str, str] = {}
    blocks: list[dict[str, Any]] = []
    for b in spec.blocks:
        if isinstance(b, S.Paragraph):
            blocks.append({"type": "p", "kind": b.kind, "runs": [[r.text, r.bold] for r in b.runs]})
        elif isinstance(b, S.Heading):
            blocks.append({"type": "h", "level": b.level, "text": b.text})
        elif isinstance(b, S.Figure):
            key = f"image{len(images)}"
            images[key] = png_svg(b.png())
            blocks.append({"type": "figure", "image": key, "caption": b.caption})
        else:
            lay = b.layout

            def cells(rows: Any) -> list[list[dict[str, Any]]]:
                return [[{"t": c.text, "r": c.rowspan, "c": c.colspan,
                          "a": "left" if c.kind in ("label", "text") else "center", "b": c.kind == "caption"}
                         for c in row] for row in rows]

            blocks.append({"type": "table", "id": b.table_id, "caption": lay.caption, "notes": list(lay.notes),
                           "widths": [round(w, 3) for w in column_widths_mm(lay)],
                           "size": table_font_size(b.table_id, lay), "head": cells(lay.head),
                           "body": cells(lay.body)})
    data = {"title": spec.title, "title_lines": list(spec.title_lines or (spec.title,)), "author": spec.author,
            "keywords": spec.keywords, "fonts": FONTS,
            "blocks": blocks}
    return json.dumps(data, ensure_ascii=False), images


def spec_inputs(spec: S.DocSpec) -> dict[str, str]:
    """What the template reads from ``sys.inputs``: the spec as JSON and the chart images (plain strings,
    so a forked render child can hand them to the process that owns the compiler)."""
    data, images = spec_json(spec)
    return {"spec": data, **images}


def compile_inputs(inputs: dict[str, str]) -> bytes:
    """Typeset the template with ``inputs``. Call it only in the process that owns the compiler, never in a
    child forked after the compiler ran (its worker threads do not survive a fork)."""
    pdf = compiler().compile(format="pdf", sys_inputs=inputs)
    assert isinstance(pdf, bytes)
    return pdf


def render_pdf(spec: S.DocSpec) -> bytes:
    """The official-layout PDF of ``spec``."""
    return compile_inputs(spec_inputs(spec))
