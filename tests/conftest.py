"""Shared fixtures. Tests never depend on anything outside the repository."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
SEED_AGENCY = "五原县民政局"
SEED_AGENCY_ID = "150821-minzhengju"
SEED_YEAR = 2020


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture()
def seed_dir(tmp_path: Path) -> Path:
    """A private copy of the repository's dataset (without its cache), safe to modify."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target, ignore=shutil.ignore_patterns(".cache"))
    return target


@pytest.fixture(scope="session")
def seed_dataset():
    import govreport

    return govreport.load(DATA, use_cache=False)


@pytest.fixture(scope="session")
def seed_report(seed_dataset):
    return seed_dataset.report(SEED_AGENCY, SEED_YEAR)
