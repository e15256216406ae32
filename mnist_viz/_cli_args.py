"""The values ``mnist-viz`` options take: argparse ``type`` functions, each failing with a message
that says what was expected and what came.

>>> positive_int("3"), seed("0"), data_source("idx:data/mnist")
(3, 0, 'idx:data/mnist')
>>> class_names("a, b,c")
('a', 'b', 'c')
>>> epochs("100001")
Traceback (most recent call last):
...
argparse.ArgumentTypeError: expected an integer from 1 to 100,000, got '100001'
"""
from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

__all__ = ["DATA_HELP", "CLASS_NAMES_HELP", "MAX_EPOCHS", "MAX_BATCH_SIZE", "batch_size", "data_source",
           "epochs", "int_at_least", "class_names", "dataset_key", "path", "positive_int", "seed"]

MAX_EPOCHS = 100_000  # --epochs above this is a typo, not a plan (99999999999999999999 used to train)
MAX_BATCH_SIZE = 1_000_000  # --batch-size above this is larger than any dataset the tool reads
DATA_HELP = "auto | embedded | keras | idx:PATH (a folder of IDX files)"
CLASS_NAMES_HELP = ('names of the classes in label order: "T-shirt/top,Trouser,..." or @FILE (one name a line); '
                    "one per class of the labels")


def data_source(value: str) -> str:
    """``--data``: auto, embedded, keras or idx:PATH.

    >>> data_source("keras")
    'keras'
    """
    if value in ("auto", "embedded", "keras"):
        return value
    if value.startswith("idx:") and len(value) > 4:
        return value
    raise argparse.ArgumentTypeError(f"invalid data source {value!r}; expected {DATA_HELP}")


def int_at_least(minimum: int, what: str, maximum: int | None = None) -> Callable[[str], int]:
    """An argparse ``type``: an integer in [``minimum``, ``maximum``], else a message saying what was
    expected.

    >>> int_at_least(1, "a positive integer")("0")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: expected a positive integer, got '0'
    """
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            number = None
        if number is None or number < minimum or (maximum is not None and number > maximum):
            raise argparse.ArgumentTypeError(f"expected {what}, got {value!r}")
        return number

    return parse


def path(value: str) -> str:
    """An argparse ``type``: a file or folder path, which must not be empty (``-o ''`` used to fall
    back to the default location without a word).

    >>> path("reports/a.html")
    'reports/a.html'
    >>> path("")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: expected a file or folder path, got an empty string ''
    """
    if not value.strip():
        raise argparse.ArgumentTypeError(f"expected a file or folder path, got an empty string {value!r}")
    return value


def class_names(value: str) -> tuple[str, ...]:
    """An argparse ``type``: ``"a,b,c"`` or ``@FILE`` (UTF-8, one name a line; blank lines at the
    end are ignored) as a tuple of names, each stripped of surrounding blanks; an empty, repeated
    or missing name, or a missing file, is an error."""
    if value.startswith("@"):
        path = Path(value[1:])
        try:
            lines = path.read_text(encoding="utf-8-sig").splitlines()
        except FileNotFoundError:
            raise argparse.ArgumentTypeError(f"file {str(path)!r} does not exist; expected @FILE with one class "
                                             "name a line") from None
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or f"{type(exc).__name__}: {exc}"
            raise argparse.ArgumentTypeError(f"cannot read {str(path)!r} ({reason}); expected a UTF-8 text file "
                                             "with one class name a line") from None
        while lines and not lines[-1].strip():
            lines.pop()
        names, where = [line.strip() for line in lines], f"line {{}} of {path}"
    else:
        names, where = [name.strip() for name in value.split(",")], "name {} of the list"
    if not any(names):
        raise argparse.ArgumentTypeError(f"expected at least 2 class names, got {value!r}")
    empty = next((i for i, name in enumerate(names) if not name), None)
    if empty is not None:
        raise argparse.ArgumentTypeError(f"{where.format(empty + 1)} is empty; every class needs a name "
                                         f"(got {value!r})")
    repeated = next((name for name in names if names.count(name) > 1), None)
    if repeated is not None:
        raise argparse.ArgumentTypeError(f"class name {repeated!r} is given more than once; names must be unique")
    if len(names) < 2:
        raise argparse.ArgumentTypeError(f"expected at least 2 class names, got {value!r}")
    return tuple(names)


def dataset_key(value: str) -> str:
    """An argparse ``type``: a known dataset in any spelling ("Fashion-MNIST") as its key."""
    from mnist_viz.data.known import KNOWN_DATASETS, normalise_key

    key = normalise_key(value)
    return key if key in KNOWN_DATASETS else value  # an unknown one: argparse lists the choices


positive_int = int_at_least(1, "a positive integer")
seed = int_at_least(0, "an integer from 0 to 2**32 - 1", maximum=2**32 - 1)
epochs = int_at_least(1, f"an integer from 1 to {MAX_EPOCHS:,}", maximum=MAX_EPOCHS)
batch_size = int_at_least(1, f"an integer from 1 to {MAX_BATCH_SIZE:,}", maximum=MAX_BATCH_SIZE)
