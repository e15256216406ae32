"""Warnings that point at the user's own line: the first stack frame outside mnist_viz and outside
the libraries between the user and mnist_viz (Keras, TensorFlow, JAX, PyTorch and their helpers,
and the standard library's ``contextlib``, ``functools`` and ``threading``), so that it names the
user's ``fit`` (or ``mnist_viz.train``) call.

A recorder warns from inside ``model.fit``, a dozen Keras and TensorFlow frames below the user's
call; a fixed ``stacklevel`` would name one of those library lines. Python 3.11's
:func:`warnings.warn` has no ``skip_file_prefixes`` (3.12), so :func:`caller_stacklevel` walks the
frames and counts. Frames are judged by file path only: nothing is imported to find a library's
folder (a library that is not imported has no frame on the stack).

Example
-------
>>> import warnings
>>> with warnings.catch_warnings(record=True) as caught:
...     warnings.simplefilter("always")
...     warn_at_caller("pass validation_data=(x_val, y_val)")
>>> caught[0].message.args[0], caught[0].filename == __file__ or caught[0].filename.startswith("<doctest")
('pass validation_data=(x_val, y_val)', True)
"""
from __future__ import annotations

import contextlib
import functools
import os
import sys
import threading
import warnings

__all__ = ["warn_at_caller", "caller_stacklevel", "is_internal_file", "LIBRARIES"]

#: top-level packages whose frames lie between the user and mnist_viz (judged by their install folder)
LIBRARIES = ("mnist_viz", "keras", "tf_keras", "tensorflow", "jax", "jaxlib", "torch", "optree", "absl", "wrapt")
#: standard-library modules that wrap calls (context managers, decorators, threads)
_STDLIB_WRAPPERS = tuple(os.path.normcase(os.path.abspath(m.__file__)) for m in (contextlib, functools, threading))


def _library_folders() -> tuple[str, ...]:
    """Install folders (with a trailing separator) of the imported :data:`LIBRARIES`."""
    return tuple(folder for name in LIBRARIES for folder in _folders_of(name))


def is_internal_file(filename: str, folders: tuple[str, ...] | None = None) -> bool:
    """Whether a frame in ``filename`` belongs to mnist_viz or a library between it and the user.

    >>> is_internal_file(__import__("mnist_viz._warn").__file__), is_internal_file(functools.__file__)
    (True, True)
    >>> is_internal_file("/home/me/train_mnist.py")
    False
    """
    path = os.path.normcase(os.path.abspath(filename))
    if path in _STDLIB_WRAPPERS:
        return True
    return path.startswith(_library_folders() if folders is None else folders)


def caller_stacklevel() -> int:
    """The ``stacklevel`` for a :func:`warnings.warn` made by the function that calls this one, so
    that the warning names the first frame outside mnist_viz and the libraries (the user's line).

    Without such a frame (a warning on a library's thread) it names the first frame outside
    mnist_viz itself.

    >>> def warns_for_the_user():  # this doctest's frames are the user's: level 1 is this function
    ...     return caller_stacklevel()
    >>> warns_for_the_user()
    1
    """
    libraries, ours = _library_folders(), _folders_of("mnist_viz")
    frame, level, outside_us = sys._getframe(1), 1, None
    while frame is not None:
        filename = frame.f_code.co_filename
        if outside_us is None and not is_internal_file(filename, ours):
            outside_us = level
        if not filename.startswith("<frozen") and not is_internal_file(filename, libraries):
            return level
        frame, level = frame.f_back, level + 1
    return outside_us or 1


def _folders_of(name: str) -> tuple[str, ...]:
    """The install folders of the imported package ``name`` (with a trailing separator)."""
    module = sys.modules.get(name)
    if module is None:
        return ()
    paths = list(getattr(module, "__path__", None) or [])
    if not paths and getattr(module, "__file__", None):
        paths = [os.path.dirname(module.__file__)]
    return tuple(os.path.join(os.path.normcase(os.path.abspath(p)), "") for p in paths)


def warn_at_caller(message: str, category: type[Warning] = UserWarning) -> None:
    """:func:`warnings.warn` ``message`` at the user's own line (see :func:`caller_stacklevel`).

    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_at_caller("no test data", RuntimeWarning)
    >>> caught[0].category.__name__, caught[0].lineno
    ('RuntimeWarning', 3)
    """
    warnings.warn(message, category, stacklevel=caller_stacklevel())
