"""The background writer: failures reach the training thread, threads do not pile up, RunWriter."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import pytest  # noqa: E402

from callback_helpers import tiny_data, tiny_model  # noqa: E402
from mnist_viz.callbacks import HistoryRecorder, RunRecorder  # noqa: E402

pytestmark = pytest.mark.backends  # runs on every Keras backend (tests/test_backends.py)


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


def test_run_writer_runs_tasks_in_order_and_surfaces_a_failure_at_flush(tmp_path):
    from mnist_viz.callbacks import RunWriter

    writer = RunWriter(tmp_path / "run")
    done = []
    for i in range(20):
        writer.submit(done.append, i)
    writer.flush()
    assert done == list(range(20))  # first in, first out

    def fail():
        raise OSError("disk full")

    writer.submit(fail)
    writer.submit(done.append, "after")  # skipped: the queue stops writing after a failure
    with pytest.raises(OSError, match="disk full"):
        writer.flush()
    writer.close()
    assert done[-1] == 19


def test_closing_stops_the_thread_and_a_later_write_starts_a_new_one(tmp_path):
    import threading

    from mnist_viz.callbacks import RunWriter, flush_writes

    def writers():
        return [t for t in threading.enumerate() if t.name == "mnist_viz-writer"]

    before = len(writers())
    writer = RunWriter(tmp_path)
    writer.submit(lambda: None)
    assert len(writers()) == before + 1
    writer.close()
    assert len(writers()) == before
    out = []
    writer.submit(out.append, 1)
    flush_writes(tmp_path)  # the module-level flush reaches the same queue
    assert out == [1]
    writer.close()


def test_run_writer_without_a_folder_writes_nothing_and_the_chief_decides():
    from mnist_viz.callbacks import RunWriter

    memory = RunWriter(None)
    assert memory.writes is False and memory.chief is True
    memory.flush()
    memory.close()  # no folder: nothing to flush or stop
    writer = RunWriter("somewhere")
    assert writer.writes is True
    assert writer.decide_chief(object()) is True  # no strategy, no TF_CONFIG: the chief
