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


def test_a_module_level_missing_prerequisite_skips_that_file_only(tmp_path):
    """import_or_missing at a test module's top (as test_notebook.py does) skips that file, outside CI,
    and the rest of the run goes on."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    tests = Path(__file__).parent
    (tmp_path / "test_needs.py").write_text(
        "from prerequisites import import_or_missing\nimport_or_missing('no_such_module_here')\n"
        "def test_never():\n    assert False\n")
    (tmp_path / "test_other.py").write_text("def test_runs():\n    assert True\n")
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "MNIST_VIZ_REQUIRE_BACKENDS", "PYTEST_ADDOPTS")}
    env["PYTHONPATH"] = os.pathsep.join([str(tests), env.get("PYTHONPATH", "")])
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
                           "-c", os.devnull, "--rootdir", str(tmp_path), str(tmp_path)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed, 1 skipped" in done.stdout
    ci = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
                         "-c", os.devnull, "--rootdir", str(tmp_path), str(tmp_path)],
                        capture_output=True, text=True, env={**env, "CI": "true"}, timeout=120)
    assert ci.returncode != 0 and "no_such_module_here is not installed" in ci.stdout
