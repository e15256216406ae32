"""The tutorial's models: exact architecture and parameter counts, and the convnet's accuracy."""
import io
from contextlib import redirect_stdout

import numpy as np
import pytest

from mnist_viz import models


def test_dense_is_the_tutorials_network():
    model = models.dense()
    assert [layer.name for layer in model.layers] == ["image", "prediction"]
    image, prediction = model.layers
    assert image.units == 512 and image.activation.__name__ == "relu"
    assert prediction.units == 10 and prediction.activation.__name__ == "softmax"
    assert model.count_params() == 407_050
    assert image.count_params() == 401_920 and prediction.count_params() == 5_130
    assert model.loss == "categorical_crossentropy"
    assert type(model.optimizer).__name__ == "RMSprop"
    buf = io.StringIO()
    with redirect_stdout(buf):
        model.summary()
    assert "407,050" in buf.getvalue()


def test_convnet_has_named_conv_and_pool_stages():
    model = models.convnet()
    names = [layer.name for layer in model.layers]
    assert names == ["conv1", "pool1", "conv2", "pool2", "flatten", "dropout", "features", "prediction"]
    assert model.input_shape == (None, 28, 28, 1)
    assert model.output_shape == (None, 10)
    out = model.predict(np.zeros((2, 28, 28, 1), "float32"), verbose=0)
    np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-5)


def test_sparse_labels_variant_and_class_count():
    model = models.dense(sparse_labels=True, num_classes=47)
    assert model.loss == "sparse_categorical_crossentropy"
    assert model.output_shape == (None, 47)


@pytest.mark.parametrize("bad", [1, 0, "10", 2.5])
def test_bad_num_classes(bad):
    with pytest.raises(ValueError, match="num_classes must be an integer >= 2"):
        models.dense(num_classes=bad)


def test_build_by_name():
    assert models.build("convnet").name == "convnet"
    with pytest.raises(ValueError, match=r"model must be one of \['convnet', 'dense'\]; got 'resnet'"):
        models.build("resnet")


@pytest.mark.slow
def test_convnet_reaches_95_percent_on_the_embedded_split(tmp_path):
    import mnist_viz

    run = mnist_viz.train("convnet", "embedded", epochs=5, batch_size=128, seed=0, out=tmp_path / "c", quiet=True)
    assert run.test_metrics["accuracy"] >= 0.95, run.test_metrics


def test_num_classes_may_be_a_numpy_integer():
    model = models.dense(num_classes=np.int64(3))
    assert model.output_shape == (None, 3)
