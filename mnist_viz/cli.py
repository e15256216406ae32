"""The ``mnist-viz`` command line: ``train``, ``evaluate``, ``report`` and ``demo``.

Usage errors (a bad ``--model``, a missing run directory, unreadable ``--data idx:PATH``,
``--class-names`` that do not fit the labels) print one line and exit with status 2, without a
traceback. ``--dataset NAME`` names a known dataset (Fashion-MNIST, KMNIST, EMNIST, ...:
:mod:`mnist_viz.data.known`); ``--class-names "a,b,..."`` or ``--class-names @names.txt`` (one a
line) gives names of your own. TensorFlow is imported only by ``train``,
``evaluate`` and ``demo``, after the arguments have been checked.

Example
-------
>>> from mnist_viz.cli import main
>>> main(["train", "--model", "resnet"])          # doctest: +SKIP
mnist-viz: error: argument --model: invalid choice: 'resnet' (choose from 'dense', 'convnet')
2
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

MODELS = ("dense", "convnet")
DATA_HELP = "auto | embedded | keras | idx:PATH (a folder of IDX files)"
CLASS_NAMES_HELP = ('names of the classes in label order: "T-shirt/top,Trouser,..." or @FILE (one name a line); '
                    "one per class of the labels")


class UsageError(Exception):
    """A problem with what the user asked for: reported in one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, no usage dump, exit 2
        raise UsageError(message)


def _data_arg(value: str) -> str:
    if value in ("auto", "embedded", "keras"):
        return value
    if value.startswith("idx:") and len(value) > 4:
        return value
    raise argparse.ArgumentTypeError(f"invalid data source {value!r}; expected {DATA_HELP}")


def _int_at_least(minimum: int, what: str, maximum: int | None = None):
    """An argparse ``type``: an integer in [``minimum``, ``maximum``], else a message saying what was
    expected."""
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            number = None
        if number is None or number < minimum or (maximum is not None and number > maximum):
            raise argparse.ArgumentTypeError(f"expected {what}, got {value!r}")
        return number

    return parse


def _class_names_arg(value: str) -> tuple[str, ...]:
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


def _dataset_arg(value: str) -> str:
    """An argparse ``type``: a known dataset in any spelling ("Fashion-MNIST") as its key."""
    from mnist_viz.data.known import KNOWN_DATASETS, normalise_key

    key = normalise_key(value)
    return key if key in KNOWN_DATASETS else value  # an unknown one: argparse lists the choices


def _add_data_options(p: argparse.ArgumentParser) -> None:
    from mnist_viz.data.known import DATASET_KEYS

    p.add_argument("--dataset", type=_dataset_arg, choices=DATASET_KEYS, metavar="NAME", default=None,
                   help=f"a known dataset, one of {', '.join(DATASET_KEYS)}: its class names and citation, and "
                        "its files in an idx: folder (needed for fashion-mnist and kmnist, which use MNIST's names)")
    p.add_argument("--class-names", type=_class_names_arg, default=None, metavar="NAMES", help=CLASS_NAMES_HELP)


