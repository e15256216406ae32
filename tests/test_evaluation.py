"""mnist_viz.evaluate (mnist_viz/evaluation.py): a run's saved model scored on another test set, written
as a named evaluation inside the run. The session's real dense run (conftest ``trained_runs``: 2 epochs
on the embedded digits) is trained once; each test works on its own copy of it. The CLI's ``evaluate`` is tested in test_cli.py."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from data_helpers import write_idx_folder

from mnist_viz import run_format as fmt

pytestmark = pytest.mark.backends  # runs on every Keras backend (tests/test_backends.py)

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def run_dir(trained_runs, tmp_path) -> Path:
    """A copy of the session's trained dense run, for this test alone."""
    return Path(shutil.copytree(trained_runs["dense"], tmp_path / "dense"))


@pytest.fixture
def idx_test_set(tmp_path):
    """A folder holding only the t10k pair (50 random digits): (folder, x, y)."""
    folder = tmp_path / "digits"
    x, y = write_idx_folder(folder, train=False, n_test=50)["t10k"]
    return folder, x, y


def test_evaluate_on_an_idx_test_set(run_dir, idx_test_set, capsys):
    import keras

    import mnist_viz
    from mnist_viz.data import flatten_scale, load_mnist

    folder, x, y = idx_test_set
    own_test = fmt.read_test_predictions(run_dir)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run = mnist_viz.evaluate(run_dir, f"idx:{folder}", quiet=False)
    assert not [w for w in caught if "split is absent" in str(w.message)]  # a test-only folder is what it needs
    assert capsys.readouterr() == ("", f"idx-digits: test accuracy {run.evaluations['idx-digits'].accuracy:.4f} "
                                       f"on 50 images -> {run_dir / 'evaluations' / 'idx-digits'}\n")  # on stderr
    folder_files = sorted(p.name for p in fmt.evaluation_dir(run_dir, "idx-digits").iterdir())
    assert folder_files == sorted([fmt.FEATURES_NPZ, fmt.TEST_NPZ])
    assert sorted(p.name for p in (run_dir / fmt.EVALUATIONS_DIR).iterdir()) == ["idx-digits"]  # no side folders

    entry = json.loads((run_dir / fmt.RUN_JSON).read_text())["evaluations"]["idx-digits"]
    with pytest.warns(UserWarning, match="the train split is absent"):  # load_mnist warns; evaluate does not
        data = load_mnist("idx", folder)
    assert entry["n"] == 50 and set(entry) == {"data", "metrics", "created", "n"}
    assert entry["data"] == {"source": "idx", "description": data.description, "n_test": 50, "sha256": data.sha256,
                             "citation": data.citation, "class_names": list(data.class_names)}
    assert "test split only" in entry["data"]["description"]

    ev = run.evaluations["idx-digits"]
    np.testing.assert_array_equal(ev.test.labels, y)
    np.testing.assert_array_equal(ev.test.images, x)
    model = keras.saving.load_model(run_dir / fmt.MODEL_KERAS)
    np.testing.assert_allclose(ev.test.probabilities, model.predict(flatten_scale(x), verbose=0), atol=1e-5)
    # the metrics are those of these predictions: Keras' accuracy and cross-entropy
    assert ev.metrics["accuracy"] == pytest.approx(ev.test.accuracy, abs=1e-6)
    p_true = np.clip(ev.test.probabilities[np.arange(50), y], 1e-7, 1)
    assert ev.metrics["loss"] == pytest.approx(float(-np.log(p_true).mean()), rel=1e-3)
    assert ev.features.embedding.shape == (50, 512)
    np.testing.assert_array_equal(ev.features.embedding_indices, np.arange(50))
    # the run's own records stay as they were
    after = fmt.read_test_predictions(run_dir)
    np.testing.assert_array_equal(after["probabilities"], own_test["probabilities"])
    assert run.info["status"] == "complete" and run.test_metrics == json.loads(
        (run_dir / fmt.RUN_JSON).read_text())["test_metrics"]


def test_a_name_is_taken_until_overwrite(run_dir, idx_test_set):
    from mnist_viz import evaluate

    folder, _, _ = idx_test_set
    evaluate(run_dir, "embedded", name="other")
    assert fmt.read_run_info(run_dir)["evaluations"]["other"]["n"] == 1000
    with pytest.raises(FileExistsError, match="already has an evaluation named 'other'; pass overwrite=True"):
        evaluate(run_dir, f"idx:{folder}", name="other")
    assert fmt.read_run_info(run_dir)["evaluations"]["other"]["n"] == 1000  # untouched
    run = evaluate(run_dir, f"idx:{folder}", name="other", overwrite=True)
    assert run.evaluations["other"].n == 50 and len(run.evaluations["other"].test.labels) == 50
    assert sorted(p.name for p in (run_dir / fmt.EVALUATIONS_DIR).iterdir()) == ["other"]
    assert list(run.evaluations) == ["other"]


@pytest.mark.parametrize("name", ["", ".hidden", "a/b", "../up", "x" * 65, "naïve"])
def test_bad_names_are_refused_before_anything_is_written(run_dir, name):
    from mnist_viz import evaluate

    with pytest.raises(ValueError, match=r"^name must be 1 to 64 letters, digits"):
        evaluate(run_dir, "embedded", name=name)
    assert not (run_dir / fmt.EVALUATIONS_DIR).exists()


