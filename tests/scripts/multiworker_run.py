"""One process of the MultiWorkerMirroredStrategy test (tests/test_distributed_multiworker.py).

Run as ``python tests/scripts/multiworker_run.py OUT NAME``. With ``TF_CONFIG`` in the environment
(a two-worker cluster on 127.0.0.1) it is one worker of a ``tf.distribute.MultiWorkerMirroredStrategy``
fit; without it, the same fit on one device. Either way a ``RunRecorder`` points at ``OUT/NAME``
and, after ``fit``, ``OUT/NAME.done.json`` says what this process saw (replicas in sync, whether it
is the chief). The fit is tests/scripts/tiny_fit.py's: 72 samples at global batch
16 (4 full batches and one of 8), 2 epochs, plain SGD, no shuffling — so the two workers' averaged
gradients equal the single device's up to float rounding.

The strategy must exist before TensorFlow runs any op, hence one process per worker.
"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ["KERAS_BACKEND"] = "tensorflow"  # tf.distribute: TensorFlow only by nature
sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))

import tensorflow as tf  # noqa: E402

tf.config.threading.set_intra_op_parallelism_threads(1)  # three processes share 2 cores
tf.config.threading.set_inter_op_parallelism_threads(2)

out, name = sys.argv[1], sys.argv[2]
distributed = bool(os.environ.get("TF_CONFIG"))
strategy = tf.distribute.MultiWorkerMirroredStrategy() if distributed else None

import keras  # noqa: E402

from mnist_viz.callbacks import is_chief  # noqa: E402
from tiny_fit import recorded_fit, tiny_data, tiny_model  # noqa: E402

x, y, xv, yv = data = tiny_data(72, 24)


def build_from_local_shapes(model):
    """Keras 3 (still 3.15) cannot begin ``fit``/``evaluate`` under MultiWorkerMirroredStrategy: its
    ``_maybe_symbolic_build`` averages the first distributed batch with ``strategy.reduce``, which
    this strategy cannot do eagerly ("Attempt to convert a value (PerReplica...) to a Tensor";
    keras-team/keras#20585). The batch only gives shapes, so build from local arrays instead."""

    def symbolic_build(iterator=None, data_batch=None):
        with strategy.scope():
            model._symbolic_build(data_batch=(x[:8], y[:8]))

    object.__setattr__(model, "_maybe_symbolic_build", symbolic_build)


def reduce_scalars_across_workers():
    """Keras 3.15 averages each step's logs across workers with ``strategy.reduce("MEAN", v, axis=0)``,
    which fails for the scalar logs ("Invalid reduction dimension 0 for input with 0 dimensions");
    the mean of scalars over replicas is ``axis=None``."""
    from keras.src.backend.tensorflow import trainer

    original = trainer.reduce_per_replica

    def reduce_per_replica(values, strategy, reduction):
        if reduction in ("auto", "mean") and trainer._collective_all_reduce_multi_worker(strategy):
            return tf.nest.map_structure(
                lambda v: strategy.reduce("MEAN", v, axis=None if v.shape.rank == 0 else 0), values)
        return original(values, strategy, reduction)

    trainer.reduce_per_replica = reduce_per_replica


if strategy is not None:
    with strategy.scope():
        model = tiny_model()
    build_from_local_shapes(model)
    reduce_scalars_across_workers()
else:
    model = tiny_model()
rec = recorded_fit(model, data, os.path.join(out, name), "tiny")
done = {"distributed": distributed, "is_chief": is_chief(strategy),
        "replicas": strategy.num_replicas_in_sync if strategy is not None else 1,
        "recorder_writes": rec.writes}
with open(os.path.join(out, f"{name}.done.json"), "w") as fh:
    json.dump(done, fh)
