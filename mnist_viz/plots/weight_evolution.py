"""How the weights moved while a network trained, from :class:`~mnist_viz.WeightRecorder` records:
value histograms per epoch (ridge lines or heatmaps), L2 norms, update ratios and dead ReLUs.

Epochs are shown 1-based, the record taken before training as ``init`` (:mod:`._epochs`).

Example
-------
>>> import numpy as np, pandas as pd
>>> from types import SimpleNamespace
>>> import mnist_viz.plots as mp
>>> stats = pd.DataFrame({"epoch": [-1, 0], "layer": "d", "weight": "d/kernel", "l2": [1.0, 1.1],
...                       "update_ratio": [np.nan, 0.01]})
>>> fig = mp.weight_evolution(SimpleNamespace(stats=stats, histograms={}, dead_relu=None))
>>> fig.get_suptitle()
'weight histograms were not recorded'
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, overload

import numpy as np
import pandas as pd

from ._epochs import display_epochs, epoch_label, epoch_ticks, pick
from ._figure import FigureLike, FigureTarget, draw_message, refuse_ax, target_figure
from ._style import OKABE_ITO, SEQUENTIAL_CMAP, plot_style, set_alt_text
from ._theme import ink

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.collections import QuadMesh
    from matplotlib.colors import Colormap
    from matplotlib.figure import Figure, SubFigure
    from matplotlib.gridspec import GridSpec, SubplotSpec

__all__ = ["weight_evolution"]

STATS_COLUMNS = ("epoch", "layer", "weight", "l2", "update_ratio")
DEAD_COLUMNS = ("epoch", "layer", "dead_fraction")
#: ridge plots draw at most this many epochs (evenly spaced, first and last always included)
MAX_RIDGES = 12
#: Karpathy's rule of thumb: updates around 1e-3 of the weights' scale
UPDATE_RATIO_GUIDE = 1e-3
LINESTYLES = ["-", "--", ":", "-."]
#: Okabe-Ito without its yellow, which is too faint for thin lines on white
LINE_COLORS = [c for c in OKABE_ITO if c.upper() != "#F0E442"]


def _weight_inputs(given: Any) -> tuple[pd.DataFrame, dict[str, Any], pd.DataFrame]:
    records = getattr(given, "weights", None) if not hasattr(given, "stats") else given
    if records is None:
        if hasattr(given, "history"):
            raise ValueError(
                "records: this run has no weight records (weights/ folder); record them with "
                "mnist_viz.WeightRecorder (RunRecorder does) during fit"
            )
        raise TypeError(
            "records must be a Run or WeightRecords-like object with .stats, .histograms and .dead_relu; "
            f"got {type(given).__name__}"
        )
    stats = getattr(records, "stats", None)
    if not isinstance(stats, pd.DataFrame):
        raise TypeError(f"records.stats must be a pandas DataFrame; got {type(stats).__name__}")
    missing = [c for c in STATS_COLUMNS if c not in stats.columns]
    if missing:
        raise ValueError(f"records.stats lacks columns {missing}; it has {list(stats.columns)}")
    hists = getattr(records, "histograms", None) or {}
    if not isinstance(hists, dict):
        raise TypeError(f"records.histograms must be a dict weight -> {{edges, counts, epochs}}; got {type(hists).__name__}")
    for name, h in hists.items():
        if not all(k in h for k in ("edges", "counts", "epochs")):
            raise ValueError(f"records.histograms[{name!r}] must have 'edges', 'counts' and 'epochs'; got {sorted(h)}")
        edges, counts, eps = np.asarray(h["edges"]), np.asarray(h["counts"]), np.asarray(h["epochs"])
        if edges.ndim != 1 or counts.ndim != 2 or counts.shape[1] != len(edges) - 1 or counts.shape[0] != len(eps):
            raise ValueError(
                f"records.histograms[{name!r}]: expected edges (B+1,), counts (E, B), epochs (E,); got edges "
                f"{edges.shape}, counts {counts.shape}, epochs {eps.shape}"
            )
    dead = getattr(records, "dead_relu", None)
    if dead is None:
        dead = pd.DataFrame(columns=list(DEAD_COLUMNS))
    if not isinstance(dead, pd.DataFrame):
        raise TypeError(f"records.dead_relu must be a pandas DataFrame; got {type(dead).__name__}")
    if len(dead):
        missing = [c for c in DEAD_COLUMNS if c not in dead.columns]
        if missing:
            raise ValueError(f"records.dead_relu lacks columns {missing}; it has {list(dead.columns)}")
    return stats, hists, dead


def _choose_variables(stats: pd.DataFrame, hists: Mapping[str, Any], variables: str | Sequence[str] | None) -> list[str]:
    names = list(dict.fromkeys(list(stats["weight"].astype(str)) + list(hists)))
    if variables is None:
        kernels = [n for n in names if n.endswith("kernel")]
        return kernels or names
    chosen = [variables] if isinstance(variables, str) else list(variables)
    missing = [v for v in chosen if v not in names]
    if missing:
        raise ValueError(f"variables {missing} were not recorded; recorded weights are {names}")
    return chosen


def _ridge(ax: Axes, h: Mapping[str, Any], name: str, cmap: Colormap) -> None:
    edges = np.asarray(h["edges"], dtype=float)
    counts = np.asarray(h["counts"], dtype=float)
    eps = np.asarray(h["epochs"])
    centres = (edges[:-1] + edges[1:]) / 2
    rows = pick(len(eps), MAX_RIDGES)
    spacing = 0.6
    for j, r in enumerate(rows):
        c = counts[r]
        peak = c.max()
        y = c / peak if peak > 0 else c
        base = -j * spacing  # first epoch on top, later ones below
        colour = cmap(j / max(1, len(rows) - 1))
        ax.fill_between(centres, base, base + y, color=colour, alpha=0.75, linewidth=0, zorder=len(rows) - j)
        ax.plot(centres, base + y, color=ink("white"), linewidth=0.7, zorder=len(rows) - j)
    ax.set_yticks([-j * spacing for j in range(len(rows))], [epoch_label(eps[r]) for r in rows])
    ax.set_ylabel("epoch")
    ax.set_xlim(edges[0], edges[-1])
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)


def _heat(ax: Axes, h: Mapping[str, Any], name: str) -> QuadMesh:
    from matplotlib.colors import LogNorm

    edges = np.asarray(h["edges"], dtype=float)
    counts = np.asarray(h["counts"], dtype=float)
    eps = display_epochs(h["epochs"])
    ybounds = np.concatenate([eps - 0.5, [eps[-1] + 0.5]]) if len(eps) else np.array([0, 1])
    mesh = ax.pcolormesh(edges, ybounds, counts + 1, cmap=SEQUENTIAL_CMAP,
                         norm=LogNorm(vmin=1, vmax=max(2.0, counts.max() + 1)), rasterized=False)
    ax.set_ylabel("epoch")
    ax.invert_yaxis()
    ticks = eps[pick(len(eps), 8)]
    ax.set_yticks(ticks, [epoch_label(t - 1) for t in ticks])
    return mesh


@overload
def weight_evolution(records: Any, *, kind: Literal["ridge", "heatmap"] = "ridge",
                     variables: Sequence[str] | None = None, fig: Figure | None = None, ax: None = None) -> Figure: ...


@overload
def weight_evolution(records: Any, *, kind: Literal["ridge", "heatmap"] = "ridge",
                     variables: Sequence[str] | None = None, fig: SubFigure | SubplotSpec, ax: None = None) -> SubFigure: ...


def weight_evolution(records: Any, *, kind: Literal["ridge", "heatmap"] = "ridge",
                     variables: Sequence[str] | None = None, fig: FigureTarget = None, ax: None = None) -> FigureLike:
    """How the weights moved during training, from :class:`~mnist_viz.WeightRecorder` records.

    Top: one panel per weight variable with its value histogram after each epoch — ridge lines
    (``kind="ridge"``, first epoch on top, colour from dark to light as training goes on, at most
    12 epochs shown) or a heatmap of counts on a log colour scale (``kind="heatmap"``, every epoch).
    Bottom: the L2 norm of each variable, the update ratio ‖ΔW‖/‖W‖ per epoch on a log scale (the
    dotted line is the ~1e-3 rule of thumb), and the fraction of dead ReLU units per layer. A layer
    has one colour in all three panels (its kernel solid, its bias dashed); each panel has a legend.

    Parameters
    ----------
    records : Run or WeightRecords-like
        A ``Run`` (its ``.weights``) or an object with ``.stats`` (DataFrame: epoch, layer, weight,
        size, mean, std, min, max, l2, update_ratio), ``.histograms`` (weight -> {"edges" (B+1,),
        "counts" (E, B), "epochs" (E,)}) and ``.dead_relu`` (DataFrame: epoch, layer, dead_fraction).
    kind : {"ridge", "heatmap"}
    variables : list of str, optional
        Weight variables whose histograms are drawn (default: every ``kernel``; all when none is).
    fig : Figure, SubFigure or SubplotSpec, optional
        Where to draw the histogram and line panels (``gs[0, 1]``: a new SubFigure in that cell); default: a fresh figure.
    ax : not accepted (several panels): a TypeError says to pass ``fig=ax.get_subplotspec()`` instead

    Returns
    -------
    matplotlib.figure.Figure or SubFigure
        The histogram panels on top, then the L2 norm, update ratio and dead-ReLU panels.

    Example
    -------
    >>> import numpy as np, pandas as pd
    >>> from types import SimpleNamespace
    >>> import mnist_viz.plots as mp
    >>> edges = np.linspace(-1, 1, 21); counts = np.array([np.histogram(np.random.default_rng(e).normal(0, 0.2 + 0.1 * e, 500), edges)[0] for e in range(3)])
    >>> stats = pd.DataFrame({"epoch": [-1, 0, 1], "layer": "d", "weight": "d/kernel", "l2": [1.0, 1.2, 1.3], "update_ratio": [np.nan, 0.02, 0.01]})
    >>> rec = SimpleNamespace(stats=stats, histograms={"d/kernel": {"edges": edges, "counts": counts, "epochs": np.array([-1, 0, 1])}},
    ...                       dead_relu=pd.DataFrame({"epoch": [0, 1], "layer": "d", "dead_fraction": [0.0, 0.05]}))
    >>> fig = mp.weight_evolution(rec)
    >>> [ax.get_title() for ax in fig.axes][:4]
    ['d/kernel', 'L2 norm', 'update ratio ‖ΔW‖/‖W‖', 'dead ReLU units']
    """
    refuse_ax(ax, "weight_evolution")
    if kind not in {"ridge", "heatmap"}:
        raise ValueError(f"kind must be 'ridge' or 'heatmap'; got {kind!r}")
    stats, hists, dead = _weight_inputs(records)
    chosen = _choose_variables(stats, hists, variables)
    with_hist = [v for v in chosen if v in hists and len(np.asarray(hists[v]["epochs"]))]
    n_h = len(with_hist)
    per_row = min(4, max(1, n_h))
    h_rows = -(-n_h // per_row) if n_h else 0
    import matplotlib

    cmap = matplotlib.colormaps[SEQUENTIAL_CMAP]
    with plot_style():
        fig, top_gs, bottom_gs, cbar_box = _weight_layout(h_rows, per_row, colorbar=kind == "heatmap", fig=fig)
        mesh = None
        for i, name in enumerate(with_hist):
            r, c = divmod(i, per_row)
            assert top_gs is not None  # histogram rows exist
            ax = fig.add_subplot(top_gs[r, c])
            if kind == "ridge":
                _ridge(ax, hists[name], name, cmap)
            else:
                mesh = _heat(ax, hists[name], name)
            ax.set_title(name)
            ax.set_xlabel("weight value")
            ax.axvline(0, color=ink("0.5"), linewidth=0.6, linestyle=":", zorder=0)
        if mesh is not None and cbar_box is not None:
            fig.colorbar(mesh, cax=fig.add_axes(cbar_box), label="count + 1 (log)")

        ax_l2 = fig.add_subplot(bottom_gs[0, 0])
        ax_ur = fig.add_subplot(bottom_gs[0, 1])
        ax_dead = fig.add_subplot(bottom_gs[0, 2])
        frame = stats.copy()
        frame["x"] = display_epochs(frame["epoch"])
        colors = layer_colors(stats, dead)
        lines = 0
        per_layer: dict[str, int] = {}
        for weight, grp in frame.groupby("weight", sort=False):
            if weight not in chosen:
                continue
            grp = grp.sort_values("x")
            layer = str(grp["layer"].iloc[0])
            k = per_layer[layer] = per_layer.get(layer, -1) + 1  # kernel, bias ... of one layer: line styles
            style: dict[str, Any] = {"color": colors[layer], "linestyle": LINESTYLES[k % len(LINESTYLES)],
                                     "marker": "o", "markersize": 3}
            ax_l2.plot(grp["x"], grp["l2"], label=str(weight), **style)
            ur = grp["update_ratio"].astype(float)
            ok = np.isfinite(ur) & (ur > 0)
            if ok.any():
                ax_ur.plot(grp["x"][ok], ur[ok], label=str(weight), **style)
            lines += 1
        ax_l2.set_title("L2 norm")
        ax_l2.set_xlabel("epoch")
        ax_ur.set_title("update ratio ‖ΔW‖/‖W‖")
        ax_ur.set_xlabel("epoch")
        if ax_ur.lines:
            ax_ur.set_yscale("log")
            ax_ur.axhline(UPDATE_RATIO_GUIDE, color=ink("0.4"), linestyle=":", linewidth=1, gid="rule_of_thumb",
                          label="~1e-3 rule of thumb")
        else:
            draw_message(ax_ur, "no update ratios yet\n(needs two records)")
        if lines:
            ax_l2.legend(loc="best", title="weight")
            if ax_ur.lines:
                ax_ur.legend(loc="best", title="weight")
        else:
            draw_message(ax_l2, "no weight statistics recorded")
        ax_dead.set_title("dead ReLU units")
        if len(dead):
            d = dead.copy()
            d["x"] = display_epochs(d["epoch"])
            for dead_layer, grp in d.groupby("layer", sort=False):
                grp = grp.sort_values("x")
                ax_dead.plot(grp["x"], 100 * grp["dead_fraction"].astype(float), marker="o", markersize=3,
                             color=colors[str(dead_layer)], label=str(dead_layer))
            ax_dead.set_ylabel("% of units never active")
            ax_dead.set_xlabel("epoch")
            ax_dead.set_ylim(bottom=0, top=max(5.0, 1.15 * 100 * float(d["dead_fraction"].max())))
            ax_dead.legend(loc="best", title="layer")
        else:
            draw_message(ax_dead, "no dead-ReLU records")  # no ReLU layer, or no probe batch
        for a in (ax_l2, ax_ur, ax_dead):
            if a.axison:
                epoch_ticks(a, frame["x"] if a is not ax_dead or not len(dead) else display_epochs(dead["epoch"]))
        if n_h == 0:
            fig.suptitle("weight histograms were not recorded", fontsize="small", color=ink("0.3"))
    n_epochs = int(frame.loc[frame["epoch"] >= 0, "epoch"].nunique())
    summary = _weights_summary(stats, dead)
    set_alt_text(
        fig,
        f"Weight evolution over {n_epochs} epochs ({kind} histograms of {n_h} variables, L2 norms, update ratios, "
        f"dead ReLU fraction){summary}.",
    )
    return fig


def _weight_layout(h_rows: int, per_row: int, *, colorbar: bool,
                   fig: FigureTarget) -> tuple[FigureLike, GridSpec | None, GridSpec, tuple[float, float, float, float] | None]:
    """The figure of :func:`weight_evolution` with its panels placed in inches, no layout engine
    (constrained layout took half of the drawing time): ``h_rows`` rows of ``per_row`` histogram
    panels over one row of three line panels, gaps wide enough for every tick and axis label these
    panels carry (on ``fig``, :func:`~mnist_viz.plots._figure.target_figure`, at the same fractions).
    Returns (fig, top gridspec or None, bottom gridspec, colorbar box or None)."""
    width, height = 10.0, 2.4 * h_rows + 2.9
    canvas = target_figure(fig, figsize=(width, height), layout=None)
    left, right, gap = 0.8, 0.15, 0.85  # inches: y labels + ticks on the left, between panels
    top, bottom, row_gap, bottom_h = 0.3, 0.5, 0.8, 2.0  # titles, x labels + ticks, bottom panels

    def grid(rows: int, cols: int, x0: float, x1: float, y0: float, y1: float, vgap: float) -> GridSpec:
        """rows × cols panels in the box x0..x1, y0..y1 (inches from bottom-left)."""
        pw = (x1 - x0 - (cols - 1) * gap) / cols
        ph = (y1 - y0 - (rows - 1) * vgap) / rows
        return canvas.add_gridspec(rows, cols, left=x0 / width, right=x1 / width, bottom=y0 / height,
                                top=y1 / height, wspace=gap / pw, hspace=vgap / ph)

    if not h_rows:  # a line of suptitle ("not recorded") above the panels' titles
        return canvas, None, grid(1, 3, left, width - right, bottom, height - top - 0.25, 0.0), None
    bottom_top = bottom + bottom_h
    bottom_gs = grid(1, 3, left, width - right, bottom, bottom_top, 0.0)
    hist_right = width - (1.0 if colorbar else right)  # room for the heatmaps' colorbar and its label
    top_gs = grid(h_rows, per_row, left, hist_right, bottom_top + row_gap, height - top, 0.75)
    y0, y1 = bottom_top + row_gap, height - top
    pad = 0.05 * (y1 - y0)  # the colorbar spans 90 % of the histogram rows
    cbar_box = ((hist_right + 0.12) / width, (y0 + pad) / height, 0.12 / width, (y1 - y0 - 2 * pad) / height)
    return canvas, top_gs, bottom_gs, cbar_box


def layer_colors(stats: pd.DataFrame, dead: pd.DataFrame) -> dict[str, str]:
    """One colour per layer, the same in every panel: layers in the order they were recorded (the
    weight statistics first, then any layer only the dead-ReLU records name).

    >>> import pandas as pd
    >>> layer_colors(pd.DataFrame({"layer": ["conv1", "conv1", "dense"]}), pd.DataFrame({"layer": ["dense", "relu2"]}))
    {'conv1': '#0072B2', 'dense': '#E69F00', 'relu2': '#009E73'}
    """
    layers = list(dict.fromkeys([str(v) for v in stats["layer"]] + [str(v) for v in dead.get("layer", [])]))
    return {layer: LINE_COLORS[i % len(LINE_COLORS)] for i, layer in enumerate(layers)}


def _weights_summary(stats: pd.DataFrame, dead: pd.DataFrame) -> str:
    parts = []
    ur = stats.dropna(subset=["update_ratio"])
    if len(ur):
        last = ur[ur["epoch"] == ur["epoch"].max()]
        parts.append(f"last update ratios {last['update_ratio'].min():.2g}–{last['update_ratio'].max():.2g}")
    if len(dead):
        last = dead[dead["epoch"] == dead["epoch"].max()]
        worst = last.loc[last["dead_fraction"].astype(float).idxmax()]
        parts.append(f"most dead ReLUs: {worst['layer']} {100 * float(worst['dead_fraction']):.0f}%")
    return ("; " + "; ".join(parts)) if parts else ""
