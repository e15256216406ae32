"""is_chief: who writes under multi-worker training (TF_CONFIG and distribution strategies)."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import json  # noqa: E402

import pytest  # noqa: E402

from mnist_viz.callbacks import is_chief  # noqa: E402

pytestmark = pytest.mark.backends  # runs on every Keras backend (tests/test_backends.py)


class FakeExtended:
    def __init__(self, should_checkpoint):
        self.should_checkpoint = should_checkpoint


class FakeStrategy:
    def __init__(self, should_checkpoint):
        self.extended = FakeExtended(should_checkpoint)


@pytest.mark.parametrize(
    "tf_config, expected",
    [
        (None, True),
        ({"cluster": {"chief": ["c:1"], "worker": ["w:1"]}, "task": {"type": "chief", "index": 0}}, True),
        ({"cluster": {"chief": ["c:1"], "worker": ["w:1"]}, "task": {"type": "worker", "index": 0}}, False),
        ({"cluster": {"worker": ["w:1", "w:2"]}, "task": {"type": "worker", "index": 0}}, True),
        ({"cluster": {"worker": ["w:1", "w:2"]}, "task": {"type": "worker", "index": 1}}, False),
        ({"cluster": {"worker": ["w:1"], "evaluator": ["e:1"]}, "task": {"type": "evaluator", "index": 0}}, False),
        ({"cluster": {"worker": ["w:1"], "ps": ["p:1"]}, "task": {"type": "ps", "index": 0}}, False),
        ({"cluster": {"worker": ["w:1"]}}, True),
    ],
)
@pytest.mark.tensorflow_only  # TF_CONFIG is TensorFlow's multi-worker set-up
def test_is_chief_from_tf_config(monkeypatch, tf_config, expected):
    if tf_config is None:
        monkeypatch.delenv("TF_CONFIG", raising=False)
    else:
        monkeypatch.setenv("TF_CONFIG", json.dumps(tf_config))
    assert is_chief() is expected


def test_is_chief_prefers_the_strategy(monkeypatch):
    monkeypatch.setenv("TF_CONFIG", json.dumps({"cluster": {"worker": ["a", "b"]}, "task": {"type": "worker", "index": 1}}))
    assert is_chief(FakeStrategy(True)) is True
    monkeypatch.delenv("TF_CONFIG")
    assert is_chief(FakeStrategy(False)) is False


@pytest.mark.tensorflow_only  # tf.distribute
def test_the_default_tensorflow_strategy_defers_to_tf_config(monkeypatch):
    import tensorflow as tf

    monkeypatch.delenv("TF_CONFIG", raising=False)
    assert is_chief(tf.distribute.get_strategy()) is True
    monkeypatch.setenv("TF_CONFIG", json.dumps({"cluster": {"worker": ["a", "b"]}, "task": {"type": "worker", "index": 1}}))
    assert is_chief(tf.distribute.get_strategy()) is False


@pytest.mark.tensorflow_only  # only TensorFlow reads TF_CONFIG
def test_is_chief_bad_tf_config(monkeypatch):
    monkeypatch.setenv("TF_CONFIG", "{not json")
    with pytest.raises(ValueError, match="TF_CONFIG must be JSON"):
        is_chief()


def test_on_jax_the_process_with_index_0_writes_whatever_tf_config_says(monkeypatch):
    from mnist_viz._tf import backend

    if backend() != "jax":
        pytest.skip(f"JAX backend only; Keras backend here is {backend()!r}")
    import jax

    monkeypatch.setenv("TF_CONFIG", json.dumps({"cluster": {"worker": ["a", "b"]}, "task": {"type": "worker", "index": 1}}))
    assert is_chief() is True  # one process: TF_CONFIG is TensorFlow's, not read here
    monkeypatch.setattr(jax, "process_index", lambda: 1)  # e.g. keras.distribution over two hosts
    assert is_chief() is False
    monkeypatch.setattr(jax, "process_index", lambda: 0)
    assert is_chief() is True


def test_on_torch_rank_0_of_a_process_group_writes(monkeypatch):
    from mnist_viz._tf import backend

    if backend() != "torch":
        pytest.skip(f"torch backend only; Keras backend here is {backend()!r}")
    import torch.distributed as dist

    monkeypatch.setenv("TF_CONFIG", json.dumps({"cluster": {"worker": ["a", "b"]}, "task": {"type": "worker", "index": 1}}))
    assert is_chief() is True  # one process, no process group
    monkeypatch.setattr(dist, "is_initialized", lambda: True)
    monkeypatch.setattr(dist, "get_rank", lambda group=None: 1)
    assert is_chief() is False
    monkeypatch.setattr(dist, "get_rank", lambda group=None: 0)
    assert is_chief() is True
