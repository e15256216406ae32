"""The words for one sample of a dataset, written once for the plots and the report: "digit" only
for digit datasets, the dataset's own noun otherwise ("image", "character", "letter"), and counts
with the right singular or plural ("1 digit", "39 images").

The noun of a run is ``run.json`` ``metadata.data.noun`` (the recorder writes the dataset's own
word there), else "digit" when its class names are "0".."9" (or unknown), else "image".

Example
-------
>>> from mnist_viz._words import noun_for, plural, count
>>> noun_for(None), noun_for([str(i) for i in range(10)]), noun_for(["T-shirt/top", "Trouser"])
('digit', 'digit', 'image')
>>> noun_for(["a", "b"], "letter"), plural("image"), count(1, "digit"), count(10000, "image")
('letter', 'images', '1 digit', '10,000 images')
"""
from __future__ import annotations

__all__ = ["DEFAULT_NOUN", "OTHER_NOUN", "noun_for", "plural", "count", "data_noun", "run_noun"]

#: the word for one sample of a digit dataset (MNIST, EMNIST digits), and the default
DEFAULT_NOUN = "digit"
#: the word for one sample of any other dataset that names no noun of its own
OTHER_NOUN = "image"


def _is_digits(class_names) -> bool:
    names = [str(c) for c in class_names]
    return names == [str(i) for i in range(len(names))] and len(names) <= 10


def noun_for(class_names=None, noun=None) -> str:
    """The singular word for one sample: ``noun`` when given, else "digit" for class names
    "0".."9" (or none given), else "image".

    >>> noun_for(["0", "1", "2"]), noun_for(["cat", "dog"]), noun_for(["cat"], noun="Character ")
    ('digit', 'image', 'character')
    >>> noun_for(noun=3)
    Traceback (most recent call last):
    ...
    TypeError: noun must be a str such as 'digit' or 'image'; got int
    """
    if noun is not None:
        if not isinstance(noun, str):
            raise TypeError(f"noun must be a str such as 'digit' or 'image'; got {type(noun).__name__}")
        if noun.strip():
            return noun.strip().lower()
    if class_names is None or _is_digits(class_names):
        return DEFAULT_NOUN
    return OTHER_NOUN


def plural(noun: str) -> str:
    """The plural of a sample noun (the nouns in use all take an "s").

    >>> plural("digit"), plural("character")
    ('digits', 'characters')
    """
    return noun + "s"


def count(n, noun: str) -> str:
    """``n`` and the noun, singular for 1: ``"1 digit"``, ``"1,000 images"``.

    >>> count(0, "letter"), count(1, "image"), count(2, "digit")
    ('0 letters', '1 image', '2 digits')
    """
    n = int(n)
    return f"{n:,} {noun if n == 1 else plural(noun)}"


def data_noun(data, class_names=None) -> str:
    """The noun of a dataset described by ``data`` (``run.json`` ``metadata.data``, or an
    evaluation's ``data``): its ``noun``, else from ``class_names`` (else ``data["class_names"]``).

    >>> data_noun({"noun": "letter"}), data_noun({"class_names": ["Bag", "Coat"]}), data_noun(None, ["0", "1"])
    ('letter', 'image', 'digit')
    """
    data = data if isinstance(data, dict) else {}
    noun = data.get("noun")
    names = class_names if class_names is not None else data.get("class_names")
    return noun_for(names, noun if isinstance(noun, str) else None)


def run_noun(run) -> str:
    """The noun of a :class:`~mnist_viz.run.Run`: ``metadata.data.noun``, else from its class names.

    >>> from mnist_viz.run import Run
    >>> run_noun(Run.from_dict({"loss": [1.0]}))
    'digit'
    >>> run_noun(Run.from_dict({"loss": [1.0]}, metadata={"data": {"class_names": ["Bag", "Coat"]}}))
    'image'
    >>> run_noun(Run.from_dict({"loss": [1.0]}, metadata={"data": {"noun": "character"}}))
    'character'
    """
    return data_noun((getattr(run, "metadata", None) or {}).get("data"), getattr(run, "class_names", None))
