"""The ``mnist-viz`` command line: ``train``, ``evaluate``, ``report`` and ``demo``.

Usage errors (a bad ``--model``, a missing run directory, unreadable ``--data idx:PATH``,
``--class-names`` that do not fit the labels, a broken run file) print one line and exit with
status 2, without a traceback. Runtime failures (a full disk, a permission lost, a folder removed
while a command writes) print one line naming the path and the operating system's error and exit
with status 1; ``--debug`` adds the traceback. ``--dataset NAME`` names a known dataset (Fashion-MNIST, KMNIST, EMNIST, ...:
:mod:`mnist_viz.data.known`); ``--class-names "a,b,..."`` or ``--class-names @names.txt`` (one a
line) gives names of your own. TensorFlow is imported only by ``train``,
``evaluate`` and ``demo``, after the arguments have been checked.

Output: stdout gets only the path(s) a command wrote, one a line (``train``: the run directory,
``evaluate``: the evaluation's folder, ``report`` and ``demo``: the HTML file), so
``path=$(mnist-viz demo)`` captures just that. Everything else goes to stderr: progress, warnings,
and whatever the work itself prints (Keras included: stdout is redirected to stderr while a command
runs). When stderr is a terminal, long work shows a tqdm bar (training batches, report sections,
evaluate's steps); when it is not (a pipe, a file, CI), plain lines instead: one per epoch, one per
report section in page order, one summary line. ``--quiet`` silences all of it but errors and the
path(s). ``--help`` on each command shows every option's default.

Example
-------
>>> from mnist_viz.cli import main
>>> main(["train", "--model", "resnet"])          # doctest: +SKIP
mnist-viz: error: argument --model: invalid choice: 'resnet' (choose from 'dense', 'convnet')
2
"""
from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, cast

from mnist_viz import _cli_args as values
from mnist_viz import run_format as fmt

if TYPE_CHECKING:
    from mnist_viz.data import MnistData
    from mnist_viz.models import ModelName
    from mnist_viz.report import Report

MODELS: tuple[ModelName, ...] = ("dense", "convnet")
#: a command: the parsed arguments in, the path(s) it wrote out (printed on stdout, one a line)
_Command = Callable[[argparse.Namespace], "list[Path | None]"]


