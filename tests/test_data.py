"""mnist_viz.data (the package): importing it stays free of TensorFlow, its public names are the
ones it always had, and its docstring example runs. Each module of the package has its own test
file: tests/test_data_<module>.py."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from data_helpers import assert_doctests_pass  # noqa: E402

import mnist_viz.data  # noqa: E402
from mnist_viz.data import load_mnist  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def test_import_does_not_load_tensorflow_and_hash_is_stable_across_processes():
    code = textwrap.dedent(
        """
        import json, sys
        import mnist_viz.data
        from mnist_viz.data import load_mnist, flatten_scale, one_hot
        d = load_mnist("embedded")
        flatten_scale(d.x_train[:5]); one_hot(d.y_train[:5])
        heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras"))
        print(json.dumps({"heavy": heavy, "sha256": d.sha256}))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120, check=True
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["heavy"] == []
    assert result["sha256"] == load_mnist("embedded").sha256


def test_public_names_are_those_of_the_former_module():
    """Everything callers import from mnist_viz.data (training, the CLI, the README, the report's
    tests, benchmarks) is still there, and is the object its submodule defines."""
    from mnist_viz.data import _embedded, _keras_source, dataset, known, load, preprocess
    from mnist_viz.idx import IdxFormatError

    assert mnist_viz.data.__all__ == ["MnistData", "load_mnist", "flatten_scale", "as_image_batch", "one_hot",
                                      "to_sparse", "keras_cache_path", "SOURCES", "DIGIT_NAMES", "CITATION",
                                      "DATASET_KEYS", "known_dataset"]
    homes = {"MnistData": dataset, "DIGIT_NAMES": dataset, "CITATION": dataset, "load_mnist": load, "SOURCES": load,
             "flatten_scale": preprocess, "as_image_batch": preprocess, "one_hot": preprocess, "to_sparse": preprocess,
             "keras_cache_path": _keras_source, "KERAS_MNIST_ORIGIN": _keras_source,
             "KERAS_MNIST_SHA256": _keras_source, "EMBEDDED_SUBSET_NOTE": _embedded,
             "DATASET_KEYS": known, "known_dataset": known}
    for name, module in homes.items():
        assert getattr(mnist_viz.data, name) is getattr(module, name), name
    assert mnist_viz.data.IdxFormatError is IdxFormatError
    assert mnist_viz.data.SOURCES == ("auto", "embedded", "keras", "idx")


def test_docstring_examples_run():
    assert_doctests_pass("mnist_viz.data")
