"""Benchmark: load, checks and statistics over 100,000 synthetic agency-years (issue 2, "Scale").

Run from the repository root::

    .venv/bin/python bench/bench_core.py            # 20,000 agencies × 2019–2023 = 100,000 agency-years

It generates the synthetic dataset once (``govreport synth``, without narratives) in a cache directory
outside the repository, keyed by the arguments (``$TMPDIR/govreport-bench/…``; ``--work`` to choose), and
reuses it on later runs. Every phase then runs in a fresh child process, so that each reports its own
wall time and peak resident memory (``getrusage`` ``ru_maxrss`` of the child, interpreter and imports
included):

* ``synth``         generating the dataset (only when it is not reused)
* ``load_csv``      ``govreport.load(dir, use_cache=False)``: parse and validate the CSV files
* ``load_csv+cache``  the same plus writing the Parquet cache in ``.cache/`` (what a first ``load`` does)
* ``load_cached``   ``govreport.load(dir)`` with the cache present
* ``checks_first``  ``govreport.checks.run(ds)`` right after a data change: no saved cell matrices, so
                    the checks scatter the 20 million cells into them and save them beside the Parquet
                    cache (``.cache/matrices/``, :mod:`govreport.store.matrix`)
* ``checks``        ``govreport.checks.run(ds)`` on a loaded dataset (the load is not timed), the saved
                    matrices present (every later run)
* ``stats``         the dataset-wide statistics of ``govreport.analysis.stats`` (see ``STATS``)
* ``checks+stats``  both in one process after a cached load: the "once loaded" target and the peak
                    memory of the whole workflow (cached load + checks + statistics)
* ``naive``         the naive alternative, for the ratios: ``pandas.read_csv`` of the five CSV files with
                    default options, then a per-report Python loop over the cells that checks R1, R3, R4
                    and R6–R8 — run on a sample of reports and **extrapolated** to the whole dataset

Targets (issue 2): checks + statistics ≤ 2 s once loaded; loading ≤ 5 s; peak memory ≤ 2 GB.
Results are printed as a table and written to ``bench/results/core.json``. Timings on a shared machine
are noisy: each fast phase runs ``--repeat`` times and the median is reported (min and max are kept).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics as pystats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results" / "core.json"

TARGETS = {"load_s": 5.0, "checks_stats_s": 2.0, "peak_mb": 2048.0}

#: the dataset-wide statistics measured (``panel`` computes application_outcomes, review_rates and
#: proactive_totals; aggregate and league_table reuse it, as a notebook would)
STATS = ("channel_distribution", "panel", "aggregate(year)", "aggregate(year, level)",
         "league_table(disclosure_rate, by=region)")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


# ------------------------------------------------------------------------------------------- phases
# Each runs in its own process (``--phase NAME``) and prints one JSON object on its last line.


def _run_stats(ds) -> dict[str, float]:
    from govreport.analysis import stats

    times: dict[str, float] = {}

    def timed(name: str, fn):
        t = time.perf_counter()
        value = fn()
        times[name] = time.perf_counter() - t
        return value

    timed("channel_distribution", lambda: stats.channel_distribution(ds.channels))
    p = timed("panel", lambda: stats.panel(ds))
    timed("aggregate(year)", lambda: stats.aggregate(ds, ("year",), frame=p))
    timed("aggregate(year, level)", lambda: stats.aggregate(ds, ("year", "level"), frame=p))
    last = int(ds.reports["year"].max())
    timed("league_table(disclosure_rate, by=region)",
          lambda: stats.league_table(ds, "disclosure_rate", by="region", year=last, frame=p))
    return times


def phase(name: str, data: Path, sample: int) -> dict:
    t = time.perf_counter()
    import pyarrow.csv
    import pyarrow.parquet  # noqa: F401  (imports are timed apart from the phase)

    import govreport
    import govreport.analysis.stats
    import govreport.checks
    import govreport.store.dataset

    out: dict = {"import_seconds": time.perf_counter() - t}
    if name == "load_csv":
        t = time.perf_counter()
        ds = govreport.load(data, use_cache=False)
        out["seconds"] = time.perf_counter() - t
        out["rows"] = {n: len(getattr(ds, n)) for n in ("agencies", "reports", "cells", "channels", "categories")}
    elif name == "load_csv+cache":
        shutil.rmtree(data / ".cache", ignore_errors=True)
        t = time.perf_counter()
        govreport.load(data)
        out["seconds"] = time.perf_counter() - t
    elif name == "load_cached":
        t = time.perf_counter()
        ds = govreport.load(data)
        out["seconds"] = time.perf_counter() - t
        out["cells_frame_mb"] = ds.cells.memory_usage(deep=True).sum() / 2**20
    elif name in ("checks", "checks_first"):
        from govreport.checks import run
        from govreport.store.matrix import SAVED_DIR

        if name == "checks_first":
            shutil.rmtree(data / ".cache" / SAVED_DIR, ignore_errors=True)
        ds = govreport.load(data)
        t = time.perf_counter()
        result = run(ds)
        out["seconds"] = time.perf_counter() - t
        out["errors"], out["warnings"], out["infos"] = result.errors, result.warnings, result.infos
    elif name == "stats":
        ds = govreport.load(data)
        t = time.perf_counter()
        out["functions"] = _run_stats(ds)
        out["seconds"] = time.perf_counter() - t
    elif name == "checks+stats":
        from govreport.checks import run

        t0 = time.perf_counter()
        ds = govreport.load(data)
        out["load_seconds"] = time.perf_counter() - t0
        t = time.perf_counter()
        result = run(ds)
        out["checks_seconds"] = time.perf_counter() - t
        t2 = time.perf_counter()
        _run_stats(ds)
        out["stats_seconds"] = time.perf_counter() - t2
        out["seconds"] = time.perf_counter() - t
        out["errors"] = result.errors
    elif name == "naive":
        out.update(_naive(data, sample))
        out["seconds"] = out["load_seconds"] + out["checks_seconds_extrapolated"]
    elif name == "synth":
        raise SystemExit("synth runs through --generate")
    else:
        raise SystemExit(f"unknown phase {name}")
    out["peak_rss_mb"] = _peak_mb()
    return out


def _naive(data: Path, sample: int) -> dict:
    """pandas.read_csv with default options, then a per-report Python loop (sampled, extrapolated)."""
    import numpy as np
    import pandas as pd

    t = time.perf_counter()
    frames = {name: pd.read_csv(data / f"{name}.csv")
              for name in ("agencies", "reports", "cells", "channels", "categories")}
    load_s = time.perf_counter() - t
    cells = frames["cells"]
    t = time.perf_counter()
    groups = cells.groupby(["agency_id", "year"], sort=False).indices  # one pass to find each report's rows
    group_s = time.perf_counter() - t
    keys = list(groups)
    rng = np.random.default_rng(0)
    picked = [keys[i] for i in rng.choice(len(keys), size=min(sample, len(keys)), replace=False)]
    cols = [cells[c].to_numpy() for c in ("version", "table", "row", "column", "value")]
    t = time.perf_counter()
    findings = sum(_naive_check({(str(cols[0][i]), cols[1][i], cols[2][i], cols[3][i]): cols[4][i]
                                 for i in groups[k]}) for k in picked)
    loop_s = time.perf_counter() - t
    per_report = loop_s / max(len(picked), 1)
    return {"load_seconds": load_s, "group_seconds": group_s, "sample_reports": len(picked),
            "sample_seconds": loop_s, "sample_findings": int(findings), "per_report_seconds": per_report,
            "checks_seconds_extrapolated": group_s + per_report * len(keys), "reports": len(keys)}


_APPLICANTS = ("natural_person", "commercial", "research", "public_welfare", "legal_service", "other_org")
_OUTCOMES_19 = ("granted", "partial", "denied_state_secret", "denied_law_forbidden", "denied_three_safety",
                "denied_third_party", "denied_internal", "denied_process", "denied_enforcement_file",
                "denied_admin_query", "unable_not_held", "unable_needs_creation", "unable_unclear", "np_petition",
                "np_repeat", "np_publication", "np_mass", "np_confirm")
_OUTCOMES = {"2019": (*_OUTCOMES_19, "other_handling"),
             "2021": (*_OUTCOMES_19, "oh_no_correction", "oh_unpaid_fee", "oh_other")}


def _naive_value(v) -> float | None:
    """A cell as a naive script reads it: NaN/empty = blank (None), 不适用 = 0, else a number."""
    if v is None or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, str):
        if v.strip() in ("不适用", "/", "—"):
            return 0.0
        try:
            return float(v)
        except ValueError:
            return None
    return float(v)


def _naive_check(cells: dict) -> int:
    """R1, R3, R4 (table 3) and R6–R8 (table 4) for one report, in plain Python. Returns the failures."""
    bad = 0

    def get(v, t, r, c):
        return _naive_value(cells.get((v, t, r, c)))

    for v in ("2019", "2021"):
        if (v, "t3", "results_total", "total") in cells:
            for c in (*_APPLICANTS, "total"):
                a = [get(v, "t3", r, c) for r in ("new_received", "carried_over", "results_total", "carried_forward")]
                if None not in a and abs(a[0] + a[1] - a[2] - a[3]) > 1e-6:
                    bad += 1
                parts = [get(v, "t3", r, c) for r in _OUTCOMES[v]]
                if a[2] is not None and None not in parts and abs(sum(parts) - a[2]) > 1e-6:
                    bad += 1
            for r in ("new_received", "carried_over", *_OUTCOMES[v], "results_total", "carried_forward"):
                total = get(v, "t3", r, "total")
                parts = [get(v, "t3", r, c) for c in _APPLICANTS]
                if total is not None and None not in parts and abs(sum(parts) - total) > 1e-6:
                    bad += 1
        for route in ("review", "direct", "after_review"):
            total = get(v, "t4", "value", f"{route}_total")
            parts = [get(v, "t4", "value", f"{route}_{o}") for o in ("maintained", "corrected", "other", "pending")]
            if total is not None and None not in parts and abs(sum(parts) - total) > 1e-6:
                bad += 1
    return bad


# ------------------------------------------------------------------------------------------- driver


def _child(args: argparse.Namespace, name: str, data: Path) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--phase", name, "--data", str(data),
           "--sample", str(args.sample)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"phase {name} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _dataset(args: argparse.Namespace, years: list[int]) -> tuple[Path, dict | None]:
    from govreport.analysis.synth import SynthParams, is_synthetic_dir
    from govreport.analysis.synth_gen import GENERATOR_VERSION

    params = SynthParams(agencies=args.agencies, years=tuple(years), seed=args.seed, narratives=False)
    key = f"core-a{args.agencies}-y{years[0]}-{years[-1]}-s{args.seed}-g{GENERATOR_VERSION}"
    root = Path(args.work) if args.work else Path(tempfile.gettempdir()) / "govreport-bench" / key
    marker = root / "SYNTHETIC.txt"
    if is_synthetic_dir(root) and f"command: {params.command}" in marker.read_text(encoding="utf-8"):
        return root, None
    cmd = [sys.executable, "-m", "govreport", "synth", "--agencies", str(args.agencies),
           "--years", f"{years[0]}-{years[-1]}", "--seed", str(args.seed), "--out", str(root), "--no-narratives"]
    t = time.perf_counter()
    # a child process, timed from outside; its peak memory comes from /usr/bin/time when available
    timer = ["/usr/bin/time", "-f", "%M"] if Path("/usr/bin/time").exists() else []
    proc = subprocess.run(timer + cmd, capture_output=True, text=True, cwd=REPO, check=False)
    seconds = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"generating the dataset failed:\n{proc.stderr}")
    peak = float(proc.stderr.strip().splitlines()[-1]) / 1024.0 if timer else None
    return root, {"runs": [seconds], "median": seconds, "min": seconds, "max": seconds, "peak_rss_mb": peak,
                  "detail": {"command": " ".join(cmd[2:])}}


def _summarise(runs: list[dict], key: str = "seconds") -> dict:
    values = [r[key] for r in runs]
    return {"runs": values, "median": pystats.median(values), "min": min(values), "max": max(values),
            "peak_rss_mb": max(r["peak_rss_mb"] for r in runs), "detail": runs[-1]}


def _machine() -> dict:
    import numpy
    import pandas
    import pyarrow

    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                cwd=REPO, check=False).stdout.strip()
    except OSError:  # pragma: no cover
        commit = ""
    return {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
            "numpy": numpy.__version__, "pandas": pandas.__version__, "pyarrow": pyarrow.__version__,
            "git_head": commit, "load_average_start": list(os.getloadavg())}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--agencies", type=int, default=20_000)
    ap.add_argument("--years", default="2019-2023")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3, help="runs of each fast phase (median reported)")
    ap.add_argument("--sample", type=int, default=500, help="reports in the naive per-report loop")
    ap.add_argument("--work", help="dataset directory (default: a cache directory keyed by the arguments)")
    ap.add_argument("--out", type=Path, default=RESULTS, help="where to write the JSON results")
    ap.add_argument("--skip-naive", action="store_true", help="do not run the (slow) naive alternative")
    ap.add_argument("--phase", help=argparse.SUPPRESS)
    ap.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.phase:
        print(json.dumps(phase(args.phase, args.data, args.sample)))
        return 0

    from govreport.core.years import parse_years

    years = parse_years(args.years) or []
    machine = _machine()
    data, synth = _dataset(args, years)
    print(f"dataset: {data} ({'generated' if synth else 'reused'})", file=sys.stderr)
    phases: dict[str, dict] = {}
    if synth:
        phases["synth"] = synth
    plan = [("load_csv", 1), ("load_csv+cache", 1), ("load_cached", args.repeat), ("checks_first", 1),
            ("checks", args.repeat),
            ("stats", args.repeat), ("checks+stats", args.repeat)]
    if not args.skip_naive:
        plan.append(("naive", 1))
    for name, repeat in plan:
        runs = [_child(args, name, data) for _ in range(repeat)]
        phases[name] = _summarise(runs)
        print(f"  {name:<15} {phases[name]['median']:8.2f} s   peak {phases[name]['peak_rss_mb']:7.0f} MB",
              file=sys.stderr)
    rows = phases["load_csv"]["detail"]["rows"]
    cs = phases["checks+stats"]
    split = {k: cs["detail"][k] for k in ("checks_seconds", "stats_seconds")}
    once_loaded = cs["median"]
    peak_workflow = max(phases[p]["peak_rss_mb"] for p in ("load_cached", "checks", "stats", "checks+stats"))
    peak_first = max(phases[p]["peak_rss_mb"] for p in ("load_csv", "load_csv+cache"))
    result = {
        "benchmark": "bench/bench_core.py",
        "dataset": {"dir": str(data), "agencies": args.agencies, "years": years, "seed": args.seed,
                    "agency_years": rows["reports"], "rows": rows,
                    "csv_bytes": sum((data / f"{n}.csv").stat().st_size for n in rows)},
        "machine": machine,
        "phases": phases,
        "targets": {
            "load_cached_s": {"target": TARGETS["load_s"], "measured": phases["load_cached"]["median"],
                              "met": phases["load_cached"]["median"] <= TARGETS["load_s"]},
            "load_csv_s": {"target": TARGETS["load_s"], "measured": phases["load_csv"]["median"],
                           "met": phases["load_csv"]["median"] <= TARGETS["load_s"]},
            "checks_plus_stats_s": {"target": TARGETS["checks_stats_s"], "measured": once_loaded,
                                    "met": once_loaded <= TARGETS["checks_stats_s"], "last_run_split": split},
            "peak_mb_workflow": {"target": TARGETS["peak_mb"], "measured": peak_workflow,
                                 "met": peak_workflow <= TARGETS["peak_mb"]},
            "peak_mb_first_load": {"target": TARGETS["peak_mb"], "measured": peak_first,
                                   "met": peak_first <= TARGETS["peak_mb"]},
        },
    }
    if "naive" in phases:
        nv = phases["naive"]["detail"]
        result["ratios"] = {
            "naive_read_csv / load_csv": nv["load_seconds"] / phases["load_csv"]["median"],
            "naive_read_csv / load_cached": nv["load_seconds"] / phases["load_cached"]["median"],
            "naive_checks_extrapolated / checks": nv["checks_seconds_extrapolated"] / phases["checks"]["median"],
            "naive_peak_mb / load_cached_peak_mb":
                phases["naive"]["peak_rss_mb"] / phases["load_cached"]["peak_rss_mb"],
        }
    machine["load_average_end"] = list(os.getloadavg())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    _print_table(result)
    print(f"\nresults written to {args.out}", file=sys.stderr)
    return 0


def _print_table(result: dict) -> None:
    ph = result["phases"]
    d = result["dataset"]
    print(f"\ngovreport core benchmark: {d['agency_years']:,} agency-years, {d['rows']['cells']:,} cells, "
          f"{d['csv_bytes'] / 2**20:,.0f} MiB of CSV; {result['machine']['cpus']} CPUs, load average "
          f"{result['machine']['load_average_start'][0]:.1f} → {result['machine']['load_average_end'][0]:.1f}")
    print(f"{'phase':<16}{'median s':>10}{'min s':>9}{'max s':>9}{'peak MB':>10}  runs")
    for name, p in ph.items():
        peak = f"{p['peak_rss_mb']:.0f}" if p.get("peak_rss_mb") is not None else "-"
        print(f"{name:<16}{p['median']:>10.2f}{p['min']:>9.2f}{p['max']:>9.2f}{peak:>10}  {len(p['runs'])}")
    if "stats" in ph:
        print("statistics (last run): " + ", ".join(f"{k} {v:.2f} s" for k, v in ph["stats"]["detail"]["functions"]
                                                     .items()))
    cs = ph["checks+stats"]["detail"]
    print(f"checks+stats (last run): checks {cs['checks_seconds']:.2f} s + statistics {cs['stats_seconds']:.2f} s")
    if "naive" in ph:
        nv = ph["naive"]["detail"]
        print(f"naive: pandas.read_csv (defaults) {nv['load_seconds']:.1f} s; per-report Python checks "
              f"{nv['per_report_seconds'] * 1000:.2f} ms/report on a sample of {nv['sample_reports']} "
              f"(+ {nv['group_seconds']:.1f} s groupby) → EXTRAPOLATED {nv['checks_seconds_extrapolated']:.0f} s "
              f"for {nv['reports']:,} reports")
        for k, v in result["ratios"].items():
            print(f"ratio {k}: {v:.1f}×")
    print("targets:")
    for k, t in result["targets"].items():
        print(f"  {k:<22} target {t['target']:>6}  measured {t['measured']:8.2f}  {'met' if t['met'] else 'MISSED'}")


if __name__ == "__main__":
    raise SystemExit(main())
