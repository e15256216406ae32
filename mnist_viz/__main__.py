"""``python -m mnist_viz`` runs the ``mnist-viz`` command line."""
import sys

from mnist_viz.cli import main

sys.exit(main())
