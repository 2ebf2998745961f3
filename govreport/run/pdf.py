"""A4 PDF from the report's HTML: Playwright driving the system Chromium (Debian package ``chromium``).

:class:`PdfPrinter` starts one headless browser and one page and prints any number of documents with
them (about 0.4 s each once started, for a five-page report). The browser runs with a private temporary
profile and ``HOME`` (nothing is written under the user's home), with networking disabled and every
request blocked: the documents are self-contained. The page size and margins come from the CSS ``@page``
rule (A4); the footer 「第 N 页 共 M 页」 is a CSS page-margin box (``@page { @bottom-center { …
counter(page) … } }``) in the body's SC serif face, added to the document's head at print time. Chromium
embeds the CFF-outline Noto CJK faces as Type 3 fonts, and each face a document uses costs about 0.1 s per
PDF: the footer and the stylesheet keep to two faces. (Chromium's own header/footer templates look the
same but lay out an extra document per page: about 0.1–0.2 s of CPU more per report, which a batch of
thousands feels.) Tables repeat their header rows and are not split through a row (CSS). Text stays text:
selectable and extractable.

The browser is ``/usr/bin/chromium`` unless ``GOVREPORT_CHROMIUM`` or the ``executable`` argument names
another; a missing browser is a :class:`~govreport.core.errors.DependencyError` naming the install command.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from govreport.core.errors import DependencyError, RenderError

DEFAULT_CHROMIUM = "/usr/bin/chromium"
#: The browser's temporary profile: ``<temp>/govreport-chromium-<pid>-*``, removed on close and at exit; those
#: whose process is gone (a killed render) are removed by the next browser start.
PROFILE_PREFIX = "govreport-chromium-"
INSTALL_HINT = "安装 Chromium：apt-get install chromium（或用环境变量 GOVREPORT_CHROMIUM 指定浏览器的路径）"
BROWSER_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-breakpad",
    "--no-first-run",
    "--no-default-browser-check",
    "--mute-audio",
    "--font-render-hinting=none",
)
FOOTER_CSS = (
    "@page{@bottom-center{content:'第 ' counter(page) ' 页 共 ' counter(pages) ' 页';"
    "font-family:'Noto Serif CJK SC','Noto Serif SC',serif;font-size:9pt;color:#333}}"
)
MARGIN = {"top": "25mm", "bottom": "24mm", "left": "24mm", "right": "22mm"}  # as report.css @page


def chromium_path(executable: str | os.PathLike[str] | None = None) -> str:
    return str(executable or os.environ.get("GOVREPORT_CHROMIUM") or DEFAULT_CHROMIUM)


DEBIAN_BINARY = "/usr/lib/chromium/chromium"


def check_chromium(executable: str | os.PathLike[str] | None = None) -> str:
    """The browser's path; :class:`DependencyError` when it does not exist or cannot be run.

    Debian's ``/usr/bin/chromium`` is a shell script that sources ``/etc/chromium.d`` and then runs
    ``/usr/lib/chromium/chromium``; the binary is started directly (the same browser, one shell less).
    """
    path = chromium_path(executable)
    resolved = shutil.which(path) if os.sep not in path else path
    if not resolved or not os.path.isfile(resolved) or not os.access(resolved, os.X_OK):
        raise DependencyError(f"在 {path} 找不到 Chromium 浏览器，无法生成 PDF", hint=INSTALL_HINT)
    if os.path.realpath(resolved) == DEFAULT_CHROMIUM and os.access(DEBIAN_BINARY, os.X_OK):
        with open(resolved, "rb") as fh:
            if fh.read(2) == b"#!":
                return DEBIAN_BINARY
    return resolved


def with_footer(html: str) -> str:
    """The document with the page-number footer rule added at the end of its head."""
    style = f"<style>{FOOTER_CSS}</style>"
    at = html.find("</head>")
    return html[:at] + style + html[at:] if at >= 0 else style + html


class PdfPrinter:
    """One Chromium, one page, many PDFs. Not thread-safe; usable only in the process that started it."""

    def __init__(self, executable: str | os.PathLike[str] | None = None, *, timeout_ms: int = 60_000) -> None:
        self.executable = chromium_path(executable)
        self.timeout_ms = timeout_ms
        self._pw: Any = None
        self._browser: Any = None
        self._page: Any = None
        self._home: str | None = None
        self._owner: int | None = None

    # -------------------------------------------------------------------------- life cycle

    @property
    def started(self) -> bool:
        return self._page is not None

    def start(self) -> PdfPrinter:
        """Start the browser (blocking). Raises :class:`DependencyError` when Chromium is missing."""
        if self._page is not None:
            return self
        exe = check_chromium(self.executable)
        from govreport.render.fonts import find_cjk_fonts

        find_cjk_fonts()  # the document's CSS names the SC faces; without them Chromium would fall back
        from playwright.sync_api import sync_playwright

        from govreport.store.paths import remove_stale

        remove_stale(tempfile.gettempdir(), PROFILE_PREFIX)  # profiles of browsers whose process was killed
        self._home = tempfile.mkdtemp(prefix=f"{PROFILE_PREFIX}{os.getpid()}-")
        atexit.register(self._cleanup_home)  # also when close() is never called
        env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
        env.update(HOME=self._home, XDG_CONFIG_HOME=os.path.join(self._home, "config"),
                   XDG_CACHE_HOME=os.path.join(self._home, "cache"), XDG_DATA_HOME=os.path.join(self._home, "data"))
        pw = sync_playwright().start()
        try:
            browser = pw.chromium.launch(
                executable_path=exe, args=list(BROWSER_ARGS), env=env, headless=True,
                handle_sigint=False, handle_sigterm=False, handle_sighup=False, timeout=self.timeout_ms,
            )
            context = browser.new_context(offline=True, java_script_enabled=False, locale="zh-CN")
            page = context.new_page()
            page.route("**/*", lambda route: route.abort())
            page.emulate_media(media="print")
        except Exception as exc:
            pw.stop()
            self._cleanup_home()
            raise DependencyError(f"{exe} 处的 Chromium 浏览器未能启动：{str(exc).splitlines()[0]}",
                                  hint=INSTALL_HINT) from None
        self._pw, self._browser, self._page = pw, browser, page
        self._owner = os.getpid()
        return self

    def close(self) -> None:
        if self._owner is not None and self._owner != os.getpid():  # a forked child: not ours to close
            return
        try:
            if self._browser is not None:
                self._browser.close()
        except Exception:  # closing must never mask the real error
            pass
        try:
            if self._pw is not None:
                self._pw.stop()
        except Exception:  # idem
            pass
        self._pw = self._browser = self._page = None
        self._cleanup_home()

    def _cleanup_home(self) -> None:
        if self._home and (self._owner is None or self._owner == os.getpid()):
            shutil.rmtree(self._home, ignore_errors=True)
            self._home = None

    def __enter__(self) -> PdfPrinter:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -------------------------------------------------------------------------- printing

    def pdf(self, html: str) -> bytes:
        """Print a complete HTML document to A4 PDF bytes."""
        self.start()
        page = self._page
        try:
            page.set_content(with_footer(html), wait_until="load", timeout=self.timeout_ms)
            return page.pdf(
                format="A4",
                prefer_css_page_size=True,
                print_background=True,
                display_header_footer=False,
                margin=MARGIN,
                outline=False,
                tagged=True,
            )
        except Exception as exc:
            raise RenderError(f"Chromium 浏览器打印 PDF 失败：{str(exc).splitlines()[0]}") from None

    def platform_fonts(self, html: str, selectors: list[str]) -> dict[str, list[str]]:
        """The font faces Chromium renders the first element of each CSS selector with (PostScript names),
        e.g. ``NotoSerifCJKsc-Regular``: a check that the SC faces, not the JP ones, are used."""
        self.start()
        page = self._page
        page.set_content(html, wait_until="load", timeout=self.timeout_ms)
        cdp = page.context.new_cdp_session(page)
        try:
            cdp.send("DOM.enable")
            cdp.send("CSS.enable")
            root = cdp.send("DOM.getDocument")["root"]["nodeId"]
            out: dict[str, list[str]] = {}
            for sel in selectors:
                node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": sel})["nodeId"]
                fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"] if node else []
                out[sel] = [f["postScriptName"] or f["familyName"] for f in fonts]
            return out
        finally:
            cdp.detach()

    def write(self, html: str, target: str | os.PathLike[str]) -> Path:
        data = self.pdf(html)
        target = Path(target)
        target.write_bytes(data)
        return target
