"""The Noto CJK simplified-Chinese faces, for charts (matplotlib) and documents (Chromium via fontconfig).

Debian's ``fonts-noto-cjk`` ships one ``.ttc`` collection per weight holding the JP, KR, SC, TC and HK faces;
the SC face is the one with simplified-Chinese glyph shapes. matplotlib (≥ 3.10) registers every face of a
collection, so the family name "Noto Sans CJK SC" selects the right one. A matplotlib font cache built
before the fonts were installed does not know them: :func:`use_in_matplotlib` adds the files found on disk
(``fontManager.addfont``) without touching the cache. No font found is a :class:`DependencyError` naming
the package to install.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from govreport.core.errors import DependencyError

SANS = "Noto Sans CJK SC"  # 黑体-like: headings, charts, the PDF footer
SERIF = "Noto Serif CJK SC"  # 宋体-like: body text
INSTALL_HINT = "安装思源（Noto CJK）字体：apt-get install fonts-noto-cjk"

#: Where fonts live on Debian/Ubuntu; ``GOVREPORT_FONT_DIRS`` (os.pathsep-separated) is searched first.
DEFAULT_DIRS: tuple[str, ...] = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
)

# File names of the faces that contain the SC family: the Debian collections, and Google's per-language OTFs.
_FILES: dict[str, tuple[str, ...]] = {
    "sans": ("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf", "NotoSansSC-Regular.otf"),
    "sans_bold": ("NotoSansCJK-Bold.ttc", "NotoSansCJKsc-Bold.otf", "NotoSansSC-Bold.otf"),
    "serif": ("NotoSerifCJK-Regular.ttc", "NotoSerifCJKsc-Regular.otf", "NotoSerifSC-Regular.otf"),
    "serif_bold": ("NotoSerifCJK-Bold.ttc", "NotoSerifCJKsc-Bold.otf", "NotoSerifSC-Bold.otf"),
}


@dataclass(frozen=True, slots=True)
class CjkFonts:
    """Paths of the font files found; ``sans`` is required, the others are optional."""

    sans: Path
    sans_bold: Path | None = None
    serif: Path | None = None
    serif_bold: Path | None = None

    @property
    def files(self) -> tuple[Path, ...]:
        return tuple(p for p in (self.sans, self.sans_bold, self.serif, self.serif_bold) if p is not None)


def search_dirs() -> tuple[Path, ...]:
    extra = [d for d in os.environ.get("GOVREPORT_FONT_DIRS", "").split(os.pathsep) if d]
    return tuple(Path(d).expanduser() for d in (*extra, *DEFAULT_DIRS))


def find_cjk_fonts(dirs: tuple[Path, ...] | list[Path] | None = None) -> CjkFonts:
    """Find the Noto CJK SC font files on disk. Raises :class:`DependencyError` when the sans face is missing."""
    dirs = tuple(search_dirs() if dirs is None else dirs)
    wanted = {name for names in _FILES.values() for name in names}
    found: dict[str, Path] = {}
    for d in dirs:
        if not d.is_dir():
            continue
        for root, _dirs, files in os.walk(d):
            for f in files:
                if f in wanted and f not in found:
                    found[f] = Path(root) / f
    picked: dict[str, Path | None] = {
        role: next((found[n] for n in names if n in found), None) for role, names in _FILES.items()
    }
    sans = picked["sans"]
    if sans is None:
        where = ", ".join(str(d) for d in dirs) or "(no directory)"
        raise DependencyError(f"找不到简体中文字体（{SANS}）；已查找 {where}", hint=INSTALL_HINT)
    return CjkFonts(sans=sans, sans_bold=picked["sans_bold"], serif=picked["serif"],
                    serif_bold=picked["serif_bold"])


_registered: set[str] = set()


def use_in_matplotlib(dirs: tuple[Path, ...] | list[Path] | None = None) -> str:
    """Make the SC sans face available to matplotlib and return its family name.

    Cheap after the first call. Consults matplotlib's font list first; only when the family is unknown there
    (a cache built before the fonts were installed) are the files searched and added.
    """
    from matplotlib import font_manager

    key = repr(dirs)
    if key in _registered:
        return SANS
    if dirs is None and _matplotlib_knows(font_manager, SANS):
        _registered.add(key)
        return SANS
    fonts = find_cjk_fonts(dirs)
    for path in fonts.files:
        font_manager.fontManager.addfont(str(path))
    if not _matplotlib_knows(font_manager, SANS):
        raise DependencyError(f"找到的字体文件不提供 {SANS}：{fonts.sans}", hint=INSTALL_HINT)
    _registered.add(key)
    return SANS


def _matplotlib_knows(font_manager, family: str) -> bool:
    return any(f.name == family and os.path.exists(f.fname) for f in font_manager.fontManager.ttflist)


def setup_matplotlib(dirs: tuple[Path, ...] | list[Path] | None = None) -> str:
    """Make the SC sans face matplotlib's default font, for notebooks that draw with pyplot or pandas.

    The renderer's charts pass the family explicitly (:func:`use_in_matplotlib`); an analyst's
    ``df.plot()`` uses ``rcParams``, which this sets: ``font.family`` sans-serif with the SC face first,
    and an ASCII minus sign on axes.

    Returns
    -------
    str
        The family name, ``Noto Sans CJK SC``.

    Raises
    ------
    DependencyError
        When no simplified-Chinese font is installed (the hint names the package).

    Examples
    --------
    >>> import matplotlib
    >>> setup_matplotlib()
    'Noto Sans CJK SC'
    >>> matplotlib.rcParams["font.sans-serif"][0]
    'Noto Sans CJK SC'
    """
    import matplotlib

    family = use_in_matplotlib(dirs)
    rc = matplotlib.rcParams
    rc["font.family"] = "sans-serif"
    rc["font.sans-serif"] = [family, *(f for f in rc["font.sans-serif"] if f != family)]
    rc["axes.unicode_minus"] = False
    return family