_positive_int = _int_at_least(1, "a positive integer")
_seed = _int_at_least(0, "an integer from 0 to 2**32 - 1", maximum=2**32 - 1)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="mnist-viz", description="See what a Keras model learned on MNIST digits.")
    from mnist_viz import __version__

    parser.add_argument("--version", action="version", version=f"mnist-viz {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="{train,evaluate,report,demo}", parser_class=_Parser)

    p = sub.add_parser("train", help="train a model and write a run directory")
    p.add_argument("--model", choices=MODELS, default="dense", help="dense (the tutorial's) or convnet")
    p.add_argument("--data", type=_data_arg, default="auto", help=DATA_HELP)
    _add_data_options(p)
    p.add_argument("--epochs", type=_positive_int, default=5)
    p.add_argument("--batch-size", type=_positive_int, default=128)
    p.add_argument("--seed", type=_seed, default=0)
    p.add_argument("--out", default=None, help="run directory (default runs/MODEL)")
    p.add_argument("--overwrite", action="store_true", help="replace an existing run at --out")
    p.add_argument("--quiet", action="store_true", help="no progress output")

    p = sub.add_parser("evaluate", help="score a run's saved model on another test set (written into the run)")
    p.add_argument("run", metavar="RUN_DIR")
    p.add_argument("--data", type=_data_arg, required=True, help=DATA_HELP + "; only its test split is used")
    _add_data_options(p)
    p.add_argument("--name", default=None, help="evaluation name (default from --data: idx-<folder>, embedded, keras)")
    p.add_argument("--overwrite", action="store_true", help="replace an evaluation of that name")

    p = sub.add_parser("report", help="build a self-contained HTML report from run directories")
    p.add_argument("runs", nargs="+", metavar="RUN_DIR")
    p.add_argument("-o", "--output", default=None, help="HTML file (default reports/<run names>.html)")
    p.add_argument("--title", default=None)
    p.add_argument("--quiet", action="store_true", help="no progress output")

    p = sub.add_parser("demo", help="train dense and convnet on the embedded digits and report both")
    p.add_argument("--epochs", type=_positive_int, default=5)
    p.add_argument("--runs-dir", default="runs")
    p.add_argument("--reports-dir", default="reports")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit status (0 ok, 2 usage error or unreadable input)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            raise UsageError("a command is required: train, evaluate, report or demo (see mnist-viz --help)")
        commands = {"train": _cmd_train, "evaluate": _cmd_evaluate, "report": _cmd_report, "demo": _cmd_demo}
        return commands[args.command](args)
    except UsageError as exc:
        print(f"mnist-viz: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("mnist-viz: interrupted", file=sys.stderr)
        return 130


def _load_data_or_fail(spec: str, split: str = "train", *, class_names=None, dataset=None):
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


def _check_names_fit_dataset(class_names, dataset) -> None:
    if class_names is None or dataset is None:
        return
    from mnist_viz.data.known import known_dataset

    known = known_dataset(dataset)
    if len(class_names) != known.num_classes:
        raise UsageError(f"--class-names: {len(class_names)} names given but --dataset {dataset} has "
                         f"{known.num_classes} classes; give one name per class, or leave --class-names out")


def _cmd_train(args) -> int:
    dataset = _load_data_or_fail(args.data, class_names=args.class_names, dataset=args.dataset)
    out = Path(args.out) if args.out else Path("runs") / args.model
    _check_out(out, overwrite=args.overwrite)
    from mnist_viz.training import train

    train(
        args.model,
        dataset,
        epochs=args.epochs,
        batch_size=args.batch_size,
        seed=args.seed,
        out=out,
        quiet=args.quiet,
        overwrite=args.overwrite,
    )
    if args.quiet:
        return 0
    print(f"run written to {out}")
    return 0


def _cmd_evaluate(args) -> int:
    from mnist_viz._lock import RunLockedError
    from mnist_viz.run_format import check_evaluation_name, check_run_dir

    try:
        check_run_dir(args.run)
        if args.name is not None:
            check_evaluation_name(args.name, "--name")
    except (FileNotFoundError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    dataset = _load_data_or_fail(args.data, split="test", class_names=args.class_names, dataset=args.dataset)
    from mnist_viz.evaluation import default_name, evaluate, summary_line

    name = args.name or default_name(args.data, dataset)
    try:
        run = evaluate(args.run, dataset, name=name, overwrite=args.overwrite)
    except (OSError, ValueError, RunLockedError) as exc:
        raise UsageError(" ".join(str(exc).split())) from None
    print(summary_line(run, name))
    return 0


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


def _cmd_report(args) -> int:
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
    from mnist_viz.report import ReportError, build_report

    try:
        report = build_report([Path(r) for r in args.runs], output, title=args.title, quiet=args.quiet)
    except ReportError as exc:
        raise UsageError(str(exc)) from None
    print(report.path)
    return 0


def _cmd_demo(args) -> int:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    _check_writable_folder(Path(args.runs_dir), "--runs-dir")
    _check_writable_folder(Path(args.reports_dir), "--reports-dir")
    base = _unique(Path(args.runs_dir) / f"demo-{stamp}")
    report_path = _unique(Path(args.reports_dir) / f"demo-{stamp}.html")
    from mnist_viz.data import load_mnist
    from mnist_viz.training import train

    dataset = load_mnist("embedded")
    started = time.perf_counter()
    runs = []
    for model in MODELS:
        if not args.quiet:
            print(f"training {model} on {dataset.description} ...", flush=True)
        runs.append(train(model, dataset, epochs=args.epochs, out=base / model, quiet=args.quiet))
    from mnist_viz.report import build_report

    report = build_report([r.path for r in runs], report_path, title="mnist_viz demo", quiet=args.quiet)
    if not args.quiet:
        print(f"demo finished in {time.perf_counter() - started:.0f} s; runs in {base}")
    print(report.path)
    return 0


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
