"""A fit into a folder that holds an earlier run starts it over: every record of the old run, and the
temporary files of a write that was killed half-way, are removed first, so no old record can be read
as the new run's (an interrupted 2-epoch fit must not show the old run's test accuracy). The old
model's evaluations (the ``evaluations/`` folder) go too: they scored a model that is no more.

Example
-------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / TEST_NPZ).write_bytes(b"old"); _ = (d / ".history.csv.x1.tmp").write_bytes(b"half")
>>> _ = (d / "notes.txt").write_text("mine"); (d / EVALUATIONS_DIR / "idx-mnist").mkdir(parents=True)
>>> sorted(clear_records(d)), sorted(p.name for p in d.iterdir())
(['.history.csv.x1.tmp', 'evaluations', 'test_predictions.npz'], ['notes.txt'])
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from mnist_viz.run_format import (BATCHES_CSV, DEAD_RELU_CSV, EVALUATIONS_DIR, FEATURES_NPZ, HISTORY_CSV, MODEL_CONFIG_JSON,
                                  MODEL_KERAS, PROBE_DIR, PROBE_EPOCH_GLOB, PROBE_NPZ, RUN_JSON, SNAPSHOT_GLOB,
                                  TEST_NPZ, WEIGHT_HISTOGRAMS_NPZ, WEIGHT_INDEX_JSON, WEIGHT_STATS_CSV, WEIGHTS_DIR)

__all__ = ["clear_records", "RECORDS"]

#: every file a run directory can hold (the folders' epoch files are matched by pattern)
RECORDS = (RUN_JSON, HISTORY_CSV, BATCHES_CSV, WEIGHT_STATS_CSV, WEIGHT_INDEX_JSON, WEIGHT_HISTOGRAMS_NPZ,
           DEAD_RELU_CSV, PROBE_NPZ, TEST_NPZ, FEATURES_NPZ, MODEL_KERAS, MODEL_CONFIG_JSON)
_PATTERNS = ((WEIGHTS_DIR, SNAPSHOT_GLOB), (PROBE_DIR, PROBE_EPOCH_GLOB))
#: what a killed atomic write leaves (``mnist_viz._io``: ``.<name>.<random>.tmp``; a model: ``.model.<pid>.tmp.keras``)
_TEMPORARY = (".*.tmp", ".*.tmp.*")


def clear_records(run_dir: str | os.PathLike) -> list[str]:
    """Remove the run records and temporary files in ``run_dir`` (and its weights/ and probe/ folders)
    and the evaluations/ folder; files that are not the format's are left alone. Returns the removed
    paths, relative."""
    run_dir = Path(run_dir)
    found = [run_dir / name for name in RECORDS]
    found += [p for folder, pattern in _PATTERNS for p in (run_dir / folder).glob(pattern)]
    for folder in (run_dir, run_dir / WEIGHTS_DIR, run_dir / PROBE_DIR):
        found += [p for pattern in _TEMPORARY for p in folder.glob(pattern)]
    removed = []
    for path in found:
        try:
            path.unlink()
        except (FileNotFoundError, IsADirectoryError):
            continue
        removed.append(str(path.relative_to(run_dir)))
    if (run_dir / EVALUATIONS_DIR).is_dir():
        shutil.rmtree(run_dir / EVALUATIONS_DIR)
        removed.append(EVALUATIONS_DIR)
    return removed
