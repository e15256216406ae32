"""mnist_viz.plots._epochs: recorded 0-based epochs (-1 = before training) shown 1-based with ``init``,
evenly spaced picks that keep both ends, and the epoch ticks of the training-dynamics views.
"""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from mnist_viz.plots._epochs import display_epochs, epoch_label, epoch_ticks, pick  # noqa: E402


def test_epoch_label_and_display_epochs_agree():
    recorded = np.array([-1, 0, 1, 9])
    assert [epoch_label(e) for e in recorded] == ["init", "1", "2", "10"]
    shown = display_epochs(recorded)
    assert shown.dtype == float and shown.tolist() == [0.0, 1.0, 2.0, 10.0]
    assert [epoch_label(x - 1) for x in shown] == ["init", "1", "2", "10"]
    assert epoch_label(np.int64(4)) == "5"


def test_pick_keeps_both_ends_and_never_repeats():
    assert pick(3, 8).tolist() == [0, 1, 2]
    assert pick(0, 4).tolist() == []
    for n, k in ((10, 4), (13, 12), (100, 8), (5, 2)):
        idx = pick(n, k)
        assert idx[0] == 0 and idx[-1] == n - 1 and len(idx) <= k
        assert np.all(np.diff(idx) > 0)


def test_epoch_ticks_at_most_eight_named_and_a_lone_epoch_centred():
    fig, ax = plt.subplots()
    epoch_ticks(ax, display_epochs(np.arange(-1, 20)))
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert len(labels) <= 8 and labels[0] == "init" and labels[-1] == "20"
    fig, ax = plt.subplots()
    epoch_ticks(ax, [3.0, 3.0])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["3"]
    assert ax.get_xlim() == (2.0, 4.0)
    fig, ax = plt.subplots()
    before = ax.get_xticks().tolist()
    epoch_ticks(ax, [])  # nothing recorded: the axis is left alone
    assert ax.get_xticks().tolist() == before
