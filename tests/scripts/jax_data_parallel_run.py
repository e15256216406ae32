"""Train the same tiny model twice on JAX — on one device and under keras.distribution.DataParallel
over 2 host CPU devices.

Run as ``python tests/scripts/jax_data_parallel_run.py OUT``: writes ``OUT/single`` and
``OUT/parallel`` run directories and ``OUT/done.json``. JAX's device count is fixed when JAX starts,
so ``XLA_FLAGS=--xla_force_host_platform_device_count=2`` and ``KERAS_BACKEND=jax`` are set here,
before anything imports it (see tests/test_distributed_jax.py).
"""
import json
import os
import sys

os.environ["KERAS_BACKEND"] = "jax"
os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") + " --xla_force_host_platform_device_count=2").strip()
sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))

import jax  # noqa: E402
import numpy as np  # noqa: E402

from mnist_viz._tf import import_keras  # noqa: E402

keras = import_keras()
from mnist_viz.callbacks import RunRecorder, is_chief  # noqa: E402

out = sys.argv[1]
rng = np.random.default_rng(0)
x = rng.random((64, 784), dtype=np.float32)
y = (np.arange(64) % 10).astype(np.int64)
xv, yv = x[:32], y[:32]


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
    model.fit(x, y, epochs=2, batch_size=16, shuffle=False, verbose=0, validation_data=(xv, yv), callbacks=[rec])


fit(build(), "single")
devices = jax.devices()
keras.distribution.set_distribution(keras.distribution.DataParallel(devices=devices))
model = build()
fit(model, "parallel")
kernel = model.get_layer("hidden").kernel.value
with open(os.path.join(out, "done.json"), "w") as fh:
    json.dump({"devices": len(devices), "kernel_devices": len(kernel.sharding.device_set), "chief": is_chief()}, fh)
