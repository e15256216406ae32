"""The background writer: failures reach the training thread, threads do not pile up, RunWriter."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import pytest  # noqa: E402

from callback_helpers import tiny_data, tiny_model  # noqa: E402
from mnist_viz.callbacks import HistoryRecorder, RunRecorder  # noqa: E402


def test_a_failed_background_write_is_raised_in_the_training_thread(tmp_path):
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("a file where the run directory should go")
    x, y = tiny_data(n=16)
    rec = HistoryRecorder(blocker / "run")
    with pytest.raises(OSError):
        tiny_model().fit(x, y, epochs=2, verbose=0, callbacks=[rec])


@pytest.mark.filterwarnings("ignore:.*(no probe batch|no validation_data).*:UserWarning")
def test_writer_threads_do_not_pile_up(tmp_path):
    import threading

    def writers():
        return len([t for t in threading.enumerate() if t.name == "mnist_viz-writer"])

    before = writers()
    x, y = tiny_data(n=16)
    for i in range(3):
        tiny_model().fit(x, y, epochs=1, verbose=0, callbacks=[RunRecorder(tmp_path / str(i), save_model=False)])
    assert writers() == before
