"""The architecture, asserted: layering, one owner of the run format, module size, tests mirroring modules.

Data flows one way (docs/ARCHITECTURE.md): recorders -> run directory (run_format) -> Run -> plots -> report.
These tests read the source (``ast``), so they fail the moment a module crosses a layer, spells a run
file name of its own, or grows past the size the team agreed on.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "mnist_viz"
TESTS = ROOT / "tests"
FORMAT_MODULE = PACKAGE / "run_format.py"
#: the agreed ceiling for one module ("short enough to read in one sitting")
MAX_MODULE_LINES = 400


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _dotted(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, anywhere in the file (lazy imports inside functions too),
    relative imports resolved against its package."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = _dotted(path) if path.name == "__init__.py" else _dotted(path).rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            out.add(module)
            out.update(f"{module}.{alias.name}" for alias in node.names)
    return out


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _layer(*parts: str) -> list[Path]:
    base = PACKAGE.joinpath(*parts)
    return sorted(base.rglob("*.py")) if base.is_dir() else [base.with_suffix(".py")]


@pytest.mark.parametrize("path", _layer("plots") + _layer("report"), ids=_dotted)
def test_plots_and_report_import_no_recorder_training_or_tensorflow(path):
    forbidden = ("mnist_viz.callbacks", "mnist_viz.training", "tensorflow", "keras", "mnist_viz._tf")
    bad = sorted(name for name in _imports(path) for prefix in forbidden if _under(name, prefix))
    assert not bad, f"{_dotted(path)} imports {bad}: plotting and the report know nothing of training"


@pytest.mark.parametrize("path", _layer("run") + _layer("run_format"), ids=_dotted)
def test_run_and_format_import_neither_plots_nor_report(path):
    forbidden = ("mnist_viz.plots", "mnist_viz.report", "matplotlib", "tensorflow", "keras", "mnist_viz.callbacks")
    bad = sorted(name for name in _imports(path) for prefix in forbidden if _under(name, prefix))
    assert not bad, f"{_dotted(path)} imports {bad}: the run format sits below the plots and the report"


def test_metrics_import_no_drawing_or_tensorflow():
    bad = sorted(n for n in _imports(PACKAGE / "metrics.py")
                 for prefix in ("matplotlib", "seaborn", "tensorflow", "keras", "mnist_viz.plots") if _under(n, prefix))
    assert not bad, f"mnist_viz.metrics imports {bad}: it holds numbers only (NumPy + scikit-learn)"


def test_importing_plots_report_and_run_loads_no_tensorflow():
    code = ("import sys, mnist_viz.plots, mnist_viz.report, mnist_viz.run, mnist_viz.metrics, mnist_viz.run_format; "
            "print(sorted(m for m in ('tensorflow', 'keras', 'jax', 'torch') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


def _run_file_names() -> list[str]:
    """Every file name the run format defines (from run_format's constants, not a copy of them)."""
    sys.path.insert(0, str(ROOT))
    from mnist_viz import run_format

    names = {run_format.RUN_JSON, run_format.HISTORY_CSV, run_format.BATCHES_CSV, run_format.WEIGHT_STATS_CSV,
             run_format.WEIGHT_INDEX_JSON, run_format.WEIGHT_HISTOGRAMS_NPZ, run_format.DEAD_RELU_CSV,
             run_format.PROBE_NPZ, run_format.TEST_NPZ, run_format.FEATURES_NPZ, run_format.MODEL_KERAS,
             run_format.MODEL_CONFIG_JSON, run_format.SNAPSHOT_GLOB, run_format.PROBE_EPOCH_GLOB}
    # the bare names too ("stats.csv" inside weights/, "probe.npz" inside probe/)
    names |= {name.rsplit("/", 1)[-1] for name in names}
    return sorted(names)


def _code_strings(tree: ast.AST) -> list[tuple[int, str]]:
    """String constants of the code (f-string parts included), docstrings excluded."""
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                docstrings.add(id(first.value))
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def _spells(text: str, name: str) -> bool:
    """``name`` in ``text`` as a file name (not as the tail of another name: "-weight-stats.csv")."""
    import re

    return re.search(r"(?<![\w.-])" + re.escape(name) + r"(?![\w])", text) is not None


def test_no_module_but_the_format_spells_a_run_file_name():
    names = _run_file_names()
    found = []
    for path in _modules():
        if path == FORMAT_MODULE:
            continue
        for line, text in _code_strings(ast.parse(path.read_text(encoding="utf-8"))):
            found += [f"{path.relative_to(ROOT)}:{line}: {name!r} in {text[:60]!r}" for name in names if _spells(text, name)]
    assert not found, "run file names belong to mnist_viz/run_format.py only:\n" + "\n".join(found)


def test_the_file_name_check_would_catch_a_literal(tmp_path):
    tree = ast.parse('"""Docs may say history.csv."""\ndef f(d):\n    """Also run.json."""\n    return d / f"x/{1}history.csv"\n')
    hits = [text for _, text in _code_strings(tree) if any(_spells(text, n) for n in _run_file_names())]
    assert hits == ["history.csv"]
    assert not _spells("run-weight-stats.csv", "stats.csv") and _spells("weights/stats.csv", "stats.csv")


@pytest.mark.parametrize("path", _modules(), ids=_dotted)
def test_no_module_over_the_line_limit(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{path.relative_to(ROOT)} has {lines} lines (at most {MAX_MODULE_LINES}): split it"


def _mirror_test(path: Path) -> Path:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    parts = [p.lstrip("_") for p in parts]
    return TESTS / ("test_" + "_".join(parts) + ".py") if parts else TESTS / "test_init.py"


#: modules whose behaviour is tested elsewhere, each with the reason
MIRROR_EXEMPT = {
    "mnist_viz": "the package's lazy exports: tests/test_import.py",
    "mnist_viz.__main__": "two lines calling cli.main: tests/test_cli.py runs `python -m mnist_viz`",
}


@pytest.mark.parametrize("path", _modules(), ids=_dotted)
def test_every_module_has_its_mirrored_test_file(path):
    if _dotted(path) in MIRROR_EXEMPT:
        pytest.skip(MIRROR_EXEMPT[_dotted(path)])
    expected = _mirror_test(path)
    if path.name == "__init__.py":  # a package: its own test file, or the test files of its modules
        found = expected.exists() or any(TESTS.glob(expected.stem + "_*.py"))
    else:
        found = expected.exists()
    assert found, f"{path.relative_to(ROOT)} has no tests/{expected.name}"
