"""``govreport lab``: JupyterLab on the project's notebooks, with a ``govreport`` kernel registered.

The kernel is installed into the running environment (``sys.prefix``, the project's ``.venv``), named
``govreport`` and shown as "govreport (Python)": it runs this interpreter, so ``import govreport`` works in
every notebook without the analyst knowing about virtual environments. ``explore.ipynb`` asks for that
kernel by name. ``--dry-run`` prints what would be run and changes nothing.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
from pathlib import Path

KERNEL_NAME = "govreport"
KERNEL_DISPLAY_NAME = "govreport (Python)"
LAB_EXTRA_HINT = "运行 ./bootstrap.sh report（会安装 JupyterLab），或在项目目录运行 .venv/bin/pip install -e '.[lab]'"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Register the govreport Jupyter kernel in this environment and open JupyterLab on the project's "
        "notebooks (explore.ipynb, annual_report.ipynb, compare.ipynb)."
    )
    parser.add_argument("--notebooks", type=Path, default=None, metavar="DIR",
                        help="directory to open (default: the project's notebooks/)")
    parser.add_argument("--no-browser", action="store_true", help="start the server without opening a browser")
    parser.add_argument("--port", type=int, default=None, help="port for the server (default: JupyterLab's, 8888)")
    parser.add_argument("--dry-run", action="store_true",
                        help="print the kernel and the command that would be run, change nothing")


def default_notebooks() -> Path:
    """The project's ``notebooks/`` directory (next to the ``govreport`` package in a checkout); where
    govreport is installed from a wheel there is none, and the notebooks packaged with it are opened."""
    checkout = Path(__file__).resolve().parents[2] / "notebooks"
    if checkout.is_dir():
        return checkout
    from govreport import notebooks

    return notebooks.path(notebooks.EXPLORE).parent


def has_jupyterlab() -> bool:
    from importlib.util import find_spec

    return find_spec("jupyterlab") is not None


def kernel_dir(prefix: str | None = None) -> Path:
    """Where the kernel spec is (or would be) installed: ``<prefix>/share/jupyter/kernels/govreport``."""
    return Path(prefix or sys.prefix) / "share" / "jupyter" / "kernels" / KERNEL_NAME


def install_kernel(prefix: str | None = None) -> Path:
    """Install (or refresh) the ``govreport`` kernel spec into ``prefix`` (default ``sys.prefix``).

    Returns
    -------
    pathlib.Path
        The kernel spec directory; its ``kernel.json`` runs this interpreter.
    """
    from ipykernel.kernelspec import install

    return Path(install(kernel_name=KERNEL_NAME, display_name=KERNEL_DISPLAY_NAME, prefix=prefix or sys.prefix))


def lab_command(notebooks: Path, *, no_browser: bool = False, port: int | None = None) -> list[str]:
    """The JupyterLab command line: this interpreter, the notebooks as root, govreport as default kernel."""
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={notebooks}",
           f"--MappingKernelManager.default_kernel_name={KERNEL_NAME}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # containers and fresh machines often run as root; Jupyter refuses otherwise
    if no_browser:
        cmd.append("--no-browser")
    if port is not None:
        cmd.append(f"--port={port}")
    return cmd


def run(args: argparse.Namespace) -> int:
    from govreport.core.errors import DependencyError, NotFoundError

    notebooks = (args.notebooks or default_notebooks()).resolve()
    if not notebooks.is_dir():
        raise NotFoundError(f"找不到笔记本目录：{notebooks}", hint="用 --notebooks 指定笔记本所在的目录")
    if not has_jupyterlab():
        raise DependencyError("未安装 JupyterLab（govreport 的 lab 扩展），无法打开笔记本", hint=LAB_EXTRA_HINT)
    cmd = lab_command(notebooks, no_browser=args.no_browser, port=args.port)
    if args.dry_run:
        state = "已注册" if (kernel_dir() / "kernel.json").exists() else "将注册"
        print(f"内核：{KERNEL_NAME}（{KERNEL_DISPLAY_NAME}），{state}于 {kernel_dir()}")
        print(f"笔记本目录：{notebooks}")
        print(f"命令：{shlex.join(cmd)}")
        return 0
    where = install_kernel()
    print(f"已注册 Jupyter 内核 {KERNEL_NAME}（{KERNEL_DISPLAY_NAME}）：{where}", file=sys.stderr)
    print(f"正在启动 JupyterLab，笔记本目录：{notebooks}（按 Ctrl+C 停止）", file=sys.stderr)
    return subprocess.call(cmd)
