"""The Examples sections of the public API's docstrings run, against the seed dataset."""

from __future__ import annotations

import doctest
import importlib

import pytest

from tests.conftest import REPO

MODULES = ("govreport", "govreport.core.labelled", "govreport.store.dataset", "govreport.core.model",
           "govreport.checks.engine", "govreport.checks.results",
           "govreport.render.fonts", "govreport.analysis.stats", "govreport.analysis.compare", "govreport.core.values",
           "govreport.core.numerals")


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name, monkeypatch):
    monkeypatch.chdir(REPO)  # the examples load "data"
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0
