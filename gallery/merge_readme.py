"""Merge part B's fragment (gallery/README_model_views.md) into gallery/README.md, replacing any
earlier merge. Run from anywhere: ``python gallery/merge_readme.py``."""
from pathlib import Path

HERE = Path(__file__).resolve().parent
MARKER = ("<!-- merged from gallery/README_model_views.md (part B): keep in sync; "
          "tests/test_gallery.py checks it -->")


def main() -> None:
    from importlib import util

    spec = util.spec_from_file_location("_io", HERE.parent / "mnist_viz" / "_io.py")
    io = util.module_from_spec(spec)
    spec.loader.exec_module(io)
    readme = (HERE / "README.md").read_text(encoding="utf-8")
    fragment = (HERE / "README_model_views.md").read_text(encoding="utf-8").strip()
    if MARKER in readme:
        readme = readme[: readme.index(MARKER)]
    io.atomic_write_text(HERE / "README.md", readme.rstrip("\n") + "\n\n" + MARKER + "\n\n" + fragment + "\n")


if __name__ == "__main__":
    main()
