"""Charts of the fd reports (SVG strings, matplotlib with IPAexGothic via kansa.reports.charts)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from kansa.reports.charts import PALETTE, plt

VERDICT_COLOURS = {"concrete": "#548235", "restated": "#F4B400", "not_applicable": "#9DC3E6",
                   "not_addressed": "#C00000"}


def _svg(fig: Any) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    svg = buf.getvalue()
    return svg[svg.index("<svg"):]


def strip_svg(groups: Sequence[tuple[str, Sequence[float]]], *, title: str = "", ylabel: str = "",
              reference: float | None = None, reference_label: str = "") -> str:
    """One column of points per group with its box (quartiles) and median; an optional reference line."""
    fig, ax = plt.subplots(figsize=(6.4, 3.0))
    labels = [g[0] for g in groups]
    data = [list(g[1]) for g in groups]
    if any(data):
        ax.boxplot([d if d else [float("nan")] for d in data], widths=0.5, showfliers=False,
                   medianprops={"color": PALETTE[1]})
    for i, values in enumerate(data, start=1):
        jitter = [i + ((k % 7) - 3) * 0.04 for k in range(len(values))]
        ax.scatter(jitter, values, s=9, alpha=0.6, color=PALETTE[0])
    if reference is not None:
        ax.axhline(reference, color="#999", linestyle="--", linewidth=0.8)
        ax.annotate(reference_label, (0.5, reference), fontsize=6.5, color="#666", xytext=(2, 2),
                    textcoords="offset points")
    ax.set_xticks(list(range(1, len(labels) + 1)), labels, fontsize=7.5)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    return _svg(fig)


def verdict_heatmap_svg(firms: Sequence[str], items: Sequence[str], verdicts: Sequence[Sequence[str]],
                        legend: dict[str, str], *, title: str = "") -> str:
    """Firms (rows) by items (columns), each cell coloured by its verdict."""
    from matplotlib.colors import ListedColormap  # matplotlib costs ~0.5 s to import: charts only
    from matplotlib.patches import Patch  # (same)

    keys = list(VERDICT_COLOURS)
    grid = [[keys.index(v) if v in keys else len(keys) - 1 for v in row] for row in verdicts] or [[0]]
    fig, ax = plt.subplots(figsize=(min(10.0, 1.6 + 0.38 * len(items)), min(14.0, 1.2 + 0.26 * max(len(firms), 1))))
    ax.imshow(grid, cmap=ListedColormap([VERDICT_COLOURS[k] for k in keys]), vmin=0, vmax=len(keys) - 1,
              aspect="auto")
    ax.set_xticks(list(range(len(items))), items, rotation=60, ha="right", fontsize=6.5)
    ax.set_yticks(list(range(len(firms))), firms, fontsize=6.5)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.legend(handles=[Patch(color=VERDICT_COLOURS[k], label=legend.get(k, k)) for k in keys], fontsize=6.5,
              loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    if title:
        ax.set_title(title)
    return _svg(fig)
