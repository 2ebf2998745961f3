"""Sphinx configuration for the govreport documentation (offline: no intersphinx, no CDN).

Build: ``python -m sphinx -W -b html docs docs/_build/html`` (the ``docs`` extra installs the tools).
The notebooks in ``notebooks/`` are copied into ``docs/notebooks/`` (ignored by git) and rendered by
myst-nb without being executed; the rules table, the formats table and the CLI reference are generated
from the code (``_ext/govreport_docs.py``, sphinx-argparse).
"""

from __future__ import annotations

import logging
import re
import shutil
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(DOCS / "_ext"))

import govreport  # noqa: E402

project = "govreport"
author = "govreport contributors"
copyright = "govreport contributors"
version = release = govreport.__version__
language = "zh_CN"

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "myst_nb",
    "sphinxarg.ext",
    "govreport_docs",
]

source_suffix = {".md": "myst-nb", ".ipynb": "myst-nb", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "CONTRIBUTING-helpers.md", "**/.ipynb_checkpoints", "*.png"]

# docstrings are numpydoc-style, read by napoleon
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
napoleon_use_ivar = True
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_format = "short"
autodoc_default_options = {"members": True, "undoc-members": False, "show-inheritance": False}
autosummary_generate = False

# notebooks: rendered as committed (without outputs), never executed, nothing fetched
nb_execution_mode = "off"
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

html_theme = "furo"
html_title = f"govreport {release}"
html_static_path: list[str] = []
html_show_sourcelink = False
html_last_updated_fmt = None


def _copy_notebooks(app) -> None:
    target = DOCS / "notebooks"
    target.mkdir(exist_ok=True)
    sources = sorted((ROOT / "notebooks").glob("*.ipynb"))
    for stale in set(target.glob("*.ipynb")) - {target / nb.name for nb in sources}:
        stale.unlink()
    for nb in sources:
        dest = target / nb.name
        if not dest.exists() or dest.read_bytes() != nb.read_bytes():
            shutil.copyfile(nb, dest)


#: toctree globs of pages that may be absent (the domain pages and the contributor guide are written on
#: other branches): matching nothing is not an error; every other warning still is, under ``-W``.
OPTIONAL_GLOBS = ("'domain/*'", "'CONTRIBUTING*'")


class _OptionalPages(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not (message.startswith("toctree glob pattern") and any(g in message for g in OPTIONAL_GLOBS))


class _LinksOutsideTheSite(logging.Filter):
    """A Markdown page may link to a repository file outside ``docs/`` (``../README.md``): the link works on
    the forge and is plain text on the site. Missing documents *inside* ``docs/`` remain errors."""

    def filter(self, record: logging.LogRecord) -> bool:
        m = re.match(r"Unknown source document '(.+)'", record.getMessage())
        return not (m and not Path(m.group(1)).resolve().is_relative_to(DOCS))


def setup(app) -> None:
    app.connect("builder-inited", _copy_notebooks)
    logging.getLogger("sphinx.sphinx.directives.other").addFilter(_OptionalPages())
    logging.getLogger("sphinx.myst_parser.sphinx_ext.myst_refs").addFilter(_LinksOutsideTheSite())
