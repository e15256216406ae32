"""The weight-statistics maths (mnist_viz.callbacks._stats), NumPy only: no TensorFlow imported."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mnist_viz.callbacks import _stats

pytestmark = pytest.mark.backends  # runs on every Keras backend (tests/test_backends.py)

REPO = Path(__file__).resolve().parents[1]


def test_stats_maths_runs_without_tensorflow():
    code = ("import sys, numpy as np\n"
            "from mnist_viz.callbacks import _stats\n"
            "w = np.arange(6, dtype=np.float32) - 2\n"
            "edges = _stats.choose_edges(['d'], [w], bins=4, range_factor=1.0)\n"
            "assert _stats.histogram_counts(_stats.flat_values(w), edges[0]).sum() == 6\n"
            "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules, sorted(sys.modules)\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_histogram_counts_match_numpy_with_outliers_clipped_and_nan_dropped():
    rng = np.random.default_rng(0)
    flat = rng.normal(size=1000).astype(np.float32)
    flat[:5] = [10.0, -10.0, np.nan, 3.0, -3.0]
    edges = np.linspace(-3.0, 3.0, 33)
    counts = _stats.histogram_counts(flat, edges)
    finite = flat[~np.isnan(flat)]
    expected = np.histogram(np.clip(finite, edges[0], edges[-1]), bins=edges)[0]
    assert counts.dtype == np.int32 and counts.shape == (32,)
    np.testing.assert_array_equal(counts, expected)
    assert counts.sum() == 999  # the NaN is not counted; the outliers land in the end bins


def test_summary_row_and_empty_variable():
    w = np.array([[1.0, -2.0], [3.0, 0.0]], dtype=np.float32)
    row = _stats.summary_row(_stats.flat_values(w))
    assert row == pytest.approx({"size": 4, "mean": 0.5, "std": float(np.std(w)), "min": -2.0, "max": 3.0,
                                 "l2": float(np.sqrt(14.0))})
    empty = _stats.summary_row(_stats.flat_values(np.zeros((0, 3))))
    assert empty["size"] == 0 and empty["l2"] == 0.0 and np.isnan([empty["mean"], empty["std"]]).all()


def test_flat_values_keeps_float_dtypes_and_converts_others():
    assert _stats.flat_values(np.zeros((2, 2), np.float64)).dtype == np.float64
    assert _stats.flat_values(np.zeros((2, 2), np.float16)).dtype == np.float32
    assert _stats.flat_values(np.arange(4)).shape == (4,)


def test_update_ratio():
    prev = np.array([3.0, 4.0])
    now = np.array([3.0, 5.0])
    assert _stats.update_ratio(now, prev) == pytest.approx(1.0 / np.sqrt(34.0))
    assert _stats.update_ratio(now, prev, l2=2.0) == pytest.approx(0.5)  # a known norm is reused
    assert np.isnan(_stats.update_ratio(now, None))  # the first record
    assert np.isnan(_stats.update_ratio(np.zeros(2), prev))  # ‖W_t‖ = 0


def test_choose_edges_kernel_range_zero_bias_borrows_its_layer_else_unit():
    kernel, bias, other_bias = np.array([0.5, -2.0]), np.zeros(3), np.zeros(2)
    edges = _stats.choose_edges(["a", "a", "b"], [kernel, bias, other_bias], bins=8, range_factor=3.0)
    assert [len(e) for e in edges] == [9, 9, 9]
    np.testing.assert_allclose(edges[0][[0, -1]], [-6.0, 6.0])
    np.testing.assert_allclose(edges[1], edges[0])  # the all-zero bias takes layer a's range
    np.testing.assert_allclose(edges[2][[0, -1]], [-1.0, 1.0])  # layer b has no range: ±1
    inf = _stats.choose_edges(["c"], [np.array([np.inf])], bins=2, range_factor=1.0)
    np.testing.assert_allclose(inf[0], [-1.0, 0.0, 1.0])


def test_values_on_a_bin_edge_land_where_numpy_puts_them():
    # float32 arithmetic puts 0 one bin low on some symmetric ranges (a zero bias on ±3·max|W|)
    rng = np.random.default_rng(0)
    for half in rng.uniform(0.01, 3.0, size=200):
        edges = np.linspace(-half, half, 33)
        flat = np.concatenate([np.zeros(3, np.float32), edges[1:-1].astype(np.float32), rng.normal(size=20).astype(np.float32)])
        clipped = np.clip(flat.astype(np.float64), edges[0], edges[-1])
        np.testing.assert_array_equal(_stats.histogram_counts(flat, edges), np.histogram(clipped, bins=edges)[0], err_msg=str(half))
