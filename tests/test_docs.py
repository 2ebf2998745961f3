"""The documentation (docs/, Sphinx) builds offline with warnings as errors, and its generated pages say
what the code declares: every rule of RULES, every CLI command, every notebook."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from govreport.checks.rules import RULES
from govreport.cli import COMMANDS
from tests.conftest import REPO

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    for module in ("sphinx", "myst_nb", "furo", "sphinxarg"):
        pytest.importorskip(module, reason="the docs extra is not installed (pip install -e '.[docs]')")
    out = tmp_path_factory.mktemp("docs") / "html"
    done = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
                           "-d", str(out.parent / "doctrees"), str(REPO / "docs"), str(out)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return out


def test_pages_are_built(site):
    for page in ("index", "guides/office", "guides/analyst", "guides/reviewer", "data-model", "rules", "cli",
                 "notebooks", "api", "notebooks/explore", "notebooks/annual_report", "notebooks/compare"):
        assert (site / f"{page}.html").is_file(), page


def test_generated_from_the_code(site):
    rules = (site / "rules.html").read_text(encoding="utf-8")
    for rule in RULES:
        assert f"<p>{rule.id}</p>" in rules and rule.title in rules
    cli = (site / "cli.html").read_text(encoding="utf-8")
    for name in COMMANDS:
        assert f'id="govreport-{name}"' in cli, name
    api = (site / "api.html").read_text(encoding="utf-8")
    for name in ("govreport.load", "Dataset.table", "LabelledTable", "league_table"):
        assert name in api


def test_offline(site):
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"""<(script|link|img)[^>]+(src|href)=["']https?:""", text), page
