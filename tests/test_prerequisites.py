"""tests/prerequisites.py: a missing prerequisite skips on a user's machine and fails in CI."""
import pytest

from prerequisites import import_or_missing, missing, required


@pytest.fixture
def outside_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("MNIST_VIZ_REQUIRE_BACKENDS", raising=False)


@pytest.mark.parametrize("env", [{"CI": "true"}, {"CI": "1"}, {"CI": "TRUE"}, {"MNIST_VIZ_REQUIRE_BACKENDS": "1"}])
def test_in_ci_a_missing_prerequisite_fails(outside_ci, monkeypatch, env):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert required()
    with pytest.raises(pytest.fail.Exception, match=r"no Chromium at /x \(CI requires it"):
        missing("no Chromium at /x")
    with pytest.raises(pytest.fail.Exception, match="no_such_module_here is not installed"):
        import_or_missing("no_such_module_here")


@pytest.mark.parametrize("value", [None, "", "false", "0"])
def test_elsewhere_it_skips_with_the_reason(outside_ci, monkeypatch, value):
    if value is not None:
        monkeypatch.setenv("CI", value)
    assert not required()
    with pytest.raises(pytest.skip.Exception, match="^no Chromium at /x$"):
        missing("no Chromium at /x")


def test_a_present_module_is_returned(outside_ci):
    import json

    assert import_or_missing("json") is json


def test_ci_run_sets_ci_and_the_default_options_compare_pixels():
    from conftest import REPO

    assert 'export CI="${CI:-true}"' in (REPO / ".ci" / "run").read_text()
    import tomllib

    addopts = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["addopts"]
    assert "--mpl" in addopts.split()
