"""The summary section: headline metrics, the dataset, the model's layers, your own metadata and how
to reproduce the run.

``run.json`` "metadata" holds what the recorder fills (:data:`~mnist_viz.run_format.RESERVED_METADATA_KEYS`:
the dataset table and the reproducibility table show them) and the ``metadata=`` you gave
RunRecorder. Of your keys, ``seed`` and ``command`` (what ``mnist_viz.train`` records) go to the
reproducibility table, ``model_name`` (the name of the model ``mnist_viz.train`` built) is the
model table's caption, which names the Keras model; every other key is a row of the "Metadata" table, nested values as compact JSON
(:func:`metadata_text`).

Example
-------
>>> from mnist_viz.run import Run
>>> headline_metrics(Run.from_dict({"loss": [0.9], "val_accuracy": [0.8]}))["best val accuracy"]
0.8
"""
from __future__ import annotations

import json

from mnist_viz._words import plural, run_noun
from mnist_viz.run_format import RESERVED_METADATA_KEYS

from .._format import column_texts, fmt, shape_text
from .._missing import note_missing
from .._model import Section, Table

__all__ = ["summary_section", "headline_metrics", "add_dataset", "user_metadata", "metadata_text",
           "HOMED_METADATA_KEYS", "MAX_METADATA_CHARS"]

#: metadata keys shown elsewhere than the "Metadata" table: the reproducibility table (seed, command)
#: and the model table's caption (model_name: mnist_viz.train's name of the Keras model it names)
HOMED_METADATA_KEYS = ("seed", "command", "model_name")
#: labels of run.json "metadata" "versions" keys that are not a package's name
_VERSION_LABELS = {"keras_backend": "Keras backend"}
#: longest metadata value shown (longer ones end in "…"; run.json keeps them whole)
MAX_METADATA_CHARS = 200

#: keys of run.json's ``metadata.data`` listed in the dataset table, in this order
_DATA_KEYS = ("name", "source", "description", "n_train", "n_validation", "n_val", "n_test", "is_subset", "sha256")
#: keys of ``metadata.data`` shown below the table instead (any other key of your dataset= is a row)
_DATA_ELSEWHERE = ("class_names", "subset_note", "citation")


def summary_section(run, sid: str) -> Section:
    """Headline metrics, dataset, model summary and reproducibility.

    >>> from mnist_viz.run import Run
    >>> s = summary_section(Run.from_dict({"loss": [0.9, 0.5], "val_accuracy": [0.8, 0.9]}), "r0-summary")
    >>> s.title, [b.kind for b in s.blocks], dict(s.blocks[0].items)["best val accuracy"]
    ('Summary', ['metrics', 'note', 'note'], '0.900')
    """
    s = Section(sid, "Summary")
    meta = run.metadata or {}
    headline = headline_metrics(run)
    status_text = run.status
    if run.status != "complete":
        planned = run.info.get("epochs_planned")
        status_text += f" ({run.epochs_completed} of {planned} epochs)" if planned else f" ({run.epochs_completed} epochs)"
    s.add("metrics", items=[("status", status_text)] + [(k, column_texts([v])[0]) for k, v in headline.items()])  # 0.873, not 0.8675 beside 0.4064
    if not headline:
        note_missing(s, "No test metrics", run, "test_metrics")
    if run.status == "interrupted" and run.info.get("interrupted_reason"):
        s.note(f"Interrupted: {run.info['interrupted_reason']}", kind="info")
    add_dataset(s, run, meta.get("data") or {})
    _model(s, run)
    rows = [[k, metadata_text(v)] for k, v in user_metadata(meta).items()]
    if rows:
        s.table(Table(["metadata", "value"], rows, caption="Metadata (given to RunRecorder as metadata=)", kv=True))
    _reproducibility(s, run, meta)
    return s


def user_metadata(meta: dict) -> dict:
    """The keys of ``run.json`` "metadata" the user gave, less those shown elsewhere
    (:data:`~mnist_viz.run_format.RESERVED_METADATA_KEYS`, :data:`HOMED_METADATA_KEYS`).

    >>> user_metadata({"data": {}, "versions": {}, "seed": 1, "lr": 0.01, "notes": "baseline"})
    {'lr': 0.01, 'notes': 'baseline'}
    """
    skip = set(RESERVED_METADATA_KEYS) | set(HOMED_METADATA_KEYS)
    return {str(k): v for k, v in (meta or {}).items() if k not in skip}