def test_the_errors_name_what_is_wrong(run_dir, tmp_path):
    from mnist_viz import evaluate
    from mnist_viz.data import MnistData

    with pytest.raises(FileNotFoundError, match="is not a run directory"):
        evaluate(tmp_path / "nothing", "embedded")
    only_train = tmp_path / "train-only"
    write_idx_folder(only_train, test=False)
    with pytest.raises(ValueError, match="has no test split"), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        evaluate(run_dir, f"idx:{only_train}")
    assert not [w for w in caught if "split is absent" in str(w.message)]  # the error says it, not a warning too
    x = np.zeros((6, 28, 28), np.uint8)
    three = MnistData(x[:0], [], x, [0, 1, 2, 0, 1, 2], class_names=("a", "b", "c"))
    with pytest.raises(ValueError, match=r"outputs 10 classes but data 'custom' has 3 \(a, b, c\)"):
        evaluate(run_dir, three, name="abc")
    (run_dir / fmt.MODEL_KERAS).unlink()
    with pytest.raises(FileNotFoundError, match=r"has no model.keras to evaluate; RunRecorder\(save_model=True\)"):
        evaluate(run_dir, "embedded")
    assert "evaluations" not in fmt.read_run_info(run_dir)


def test_a_run_being_written_is_refused_naming_the_holder(run_dir):
    from mnist_viz import evaluate
    from mnist_viz._lock import RunLock, RunLockedError

    with RunLock(run_dir):  # what a fit holds from train begin to train end
        with pytest.raises(RunLockedError, match=f"is being written by pid {os.getpid()} on host"):
            evaluate(run_dir, "embedded")
    assert "evaluations" not in fmt.read_run_info(run_dir)


def test_a_model_with_a_lambda_layer_is_refused_and_its_code_never_runs(run_dir, tmp_path):
    """safe_mode=True: loading the file must not run the Lambda's code (it would create ``ran``)."""
    import keras

    from mnist_viz import evaluate

    ran = tmp_path / "ran"
    marker = str(ran)
    inputs = keras.Input((784,))
    hidden = keras.layers.Lambda(lambda t: (open(marker, "w").close(), t)[1])(inputs)  # noqa: SIM115
    model = keras.Model(inputs, keras.layers.Dense(10, activation="softmax")(hidden))
    model.compile("sgd", "categorical_crossentropy", metrics=["accuracy"])
    model.save(run_dir / fmt.MODEL_KERAS)
    ran.unlink()  # building the model ran it once
    with pytest.raises(ValueError, match=r"cannot be loaded with keras.saving.load_model\(safe_mode=True\)"):
        evaluate(run_dir, "embedded")
    assert not ran.exists()
    assert "evaluations" not in fmt.read_run_info(run_dir)
    unsafe = keras.saving.load_model(run_dir / fmt.MODEL_KERAS, safe_mode=False)  # what evaluate never does
    unsafe.predict(np.zeros((1, 784), np.float32), verbose=0)
    assert ran.exists()  # the marker works: the check above could fail


def test_the_official_mnist_test_set(run_dir, shared_mnist):
    """'How good is the demo model really': the 10,000 official test digits (a t10k-only folder)."""
    from mnist_viz import evaluate

    run = evaluate(run_dir, f"idx:{shared_mnist}")
    ev = run.evaluations["idx-mnist"]
    assert ev.n == 10_000 and ev.data["n_test"] == 10_000 and len(ev.test.labels) == 10_000
    assert "test split only" in ev.description
    assert np.bincount(ev.test.labels).tolist()[:2] == [980, 1135]  # the official test set's class counts
    assert ev.metrics["accuracy"] == pytest.approx(ev.test.accuracy, abs=1e-6)
    assert 0.5 < ev.accuracy < 1.0  # a 2-epoch dense model trained on 3,600 digits


def test_a_new_fit_drops_the_old_models_evaluations(run_dir):
    import keras

    from mnist_viz import RunRecorder, evaluate
    from mnist_viz.run import Run

    evaluate(run_dir, "embedded")
    assert Run.load(run_dir).evaluations
    model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(10, activation="softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy")
    x, y = np.random.default_rng(0).random((32, 784), np.float32), np.arange(32) % 10
    model.fit(x, y, epochs=1, verbose=0, callbacks=[RunRecorder(run_dir, save_model=False, record_weights=False)])
    assert not (run_dir / fmt.EVALUATIONS_DIR).exists() and Run.load(run_dir).evaluations == {}


def test_importing_the_module_loads_no_tensorflow_and_keeps_the_function_exported():
    code = ("import sys, mnist_viz, mnist_viz.evaluation; "
            "assert mnist_viz.evaluate is mnist_viz.evaluation.evaluate, mnist_viz.evaluate; "
            "print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == "[]"


def test_default_names():
    from types import SimpleNamespace

    from mnist_viz.evaluation import default_name

    assert default_name("idx:/data/My MNIST!", SimpleNamespace(source="idx")) == "idx-My-MNIST-"
    assert default_name("embedded", SimpleNamespace(source="embedded")) == "embedded"
    assert default_name(object(), SimpleNamespace(source="custom")) == "custom"
    assert len(default_name("idx:/" + "x" * 100, SimpleNamespace(source="idx"))) == 64


def test_docstring_examples_run():
    from data_helpers import assert_doctests_pass

    assert_doctests_pass("mnist_viz.evaluation")
