"""Benchmark: ``govreport batch`` over 100 synthetic agency-years (HTML + PDF) against the naive loop and
against the report's own work, with the peak memory of each worker.

In one run, on the same dataset (``govreport synth --agencies 50 --years 2020-2021``, 100 agency-years):

* **batch** — ``govreport batch --data DATA --out OUT --jobs N`` as a cold command (interpreter start,
  imports, workers, Chromium, the index page: everything). Amortised time per report = the command's wall
  time / 100. Then the same command again (everything current: skipped).
* **naive** — the loop a user would write: for each agency-year ``papermill`` (CLI), then
  ``jupyter nbconvert --to html --no-input``, then ``jupyter nbconvert --to webpdf`` with the system
  Chromium (the workaround of ``bench_render.py``: nbconvert's webpdf cannot be pointed at a browser).
  Timed on a sample of ``--naive-sample`` agency-years (default 5) and **extrapolated** to 100.
* **own work** — what a report needs without any notebook machinery, timed in one warm process with the
  library functions: statistics and checks (``ReportDocument.prepare``), the document's pieces including
  the chart (``fragments``; the chart alone is shown too), the two HTML pages (``html.standalone``), the
  PDF (a warm ``PdfPrinter`` + ``pdfpost.finish``). Mean over ``--own-sample`` agency-years.

Memory: a sampler polls the batch's process tree every 0.25 s (psutil) and keeps, per worker, the peak
RSS of the worker process itself, of its forked render children, of its Chromium and Playwright-driver
processes (the browser, its zygotes, renderer, GPU and utility processes and the Node driver), and the
peak PSS of the whole group (RSS counts pages shared with the parent and the other workers once per
process; PSS divides them among the sharers).

    .venv/bin/python bench/bench_batch.py            # writes bench/results/batch.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(REPO / "bench"))


def _loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _cpu_counters() -> tuple[int, int]:
    with open("/proc/stat") as fh:
        v = [int(x) for x in fh.readline().split()[1:]]
    return sum(v), v[3] + v[4]


# ------------------------------------------------------------------------------------ memory


class TreeSampler(threading.Thread):
    """Polls a process tree; per worker (a direct Python child of the batch process) the peak RSS of the
    worker, of its render children, of its browser group (Chromium + Node driver), and the group's PSS."""

    def __init__(self, pid: int, interval: float = 0.25, pss_every: int = 4) -> None:
        super().__init__(daemon=True)
        import psutil

        self.root = psutil.Process(pid)
        self.interval = interval
        self.pss_every = pss_every
        self.stop = threading.Event()
        self.peak: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.parent_peak = 0
        self.cpu: dict[int, tuple[str, float]] = {}  # pid -> (category, CPU seconds at the last sample)

    @staticmethod
    def _kind(p) -> str:
        name = p.name()
        if "chrom" in name or "node" in name or "playwright" in name:
            return "browser"
        return "python"

    def run(self) -> None:
        import psutil

        n = 0
        while not self.stop.is_set():
            n += 1
            try:
                self.parent_peak = max(self.parent_peak, self.root.memory_info().rss)
                t = self.root.cpu_times()
                self.cpu[self.root.pid] = ("batch process", t.user + t.system)
                workers = [c for c in self.root.children() if self._kind(c) == "python"]
            except psutil.Error:
                return
            for w in workers:
                try:
                    rss_worker = w.memory_info().rss
                    group = w.children(recursive=True)
                    t = w.cpu_times()
                    self.cpu[w.pid] = ("workers", t.user + t.system)
                    # the forked render children, reaped by the worker (the browser group is reaped at its end)
                    self.cpu[-w.pid] = ("render children", t.children_user + t.children_system)
                except psutil.Error:
                    continue
                sums = {"worker": rss_worker, "child": 0, "browser": 0}
                pss = 0
                for p in group:
                    try:
                        kind = self._kind(p)
                        rss = p.memory_info().rss
                        if kind == "python" and p.ppid() == w.pid:
                            sums["child"] = max(sums["child"], rss)
                        elif kind == "browser":
                            sums["browser"] += rss
                            t = p.cpu_times()
                            self.cpu[p.pid] = ("chromium + node", t.user + t.system)
                        if n % self.pss_every == 0:
                            pss += p.memory_full_info().pss
                    except psutil.Error:
                        continue
                peak = self.peak[w.pid]
                for k, v in sums.items():
                    peak[k] = max(peak[k], v)
                peak["group_rss"] = max(peak["group_rss"], sum(sums.values()))
                if n % self.pss_every == 0:
                    try:
                        pss += w.memory_full_info().pss
                    except psutil.Error:
                        continue
                    peak["group_pss"] = max(peak["group_pss"], pss)
            time.sleep(self.interval)


# ------------------------------------------------------------------------------------- batch


