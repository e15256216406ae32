"""What the report draws for each run, in page order: (progress label, builder) tasks, which
:func:`mnist_viz.report.build_report` runs (in forked workers when parallel). A run's own sections
come first, then one section per evaluation (``run.evaluations``). Every task returns a
:class:`~mnist_viz.report._model.Section`, or ``(Section, {drill id: drill-down data})`` for those
with a clickable confusion matrix.

Example
-------
>>> from mnist_viz.run import Run
>>> [label for label, _ in run_tasks(Run.from_dict({"loss": [0.5]}, name="a"), 0, 1)][:2]
['[1/1] a: summary', '[1/1] a: training curves']
"""
from __future__ import annotations

from functools import partial
from typing import Callable

from . import sections as S

__all__ = ["run_tasks"]


def _with_drill(build: Callable, drill_id: str, *args):
    section, drill = build(*args, drill_id=drill_id)
    return section, ({} if drill is None else {drill_id: drill})


def run_tasks(run, i: int, n_runs: int) -> list[tuple[str, Callable]]:
    """The tasks of run ``i`` of ``n_runs`` (section ids ``r<i>-...``).

    >>> from mnist_viz.run import Run
    >>> tasks = run_tasks(Run.from_dict({"loss": [0.5]}, name="a"), 0, 1)
    >>> len(tasks), tasks[3][1]()[0].id, tasks[3][1]()[1]  # the confusion section, no test data: no drill-down
    (8, 'r0-confusion', {})
    """
    rid, label = f"r{i}", f"[{i + 1}/{n_runs}] {run.name}"
    tasks = [
        (f"{label}: summary", partial(S.summary_section, run, f"{rid}-summary")),
        (f"{label}: training curves", partial(S.curves_section, run, f"{rid}-curves")),
        (f"{label}: weights", partial(S.weights_section, run, f"{rid}-weights")),
        (f"{label}: confusion matrix", partial(_with_drill, S.confusion_section, f"{rid}-cm", run, f"{rid}-confusion")),
        (f"{label}: predictions", partial(S.predictions_section, run, f"{rid}-predictions")),
        (f"{label}: model internals", partial(S.internals_section, run, f"{rid}-internals")),
        (f"{label}: evolution", partial(S.evolution_section, run, f"{rid}-evolution", slider_id=f"{rid}-slider")),
        (f"{label}: calibration and embedding", partial(S.calibration_section, run, f"{rid}-calibration")),
    ]
    for name in run.evaluations:
        sid, drill_id = S.evaluation_ids(rid, name)
        tasks.append((f"{label}: evaluation {name}", partial(_with_drill, S.evaluation_section, drill_id, run, name, sid)))
    return tasks
