"""The README's code runs as written: the RunRecorder example a user copies into their own script."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from report_notes import absences

ROOT = Path(__file__).resolve().parents[1]


def readme_block(marker: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(re.escape(f"<!-- {marker} -->") + r"\s*```python\n(.*?)```", text, re.S)
    assert match, f"README.md has no ```python block after <!-- {marker} -->"
    return match.group(1)


def _run_python(code: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=str(ROOT), MPLBACKEND="Agg")
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_notebook_example_runs(tmp_path):
    code = readme_block("notebook-example")
    assert "epochs=5" in code
    code = code.replace("epochs=5", "epochs=1")
    code += (
        "\nassert run.status == 'complete'"
        "\nassert 'srcdoc' in report._repr_html_()"
        "\nimport matplotlib.pyplot as plt; assert len(plt.get_fignums()) >= 4"
    )
    proc = _run_python(code, tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (tmp_path / "reports" / "convnet.html").stat().st_size > 50_000


def test_runrecorder_example_runs_and_records_a_complete_run(tmp_path):
    code = readme_block("runrecorder-example")
    assert "epochs=5" in code
    code = code.replace("epochs=5", "epochs=2")  # the same code, shorter
    code += (
        "\nassert run.status == 'complete', run.status"
        "\nassert list(run.history.index) == [0, 1]"
        "\nassert {'loss', 'accuracy', 'val_loss', 'val_accuracy'} <= set(run.history.columns)"
        "\nassert run.weights is not None and run.probe is not None and run.test is not None"
        "\nassert run.metadata['note'] == 'my first run'"
        "\nassert run.test_metrics['accuracy'] > 0.8, run.test_metrics"
        "\nassert run.info['recorded']['validation'] == 'validation_split'"
        "\nassert run.features is not None and run.metadata['data']['source'] == 'embedded'"
    )
    proc = _run_python(code, tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = tmp_path / "reports" / "my-model.html"
    assert report.stat().st_size > 50_000
    assert (tmp_path / "runs" / "my-model" / "run.json").is_file()
    page = report.read_text(encoding="utf-8")
    assert absences(page) == []  # every section of the report shows its view, none says what is missing
    for section in ("summary", "curves", "weights", "confusion", "predictions", "internals", "evolution",
                    "calibration"):
        assert f'id="r0-{section}"' in page, section
    assert "my first run" in page  # the user's own metadata is shown


def test_own_fit_section_shows_the_one_added_line_and_what_each_argument_adds():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Record your own training"):text.index("### Run directory format")]
    assert 'RunRecorder("runs/convnet", test_data=(x_test, y_test))' in section
    for argument in ("validation_data=", "training_data=", "test_data=", "dataset=", "class_names=", "metadata=",
                     "feature_indices=", "snapshot_every=", "record_weights="):
        assert f"`{argument}" in section, argument


def _section(title: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(f"## {title}\n")
    return text[start:text.index("\n## ", start + 1)]


def test_other_datasets_commands_are_ones_the_cli_accepts(tmp_path, monkeypatch):
    """Every `mnist-viz train` line of "Other datasets" parses, and the options it shows exist."""
    import shlex

    from mnist_viz.cli import build_parser

    monkeypatch.chdir(tmp_path)
    (tmp_path / "names.txt").write_text("cat\ndog\nbird\n", encoding="utf-8")

    section = _section("Other datasets")
    lines = [line.split("#")[0] for line in section.splitlines() if line.startswith("mnist-viz ")]
    assert any("--dataset fashion-mnist" in line and "idx:" in line for line in lines)
    assert any("--class-names @names.txt" in line for line in lines)
    for line in lines:
        args = build_parser().parse_args(shlex.split(line)[1:])
        if args.command == "train" and "fashion" in line:
            assert args.dataset == "fashion-mnist"
        if "--class-names" in line:
            assert args.class_names == ("cat", "dog", "bird")
    for key in ("fashion-mnist", "kmnist", "emnist-balanced", "emnist-digits", "emnist-letters"):
        assert f"`{key}`" in section, key
    for cite in ("arXiv:1708.07747", "arXiv:1812.01718", "arXiv:1702.05373"):
        assert cite in section


def test_other_datasets_python_example_runs(tmp_path):
    """The Fashion-MNIST call, on a small folder of MNIST-named IDX files written by the project's writer."""
    sys.path.insert(0, str(ROOT / "tests"))
    from data_helpers import write_idx_folder

    write_idx_folder(tmp_path / "data" / "fashion", n_train=120, n_test=20)
    code = readme_block("other-datasets-example")
    assert "epochs=5" in code
    code = code.replace("epochs=5", "epochs=1") + (
        "\nassert data.name == 'Fashion-MNIST' and data.class_names[0] == 'T-shirt/top'"
        "\nassert run.info['class_names'][-1] == 'Ankle boot'"
        "\nassert run.metadata['data']['noun'] == 'image' and '1708.07747' in run.metadata['data']['citation']"
    )
    proc = _run_python(code, tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
