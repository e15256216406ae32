"""CLI conventions: every option has help and shows its default; stdout holds only the written path(s),
progress goes to stderr (a tqdm bar on a terminal, plain lines in page order elsewhere, nothing with --quiet)."""
import argparse
import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
import threading
from pathlib import Path

import pytest

from mnist_viz.cli import build_parser, main
from report_runs import two_runs, write_run  # noqa: F401 (fixture)

REPO = Path(__file__).resolve().parents[1]
COMMANDS = ("train", "evaluate", "report", "demo")


def _env() -> dict:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [env.get("PYTHONPATH")])])
    return env


def _run_cli(*args, cwd=REPO):
    return subprocess.run([sys.executable, "-m", "mnist_viz", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env=_env())


def _run_cli_in_terminal(*args, cwd=REPO, timeout=300):
    """(process, stdout, what it wrote on stderr): stderr is a terminal (a pty 100 columns wide),
    stdout a pipe, as in ``path=$(mnist-viz ...)`` typed at a prompt."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    chunks = []

    def read():
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the last writer closed the pty
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        proc = subprocess.run([sys.executable, "-m", "mnist_viz", *args], cwd=cwd, stdout=subprocess.PIPE,
                              stderr=slave, stdin=subprocess.DEVNULL, timeout=timeout, env=_env())
    finally:
        os.close(slave)
    reader.join(timeout=10)
    os.close(master)
    return proc, proc.stdout.decode(), b"".join(chunks).decode(errors="replace")


# -- help ----------------------------------------------------------------------------------------------
def _subparsers() -> dict[str, argparse.ArgumentParser]:
    (sub,) = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


def _help_entries(text: str) -> dict[str, str]:
    """The entries of an argparse help text: invocation ("--epochs N", "-o FILE, --output FILE",
    "RUN_DIR") -> its help, whitespace collapsed ("" when it has none)."""
    entries, current = {}, None
    for line in text.splitlines():
        match = re.match(r"^  (\S.*?)(?:\s{2,}(\S.*))?$", line)
        if match and not line.startswith("   "):
            current = match.group(1)
            entries[current] = match.group(2) or ""
        elif current is not None and line.startswith("   ") and line.strip():
            entries[current] = (entries[current] + " " + line.strip()).strip()
        elif not line.strip() or not line.startswith(" "):
            current = None  # a blank line or a section title ends an entry
    return entries


def _help_of(command: str, capsys) -> str:
    if command == "train":  # one real process: what a user sees
        proc = _run_cli("train", "--help")
        assert proc.returncode == 0 and proc.stderr == "", proc.stderr
        return proc.stdout
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("command", COMMANDS)
def test_every_option_has_help_and_shows_its_default(command, capsys):
    parser = _subparsers()[command]
    entries = _help_entries(_help_of(command, capsys))
    actions = [a for a in parser._actions if not isinstance(a, argparse._HelpAction)]
    for action in actions:
        names = action.option_strings or [action.metavar or action.dest]
        found = [(inv, text) for inv, text in entries.items() if any(re.match(rf"{re.escape(n)}\b", part.strip())
                                                                        for part in inv.split(",") for n in names)]
        assert len(found) == 1, f"{command}: {names} not in the help entries {list(entries)}"
        invocation, text = found[0]
        assert len(text) > 10, f"{command} {invocation}: no help text"
        if action.nargs == 0 or action.required or not action.option_strings:
            assert "(default" not in text, f"{command} {invocation}: a flag or required argument shows a default"
        elif action.default is None:
            assert re.search(r"\(default: [^)]+", text), f"{command} {invocation}: says nothing of its default"
        else:
            assert f"(default: {action.default})" in text, f"{command} {invocation}: {text!r}"
    assert len(entries) == len(actions) + 1  # + -h: nothing shown that is not an option, nothing left out


def test_train_help_shows_every_default(capsys):
    entries = _help_entries(_help_of("train", capsys))
    expected = {"--epochs N": "(default: 5)", "--batch-size N": "(default: 128)", "--seed N": "(default: 0)",
                "--model {dense,convnet}": "(default: dense)", "--data SOURCE": "(default: auto)",
                "--out DIR": "(default: runs/MODEL)"}
    for invocation, default in expected.items():
        assert entries[invocation].endswith(default), (invocation, entries[invocation])
    assert "--quiet" in entries and "(default" not in entries["--quiet"]  # flags: no "(default: False)"


def test_evaluate_and_report_positionals_have_help(capsys):
    assert "model.keras" in _help_entries(_help_of("evaluate", capsys))["RUN_DIR"]
    assert "run directories" in _help_entries(_help_of("report", capsys))["RUN_DIR"]


# -- stdout holds the written path(s) alone ----------------------------------------------------------------------
def test_what_a_command_prints_goes_to_stderr_and_stdout_holds_the_path(tmp_path, monkeypatch, capsys):
    """Keras prints its own fit progress with print(): anything a command's work prints lands on stderr."""
    import mnist_viz.training

    def noisy_train(model, dataset, **kw):
        print("Epoch 1/5 - 469/469 ━━━━ 2s - loss: 0.3")  # what Keras' verbose output looks like
        return None

    monkeypatch.setattr(mnist_viz.training, "train", noisy_train)
    out = tmp_path / "run"
    assert main(["train", "--data", "embedded", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.out == f"{out}\n"
    assert "Epoch 1/5 - 469/469" in captured.err


def _section_labels(runs) -> list[str]:
    """The report's sections in page order, as its progress lines name them."""
    from mnist_viz.report._tasks import run_tasks
    from mnist_viz.run import Run

    loaded = [Run.load(r) for r in runs]
    labels = ["comparison"] if len(loaded) > 1 else []
    for i, run in enumerate(loaded):
        labels += [label for label, _ in run_tasks(run, i, len(loaded))]
    return labels


def test_report_prints_the_path_on_stdout_and_sections_in_page_order_on_stderr(two_runs, tmp_path):  # noqa: F811
    """Not a terminal: one plain line per section, in page order, though the workers finish them in
    another order (the heavy sections start first; the summary, first on the page, last)."""
    html = tmp_path / "two.html"
    proc = _run_cli("report", *map(str, two_runs), "-o", str(html))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"{html}\n"
    lines = proc.stderr.splitlines()
    assert "\r" not in proc.stderr and "%|" not in proc.stderr  # no bar
    labels = _section_labels(two_runs)
    assert len(lines) == len(labels) + 1
    assert [re.fullmatch(r"report: (.*) \(\d+\.\d\d s\)", line).group(1) for line in lines[:-1]] == labels
    assert lines[-1].startswith("report: done in ") and lines[-1].endswith(f" -> {html}")


def test_report_on_a_terminal_draws_a_bar_on_stderr(two_runs, tmp_path):  # noqa: F811
    html = tmp_path / "two.html"
    proc, stdout, stderr = _run_cli_in_terminal("report", *map(str, two_runs), "-o", str(html))
    assert proc.returncode == 0, stderr
    assert stdout == f"{html}\n"
    n = len(_section_labels(two_runs))
    assert "\r" in stderr and f"100%" in stderr and f"{n}/{n}" in stderr and "section" in stderr
    assert "report: done in " in stderr
    assert not re.search(r"report: \[1/2\] dense: summary \(\d", stderr)  # the bar stands for the section lines


def test_quiet_report_on_a_terminal_writes_nothing_on_stderr(tmp_path):
    run = write_run(tmp_path / "p", with_test=False, with_probe=False, with_weights=False)
    html = tmp_path / "p.html"
    proc, stdout, stderr = _run_cli_in_terminal("report", str(run), "-o", str(html), "--quiet")
    assert proc.returncode == 0 and stdout == f"{html}\n" and stderr == ""


def test_usage_error_on_a_terminal_is_one_line_and_stdout_stays_empty():
    proc, stdout, stderr = _run_cli_in_terminal("report", "does/not/exist")
    assert proc.returncode == 2 and stdout == ""
    assert stderr.replace("\r\n", "\n") == "mnist-viz: error: run directory 'does/not/exist' does not exist\n"


@pytest.mark.slow
def test_train_on_a_terminal_shows_a_bar_and_prints_only_the_run_path(tmp_path):
    out = tmp_path / "d"
    proc, stdout, stderr = _run_cli_in_terminal("train", "--data", "embedded", "--epochs", "2", "--out", str(out))
    assert proc.returncode == 0, stderr[-3000:]
    assert stdout == f"{out}\n"  # Keras' own progress, and ours, went to the terminal
    assert "\r" in stderr and "dense: epoch 2/2" in stderr and "batch" in stderr and "100%" in stderr
    assert re.search(r"dense: epoch 1/2 - \d+\.\d s - accuracy \d\.\d{4} - loss \d\.\d{4} - val_", stderr)
    assert f"dense: test accuracy " in stderr and "Traceback" not in stderr


def test_evaluate_on_a_terminal_shows_its_steps_and_prints_only_the_folder(trained_runs, tmp_path):
    import shutil

    run = Path(shutil.copytree(trained_runs["dense"], tmp_path / "dense"))
    proc, stdout, stderr = _run_cli_in_terminal("evaluate", str(run), "--data", "embedded", "--name", "again")
    assert proc.returncode == 0, stderr[-3000:]
    assert stdout == f"{run / 'evaluations' / 'again'}\n"
    assert "\r" in stderr and "evaluate: 100%" in stderr and "3/3" in stderr and "step" in stderr
    assert re.search(r"again: test accuracy \d\.\d{4} on 1,000 images -> ", stderr)
