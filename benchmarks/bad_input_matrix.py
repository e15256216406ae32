"""The bad-input matrix of issue 14, counted: every case of tests/bad_input_cases.py run once, in one
process, and judged clear / unclear / silent (see that module); prints the counts and each non-clear
case with what happened.

The cases come from this script's own tree; the mnist_viz they run against is whatever PYTHONPATH
gives, so an older checkout can be measured with today's cases (a case whose API or exception class
that checkout lacks counts as unclear, and says so):

    PYTHONPATH=$PWD python benchmarks/bad_input_matrix.py
    PYTHONPATH=/path/to/old/tree python benchmarks/bad_input_matrix.py [--only ID_SUBSTRING]
"""
from __future__ import annotations

import argparse
import collections
import importlib.util
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

TESTS = Path(__file__).resolve().parents[1] / "tests"
VERDICTS = ("clear", "unclear", "silent")


def load_cases():
    """tests/bad_input_cases.py of this tree, imported by file path (its helpers from the same folder)."""
    sys.path.insert(1, str(TESTS))  # after PYTHONPATH's entry, so mnist_viz stays the one it gives
    spec = importlib.util.spec_from_file_location("bad_input_cases", TESTS / "bad_input_cases.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="run only the cases whose id contains this")
    args = parser.parse_args()
    module = load_cases()
    import mnist_viz

    counts: collections.Counter[str] = collections.Counter()
    not_clear = []
    start = time.perf_counter()
    for case in module.CASES:
        if args.only not in case.id:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            verdict, detail = module.outcome(case, Path(tmp))
        counts[verdict] += 1
        if verdict != "clear":
            not_clear.append((case.id, verdict, detail))
    total = sum(counts.values())
    print(f"mnist_viz {mnist_viz.__version__} from {Path(mnist_viz.__file__).resolve().parents[1]}")
    print(f"bad-input matrix: {total} cases in {time.perf_counter() - start:.1f} s")
    print("  ".join(f"{v} {counts[v]}" for v in VERDICTS) + f"  total {total}")
    for case_id, verdict, detail in not_clear:
        print(f"  {verdict:<7} {case_id}: {detail}")


if __name__ == "__main__":
    main()
