"""What a model outputs (mnist_viz/callbacks/_output_kind.py), decided on real tiny Keras models:
Sequential and functional, the activation in the last layer or in its own layer, from_logits losses."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import warnings  # noqa: E402

import pytest  # noqa: E402

from callback_helpers import keras  # noqa: E402
from mnist_viz.callbacks._output_kind import output_kind, warn_not_classifier  # noqa: E402

pytestmark = pytest.mark.backends  # runs on every Keras backend (tests/test_backends.py)

L = keras.layers


def sequential(*layers, loss="sparse_categorical_crossentropy"):
    model = keras.Sequential([keras.Input((6,)), L.Dense(4, activation="relu"), *layers])
    model.compile("sgd", loss)
    return model


def functional(outputs, loss="sparse_categorical_crossentropy"):
    inputs = keras.Input((6,))
    hidden = L.Dense(4, activation="relu")(inputs)
    made = [f(hidden) for f in outputs]
    model = keras.Model(inputs, made if len(made) > 1 else made[0])
    model.compile("sgd", loss)
    return model


CASES = [
    # (id, model factory, kind, width, activation)
    ("seq softmax", lambda: sequential(L.Dense(10, activation="softmax")), "multiclass", 10, "softmax"),
    ("seq Softmax layer", lambda: sequential(L.Dense(10), L.Softmax()), "multiclass", 10, "softmax"),
    ("seq Activation softmax + dropout", lambda: sequential(L.Dense(10), L.Activation("softmax"), L.Dropout(0.1)),
     "multiclass", 10, "softmax"),
    ("seq logits from_logits", lambda: sequential(
        L.Dense(10), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True)), "multiclass", 10, "linear"),
    ("seq logits one-hot loss", lambda: sequential(
        L.Dense(3), loss=keras.losses.CategoricalCrossentropy(from_logits=True)), "multiclass", 3, "linear"),
    ("fn softmax", lambda: functional([L.Dense(10, activation="softmax")]), "multiclass", 10, "softmax"),
    ("fn Activation softmax", lambda: functional([lambda h: L.Activation("softmax")(L.Dense(5)(h))]),
     "multiclass", 5, "softmax"),
    ("fn logits", lambda: functional([L.Dense(10)], loss=keras.losses.SparseCategoricalCrossentropy(True)),
     "multiclass", 10, "linear"),
    ("seq sigmoid binary", lambda: sequential(L.Dense(1, activation="sigmoid"), loss="binary_crossentropy"),
     "binary", 1, "sigmoid"),
    ("seq sigmoid layer", lambda: sequential(L.Dense(1), L.Activation("sigmoid"), loss="bce"), "binary", 1, "sigmoid"),
    ("fn binary logits", lambda: functional([L.Dense(1)], loss=keras.losses.BinaryCrossentropy(from_logits=True)),
     "binary", 1, "linear"),
    ("seq regression mse", lambda: sequential(L.Dense(1), loss="mse"), "regression", 1, "linear"),
    ("seq regression huber", lambda: sequential(L.Dense(1), loss=keras.losses.Huber()), "regression", 1, "linear"),
    ("fn regression mae", lambda: functional([L.Dense(1)], loss="mae"), "regression", 1, "linear"),
    ("seq multi-target regression", lambda: sequential(L.Dense(3), loss="mse"), "regression", 3, "linear"),
    ("seq multi-label sigmoid", lambda: sequential(L.Dense(10, activation="sigmoid"), loss="binary_crossentropy"),
     "multi_label", 10, "sigmoid"),
    ("fn multi-label logits", lambda: functional([L.Dense(4)], loss=keras.losses.BinaryCrossentropy(from_logits=True)),
     "multi_label", 4, "linear"),
]


@pytest.mark.parametrize("make, kind, width, activation", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_output_kind_of_real_models(make, kind, width, activation):
    decided = output_kind(make())
    assert (decided.kind, decided.width, decided.activation, decided.outputs) == (kind, width, activation, 1)
    assert decided.classifier == (kind in ("multiclass", "binary"))


def test_from_logits_and_the_loss_name_are_read_from_the_compiled_loss():
    decided = output_kind(sequential(L.Dense(10), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True)))
    assert (decided.loss, decided.from_logits) == ("sparse_categorical_crossentropy", True)
    assert output_kind(sequential(L.Dense(1), loss="mean_squared_error")).loss == "mse"
    assert output_kind(sequential(L.Dense(1), loss=keras.losses.Huber())).loss == "huber"


def test_multi_output_model_is_not_a_classifier():
    model = functional([L.Dense(10, activation="softmax"), L.Dense(1)],
                       loss=["sparse_categorical_crossentropy", "mse"])
    decided = output_kind(model)
    assert (decided.kind, decided.outputs, decided.classifier) == ("multi_output", 2, False)
    assert decided.description.startswith("2 outputs")


def test_a_nested_model_is_read_through():
    inner = keras.Sequential([keras.Input((4,)), L.Dense(3), L.Softmax()], name="inner")
    inputs = keras.Input((6,))
    model = keras.Model(inputs, inner(L.Dense(4)(inputs)))
    model.compile("sgd", "sparse_categorical_crossentropy")
    assert (output_kind(model).kind, output_kind(model).activation) == ("multiclass", "softmax")


def test_unbuilt_sequential_uses_its_last_layer():
    model = keras.Sequential([L.Dense(4), L.Dense(1)])
    model.compile("sgd", "mse")
    model.build((None, 6))
    assert output_kind(model).kind == "regression"


def test_run_json_entry_and_description():
    entry = output_kind(sequential(L.Dense(1), loss="mse")).as_dict()
    assert entry == {"kind": "regression", "classifier": False, "outputs": 1, "width": 1, "activation": "linear",
                     "loss": "mse", "from_logits": None, "description": "1 linear output and loss 'mse'"}
    assert output_kind(sequential(L.Dense(10, activation="sigmoid"), loss="bce")).description == \
        "10 sigmoid outputs and loss 'binary_crossentropy'"


def test_warning_is_given_once_at_the_callers_line():
    class Holder:
        _warned: set = set()

    decided = output_kind(sequential(L.Dense(1), loss="mse"))
    holder = Holder()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warn_not_classifier(holder, decided, "RunRecorder", "probe predictions are not recorded")
        warn_not_classifier(holder, decided, "RunRecorder", "probe predictions are not recorded")
    assert len(caught) == 1
    assert caught[0].filename == __file__
    assert str(caught[0].message) == ("RunRecorder: the model has 1 linear output and loss 'mse' (a regression): "
                                      "probe predictions are not recorded")


def test_a_subclassed_classifier_is_read_from_its_loss():
    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.out = L.Dense(3)

        def call(self, x):
            return self.out(x)

    model = Net()
    model.compile("sgd", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model(keras.ops.ones((2, 6)))
    assert output_kind(model).classifier
