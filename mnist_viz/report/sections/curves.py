"""The training-curves section: loss and metrics per epoch (and per batch), the history table and CSVs.

Example
-------
>>> from mnist_viz.run import Run
>>> s = curves_section(Run.from_dict({"loss": [0.9, 0.5]}), "r0-curves")
>>> s.blocks[2].table.rows
[['1', '0.900'], ['2', '0.500']]
"""
from __future__ import annotations

from mnist_viz import plots
from mnist_viz.run_format import BATCHES_CSV, HISTORY_CSV

from .. import _embed
from .._figures import add_figure
from .._format import epoch_text, frame_table, history_frame
from .._missing import note_missing
from .._model import Section

__all__ = ["curves_section"]

#: most per-batch rows offered as a CSV download (a longer file stays in the run directory)
MAX_BATCH_ROWS = 20000


def curves_section(run, sid: str) -> Section:
    """Training curves per epoch (and per batch), learning rate, with the history table and CSV.

    >>> from mnist_viz.run import Run
    >>> s = curves_section(Run.from_dict({"loss": [0.9, 0.5], "val_loss": [0.8, 0.6]}), "r0-curves")
    >>> [b.kind for b in s.blocks]  # the note says there are no per-batch records
    ['figure', 'note', 'table', 'downloads']
    """
    s = Section(sid, "Training curves")
    if not len(run.history):
        note_missing(s, "No epochs recorded", run, "history")
        return s
    per_batch = run.batches is not None and len(run.batches) > 0
    add_figure(s, lambda: plots.training_curves(run, per_batch=per_batch),
               caption="Loss and metrics per epoch (train and validation)"
               + ("; faint lines: per-batch values" if per_batch else "") + "; learning rate when recorded.",
               what="training curves")
    if not per_batch:
        note_missing(s, "No per-batch records", run, "batches", kind="info")
    frame = history_frame(run)
    shown = frame.copy()
    shown["epoch"] = [epoch_text(e) for e in shown["epoch"]]
    s.table(frame_table(shown, caption="History, one row per epoch (counted from 1; the CSV keeps "
                                       f"{HISTORY_CSV}'s 0-based epoch)"),
            details="Table: history per epoch")
    s.add("downloads", links=[(f"{run.name}-{HISTORY_CSV}", _embed.csv_data_uri(frame), "history (CSV)")]
          + ([(f"{run.name}-{BATCHES_CSV}", _embed.csv_data_uri(run.batches), "per-batch records (CSV)")]
             if per_batch and len(run.batches) <= MAX_BATCH_ROWS else []))
    return s
