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

from mnist_viz._tf import import_keras  # noqa: E402

keras = import_keras()
from mnist_viz.callbacks import is_chief  # noqa: E402

from tiny_fit import recorded_fit, tiny_data, tiny_model  # noqa: E402

out = sys.argv[1]
data = tiny_data(64, 32)  # batch 16: 4 full batches an epoch, 8 samples per device
recorded_fit(tiny_model(), data, os.path.join(out, "single"), "single")
devices = jax.devices()
keras.distribution.set_distribution(keras.distribution.DataParallel(devices=devices))
model = tiny_model()
recorded_fit(model, data, os.path.join(out, "parallel"), "parallel")
kernel = model.get_layer("hidden").kernel.value
with open(os.path.join(out, "done.json"), "w") as fh:
    json.dump({"devices": len(devices), "kernel_devices": len(kernel.sharding.device_set), "chief": is_chief()}, fh)
