"""What a run was made with: package versions and the Keras backend, the hardware, the dataset.

RunRecorder writes these into ``run.json`` "metadata" (the keys of
:data:`mnist_viz.run_format.RESERVED_METADATA_KEYS`) so that any fit it records — not only
:func:`mnist_viz.train`'s — says how to reproduce it. Versions are read from the installed
distributions (no package is imported for it); devices are asked of the backend in use only.

Example
-------
>>> versions = package_versions()
>>> {"python", "numpy", "keras", "keras_backend"} <= set(versions)
True
>>> dataset_info({"name": "my digits", "citation": "Me 2026"})
{'name': 'my digits', 'citation': 'Me 2026'}
"""
from __future__ import annotations

import json
import os
import platform
from importlib import metadata

__all__ = ["package_versions", "hardware", "dataset_info", "keras_backend"]

#: the distributions whose versions decide a run's numbers and pictures
_DISTRIBUTIONS = ("mnist-viz", "keras", "numpy", "scikit-learn", "matplotlib", "pandas", "mlxtend")
#: the distribution behind each Keras backend
_BACKEND_DISTRIBUTION = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch", "numpy": "numpy"}


def keras_backend() -> str:
    """The Keras backend in use ("tensorflow", "jax", "torch", ...)."""
    import keras

    return str(keras.backend.backend())


def _version(dist: str) -> str | None:
    if dist == "mnist-viz":  # the code running, not whichever install's metadata is found first
        import mnist_viz

        return mnist_viz.__version__
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def package_versions() -> dict[str, str]:
    """Python's version, the Keras backend and the versions of the packages a run depends on.

    >>> package_versions()["keras_backend"] in {"tensorflow", "jax", "torch", "numpy", "openvino"}
    True
    """
    backend = keras_backend()
    out = {"python": platform.python_version(), "keras_backend": backend}
    for dist in (_BACKEND_DISTRIBUTION.get(backend, backend),) + _DISTRIBUTIONS:
        version = _version(dist)
        if version is not None and dist not in out:
            out[dist] = version
    return out


def _devices(backend: str) -> list[str]:
    """Device kinds the backend sees ("CPU", "GPU", ...), asked of that backend only."""
    try:
        if backend == "tensorflow":
            import tensorflow as tf

            return [d.device_type for d in tf.config.list_logical_devices()]
        if backend == "jax":
            import jax

            return [d.platform.upper() for d in jax.devices()]
        if backend == "torch":
            import torch

            return ["CPU"] + ["GPU"] * (torch.cuda.device_count() if torch.cuda.is_available() else 0)
    except Exception:  # a backend that cannot list devices still records the rest
        pass
    return []


def hardware() -> dict:
    """Platform, processor, CPU count and the devices the Keras backend in use sees.

    >>> sorted(hardware())
    ['cpu_count', 'devices', 'machine', 'platform', 'processor']
    """
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "devices": ", ".join(_devices(keras_backend())),
    }


def dataset_info(dataset) -> dict:
    """``run.json`` "metadata" "data" for ``dataset``: an :class:`~mnist_viz.data.MnistData` (its
    name when it has one, its noun, source, description, sizes, fingerprint, class names and
    citation), a name, or a dict of your own fields (``name``, ``description``, ``citation``,
    ``url``, ``class_names``, ``noun``, ...).

    >>> dataset_info("fashion in-house v2")
    {'name': 'fashion in-house v2'}
    >>> dataset_info(3)
    Traceback (most recent call last):
    ...
    TypeError: dataset must be an MnistData, a name or a dict of fields (name, description, citation, ...); got int
    """
    from mnist_viz.data import MnistData

    if isinstance(dataset, MnistData):
        return {
            **({"name": dataset.name} if dataset.name else {}),  # "" (a dataset of its own): no row
            "noun": dataset.noun,
            "source": dataset.source,
            "description": dataset.description,
            "is_subset": bool(dataset.is_subset),
            "subset_note": dataset.subset_note,
            "sha256": dataset.sha256,
            "n_train": int(len(dataset.y_train)),
            "n_test": int(len(dataset.y_test)),
            "class_names": list(dataset.class_names),
            "citation": dataset.citation,
        }
    if isinstance(dataset, str):
        if not dataset.strip():
            raise ValueError("dataset must be a non-empty name; got ''")
        return {"name": dataset}
    if isinstance(dataset, dict):
        bad = [k for k in dataset if not isinstance(k, str)]
        if bad:
            raise TypeError(f"dataset's field names must be strings; got {bad[0]!r}")
        try:
            json.dumps(dataset)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"dataset's fields must be JSON values (strings, numbers, lists); {exc}") from None
        if "class_names" in dataset and (isinstance(dataset["class_names"], str)
                                         or not hasattr(dataset["class_names"], "__len__")):
            raise TypeError("dataset['class_names'] must be a list of names; "
                            f"got {type(dataset['class_names']).__name__}")
        return dict(dataset)
    raise TypeError("dataset must be an MnistData, a name or a dict of fields (name, description, citation, ...); "
                    f"got {type(dataset).__name__}")
