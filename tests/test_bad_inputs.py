"""The bad-input matrix (issue 14): every case of tests/bad_input_cases.py gives a clear error — the
expected exception type with a message naming the argument or file, or for the CLI exit 2 with one
stderr line and no traceback. ``python benchmarks/bad_input_matrix.py`` counts the same cases.
"""
from __future__ import annotations

import pytest

from bad_input_cases import CASES, Case, classify, outcome


def _param(case: Case):
    marks = [pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else []
    return pytest.param(case, id=case.id, marks=marks)


def test_the_matrix_is_large_and_its_ids_unique():
    ids = [c.id for c in CASES]
    assert len(ids) >= 80 and len(set(ids)) == len(ids)
    assert sum(c.cli for c in CASES) >= 20  # the CLI is a boundary too


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_a_bad_input_gives_a_clear_error(case, tmp_path):
    verdict, detail = outcome(case, tmp_path)
    assert verdict == "clear", f"{case.id}: {verdict}: {detail}"


def _raise(exc):
    def call():
        raise exc
    return call


@pytest.mark.parametrize("case, expected", [
    (Case("ok", _raise(ValueError("n must be >= 1; got 0")), "ValueError", r"\bn\b"), "clear"),
    (Case("subclass", _raise(FileNotFoundError("x.csv")), "OSError", r"x\.csv"), "clear"),
    (Case("quiet", lambda: 42, "ValueError", r"n"), "silent"),
    (Case("other-type", _raise(KeyError("labels")), "ValueError", r"labels"), "unclear"),
    (Case("other-words", _raise(ValueError("bad value")), "ValueError", r"\bn\b"), "unclear"),
    (Case("no-such-class", _raise(ValueError("n")), "mnist_viz.run_format.NoSuchError", r"n"), "unclear"),
    (Case("setup-broke", lambda tmp: (tmp / "missing" / "f").read_text(), "ValueError", r"n"), "unclear"),
    (Case("cli-ok", lambda: ["train", "--epochs", "0"], "", r"--epochs", cli=True), "clear"),
    (Case("cli-wrong-words", lambda: ["train", "--epochs", "0"], "", r"--seed", cli=True), "unclear"),
    (Case("cli-wrong-code", lambda: ["train", "--epochs", "0"], "", r"--epochs", cli=True, exit_code=1), "unclear"),
    (Case("cli-runs", lambda tmp: ["train", "--data", "embedded", "--out", tmp / "r"], "", r"x", cli=True), "silent"),
])
def test_the_classifier_tells_clear_unclear_and_silent_apart(case, expected, tmp_path):
    assert classify(case, tmp_path) == expected, outcome(case, tmp_path)


def test_a_multi_line_cli_error_is_unclear(tmp_path, monkeypatch):
    from mnist_viz import cli

    def noisy(argv):
        import sys
        print("Traceback (most recent call last):\n  ...\nValueError: --epochs", file=sys.stderr)
        return 2
    monkeypatch.setattr(cli, "main", noisy)
    verdict, detail = outcome(Case("noisy", lambda: ["train"], "", r"--epochs", cli=True), tmp_path)
    assert verdict == "unclear" and "3 lines" in detail
