"""``govreport lab``: the kernel spec it registers, the command it runs, the message when JupyterLab is missing."""

from __future__ import annotations

import json
import subprocess
import sys

from govreport.cli import lab, main
from tests.conftest import REPO


def test_dry_run_changes_nothing_and_names_the_command(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(lab, "kernel_dir", lambda prefix=None: tmp_path / "kernels" / "govreport")
    assert main(["lab", "--dry-run", "--no-browser", "--port", "8899"]) == 0
    out = capsys.readouterr().out
    assert f"--ServerApp.root_dir={REPO / 'notebooks'}" in out
    assert "--no-browser" in out and "--port=8899" in out and "default_kernel_name=govreport" in out
    assert "govreport (Python)" in out and "将注册" in out
    assert not (tmp_path / "kernels").exists()


def test_installed_without_a_checkout_opens_the_packaged_notebooks(capsys, tmp_path, monkeypatch):
    from govreport import notebooks

    monkeypatch.setattr(lab, "__file__", str(tmp_path / "site-packages" / "govreport" / "cli" / "lab.py"))
    packaged = notebooks.path(notebooks.EXPLORE).parent
    assert lab.default_notebooks() == packaged and (packaged / "explore.ipynb").is_file()
    monkeypatch.setattr(lab, "kernel_dir", lambda prefix=None: tmp_path / "kernels" / "govreport")
    assert main(["lab", "--dry-run"]) == 0
    assert f"--ServerApp.root_dir={packaged.resolve()}" in capsys.readouterr().out


def test_missing_jupyterlab_is_one_chinese_message(capsys, monkeypatch):
    monkeypatch.setattr(lab, "has_jupyterlab", lambda: False)
    assert main(["lab", "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert "未安装 JupyterLab" in err and "[lab]" in err and "Traceback" not in err


def test_unknown_notebook_dir(capsys, tmp_path):
    assert main(["lab", "--dry-run", "--notebooks", str(tmp_path / "nowhere")]) == 2
    assert "找不到笔记本目录" in capsys.readouterr().err


def test_kernel_spec_runs_this_interpreter_with_govreport(tmp_path):
    where = lab.install_kernel(prefix=str(tmp_path))
    assert where == lab.kernel_dir(str(tmp_path))
    spec = json.loads((where / "kernel.json").read_text(encoding="utf-8"))
    assert spec["display_name"] == "govreport (Python)" and spec["language"] == "python"
    assert spec["argv"][0] == sys.executable and "ipykernel_launcher" in spec["argv"]
    done = subprocess.run([spec["argv"][0], "-c", "import govreport; print(govreport.load)"],
                          capture_output=True, text=True, check=True)
    assert "function load" in done.stdout
