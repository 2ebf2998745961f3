"""Benchmark: report.docx and the official-layout report.pdf inside a batch, against Chromium's PDF.

Two batches over the same synthetic dataset (``govreport synth --agencies N --years A-B --seed 1``, made
once under ``$TMPDIR/govreport-bench/``), one after the other in the same run, ``--force``, ``--jobs 2``:

* web:       ``--to html,pdf``                     report.pdf printed by Chromium from report.html (today)
* official:  ``--to html,pdf,docx --layout official`` report.docx + report.pdf typeset by Typst

Per report (medians over the batch's reports, from the timings each render records):

* docx      = spec (ReportDocument.prepare + docspec.build, in the render child) + docx (python-docx)
* official  = pdf_inputs (spec as JSON + the chart as SVG, in the child) + pdf (Typst, in the worker)
              + the spec's share (counted again here: the official PDF alone would need it too)
* chromium  = pdf (the warm browser prints report.html, in the worker)

Targets (issue 14): docx ≤ 0.2 s and official PDF ≤ 0.2 s per report inside a batch. Wall and CPU time
(``time.process_time`` of the process doing the step; Chromium's own processes are not in a CPU figure,
so Chromium is compared by wall time only) are printed: on a shared machine the CPU time is the steadier
number. The amortised time per report of each whole batch is printed too.

    .venv/bin/python bench/bench_docx.py --agencies 10 --years 2020-2021
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def dataset(agencies: int, years: str) -> Path:
    root = Path(tempfile.gettempdir()) / "govreport-bench" / f"docx-a{agencies}-y{years}-s1"
    if not (root / "agencies.csv").exists():
        subprocess.run([sys.executable, "-m", "govreport", "synth", "--agencies", str(agencies), "--years", years,
                        "--seed", "1", "--out", str(root)], check=True, capture_output=True)
    return root


def batch(data: Path, out: Path, to: str, layout: str, jobs: int) -> dict:
    from govreport.run.batch_runner import BatchOptions, run_batch

    t = time.perf_counter()
    with open(os.devnull, "w") as quiet:
        report = run_batch(BatchOptions(data_dir=data, out_dir=out, to=to, layout=layout, jobs=jobs, force=True),
                           stream=quiet, bar=False)
    wall = time.perf_counter() - t
    if report.failed:
        raise SystemExit(f"{len(report.failed)} reports failed: {report.failed[0].reason}")
    if report.held:  # nothing to time: error findings held the publication copies back
        raise SystemExit(f"{len(report.held)} reports held back by error findings (e.g. {report.held[0]}); "
                         f"regenerate the dataset: rm -r {data}")
    keys = sorted({k for r in report.rendered for k in r.timings})
    med = {k: statistics.median(r.timings.get(k, 0.0) for r in report.rendered) for k in keys}
    return {"reports": len(report.rendered), "wall": wall, "per_report": report.render_seconds / len(report.rendered),
            "median": med}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--agencies", type=int, default=10)
    ap.add_argument("--years", default="2020-2021")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    data = dataset(args.agencies, args.years)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        web = batch(data, Path(tmp) / "web", "html,pdf", "web", args.jobs)
        official = batch(data, Path(tmp) / "official", "html,pdf,docx", "official", args.jobs)
    load_after = os.getloadavg()
    m = official["median"]
    docx = m.get("spec", 0.0) + m.get("docx", 0.0)
    typst = m.get("spec", 0.0) + m.get("pdf_inputs", 0.0) + m.get("pdf", 0.0)
    docx_cpu = m.get("spec_cpu", 0.0) + m.get("docx_cpu", 0.0)
    typst_cpu = m.get("spec_cpu", 0.0) + m.get("pdf_inputs_cpu", 0.0) + m.get("pdf_cpu", 0.0)
    chromium = web["median"].get("pdf", 0.0)
    rows = [
        ("docx (spec + python-docx)", docx, docx_cpu, 0.2),
        ("official PDF (spec + inputs + Typst)", typst, typst_cpu, 0.2),
        ("Chromium PDF (web layout, today)", chromium, None, None),
    ]
    print(f"{web['reports']} reports per batch, --jobs {args.jobs}; load {load_before[0]:.1f} -> {load_after[0]:.1f}")
    print(f"{'per report (median)':40} {'wall s':>8} {'CPU s':>8}  target")
    for name, value, cpu, target in rows:
        verdict = "" if target is None else ("met" if value <= target else "missed")
        cpu_text = "" if cpu is None else f"{cpu:8.3f}"
        print(f"{name:40} {value:8.3f} {cpu_text:>8}  {'' if target is None else f'<= {target} s (wall): {verdict}'}")
    if chromium:
        print(f"official PDF / Chromium PDF (wall): {typst / chromium:.2f}x")
    print("  ".join(f"{k} {v:.3f}" for k, v in sorted(m.items()) if k.split("_")[0] in ("spec", "docx", "pdf")))
    print(f"amortised per report: web batch {web['per_report']:.3f} s, official+docx batch "
          f"{official['per_report']:.3f} s")
    results = REPO / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()
    (results / "docx.json").write_text(json.dumps({
        "command": " ".join(["bench/bench_docx.py", *sys.argv[1:]]), "commit": commit,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "load": [load_before[0], load_after[0]], "web": web, "official": official,
        "per_report": {"docx": docx, "official_pdf": typst, "chromium_pdf": chromium, "docx_cpu": docx_cpu,
                       "official_pdf_cpu": typst_cpu},
    }, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