class UsageError(Exception):
    """A problem with what the user asked for: reported in one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, no usage dump, exit 2
        raise UsageError(message)


def _add_data_options(p: argparse.ArgumentParser) -> None:
    from mnist_viz.data.known import DATASET_KEYS

    p.add_argument("--dataset", type=values.dataset_key, choices=DATASET_KEYS, metavar="NAME", default=None,
                   help=f"a known dataset, one of {', '.join(DATASET_KEYS)}: its class names and citation, and "
                        "its files in an idx: folder (needed for fashion-mnist and kmnist, which use MNIST's names) "
                        "(default: the one --data holds, MNIST for embedded and keras)")
    p.add_argument("--class-names", type=values.class_names, default=None, metavar="NAMES",
                   help=values.CLASS_NAMES_HELP + " (default: the dataset's own names)")


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """``(default: X)`` after the help of every option with a default, but flags; an option whose
    default is None says in its own help what it defaults to."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        if "(default" in text or action.default in (None, argparse.SUPPRESS) or action.nargs == 0:
            return text
        return super()._get_help_string(action)


QUIET_HELP = "no progress bar or log lines on stderr (errors, warnings and the written path(s) still show)"
DEBUG_HELP = "on a runtime failure (a full disk, a permission lost) show the Python traceback too"


def build_parser() -> argparse.ArgumentParser:
    """The ``mnist-viz`` argument parser; each command's ``--help`` shows every default.

    >>> build_parser().parse_args(["train"]).epochs
    5
    """
    parser = _Parser(prog="mnist-viz", description="See what a Keras model learned on MNIST digits.",
                     epilog="stdout gets only the written path(s); progress and logs go to stderr.")
    from mnist_viz import __version__

    parser.add_argument("--version", action="version", version=f"mnist-viz {__version__}")
    parser.add_argument("--debug", action="store_true", help=DEBUG_HELP)
    sub = parser.add_subparsers(dest="command", metavar="{train,evaluate,report,demo}", parser_class=_Parser)

    def command(name: str, summary: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=summary, description=summary[0].upper() + summary[1:] + ".",
                           formatter_class=_HelpFormatter)
        # SUPPRESS: an absent --debug here leaves the top-level one (mnist-viz --debug report ...) as it is
        p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=DEBUG_HELP)
        return p

    p = command("train", "train a model and write a run directory (its path is printed)")
    p.add_argument("--model", choices=MODELS, default="dense", help="dense (the tutorial's) or convnet")
    p.add_argument("--data", type=values.data_source, default="auto", metavar="SOURCE", help=values.DATA_HELP)
    _add_data_options(p)
    p.add_argument("--epochs", type=values.epochs, default=5, metavar="N", help="passes over the training split")
    p.add_argument("--batch-size", type=values.batch_size, default=128, metavar="N", help="images per training step")
    p.add_argument("--seed", type=values.seed, default=0, metavar="N",
                   help="seed of the weights, the shuffling and the validation split (0 to 2**32 - 1)")
    p.add_argument("--out", type=values.path, default=None, metavar="DIR", help="run directory (default: runs/MODEL)")
    p.add_argument("--overwrite", action="store_true", help="replace an existing run at --out")
    p.add_argument("--quiet", action="store_true", help=QUIET_HELP)

    p = command("evaluate", "score a run's saved model on another test set (written into the run)")
    p.add_argument("run", metavar="RUN_DIR", help=f"a run directory holding {fmt.MODEL_KERAS} (from train)")
    p.add_argument("--data", type=values.data_source, required=True, metavar="SOURCE",
                   help=values.DATA_HELP + "; only its test split is used")
    _add_data_options(p)
    p.add_argument("--name", default=None, metavar="NAME",
                   help="evaluation name (default: from --data: idx-<folder>, embedded or keras)")
    p.add_argument("--overwrite", action="store_true", help="replace an evaluation of that name")
    p.add_argument("--quiet", action="store_true", help=QUIET_HELP)

    p = command("report", "build a self-contained HTML report from run directories")
    p.add_argument("runs", nargs="+", metavar="RUN_DIR", help="run directories, one section group each")
    p.add_argument("-o", "--output", type=values.path, default=None, metavar="FILE", help="HTML file (default: reports/<run names>.html)")
    p.add_argument("--title", default=None, metavar="TEXT", help="page title (default: mnist_viz report: <run names>)")
    p.add_argument("--quiet", action="store_true", help=QUIET_HELP)

    p = command("demo", "train dense and convnet on the embedded digits and report both")
    p.add_argument("--epochs", type=values.epochs, default=5, metavar="N", help="epochs of each model")
    p.add_argument("--runs-dir", type=values.path, default="runs", metavar="DIR",
                   help="folder for the two runs (a new demo-<time> folder in it)")
    p.add_argument("--reports-dir", type=values.path, default="reports", metavar="DIR", help="folder for the report (demo-<time>.html)")
    p.add_argument("--quiet", action="store_true", help=QUIET_HELP)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit status (0 ok, 1 runtime failure such as a full disk, 2 usage
    error or unreadable input, 130 interrupted).

    The path(s) a command wrote are printed on stdout, one a line; all else goes to stderr.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    parser = build_parser()
    args = None
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            raise UsageError("a command is required: train, evaluate, report or demo (see mnist-viz --help)")
        commands: dict[str, _Command] = {"train": _cmd_train, "evaluate": _cmd_evaluate, "report": _cmd_report,
                                         "demo": _cmd_demo}
        stdout = sys.stdout
        with contextlib.redirect_stdout(sys.stderr):  # whatever the work prints is a log line
            written = commands[args.command](args)
        for path in written:
            print(path, file=stdout, flush=True)
        return 0
    except (UsageError, fmt.RunFormatError) as exc:  # a broken run file is unreadable input: one line, exit 2
        print(f"mnist-viz: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # stdout's reader left (mnist-viz demo | head -0): nothing more to say to it
        with contextlib.suppress(OSError, ValueError):  # and no second error at interpreter exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as exc:  # the machine failed the command (disk full, permission lost): one line, exit 1
        if getattr(args, "debug", False):
            import traceback

            traceback.print_exc()
        print(f"mnist-viz: error: {os_error_line(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("mnist-viz: interrupted", file=sys.stderr)
        return 130


def os_error_line(exc: OSError) -> str:
    """One line for a runtime failure: the path (both, for a rename), the system's message and its
    errno name, and where to look.

    >>> import errno
    >>> os_error_line(OSError(errno.ENOSPC, "No space left on device", "runs/dense/run.json"))
    'runs/dense/run.json: No space left on device (ENOSPC); free some space or write elsewhere, then run the command again'
    """
    import errno

    paths = " -> ".join(str(p) for p in (exc.filename, exc.filename2) if p is not None) or "(no path given)"
    reason = exc.strerror or str(exc) or type(exc).__name__
    code = f" ({errno.errorcode.get(exc.errno, exc.errno)})" if exc.errno is not None else ""
    hint = {errno.ENOSPC: "free some space or write elsewhere", errno.EDQUOT: "free some space or write elsewhere",
            errno.EACCES: "check the folder's permissions", errno.EPERM: "check the folder's permissions",
            errno.EROFS: "write to another folder"}.get(exc.errno or 0, "check the path")
    return f"{paths}: {reason}{code}; {hint}, then run the command again"


def _load_data_or_fail(spec: str, split: str = "train", *, class_names: Sequence[str] | None = None,
                       dataset: str | None = None) -> MnistData:
    """Load ``--data`` (with ``--class-names`` and ``--dataset``) and its ``split`` ("train" or
    "test"); warnings become one ``mnist-viz: warning:`` line each (not the one that the split
    ``evaluate`` does not need is absent), errors a UsageError."""
    import warnings

    from mnist_viz.data._checks import LabelOutOfRange
    from mnist_viz.training import resolve_data

    _check_names_fit_dataset(class_names, dataset)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            loaded = resolve_data(spec, class_names=class_names, dataset=dataset)
        except LabelOutOfRange as exc:
            if class_names is None:
                raise UsageError(f"--data {spec}: {exc}; give --class-names (or --dataset) with one name "
                                 "per class") from None
            raise UsageError(f"--class-names: {exc.n_names} names given but --data {spec} has label {exc.label} "
                             f"(at least {exc.label + 1} classes); give one name per class, in label order") from None
        except (OSError, ValueError) as exc:
            raise UsageError(f"--data {spec}: {exc}") from None
    if split in loaded.missing:
        raise UsageError(f"--data {spec}: no {'training' if split == 'train' else 'test'} split found "
                         f"({loaded.description})")
    if class_names is not None and split == "train":
        labels = [y for y in (loaded.y_train, loaded.y_test) if len(y)]
        n_classes = max(int(y.max()) for y in labels) + 1
        if n_classes != len(class_names):
            raise UsageError(f"--class-names: {len(class_names)} names given but the labels of --data {spec} hold "
                             f"{n_classes} classes (0..{n_classes - 1}); give one name per class, in label order")
    for warning in caught:
        if split == "test" and "the train split is absent" in str(warning.message):
            continue
        print(f"mnist-viz: warning: {warning.message}", file=sys.stderr)
    return loaded


def _check_names_fit_dataset(class_names: Sequence[str] | None, dataset: str | None) -> None:
    if class_names is None or dataset is None:
        return
    from mnist_viz.data.known import known_dataset

    known = known_dataset(dataset)
    if len(class_names) != known.num_classes:
        raise UsageError(f"--class-names: {len(class_names)} names given but --dataset {dataset} has "
                         f"{known.num_classes} classes; give one name per class, or leave --class-names out")


def _cmd_train(args: argparse.Namespace) -> list[Path | None]:
    dataset = _load_data_or_fail(args.data, class_names=args.class_names, dataset=args.dataset)
    out = Path(args.out) if args.out else Path("runs") / args.model
    _check_out(out, overwrite=args.overwrite)
    from mnist_viz.training import train

    train(
        cast("ModelName", args.model),  # argparse checked it against choices=MODELS
        dataset,
        epochs=args.epochs,
        batch_size=args.batch_size,
        seed=args.seed,
        out=out,
        quiet=args.quiet,
        overwrite=args.overwrite,
    )
    return [out]


def _cmd_evaluate(args: argparse.Namespace) -> list[Path | None]:
    from mnist_viz._lock import RunLockedError
    from mnist_viz.run_format import check_evaluation_name, check_run_dir

    try:
        check_run_dir(args.run)
        if args.name is not None:
            check_evaluation_name(args.name, "--name")
    except (FileNotFoundError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    dataset = _load_data_or_fail(args.data, split="test", class_names=args.class_names, dataset=args.dataset)
    from mnist_viz.evaluation import default_name, evaluate

    name = args.name or default_name(args.data, dataset)
    try:
        run = evaluate(args.run, dataset, name=name, overwrite=args.overwrite, quiet=args.quiet)
    # no model, a name taken, a bad name: the user's input (a full disk, a permission lost: exit 1 in main)
    except (FileNotFoundError, FileExistsError, NotADirectoryError, IsADirectoryError, ValueError,
            RunLockedError) as exc:
        raise UsageError(" ".join(str(exc).split())) from None
    return [run.evaluations[name].path]


def _check_out(out: Path, *, overwrite: bool) -> None:
    from mnist_viz.training import out_problem

    problem = out_problem(out, overwrite=overwrite)
    if problem is not None:
        hint = "add --overwrite to replace it" if problem == "already holds a run" else "choose another --out"
        raise UsageError(f"--out {out}: {problem}; {hint}")
    _check_writable_folder(out, "--out")


def _check_writable_folder(folder: Path, option: str) -> None:
    """Create ``folder`` (and its parents) now and check that files can be written in it, so an
    unwritable output fails at once, in one line, before any training or drawing."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise UsageError(f"{option} {folder}: cannot write there ({reason}); choose another {option}") from None


def _check_report_output(output: Path) -> None:
    if output.is_dir():
        raise UsageError(f"-o {output}: is a folder, expected an .html file path")
    if output.suffix.lower() not in (".html", ".htm"):
        raise UsageError(f"-o {output}: expected a file name ending in .html, got {output.name!r}")
    _check_writable_folder(output.parent, "-o")


def _cmd_report(args: argparse.Namespace) -> list[Path | None]:
    from mnist_viz.run_format import check_run_dir

    for run_dir in args.runs:
        if not Path(run_dir).is_dir():
            raise UsageError(f"run directory {run_dir!r} does not exist")
        try:
            check_run_dir(run_dir)  # exactly the folders Run.load reads
        except FileNotFoundError as exc:
            raise UsageError(str(exc)) from None
    output = Path(args.output) if args.output else Path("reports") / (
        "-".join(Path(r).resolve().name for r in args.runs) + ".html"
    )
    _check_report_output(output)
    from mnist_viz.report import ReportError

    try:
        report = _build_report([Path(r) for r in args.runs], output, title=args.title, quiet=args.quiet)
    except ReportError as exc:
        raise UsageError(str(exc)) from None
    return [report.path]


def _build_report(runs: Sequence[Path], output: Path, *, title: str | None, quiet: bool) -> Report:
    """build_report with its progress on stderr: a bar over the sections on a terminal, else its lines."""
    from mnist_viz._progress import ReportProgress
    from mnist_viz.report import build_report

    progress = None if quiet else ReportProgress()
    try:
        return build_report(runs, output, title=title, quiet=quiet, progress=progress)
    finally:
        if progress is not None:
            progress.close()


def _cmd_demo(args: argparse.Namespace) -> list[Path | None]:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    _check_writable_folder(Path(args.runs_dir), "--runs-dir")
    _check_writable_folder(Path(args.reports_dir), "--reports-dir")
    base = _unique(Path(args.runs_dir) / f"demo-{stamp}")
    report_path = _unique(Path(args.reports_dir) / f"demo-{stamp}.html")
    from mnist_viz._progress import log
    from mnist_viz.data import load_mnist
    from mnist_viz.training import train

    dataset = load_mnist("embedded")
    started = time.perf_counter()
    runs = []
    for model in MODELS:
        log(f"training {model} on {dataset.description} ...", quiet=args.quiet)
        runs.append(train(model, dataset, epochs=args.epochs, out=base / model, quiet=args.quiet))
    report = _build_report([cast(Path, r.path) for r in runs], report_path,  # train wrote each run there
                           title="mnist_viz demo", quiet=args.quiet)
    log(f"demo finished in {time.perf_counter() - started:.0f} s; runs in {base}", quiet=args.quiet)
    return [report.path]


def _unique(path: Path) -> Path:
    """``path`` itself, or ``path`` with -2, -3, ... so nothing existing is replaced."""
    if not path.exists():
        return path
    for i in range(2, 10_000):
        candidate = path.with_name(f"{path.stem}-{i}{path.suffix}")
        if not candidate.exists():
            return candidate
    raise UsageError(f"cannot find a free name next to {path}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
