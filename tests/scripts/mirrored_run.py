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


from mnist_viz._tf import import_keras  # noqa: E402

keras = import_keras()
import tensorflow as tf  # noqa: E402

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

from mnist_viz.callbacks import is_chief  # noqa: E402

from tiny_fit import recorded_fit, tiny_data, tiny_model  # noqa: E402

out = sys.argv[1]
# batch 16 over 72 samples: 4 full batches and a last one of 8 (4 per replica)
data = tiny_data(72, 24)
recorded_fit(tiny_model(), data, os.path.join(out, "single"), "single")
strategy = tf.distribute.MirroredStrategy([d.name for d in tf.config.list_logical_devices("CPU")])
with strategy.scope():
    model = tiny_model()
recorded_fit(model, data, os.path.join(out, "mirrored"), "mirrored")
with open(os.path.join(out, "done.json"), "w") as fh:
    json.dump({"replicas": strategy.num_replicas_in_sync, "chief_in_mirrored": is_chief(strategy)}, fh)
