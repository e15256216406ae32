"""features_file: the Features record round-trips through the arrays features.npz stores."""
from __future__ import annotations

import numpy as np

from mnist_viz import run_format
from mnist_viz.features_file import FEATURE_ACTIVATIONS_PREFIX, Features


def test_round_trip_keeps_every_part_and_stores_compact_dtypes():
    maps = np.random.default_rng(0).random((3, 5, 5, 2)).astype(np.float32)
    f = Features(activations={"conv1": maps}, activation_indices=[4, 9, 11], first_layer_kind="conv",
                 first_layer_kernel=np.ones((3, 3, 1, 2)), embedding=np.zeros((6, 4)))
    arrays = f.to_arrays()
    assert arrays[FEATURE_ACTIVATIONS_PREFIX + "conv1"].dtype == np.float16
    back = Features.from_arrays(arrays)
    assert list(back.activations) == ["conv1"] and back.activation_indices.tolist() == [4, 9, 11]
    np.testing.assert_allclose(back.maps_of(2)["conv1"], maps[2], atol=1e-3)
    assert back.first_layer_kind == "conv" and back.first_layer_kernel.shape == (3, 3, 1, 2)
    assert back.embedding.shape == (6, 4) and back.embedding_indices.tolist() == list(range(6))


def test_layer_names_are_found_from_the_keys_when_the_list_is_missing():
    f = Features.from_arrays({FEATURE_ACTIVATIONS_PREFIX + "pool": np.zeros((2, 3, 3, 1))})
    assert list(f.activations) == ["pool"] and f.activation_indices.tolist() == [0, 1]


def test_run_format_re_exports_the_record():
    assert run_format.Features is Features


def test_feature_arrays_of_the_wrong_kind_are_named():
    import pytest

    from mnist_viz.features_file import check_feature_arrays
    from mnist_viz.run_format import RunFormatError

    good = Features(activations={"c": np.zeros((2, 3, 3, 1))}, activation_indices=[1, 5], embedding=np.zeros((4, 2)),
                    first_layer_kernel=np.ones((3, 3, 1, 1))).to_arrays()
    assert check_feature_arrays(good, "f.npz") is good
    for key, value, message in [
            ("activation_indices", np.array([0.5, np.nan]), "array 'activation_indices' has dtype float64; expected integers"),
            ("embedding_indices", np.arange(3), r"array 'embedding' has 4 rows; expected 3 \(one per embedding index\)"),
            ("embedding", np.zeros(4), r"array 'embedding' has shape \(4,\); expected 2 dimension"),
            ("first_layer_kernel", np.array(["w"]), "array 'first_layer_kernel' has dtype <U1; expected numbers"),
            ("activations__c", np.zeros((3, 3, 3, 1)), r"array 'activations__c' has 3 rows; expected 2 \(one per activation index\)")]:
        with pytest.raises(RunFormatError, match=rf"f\.npz: {message}"):
            check_feature_arrays({**good, key: value}, "f.npz")
