"""Benchmark: one cold ``govreport render`` (HTML + PDF) against the naive chain of CLIs.

Both sides render the same notebook (``notebooks/annual_report.ipynb``) for the same agency-year, from a
cold process, in the same run, interleaved (so machine noise hits both):

* govreport:  ``govreport render --agency A --year Y --data DATA --out OUT`` (executed notebook,
  report.html, review.html, report.pdf)
* naive:      ``papermill IN OUT.ipynb -p agency A -p year Y -p data_dir DATA``, then
              ``jupyter nbconvert --to html --no-input OUT.ipynb``, then
              ``jupyter nbconvert --to webpdf --WebPDFExporter.disable_sandbox=True OUT.ipynb``

nbconvert's webpdf has no setting for the browser's path and would download its own Chromium. The
workaround used here: ``PLAYWRIGHT_BROWSERS_PATH`` points at a temporary directory where
``chromium_headless_shell-<rev>/chrome-headless-shell-linux64/chrome-headless-shell`` is a symlink to
the system browser (``/usr/lib/chromium/chromium``); ``<rev>`` is read from Playwright's browsers.json.

Reported: the median wall time of each side over ``--runs`` runs, the median CPU time (user + system of
the child processes, less sensitive to other load on a shared machine), and the ratios: the median of the
per-run ratios (both sides run back to back in each run, so they share the machine's momentary load) and
the ratio of the medians.

    .venv/bin/python bench/bench_render.py --runs 5
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SYSTEM_CHROMIUM = Path("/usr/lib/chromium/chromium")


def _timed(cmds: list[list[str]], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Run commands one after the other; (wall seconds, CPU seconds of the children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    for cmd in cmds:
        proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def webpdf_browser_dir(root: Path) -> Path:
    """A PLAYWRIGHT_BROWSERS_PATH whose headless shell is the system Chromium."""
    pkg = Path(importlib.util.find_spec("playwright").origin).parent
    browsers = json.loads((pkg / "driver" / "package" / "browsers.json").read_text())["browsers"]
    rev = next(b["revision"] for b in browsers if b["name"] == "chromium-headless-shell")
    exe = root / f"chromium_headless_shell-{rev}" / "chrome-headless-shell-linux64" / "chrome-headless-shell"
    exe.parent.mkdir(parents=True, exist_ok=True)
    exe.symlink_to(SYSTEM_CHROMIUM)
    return root


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--agency", default="五原县民政局")
    ap.add_argument("--year", type=int, default=2020)
    ap.add_argument("--data", type=Path, default=REPO / "data")
    ap.add_argument("--notebook", type=Path, default=REPO / "notebooks" / "annual_report.ipynb")
    ap.add_argument("--many", type=int, default=0, metavar="AGENCIES",
                    help="instead: time Renderer.render_many over a synthetic dataset of AGENCIES × 2 years")
    args = ap.parse_args(argv)
    if args.many:
        return bench_many(args.many)

    if not SYSTEM_CHROMIUM.exists():
        raise SystemExit(f"{SYSTEM_CHROMIUM} not found: apt-get install chromium")
    has_lab = importlib.util.find_spec("jupyterlab") is not None
    tmp = Path(tempfile.mkdtemp(prefix="bench-render-"))
    data = args.data.resolve()
    env = dict(os.environ)
    env["PLAYWRIGHT_BROWSERS_PATH"] = str(webpdf_browser_dir(tmp / "browsers"))
    env["PYTHONDONTWRITEBYTECODE"] = "0"
    ours: list[tuple[float, float]] = []
    naive: list[tuple[float, float]] = []
    try:
        # one untimed warm-up of each side: page cache, .pyc files, font caches
        for i in range(args.runs + 1):
            out = tmp / f"run{i}"
            out.mkdir()
            gov = [[str(BIN / "govreport"), "render", "--agency", args.agency, "--year", str(args.year),
                    "--data", str(data), "--out", str(out / "govreport")]]
            nb = out / "naive.ipynb"
            chain = [
                [str(BIN / "papermill"), str(args.notebook), str(nb), "-p", "agency", args.agency,
                 "-p", "year", str(args.year), "-p", "data_dir", str(data), "--cwd", str(args.notebook.parent)],
                [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(nb)],
                [str(BIN / "jupyter"), "nbconvert", "--to", "webpdf", "--WebPDFExporter.disable_sandbox=True", str(nb)],
            ]
            order = [("govreport", gov), ("naive", chain)] if i % 2 == 0 else [("naive", chain), ("govreport", gov)]
            for name, cmds in order:
                result = _timed(cmds, env, REPO)
                if i > 0:
                    (ours if name == "govreport" else naive).append(result)
            assert (out / "naive.pdf").exists() and (out / "naive.html").exists()
            assert next((out / "govreport").rglob("report.pdf"), None) is not None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    imports = import_costs(args.runs)

    def med(xs: list[tuple[float, float]], k: int) -> float:
        return statistics.median(x[k] for x in xs)

    rows = [
        ("govreport render (html+pdf)", med(ours, 0), med(ours, 1)),
        ("naive chain (papermill + nbconvert html + webpdf)", med(naive, 0), med(naive, 1)),
    ]
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, jupyterlab installed: {has_lab}, "
          f"runs: {args.runs} (+1 warm-up), {args.agency} {args.year}")
    print()
    print("| pipeline | median wall (s) | median CPU (s) |")
    print("|---|---:|---:|")
    for name, wall, cpu in rows:
        print(f"| {name} | {wall:.2f} | {cpu:.2f} |")
    print()
    paired = statistics.median(o[0] / n[0] for o, n in zip(ours, naive, strict=True))
    paired_cpu = statistics.median(o[1] / n[1] for o, n in zip(ours, naive, strict=True))
    print(f"ratio govreport / naive, median of the per-run ratios (each run renders both back to back): "
          f"wall {paired:.0%}, CPU {paired_cpu:.0%}")
    print(f"ratio of the medians: wall {rows[0][1] / rows[1][1]:.0%}, CPU {rows[0][2] / rows[1][2]:.0%}")
    print("all runs (wall s): govreport " + ", ".join(f"{w:.2f}" for w, _ in ours)
          + "; naive " + ", ".join(f"{w:.2f}" for w, _ in naive))
    print()
    print("| import in a fresh interpreter | median (s) |")
    print("|---|---:|")
    for name, value in imports.items():
        print(f"| {name} | {value:.2f} |")
    return 0


def bench_many(agencies: int) -> int:
    """Warm renderer, ``render_many`` with 1 and 2 jobs over ``govreport synth`` data (HTML + PDF)."""
    from govreport.run.pipeline import Renderer

    tmp = Path(tempfile.mkdtemp(prefix="bench-render-many-"))
    try:
        data = tmp / "data"
        subprocess.run([str(BIN / "govreport"), "synth", "--agencies", str(agencies), "--years", "2020-2021",
                        "--out", str(data)], check=True, capture_output=True)
        import govreport

        items = govreport.load(data).keys()
        print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, {len(items)} synthetic agency-years")
        print()
        print("| jobs | warm-up (s) | per report (s) | child execute (s) | child export (s) | parent PDF (s) |")
        print("|---:|---:|---:|---:|---:|---:|")
        for jobs in (1, 2):
            t0 = time.perf_counter()
            with Renderer(tmp / f"out{jobs}") as r:
                r.start(preload=True, browser=True)
                t1 = time.perf_counter()
                done = list(r.render_many(items, data_dir=data, jobs=jobs))
                t2 = time.perf_counter()
            failed = [d for d in done if not d.ok]
            if failed:
                raise SystemExit(f"{len(failed)} renders failed: {failed[0].error}")
            med = {k: statistics.median(d.result.timings.get(k, 0.0) for d in done)
                   for k in ("execute", "export", "pdf")}
            print(f"| {jobs} | {t1 - t0:.2f} | {(t2 - t1) / len(done):.2f} | {med['execute']:.2f} | "
                  f"{med['export']:.2f} | {med['pdf']:.2f} |")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


IMPORTS = {
    "`import nbformat` (jsonschema compiles rfc3987-syntax's grammar)": "import nbformat",
    "`import govreport.run, nbformat` (rfc3987-syntax deferred)": "import govreport.run, nbformat",
}


def import_costs(runs: int) -> dict[str, float]:
    """Import time of nbformat as every papermill/nbconvert start pays it, with and without the deferral."""
    out = {}
    for name, stmt in IMPORTS.items():
        code = f"import time; t = time.perf_counter(); {stmt}; print(time.perf_counter() - t)"
        times = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                      check=True).stdout) for _ in range(max(3, runs))]
        out[name] = statistics.median(times)
    return out


if __name__ == "__main__":
    sys.exit(main())
