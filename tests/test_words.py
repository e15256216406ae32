"""The words for one sample (mnist_viz/_words.py): "digit" only for digit datasets, the dataset's own
noun otherwise, counts in the singular for one; and the plots use them."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import mnist_viz.plots as mp  # noqa: E402
from mnist_viz._words import count, noun_for, plural, run_noun  # noqa: E402
from mnist_viz.run import Run  # noqa: E402

FASHION = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def test_the_rule_digit_for_digits_else_the_given_noun_else_image():
    assert noun_for() == noun_for([str(i) for i in range(10)]) == noun_for(["0", "1"]) == "digit"
    assert noun_for(FASHION) == "image"
    assert noun_for([str(i) for i in range(47)]) == "image"  # 47 numbered classes are no digits
    assert noun_for(FASHION, "Character") == "character"
    assert noun_for(FASHION, "  ") == "image"  # a blank noun is no noun
    with pytest.raises(TypeError, match="noun must be a str"):
        noun_for(noun=["digit"])


def test_counts_are_singular_for_one():
    assert [count(n, "digit") for n in (0, 1, 2, 39)] == ["0 digits", "1 digit", "2 digits", "39 digits"]
    assert count(10000, "image") == "10,000 images" and plural("letter") == "letters"


def test_a_run_s_noun_is_its_metadata_s_else_from_its_class_names():
    assert run_noun(Run.from_dict({"loss": [1.0]})) == "digit"
    assert run_noun(Run.from_dict({"loss": [1.0]}, metadata={"data": {"class_names": FASHION}})) == "image"
    assert run_noun(Run.from_dict({"loss": [1.0]}, metadata={"data": {"class_names": FASHION,
                                                                       "noun": "letter"}})) == "letter"
    assert run_noun(Run.from_dict({"loss": [1.0]}, metadata={"data": {"noun": 5}})) == "digit"  # not a word


def _preds(n=40, c=10, seed=0):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % c
    probs = rng.dirichlet(np.ones(c), n)
    probs[np.arange(n), (y + (np.arange(n) % 4 == 0)) % c] += 2
    return rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), y, probs / probs.sum(1, keepdims=True)


@pytest.mark.parametrize("draw", [
    lambda i, y, p, **kw: mp.topk_grid(i, y, p, n=6, **kw),
    lambda i, y, p, **kw: mp.misclassified(i, y, p, **kw),
    lambda i, y, p, **kw: mp.confused_pairs(i, y, p, **kw),
], ids=["topk", "misclassified", "confused_pairs"])
def test_prediction_views_say_digit_only_for_digits(draw):
    images, y, probs = _preds()
    assert "digit" in mp.alt_text(draw(images, y, probs))
    fashion = mp.alt_text(draw(images, y, probs, class_names=FASHION))
    assert "digit" not in fashion and "image" in fashion
    assert "letter" in mp.alt_text(draw(images, y, probs, class_names=FASHION, noun="letter"))


def test_the_figures_texts_follow_the_noun_too():
    images, y, probs = _preds()
    fig = mp.misclassified(images, y, probs, class_names=FASHION)
    assert fig._suptitle.get_text().endswith("errors in 40 images)")
    ax = mp.embedding(np.random.default_rng(0).normal(size=(40, 4)), y, class_names=FASHION)
    assert ax.get_title().endswith("(40 images)")
    assert "T-shirt/top, Trouser" in mp.alt_text(ax)  # the alt text lists the classes, whole
    empty = mp.topk_grid(images[:0], y[:0], probs[:0], class_names=FASHION)
    assert empty.axes[0].texts[0].get_text() == "No images to show."


def test_one_error_is_one_error_not_one_errors():
    images, y, probs = _preds(4, 2)
    probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.7, 0.3], [0.3, 0.7]])
    text = mp.alt_text(mp.misclassified(images, np.array([0, 1, 0, 0]), probs))
    assert text.startswith("The 1 most confident of 1 misclassified digit out of 4;"), text


def test_docstring_examples_run():
    import doctest

    import mnist_viz._words as words

    result = doctest.testmod(words, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 5 and result.failed == 0