def run_batch(data: Path, out: Path, jobs: int) -> dict:
    cmd = [str(BIN / "govreport"), "batch", "--data", str(data), "--out", str(out), "--jobs", str(jobs)]
    c0, i0 = _cpu_counters()
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - t
    sampler.stop.set()
    sampler.join()
    c1, i1 = _cpu_counters()
    if proc.returncode != 0:
        raise SystemExit(f"batch failed ({proc.returncode}):\n{stdout}\n{stderr[-3000:]}")
    m = re.search(r"(\d+) 个工作进程生成用时 ([\d.]+) 秒（每份报告 ([\d.]+) 秒）", stdout)
    mib = 1 / (1 << 20)
    workers = [{k: round(v * mib, 1) for k, v in sorted(peak.items())} for peak in sampler.peak.values()]
    cpu: dict[str, float] = defaultdict(float)
    for category, seconds in sampler.cpu.values():
        cpu[category] += seconds
    return {
        "command": " ".join(["govreport", *cmd[1:]]),
        "wall_s": round(wall, 2),
        "render_phase_s": float(m.group(2)) if m else None,
        "render_phase_per_report_s": float(m.group(3)) if m else None,
        "cpu_idle_share": round((i1 - i0) / max(1, c1 - c0), 3),
        "cpu_s_by_process_kind": {k: round(v, 1) for k, v in sorted(cpu.items())},
        "parent_peak_rss_mib": round(sampler.parent_peak * mib, 1),
        "workers_peak_mib": workers,
        "summary": stdout.strip().splitlines()[0],
    }


def run_again(data: Path, out: Path, jobs: int) -> dict:
    cmd = [str(BIN / "govreport"), "batch", "--data", str(data), "--out", str(out), "--jobs", str(jobs)]
    t = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    return {"wall_s": round(wall, 2), "summary": proc.stdout.strip().splitlines()[0]}


# ------------------------------------------------------------------------------------- naive


def run_naive(data: Path, items: list[tuple[str, int]], tmp: Path) -> dict:
    from bench_render import webpdf_browser_dir

    notebook = REPO / "notebooks" / "annual_report.ipynb"
    env = dict(os.environ)
    env["PLAYWRIGHT_BROWSERS_PATH"] = str(webpdf_browser_dir(tmp / "browsers"))
    times = []
    for agency, year in items:
        nb = tmp / f"naive-{agency}-{year}.ipynb"
        chain = [
            [str(BIN / "papermill"), str(notebook), str(nb), "-p", "agency", agency, "-p", "year", str(year),
             "-p", "data_dir", str(data), "--cwd", str(notebook.parent)],
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(nb)],
            [str(BIN / "jupyter"), "nbconvert", "--to", "webpdf", "--WebPDFExporter.disable_sandbox=True", str(nb)],
        ]
        t = time.perf_counter()
        for cmd in chain:
            proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
            if proc.returncode != 0:
                raise SystemExit(f"naive step failed: {' '.join(cmd)}\n{proc.stderr[-2000:]}")
        times.append(time.perf_counter() - t)
        assert nb.with_suffix(".pdf").exists() and nb.with_suffix(".html").exists()
    return {"sample": len(items), "per_report_s": [round(x, 2) for x in times],
            "mean_s": round(statistics.mean(times), 2)}


# ---------------------------------------------------------------------------------- own work


def run_own_work(data: Path, items: list[tuple[str, int]]) -> dict:
    """The report's own work in one warm process, no kernel and no notebook machinery."""
    from govreport.render import html as H
    from govreport.render.document import ReportDocument, join
    from govreport.run import pdfpost
    from govreport.run.engine import preload
    from govreport.run.pdf import PdfPrinter
    from govreport.store.dataset import load_shared

    preload()
    ds = load_shared(data)
    steps: dict[str, list[float]] = defaultdict(list)
    with PdfPrinter() as printer:
        for i, (agency, year) in enumerate([items[0], *items]):  # the first is a warm-up
            t0 = time.perf_counter()
            doc = ReportDocument.prepare(ds, agency, year)
            t1 = time.perf_counter()
            doc.channel_chart()
            t2 = time.perf_counter()
            pub = join(doc.fragments())
            rev = join(doc.fragments(review=True))
            meta = H.meta_tags(doc.provenance.meta_items())
            page = H.standalone(pub.html, title=doc.report.title, meta=meta)
            H.standalone(rev.review, title=doc.report.title, meta=meta, rendition="review")
            t3 = time.perf_counter()
            pdf = pdfpost.finish(printer.pdf(page), {"Author": doc.report.agency.name})
            t4 = time.perf_counter()
            assert pdf.startswith(b"%PDF")
            if i == 0:
                continue
            steps["statistics_and_checks"].append(t1 - t0)
            steps["chart_alone"].append(t2 - t1)
            steps["document_html_incl_chart"].append(t3 - t2)
            steps["pdf"].append(t4 - t3)
    mean = {k: round(statistics.mean(v), 4) for k, v in steps.items()}
    total = mean["statistics_and_checks"] + mean["document_html_incl_chart"] + mean["pdf"]
    return {"sample": len(items), "mean_s": mean, "per_report_s": round(total, 3)}


