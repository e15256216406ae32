"""Import time of mnist_viz and its TensorFlow-free parts, next to `import tensorflow`.

Each import runs in a fresh interpreter, several times, alternating; prints medians and the ratio.
Target: `import mnist_viz`, `mnist_viz.plots` and `mnist_viz.report` each <= 1 s.

    python benchmarks/bench_import.py [--repeats 5]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGETS = ["mnist_viz", "mnist_viz.plots", "mnist_viz.report", "tensorflow"]


def time_import(module: str) -> float:
    code = (
        "import time; t = time.perf_counter(); import " + module + "; "
        "print(time.perf_counter() - t)"
    )
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", MPLBACKEND="Agg")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    times: dict[str, list[float]] = {m: [] for m in TARGETS}
    for _ in range(args.repeats):
        for module in TARGETS:  # alternate so machine noise hits every target alike
            times[module].append(time_import(module))
    tf = statistics.median(times["tensorflow"])
    print(f"{'module':<20} {'median s':>9} {'min s':>7} {'vs tensorflow':>14}  target")
    for module in TARGETS:
        med = statistics.median(times[module])
        target = "" if module == "tensorflow" else ("<= 1 s  OK" if med <= 1.0 else "<= 1 s  OVER")
        print(f"{module:<20} {med:9.3f} {min(times[module]):7.3f} {med / tf:13.2f}x  {target}")


if __name__ == "__main__":
    main()
