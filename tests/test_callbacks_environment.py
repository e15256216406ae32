"""What a run was made with: versions and backend, hardware, the dataset description."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import mnist_viz  # noqa: E402
from mnist_viz.callbacks._environment import dataset_info, hardware, package_versions  # noqa: E402

pytestmark = pytest.mark.backends  # runs on every Keras backend (tests/test_backends.py)


def test_versions_name_the_backend_and_its_package():
    import keras

    from importlib import metadata

    backend = keras.backend.backend()
    versions = package_versions()
    assert versions["keras_backend"] == backend and backend in {"tensorflow", "jax", "torch"}
    assert versions[backend] == metadata.version(backend)  # the backend's own package and its version
    assert versions["keras"] == keras.__version__ and versions["numpy"] == np.__version__
    assert versions["mnist-viz"] == mnist_viz.__version__
    assert not {"tensorflow", "jax", "torch"} - {backend} & set(versions)  # no other backend's version


def test_hardware_lists_the_backends_devices_as_text():
    hw = hardware()
    assert hw["cpu_count"] == os.cpu_count() and hw["devices"].split(", ")[0] == "CPU"


def test_dataset_info_from_an_mnist_data_a_name_and_fields():
    data = mnist_viz.load_mnist("embedded")
    info = dataset_info(data)
    assert (info["source"], info["n_train"], info["n_test"], info["sha256"]) == ("embedded", 4000, 1000, data.sha256)
    assert info["class_names"] == [str(d) for d in range(10)] and info["is_subset"] is True
    assert (info["name"], info["noun"]) == ("MNIST", "digit") and list(info)[:2] == ["name", "noun"]
    own = mnist_viz.data.MnistData(data.x_test[:2], [0, 1], data.x_test[:1], [1], class_names=("cat", "dog"))
    assert "name" not in dataset_info(own) and dataset_info(own)["noun"] == "image"  # no name: no empty row
    assert dataset_info("in-house") == {"name": "in-house"}
    fields = {"name": "Fashion", "class_names": ["T-shirt/top", "Trouser"], "citation": "Xiao et al. 2017"}
    assert dataset_info(fields) == fields and dataset_info(fields) is not fields
    with pytest.raises(ValueError, match="non-empty name"):
        dataset_info("  ")
    with pytest.raises(TypeError, match="JSON values"):
        dataset_info({"name": object()})
    with pytest.raises(TypeError, match=r"dataset\['class_names'\] must be a list"):
        dataset_info({"class_names": "abc"})
    with pytest.raises(TypeError, match="field names must be strings"):
        dataset_info({1: "x"})
