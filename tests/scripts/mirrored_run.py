"""Train the same tiny model twice — on one device and under MirroredStrategy over 2 logical CPUs.

Run as ``python tests/scripts/mirrored_run.py OUT``: writes ``OUT/single`` and ``OUT/mirrored`` run
directories and ``OUT/done.json``. The logical devices must be configured before TensorFlow
initializes its devices, hence a separate process (see tests/test_distributed.py).
"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))

import numpy as np  # noqa: E402

from mnist_viz._tf import import_keras  # noqa: E402

keras = import_keras()
import tensorflow as tf  # noqa: E402

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

from mnist_viz.callbacks import RunRecorder, is_chief  # noqa: E402

out = sys.argv[1]
rng = np.random.default_rng(0)
x = rng.random((72, 784), dtype=np.float32)
y = (np.arange(72) % 10).astype(np.int64)
xv, yv = x[:24], y[:24]


def build():
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input((784,)), keras.layers.Dense(16, activation="relu", name="hidden"),
         keras.layers.Dense(10, activation="softmax", name="out")],
        name="tiny",
    )
    model.compile(keras.optimizers.SGD(0.1), "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def fit(model, name):
    rec = RunRecorder(os.path.join(out, name), name=name, validation_data=(xv, yv), test_data=(xv, yv),
                      save_model=False)
    # batch 16 over 72 samples: 4 full batches and a last one of 8 (4 per replica)
    model.fit(x, y, epochs=2, batch_size=16, shuffle=False, verbose=0, validation_data=(xv, yv), callbacks=[rec])


fit(build(), "single")
strategy = tf.distribute.MirroredStrategy([d.name for d in tf.config.list_logical_devices("CPU")])
with strategy.scope():
    model = build()
fit(model, "mirrored")
with open(os.path.join(out, "done.json"), "w") as fh:
    json.dump({"replicas": strategy.num_replicas_in_sync, "chief_in_mirrored": is_chief(strategy)}, fh)
