"""The probe pass: probabilities from model outputs, ReLU layers, one pass shared per epoch."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

from mnist_viz._arrays import outputs_to_probabilities  # noqa: E402


def test_probe_of_a_binary_sigmoid_model_has_two_columns():
    assert outputs_to_probabilities(np.array([[0.25], [1.0]])).tolist() == [[0.75, 0.25], [0.0, 1.0]]
    np.testing.assert_allclose(outputs_to_probabilities(np.array([[0.0], [-50.0]])), [[0.5, 0.5], [1.0, 0.0]], atol=1e-6)
