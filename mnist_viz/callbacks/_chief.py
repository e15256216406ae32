"""Who writes the records: under multi-worker training only the chief does.

:func:`is_chief` decides like Keras' own callbacks, for the backend in use (``tf.distribute`` and
``TF_CONFIG`` on TensorFlow, the process index on JAX, the rank on torch). The ``TF_CONFIG`` part
(:func:`chief_from_tf_config`) is plain Python; only the strategy lookup on the TensorFlow backend
imports TensorFlow, when called.

Example
-------
>>> chief_from_tf_config('{"cluster": {"worker": ["a:1", "b:2"]}, "task": {"type": "worker", "index": 0}}')
True
>>> chief_from_tf_config('{"cluster": {"chief": ["c:1"], "worker": ["a:1"]}, "task": {"type": "worker", "index": 0}}')
False
>>> chief_from_tf_config(None)
True
"""
from __future__ import annotations

import json
import os

__all__ = ["is_chief", "chief_from_tf_config", "is_default_strategy"]


def is_chief(strategy=None) -> bool:
    """Whether this process should write records: True for single-process training and the chief.

    Decided like Keras' own callbacks, for the Keras backend in use. A distribution strategy
    (``strategy``, or on TensorFlow the one active) answers through
    ``strategy.extended.should_checkpoint``. On TensorFlow without one, the ``TF_CONFIG``
    environment variable decides — the ``chief`` task, or ``worker`` 0 when the cluster has no
    chief, or any process without a task; evaluators and parameter servers never write. On JAX the
    process with ``jax.process_index() == 0`` writes (one process, or ``keras.distribution`` over
    several); on torch, rank 0 of an initialized ``torch.distributed`` group, else the one process.
    TensorFlow is imported only when it is the backend.

    >>> import os, json
    >>> from mnist_viz._tf import backend
    >>> os.environ["TF_CONFIG"] = json.dumps({"cluster": {"worker": ["a:1", "b:2"]},
    ...                                       "task": {"type": "worker", "index": 1}})
    >>> is_chief() is (backend() != "tensorflow")      # worker 1 of a TensorFlow cluster does not write
    True
    >>> del os.environ["TF_CONFIG"]
    >>> is_chief()
    True
    """
    from mnist_viz._tf import backend

    name = backend()
    if strategy is None and name == "tensorflow":
        from mnist_viz._tf import import_tensorflow

        tf = import_tensorflow()
        if tf.distribute.has_strategy():
            strategy = tf.distribute.get_strategy()
    if strategy is not None and not is_default_strategy(strategy):
        extended = getattr(strategy, "extended", None)
        should = getattr(extended, "should_checkpoint", None)
        if should is not None:
            return bool(should)
    if name == "tensorflow":
        return chief_from_tf_config(os.environ.get("TF_CONFIG"))
    if name == "jax":
        import jax

        return int(jax.process_index()) == 0
    if name == "torch":
        import torch.distributed as dist

        return not (dist.is_available() and dist.is_initialized()) or int(dist.get_rank()) == 0
    return True


def is_default_strategy(strategy) -> bool:
    """Whether ``strategy`` is TensorFlow's default (no distribution at all)."""
    return type(strategy).__name__ in {"_DefaultDistributionStrategy", "_DefaultDistributionStrategyV1"}


def chief_from_tf_config(raw: str | None) -> bool:
    """Whether the task described by ``raw`` (the ``TF_CONFIG`` JSON text, or None) is the chief."""
    if not raw:
        return True
    try:
        config = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"TF_CONFIG must be JSON like {{'cluster': ..., 'task': ...}}; got {raw!r} ({exc})") from None
    if not isinstance(config, dict):
        raise ValueError(f"TF_CONFIG must be a JSON object; got {type(config).__name__}")
    task = config.get("task") or {}
    cluster = config.get("cluster") or {}
    task_type = task.get("type")
    task_id = int(task.get("index", 0) or 0)
    if task_type is None or task_type == "chief":
        return True
    if task_type == "worker":
        return task_id == 0 and "chief" not in cluster
    return False  # evaluator, ps
