"""mnist_viz._warn: every warning mnist_viz gives a user names the user's own line (the ``fit`` or
``train`` call in this file), once per kind and fit, not a Keras, TensorFlow or mnist_viz line."""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import doctest  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402
from collections import Counter  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from mnist_viz import _warn  # noqa: E402
from mnist_viz._warn import caller_stacklevel, is_internal_file, warn_at_caller  # noqa: E402


def _caught(call):
    """Run ``call()``; the warnings mnist_viz gave (messages that name a recorder or the loader)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return [w for w in caught if issubclass(w.category, UserWarning) and "Recorder" in str(w.message)]


def _assert_at_this_file_once_per_kind(caught, kinds):
    """Each of ``kinds`` (a substring of the message) warned exactly once, at a line of this file."""
    assert [(w.filename, w.lineno) for w in caught if w.filename != __file__] == []
    counts = Counter(kind for w in caught for kind in kinds if kind in str(w.message))
    assert counts == {kind: 1 for kind in kinds}, [str(w.message) for w in caught]
    assert len(caught) == len(kinds), [str(w.message) for w in caught]


def _compiled_in(folder, source, name):
    """The function ``name`` of ``source``, compiled as if it were a file in ``folder``."""
    namespace = {"warn_at_caller": warn_at_caller}
    exec(compile(source, os.path.join(folder, "_test_warn_fake.py"), "exec"), namespace)
    return namespace[name]


def test_a_warning_from_inside_library_frames_names_the_first_user_frame():
    from mnist_viz._tf import import_keras

    keras_dir = os.path.dirname(import_keras().__file__)
    ours = _compiled_in(os.path.dirname(_warn.__file__), "def ours():\n    warn_at_caller('deep')\n", "ours")
    relay = _compiled_in(os.path.join(keras_dir, "src"), "def relay(f):\n    return f()\n", "relay")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        relay(ours); line = sys._getframe().f_lineno  # noqa: E702
    assert (caught[0].filename, caught[0].lineno) == (__file__, line)


def test_library_and_stdlib_wrapper_files_are_internal():
    import contextlib
    import threading

    from mnist_viz._tf import import_keras

    keras = import_keras()
    assert is_internal_file(keras.__file__) and is_internal_file(contextlib.__file__)
    assert is_internal_file(threading.__file__) and is_internal_file(_warn.__file__)
    assert not is_internal_file(__file__) and not is_internal_file(os.__file__)


def test_stacklevel_counts_the_internal_frames():
    assert caller_stacklevel() == 1  # called here: this file is the user's


# -- the recorders, fit from this file --------------------------------------------------------------
def _data(n=24, d=6, classes=3):
    rng = np.random.default_rng(0)
    return rng.normal(size=(n, d)).astype(np.float32), (np.arange(n) % classes).astype(np.int64)


def _model(d=6, classes=3, *, loss="sparse_categorical_crossentropy", activation="softmax"):
    from mnist_viz._tf import import_keras

    keras = import_keras()
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((d,)), keras.layers.Dense(5, activation="relu", name="hidden"),
                              keras.layers.Dense(classes, activation=activation, name="out")])
    model.compile(keras.optimizers.SGD(0.01), loss)
    return model


def test_run_recorder_without_validation_or_test_data_warns_at_this_fit_once(tmp_path):
    from mnist_viz.callbacks import RunRecorder

    x, y = _data()
    model = _model()
    rec = RunRecorder(tmp_path / "r", save_model=False)
    caught = _caught(lambda: model.fit(x, y, epochs=3, verbose=0, callbacks=[rec]))  # no validation at all
    _assert_at_this_file_once_per_kind(caught, ["PredictionRecorder has no validation_data",
                                                "WeightRecorder has no probe batch"])
    assert "`validation_data=(x_val, y_val)` to RunRecorder" in str(caught[0].message)
    # a second fit with the same recorder is a new fit: its warnings are given again, once each
    caught = _caught(lambda: model.fit(x, y, epochs=2, verbose=0, callbacks=[rec]))
    _assert_at_this_file_once_per_kind(caught, ["PredictionRecorder has no validation_data",
                                                "WeightRecorder has no probe batch"])


def test_prediction_recorder_without_validation_data_warns_at_this_fit_once():
    from mnist_viz.callbacks import PredictionRecorder

    x, y = _data()
    caught = _caught(lambda: _model().fit(x, y, epochs=3, verbose=0, callbacks=[PredictionRecorder()]))
    _assert_at_this_file_once_per_kind(caught, ["PredictionRecorder has no validation_data"])
    assert "`training_data=(x_train, y_train)` to RunRecorder reproduces its `validation_split`" \
        in str(caught[0].message)


def test_weight_recorder_without_probe_batch_warns_at_this_fit_once():
    from mnist_viz.callbacks import WeightRecorder

    x, y = _data()
    caught = _caught(lambda: _model().fit(x, y, epochs=3, verbose=0, callbacks=[WeightRecorder()]))
    _assert_at_this_file_once_per_kind(caught, ["WeightRecorder has no probe batch"])
    assert "`probe_x=x_val`" in str(caught[0].message)


def test_a_regression_model_warns_at_this_fit_once(tmp_path):
    from mnist_viz.callbacks import RunRecorder

    x, _ = _data()
    target = x[:, :1].copy()
    model = _model(classes=1, loss="mse", activation=None)
    rec = RunRecorder(tmp_path / "reg", validation_data=(x, target), test_data=(x, target), save_model=False)
    caught = _caught(lambda: model.fit(x, target, epochs=3, verbose=0, callbacks=[rec]))
    _assert_at_this_file_once_per_kind(caught, ["RunRecorder: the model has 1 linear output and loss 'mse'"])


def test_plots_warn_at_the_users_call():
    from mnist_viz import metrics

    with pytest.warns(UserWarning, match="treating them as logits") as caught:
        metrics.reliability_bins([0, 1], [[3.0, -1.0], [0.5, 2.0]])
    assert caught[0].filename == __file__


@pytest.mark.slow
def test_through_train_the_warning_names_the_caller_of_train(tmp_path):
    import mnist_viz
    from mnist_viz._tf import import_keras

    keras = import_keras()
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(10)])
    model.compile("sgd", "mse")  # a regression on the one-hot labels: not a classifier
    caught = _caught(lambda: mnist_viz.train(model, "embedded", epochs=1, out=tmp_path / "t", quiet=True))
    _assert_at_this_file_once_per_kind(caught, ["RunRecorder: the model has 10 linear outputs"])


def test_docstring_examples_run():
    assert doctest.testmod(_warn).failed == 0