def metadata_text(value, limit: int = MAX_METADATA_CHARS) -> str:
    """A metadata value as one table cell: text as it is, numbers as the page writes them, a list of
    plain values as text ("CPU", "512, 256"), other lists and dicts as compact JSON; cut to
    ``limit`` characters with "…".

    >>> metadata_text(0.001), metadata_text("adam"), metadata_text({"units": [512, 256], "dropout": 0.2})
    ('0.001', 'adam', '{"units": [512, 256], "dropout": 0.2}')
    >>> metadata_text(["CPU"]), metadata_text([{"a": 1}])
    ('CPU', '[{"a": 1}]')
    >>> metadata_text(list(range(100)), limit=20)
    '0, 1, 2, 3, 4, 5, 6…'
    """
    plain = (str, bool, int, float)
    if isinstance(value, str):
        text = value
    elif value is None or isinstance(value, plain) or (
            isinstance(value, (list, tuple)) and all(v is None or isinstance(v, plain) for v in value)):
        text = fmt(value)
    else:
        text = json.dumps(value, ensure_ascii=False, default=str)
    text = " ".join(text.split()) if "\n" in text else text
    return text if len(text) <= limit else text[: limit - 1] + "…"


def add_dataset(s: Section, run, data: dict) -> None:
    """The dataset table of ``data`` (``run.json`` ``metadata.data``, or an evaluation's ``data``), its
    subset note and citation into ``s``; a note when ``data`` is empty.

    >>> from mnist_viz.run import Run
    >>> s = Section("r0-summary", "Summary")
    >>> add_dataset(s, Run.from_dict({"loss": [1.0]}), {"source": "idx", "n_test": 10000})
    >>> s.blocks[0].table.rows
    [['source', 'idx'], ['n test', '10,000']]
    """
    if not data:
        note_missing(s, "No dataset description", run, "dataset", kind="info")
        return
    keys = [k for k in _DATA_KEYS if k in data] + [k for k in data if k not in _DATA_KEYS and k not in _DATA_ELSEWHERE]
    rows = [[k.replace("_", " "), data[k] if isinstance(data[k], str) else metadata_text(data[k])] for k in keys]
    if data.get("class_names"):
        rows.append(["classes", ", ".join(str(c) for c in data["class_names"])])
    s.table(Table(["dataset", "value"], rows, caption="Dataset", kv=True))
    if data.get("subset_note"):
        s.note(str(data["subset_note"]), kind="info")
    if data.get("citation"):
        s.add("pre", title="Citation", text=str(data["citation"]))


def _model(s: Section, run) -> None:
    model = run.model_info
    if not (model and model.get("layers")):
        note_missing(s, "No model summary", run, "model_summary", kind="info")
        return
    rows = [[layer.get("name", "?"), layer.get("class_name", "?"), shape_text(layer.get("output_shape")),
             fmt(layer.get("params"))] for layer in model["layers"]]
    caption = (f"Model {model.get('name', '')} ({model.get('class_name', '')}): "
               f"{fmt(model.get('total_params'))} parameters, {fmt(model.get('trainable_params'))} trainable")
    s.table(Table(["layer", "type", "output shape", "parameters"], rows, caption=caption))


def _words(key: str) -> str:
    """A run.json key as words for a row label: ``batch_size`` -> ``batch size``."""
    return key.replace("_", " ")


def _reproducibility(s: Section, run, meta: dict) -> None:
    rows = []
    if "seed" in meta:
        rows.append(["seed", fmt(meta["seed"])])
    if meta.get("command"):
        rows.append(["command", metadata_text(meta["command"])])
    params = run.info.get("params") or {}
    for k, v in params.items():
        rows.append([f"fit {_words(k)}", fmt(v)])
    for k in ("started", "finished"):
        if run.info.get(k):
            rows.append([k, str(run.info[k])])
    for group, prefix in (("versions", ""), ("hardware", "hardware "), ("timings", "timing ")):
        for k, v in (meta.get(group) or {}).items():
            rows.append([_VERSION_LABELS.get(k, k) if group == "versions" else prefix + _words(k), metadata_text(v)])
    if rows:
        s.table(Table(["reproducibility", "value"], rows, caption="Reproducibility", kv=True),
                details="Reproducibility: versions, seed, hardware, timings")


def headline_metrics(run) -> dict:
    """Test metrics from run.json, else computed from test predictions; prefixed ``test``.

    >>> from mnist_viz.run import Run
    >>> headline_metrics(Run.from_dict({"loss": [0.9, 0.5], "val_accuracy": [0.8, 0.9]}))
    {'best val accuracy': 0.9, 'best epoch': 2, 'epochs': 2}
    """
    out = {}
    for k, v in (run.test_metrics or {}).items():
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            out[f"test {k}"] = v
    if not out and run.test is not None and len(run.test.labels):
        out["test accuracy"] = run.test.accuracy
    if run.test is not None:
        out[f"test {plural(run_noun(run))}"] = int(len(run.test.labels))
    hist = run.history
    if len(hist) and "val_accuracy" in hist:
        best = hist["val_accuracy"].astype(float)
        if best.notna().any():
            out["best val accuracy"] = float(best.max())
            out["best epoch"] = int(best.idxmax()) + 1  # counted from 1, as Keras prints it
    out["epochs"] = int(run.epochs_completed)
    return out
