"""The notebooks as package data: ``annual_report.ipynb``, ``compare.ipynb`` and ``explore.ipynb``.

They are found with :mod:`importlib.resources`, so an installed wheel renders exactly like a checkout.
In the repository the files live in the top-level ``notebooks/`` folder (where analysts open them in
JupyterLab); this package holds relative symbolic links to them, which setuptools follows when it builds
the wheel (the wheel holds the notebooks themselves). ``tests/test_wheel.py`` checks both: every notebook of
``notebooks/`` has its link here, and a wheel installed outside the checkout renders the seed's report.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

#: The report of one agency-year (``govreport render``, ``govreport batch``).
REPORT = "annual_report.ipynb"
#: The cross-agency comparison (``govreport compare``).
COMPARE = "compare.ipynb"
#: The analyst's exploration tutorial (``govreport lab``).
EXPLORE = "explore.ipynb"


def path(name: str) -> Path:
    """The file system path of a packaged notebook, e.g. ``path(REPORT)``."""
    return Path(str(resources.files(__name__).joinpath(name)))
