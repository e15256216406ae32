"""is_chief: who writes under multi-worker training (TF_CONFIG and distribution strategies)."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import json  # noqa: E402

import pytest  # noqa: E402

from mnist_viz.callbacks import is_chief  # noqa: E402


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
    import tensorflow as tf

    assert is_chief(tf.distribute.get_strategy()) is True  # the default strategy defers to TF_CONFIG


def test_is_chief_bad_tf_config(monkeypatch):
    monkeypatch.setenv("TF_CONFIG", "{not json")
    with pytest.raises(ValueError, match="TF_CONFIG must be JSON"):
        is_chief()