# -------------------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--agencies", type=int, default=50)
    ap.add_argument("--years", default="2020-2021")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--naive-sample", type=int, default=5)
    ap.add_argument("--own-sample", type=int, default=20)
    ap.add_argument("--json", type=Path, default=REPO / "bench" / "results" / "batch.json")
    ap.add_argument("--batch-only", action="store_true", help="only the batch run (for tuning); nothing written")
    args = ap.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    try:
        data = tmp / "synth"
        subprocess.run([str(BIN / "govreport"), "synth", "--agencies", str(args.agencies), "--years", args.years,
                        "--out", str(data)], check=True, capture_output=True)
        import govreport

        items = govreport.load(data).keys()
        n = len(items)
        load_before = _loadavg()
        batch = run_batch(data, tmp / "out", args.jobs)
        again = run_again(data, tmp / "out", args.jobs)
        if args.batch_only:
            print(json.dumps(batch, ensure_ascii=False, indent=1))
            print(f"amortised per report: {batch['wall_s'] / n:.3f} s")
            return 0
        step = max(1, n // args.naive_sample)
        naive = run_naive(data, items[::step][: args.naive_sample], tmp)
        step = max(1, n // args.own_sample)
        own = run_own_work(data, items[::step][: args.own_sample])
        load_after = _loadavg()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    amortised = batch["wall_s"] / n
    naive_total = naive["mean_s"] * n
    result = {
        "benchmark": "bench/bench_batch.py",
        "command": f".venv/bin/python bench/bench_batch.py --agencies {args.agencies} --years {args.years} "
                   f"--jobs {args.jobs} --naive-sample {args.naive_sample} --own-sample {args.own_sample}",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "loadavg_before": load_before, "loadavg_after": load_after},
        "dataset": {"generator": f"govreport synth --agencies {args.agencies} --years {args.years}",
                    "agency_years": n},
        "batch": batch,
        "batch_again_all_current": again,
        "naive": {**naive, "extrapolated_total_s": round(naive_total, 1)},
        "own_work": own,
        "results": {
            "amortised_per_report_s": round(amortised, 3),
            "speedup_vs_naive": round(naive_total / batch["wall_s"], 1),
            "ratio_to_own_work": round(amortised / own["per_report_s"], 2),
            "max_worker_rss_mib": max((w["worker"] for w in batch["workers_peak_mib"]), default=None),
            "max_worker_group_pss_mib": max((w.get("group_pss", 0) for w in batch["workers_peak_mib"]),
                                            default=None),
        },
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    r = result["results"]
    print(f"{n} agency-years, {args.jobs} jobs, {os.cpu_count()} CPUs, load {load_before} -> {load_after}")
    print()
    print("| measure | value |")
    print("|---|---:|")
    print(f"| `govreport batch` cold, wall | {batch['wall_s']:.1f} s |")
    print(f"| amortised per report (wall / {n}) | **{r['amortised_per_report_s']:.3f} s** |")
    print(f"| rendering phase per report (workers started → last result) | {batch['render_phase_per_report_s']} s |")
    print(f"| second run (all current, skipped) | {again['wall_s']:.1f} s |")
    print(f"| naive loop per report (mean of {naive['sample']}) | {naive['mean_s']:.2f} s |")
    print(f"| naive loop for {n}, extrapolated | {naive_total:.0f} s |")
    print(f"| **speed-up vs naive** | **{r['speedup_vs_naive']}×** |")
    print(f"| own work per report (mean of {own['sample']}) | {own['per_report_s']:.3f} s |")
    for k, v in own["mean_s"].items():
        print(f"| · {k.replace('_', ' ')} | {v:.3f} s |")
    print(f"| **batch / own work** | **{r['ratio_to_own_work']}×** |")
    print(f"| CPU idle during the batch | {batch['cpu_idle_share']:.0%} |")
    split = ", ".join(f"{k} {v / n:.2f}" for k, v in batch["cpu_s_by_process_kind"].items())
    print(f"| CPU seconds per report, by process (sampled) | {split} |")
    print(f"| batch process peak RSS | {batch['parent_peak_rss_mib']} MiB |")
    for i, w in enumerate(batch["workers_peak_mib"], 1):
        print(f"| worker {i} peak RSS: worker / largest render child / browser group; group PSS | "
              f"{w['worker']} / {w['child']} / {w['browser']} MiB; {w.get('group_pss', '-')} MiB |")
    print()
    print(f"written: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
