"""What a test needs beyond the package (a browser, a backend, the pinned stack, the official test
set): :func:`missing` skips with the reason on a user's machine and fails in CI, where a skipped
prerequisite would hide a whole group of tests.

CI is told by ``CI`` (``true``/``1``, as CI services set it, and ``.ci/run`` does) or by
``MNIST_VIZ_REQUIRE_BACKENDS=1`` (``.ci/run`` sets it too; the name predates the other uses).
"""
from __future__ import annotations

import os
from typing import NoReturn

import pytest


def required() -> bool:
    """True in CI: a missing prerequisite fails the test instead of skipping it."""
    return (os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")
            or os.environ.get("MNIST_VIZ_REQUIRE_BACKENDS") == "1")


def missing(reason: str) -> NoReturn:
    """Skip with ``reason``; in CI (:func:`required`) fail with it."""
    if required():
        pytest.fail(f"{reason} (CI requires it: CI=true or MNIST_VIZ_REQUIRE_BACKENDS=1)", pytrace=False)
    pytest.skip(reason, allow_module_level=True)  # also from a module's top (import_or_missing there)


def import_or_missing(module: str, why: str = 'the [test] extra installs it: pip install -e ".[test]"'):
    """``pytest.importorskip`` that fails in CI."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        missing(f"{module} is not installed ({why})")
