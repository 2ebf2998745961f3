"""govreport works outside this checkout: the notebooks and templates are package data.

The fast tests check the package layout (every notebook of ``notebooks/`` is linked from
``govreport/notebooks/``, and the renderer finds its notebook through :mod:`importlib.resources`). The
slow test is the real thing: it builds the wheel from a copy of the checkout, installs it into a fresh
virtual environment (no system site-packages, nothing from the shared environment) in a temporary
directory, renders the seed's report there to HTML and PDF, and compares ``report.html`` byte for byte with
the same render made from the checkout.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from govreport import notebooks
from tests.conftest import DATA, REPO, SEED_AGENCY_ID, SEED_YEAR

NOTEBOOK_DIR = REPO / "notebooks"
PACKAGED = REPO / "govreport" / "notebooks"
#: What a wheel build must not see: version control, caches, outputs, environments.
_NOT_SOURCE = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".cache",
                                     ".pytest_cache", ".ruff_cache", ".hypothesis", "reports_out", "results")


def test_every_notebook_is_package_data():
    """Each notebook in ``notebooks/`` has a relative link in ``govreport/notebooks/`` (and nothing else there)."""
    top = sorted(p.name for p in NOTEBOOK_DIR.glob("*.ipynb"))
    packaged = sorted(p.name for p in PACKAGED.glob("*.ipynb"))
    assert top == packaged, "link each notebook: cd govreport/notebooks && ln -s ../../notebooks/NAME.ipynb ."
    for name in packaged:
        link = PACKAGED / name
        assert link.is_symlink() and not os.path.isabs(os.readlink(link)), link
        assert link.resolve() == (NOTEBOOK_DIR / name).resolve()


def test_notebooks_found_through_importlib_resources():
    from govreport.run.pipeline import NOTEBOOK_ENV, default_notebook

    assert notebooks.path(notebooks.REPORT).resolve() == (NOTEBOOK_DIR / "annual_report.ipynb").resolve()
    assert notebooks.path(notebooks.COMPARE).is_file()
    if not os.environ.get(NOTEBOOK_ENV):
        assert default_notebook() == notebooks.path(notebooks.REPORT)


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def _run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{' '.join(map(str, cmd))} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


@pytest.mark.slow
def test_wheel_renders_outside_the_checkout(tmp_path: Path):
    env = _clean_env()
    # 1. the wheel, built from a copy (the build leaves build/ and *.egg-info behind; not in the checkout)
    src = tmp_path / "src"
    shutil.copytree(REPO, src, symlinks=True, ignore=_NOT_SOURCE)
    wheels = tmp_path / "wheels"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(src)], tmp_path, env, 300)
    (wheel,) = wheels.glob("govreport-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("govreport/render/templates/govreport/index.html.j2", "govreport/render/static/report.css"):
        assert name in names, name
    notebook_files = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
    assert {p.name for p in notebook_files} >= {"annual_report.ipynb", "compare.ipynb", "explore.ipynb"}
    with zipfile.ZipFile(wheel) as zf:  # every notebook itself, not a link to it
        for nb in notebook_files:
            assert zf.read(f"govreport/notebooks/{nb.name}") == nb.read_bytes(), nb.name

    # 2. a fresh environment outside the checkout, dependencies from pip's configured sources
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, system_site_packages=False, clear=True).create(env_dir)
    py = env_dir / "bin" / "python"
    _run([str(py), "-m", "pip", "install", "-q", str(wheel)], tmp_path, env, 600)

    # 3. render the seed there, from a copy of its data, in a directory that is not the checkout
    work = tmp_path / "elsewhere"
    shutil.copytree(DATA, work / "data", ignore=shutil.ignore_patterns(".cache"))
    where = _run([str(py), "-c", "import govreport; print(govreport.__file__)"], work, env, 60).stdout.strip()
    assert Path(where).is_relative_to(env_dir), where
    _run([str(env_dir / "bin" / "govreport"), "render", "--data", "data", "--out", "out", "--to", "html,pdf"],
         work, env, 300)
    got = work / "out" / SEED_AGENCY_ID / str(SEED_YEAR)
    assert (got / "report.pdf").read_bytes().startswith(b"%PDF")

    # 4. the same bytes as a render from the checkout
    here = tmp_path / "checkout"
    shutil.copytree(DATA, here / "data", ignore=shutil.ignore_patterns(".cache"))
    env_here = dict(env, PYTHONPATH=str(REPO))
    _run([sys.executable, "-m", "govreport", "render", "--data", "data", "--out", "out", "--to", "html"],
         here, env_here, 300)
    expected = here / "out" / SEED_AGENCY_ID / str(SEED_YEAR)
    for name in ("report.html", "review.html"):
        assert (got / name).read_bytes() == (expected / name).read_bytes(), name
