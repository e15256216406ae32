"""How much do the recorders cost? ``python benchmarks/bench_recorders.py``

1. The tutorial's dense model on the embedded split (4,000 train / 1,000 validation digits),
   10 epochs at batch 128: median fit wall time with ``RunRecorder`` defaults divided by a bare fit,
   over paired runs whose order rotates every repeat (bare, recorder, TensorBoard; then recorder,
   TensorBoard, bare; ...), printed next to the same ratio for
   ``keras.callbacks.TensorBoard(histogram_freq=1)`` (tensorboard is the benchmark-only extra:
   ``pip install tensorboard``; skipped with a note when absent). Target: <= 1.05.
2. ``keras.applications.ResNet50(weights=None, input_shape=(64, 64, 3), classes=10)`` (23.6M
   parameters) on a few random samples: WeightRecorder's time per epoch, its peak extra memory
   (tracemalloc, NumPy allocations included) and the bytes it writes per epoch.

Options: ``--repeats N`` (default 5), ``--epochs N`` (default 10), ``--quick`` (2 repeats, 2 epochs,
1 ResNet epoch: a smoke test of the script, not a measurement), ``--skip-resnet``,
``--backend tensorflow jax torch``: part 1 once per Keras backend, each in its own process with
``KERAS_BACKEND`` set before Keras is imported, then the ratios side by side (jax and torch are the
``[jax]`` / ``[torch]`` extras). Without ``--backend`` it runs in this process, on the backend Keras
is configured for.
Wall times are noisy on a shared machine; the paired, rotating design and medians are meant to
absorb some of that, not all of it.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from mnist_viz.run_format import WEIGHT_INDEX_JSON  # noqa: E402

BACKENDS = ("tensorflow", "jax", "torch")
keras = RunRecorder = WeightRecorder = None  # imported by load_keras(): --backend runs import no Keras here


def load_keras():
    """Import Keras and the recorders into this module (on the backend set in the environment)."""
    global keras, RunRecorder, WeightRecorder
    from mnist_viz._tf import import_keras

    keras = import_keras()
    from mnist_viz.callbacks import RunRecorder, WeightRecorder


def load_split():
    """4,000 train / 1,000 validation digits, flattened and scaled to [0, 1], one-hot labels."""
    from mnist_viz.data import flatten_scale, load_mnist, one_hot

    data = load_mnist("embedded")
    return (flatten_scale(data.x_train), one_hot(data.y_train, 10),
            flatten_scale(data.x_test), one_hot(data.y_test, 10))


def fit_once(kind: str, split, epochs: int, workdir: Path) -> tuple[float, float]:
    from mnist_viz.models import dense

    x, y, xv, yv = split
    keras.utils.set_random_seed(0)
    model = dense()
    callbacks = []
    if kind == "recorder":
        callbacks = [RunRecorder(workdir / "run", validation_data=(xv, yv))]
    elif kind == "tensorboard":
        callbacks = [keras.callbacks.TensorBoard(log_dir=str(workdir / "tb"), histogram_freq=1)]
    start, cpu = time.perf_counter(), time.process_time()
    model.fit(x, y, epochs=epochs, batch_size=128, validation_data=(xv, yv), callbacks=callbacks, verbose=0)
    return time.perf_counter() - start, time.process_time() - cpu


def dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def bench_dense(repeats: int, epochs: int) -> dict:
    """Part 1; returns ``{"bare_median": s, "ratios": {kind: {"wall": median, "cpu": median}}}``."""
    try:
        import tensorboard  # noqa: F401

        kinds = ["bare", "recorder", "tensorboard"]
    except ImportError:
        kinds = ["bare", "recorder"]
        print("tensorboard is not installed (pip install tensorboard): its ratio is skipped")
    split = load_split()
    print(f"dense model (407,050 params), {len(split[0])} train / {len(split[2])} validation, "
          f"{epochs} epochs, batch 128, {repeats} paired repeats, order rotating")
    with tempfile.TemporaryDirectory() as tmp:
        for kind in list(kinds):  # first-call costs (imports, kernels) off the clock
            try:
                fit_once(kind, split, 1, Path(tmp) / f"warmup_{kind}")
            except Exception as exc:  # e.g. TensorBoard histograms on a backend that lacks them
                if kind != "tensorboard":
                    raise
                kinds.remove(kind)
                print(f"{kind} fails on this backend ({type(exc).__name__}: {exc}): its ratio is skipped")
        times = {k: [] for k in kinds}
        cpu = {k: [] for k in kinds}  # process CPU time (every thread): steadier than wall on a busy machine
        for r in range(repeats):
            order = kinds[r % len(kinds):] + kinds[: r % len(kinds)]
            for kind in order:
                work = Path(tmp) / f"{kind}_{r}"
                wall, used = fit_once(kind, split, epochs, work)
                times[kind].append(wall)
                cpu[kind].append(used)
                if kind == "recorder" and r == 0:
                    size = dir_bytes(work / "run")
                if kind == "tensorboard" and r == 0:
                    tb_size = dir_bytes(work / "tb")
                shutil.rmtree(work, ignore_errors=True)
            print(f"  repeat {r + 1}: " + ", ".join(f"{k} {times[k][-1]:.2f}s" for k in kinds), flush=True)
    result = {"bare_median": statistics.median(times["bare"]), "ratios": {}}
    for kind in kinds[1:]:
        ratios = [t / b for t, b in zip(times[kind], times["bare"])]
        label = "RunRecorder defaults" if kind == "recorder" else "TensorBoard(histogram_freq=1)"
        print(f"{label:32s} median fit time / bare: {statistics.median(ratios):.3f} "
              f"(pairs: {', '.join(f'{q:.3f}' for q in ratios)})")
        cpu_ratios = [t / b for t, b in zip(cpu[kind], cpu["bare"])]
        print(f"{'':32s} median CPU time / bare: {statistics.median(cpu_ratios):.3f} "
              f"(pairs: {', '.join(f'{q:.3f}' for q in cpu_ratios)})")
        result["ratios"][kind] = {"wall": statistics.median(ratios), "cpu": statistics.median(cpu_ratios)}
    print(f"median bare fit: {statistics.median(times['bare']):.2f}s; run directory written by RunRecorder: "
          f"{size / 1e6:.2f} MB" + (f"; TensorBoard logs: {tb_size / 1e6:.2f} MB" if "tensorboard" in kinds else ""))
    return result


def timed_weight_recorder(*args, **kwargs):
    """A WeightRecorder that measures its own per-epoch time, peak extra memory and bytes written
    (its class is made here: WeightRecorder is imported by load_keras())."""

    class TimedWeightRecorder(WeightRecorder):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.epoch_seconds, self.blocking_seconds = [], []
            self.peaks, self.bytes_written, self.growth = [], [], []

        def on_epoch_end(self, epoch, logs=None):
            before = dir_bytes(self.run_dir)
            tracemalloc.start()
            start = time.perf_counter()
            super().on_epoch_end(epoch, logs)
            self.blocking_seconds.append(time.perf_counter() - start)  # what the training thread waits
            self.flush()  # + the statistics, histograms and writes done on the writer thread
            self.epoch_seconds.append(time.perf_counter() - start)
            self.peaks.append(tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
            after = dir_bytes(self.run_dir)
            self.growth.append(after - before)
            self.bytes_written.append(after - dir_bytes(self.run_dir / WEIGHT_INDEX_JSON))

    return TimedWeightRecorder(*args, **kwargs)


def bench_resnet(epochs: int) -> None:
    keras.utils.set_random_seed(0)
    model = keras.applications.ResNet50(weights=None, input_shape=(64, 64, 3), classes=10)
    model.compile("sgd", "sparse_categorical_crossentropy")
    n_params = model.count_params()
    rng = np.random.default_rng(0)
    x = rng.random((8, 64, 64, 3), dtype=np.float32)
    y = np.arange(8) % 10
    with tempfile.TemporaryDirectory() as tmp:
        rec = timed_weight_recorder(Path(tmp) / "run", probe_x=x)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        model.fit(x, y, epochs=epochs, batch_size=8, verbose=0, callbacks=[rec])
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        n_vars = len(rec.index)
        n_layers = len({e["layer"] for e in rec.index})
        relu = rec.dead_relu["layer"].nunique()
    print(f"ResNet50 ({n_params / 1e6:.1f}M params, {n_vars} weight variables in {n_layers} layers, "
          f"{relu} ReLU layers), 8 samples 64x64x3, {epochs} epochs:")
    print(f"  WeightRecorder per epoch: median {statistics.median(rec.epoch_seconds):.2f}s of work "
          f"(each: {', '.join(f'{s:.2f}' for s in rec.epoch_seconds)}), of which the training thread "
          f"waits {statistics.median(rec.blocking_seconds):.2f}s (weights copied out + probe pass; the rest "
          "runs on the writer thread)")
    print(f"  peak extra memory during a record (tracemalloc): {max(rec.peaks) / 2**20:.0f} MiB "
          f"(the weights themselves are {n_params * 4 / 2**20:.0f} MiB in float32); "
          f"process max RSS {rss_after / 1024:.0f} MiB (was {rss_before / 1024:.0f} MiB before fit)")
    growth = statistics.median(rec.growth[1:] or rec.growth)
    print(f"  storage per epoch (statistics mode): {growth:,.0f} bytes = {growth / n_layers:,.0f} per layer; "
          f"bytes written in the last epoch (files are rewritten whole): {rec.bytes_written[-1]:,.0f}")


def run_backend(backend: str, args) -> dict:
    """Part 1 in a fresh process with ``KERAS_BACKEND=backend``, its output shown line by line with
    the backend's name in front; ``{"backend": ..., "error": None or the reason, ...part 1's result}``."""
    with tempfile.TemporaryDirectory() as tmp:
        result_path = Path(tmp) / "result.json"
        cmd = [sys.executable, str(Path(__file__).resolve()), "--skip-resnet", "--repeats", str(args.repeats),
               "--epochs", str(args.epochs), "--result-json", str(result_path)]
        env = dict(os.environ, KERAS_BACKEND=backend, PYTHONUNBUFFERED="1")
        tail = []
        with subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as proc:
            for line in proc.stdout:
                print(f"[{backend}] {line}", end="", flush=True)
                tail = (tail + [line.rstrip()])[-5:]
        if proc.returncode != 0 or not result_path.exists():
            last = next((line for line in reversed(tail) if line.strip()), "no output")
            return {"backend": backend, "error": f"exit {proc.returncode}: {last}"}
        return {"backend": backend, "error": None, **json.loads(result_path.read_text())}


def side_by_side(results: list[dict]) -> str:
    """The per-backend ratios as a small text table.

    >>> print(side_by_side([{"backend": "tensorflow", "error": None, "keras_backend": "tensorflow",
    ...                      "bare_median": 2.0, "ratios": {"recorder": {"wall": 1.02, "cpu": 1.1}}},
    ...                     {"backend": "jax", "error": "exit 1: ImportError: No module named 'jax'"}]))
    backend     bare fit  RunRecorder wall  RunRecorder CPU  TensorBoard wall
    tensorflow     2.00s            1.020x           1.100x                 -
    jax         failed: exit 1: ImportError: No module named 'jax'
    """
    lines = [f"{'backend':10s}  {'bare fit':>8s}  {'RunRecorder wall':>16s}  {'RunRecorder CPU':>15s}  "
             f"{'TensorBoard wall':>16s}"]
    for r in results:
        if r["error"]:
            lines.append(f"{r['backend']:10s}  failed: {r['error']}")
            continue
        ratios = r["ratios"]

        def cell(kind, which, width):
            return f"{ratios[kind][which]:.3f}x".rjust(width) if kind in ratios else "-".rjust(width)

        lines.append(f"{r['backend']:10s}  {r['bare_median']:7.2f}s  {cell('recorder', 'wall', 16)}  "
                     f"{cell('recorder', 'cpu', 15)}  {cell('tensorboard', 'wall', 16)}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--resnet-epochs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="smoke test: 2 repeats, 2 epochs")
    parser.add_argument("--skip-resnet", action="store_true")
    parser.add_argument("--backend", nargs="+", choices=BACKENDS, metavar="{tensorflow,jax,torch}",
                        help="run part 1 once per Keras backend, each in its own process, and compare")
    parser.add_argument("--result-json", help=argparse.SUPPRESS)  # where a --backend child puts part 1's result
    args = parser.parse_args(argv)
    if args.quick:
        args.repeats, args.epochs, args.resnet_epochs = 2, 2, 2
    if args.backend:
        results = [run_backend(backend, args) for backend in dict.fromkeys(args.backend)]
        print(f"\nRunRecorder defaults vs bare fit per backend ({args.epochs} epochs, {args.repeats} paired repeats, "
              "medians):")
        print(side_by_side(results))
        return 1 if any(r["error"] for r in results) else 0
    load_keras()
    backend = keras.backend.backend()
    print(f"cpu_count={os.cpu_count()}, keras {keras.__version__} on {backend}, numpy {np.__version__}")
    result = bench_dense(args.repeats, args.epochs)
    if args.result_json:
        Path(args.result_json).write_text(json.dumps({"keras_backend": backend, **result}))
    if not args.skip_resnet:
        bench_resnet(args.resnet_epochs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
