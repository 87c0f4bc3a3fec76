"""Charts as inline SVG strings for HTML and PDF reports (matplotlib with IPAexGothic; radar hand-built)."""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from functools import cache
from html import escape
from typing import Any

FONT_FAMILY = ["IPAexGothic", "DejaVu Sans"]  # Debian fonts-ipaexfont; CI installs it
PALETTE = ["#1F3864", "#C55A11", "#548235", "#7030A0", "#BF8F00", "#2E75B6", "#A5A5A5"]


@cache
def pyplot() -> Any:
    """matplotlib.pyplot on the Agg backend with the report style, imported on first use (~0.35 s).

    Imported lazily so that a scan whose reports do not draw matplotlib charts (the conduct set, drawn
    by kansa.reports.svg) does not pay for it.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # the Agg backend must be chosen before this import

    plt.rcParams.update({
        "font.family": FONT_FAMILY,
        "svg.fonttype": "none",          # keep text as text: small files, crisp Japanese in the PDF
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 10,
        "font.size": 8.5,
    })
    return plt


def __getattr__(name: str) -> Any:
    """`plt` for modules that draw their own charts with the report style (kansa.fd.charts)."""
    if name == "plt":
        return pyplot()
    raise AttributeError(name)


def _to_svg(fig: Any) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    pyplot().close(fig)
    svg = buf.getvalue()
    return svg[svg.index("<svg"):]  # drop the XML prolog and doctype so it can sit inline in HTML


def bar_svg(labels: Sequence[str], series: Mapping[str, Sequence[float]], *, title: str = "",
            ylabel: str = "", horizontal: bool = False, size: tuple[float, float] = (6.4, 2.8),
            value_format: str = "{:.0f}") -> str:
    """Grouped bars: one group per label, one bar per series."""
    fig, ax = pyplot().subplots(figsize=size)
    n = max(len(series), 1)
    width = 0.8 / n
    for i, (name, values) in enumerate(series.items()):
        pos = [j + (i - (n - 1) / 2) * width for j in range(len(labels))]
        color = PALETTE[i % len(PALETTE)]
        bars = (ax.barh(pos, values, height=width, label=name, color=color) if horizontal
                else ax.bar(pos, values, width=width, label=name, color=color))
        if len(labels) * n <= 24:
            ax.bar_label(bars, labels=[value_format.format(v) if v else "" for v in values], fontsize=6.5, padding=1)
    ticks = list(range(len(labels)))
    if horizontal:
        ax.set_yticks(ticks, labels)
        ax.invert_yaxis()
        ax.set_xlabel(ylabel)
    else:
        ax.set_xticks(ticks, labels, rotation=30 if max((len(s) for s in labels), default=0) > 6 else 0,
                      ha="right" if max((len(s) for s in labels), default=0) > 6 else "center")
        ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if len(series) > 1:
        ax.legend(fontsize=7, frameon=False)
    return _to_svg(fig)


def line_svg(x_labels: Sequence[str], series: Mapping[str, Sequence[float | None]], *, title: str = "",
             ylabel: str = "", size: tuple[float, float] = (6.4, 2.6)) -> str:
    """A line per series over ordered x labels (None leaves a gap)."""
    fig, ax = pyplot().subplots(figsize=size)
    for i, (name, values) in enumerate(series.items()):
        ys = [math.nan if v is None else v for v in values]
        ax.plot(list(range(len(x_labels))), ys, marker="o", label=name, color=PALETTE[i % len(PALETTE)])
    ax.set_xticks(list(range(len(x_labels))), x_labels)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if len(series) > 1:
        ax.legend(fontsize=7, frameon=False)
    return _to_svg(fig)


def scatter_svg(points: Sequence[tuple[float, float, str]], *, xlabel: str, ylabel: str, title: str = "",
                sizes: Sequence[float] | None = None, highlight: tuple[float, float, str] | None = None,
                size: tuple[float, float] = (5.6, 3.6)) -> str:
    """Labelled points (x, y, label); sizes scale the markers (e.g. balances); one optional highlighted point."""
    fig, ax = pyplot().subplots(figsize=size)
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    if sizes:
        top = max(sizes) or 1.0
        marker_sizes = [20 + 180 * s / top for s in sizes]
    else:
        marker_sizes = [28.0] * len(points)
    ax.scatter(xs, ys, s=marker_sizes, alpha=0.7, color=PALETTE[0], edgecolors="white", linewidths=0.5)
    for x, y, label in points:
        ax.annotate(label, (x, y), fontsize=6, xytext=(3, 3), textcoords="offset points")
    if highlight:
        ax.scatter([highlight[0]], [highlight[1]], s=90, marker="*", color=PALETTE[1], zorder=3)
        ax.annotate(highlight[2], (highlight[0], highlight[1]), fontsize=7, color=PALETTE[1],
                    xytext=(4, -10), textcoords="offset points")
    ax.axhline(0, color="#999", linewidth=0.6)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    return _to_svg(fig)


def heatmap_svg(row_labels: Sequence[str], col_labels: Sequence[str], matrix: Sequence[Sequence[float]], *,
                title: str = "", size: tuple[float, float] | None = None) -> str:
    """A count heat map (rows x columns) with the numbers written in the cells."""
    h = max(1.6, 0.28 * len(row_labels) + 1.2)
    w = max(4.0, 0.55 * len(col_labels) + 2.0)
    fig, ax = pyplot().subplots(figsize=size or (min(w, 10.0), min(h, 12.0)))
    data = [[float(v) for v in row] for row in matrix] or [[0.0]]
    im = ax.imshow(data, cmap="Reds", aspect="auto")
    top = max((v for row in data for v in row), default=0.0)
    for i, row in enumerate(data):
        for j, v in enumerate(row):
            if v:
                ax.text(j, i, f"{v:.0f}", ha="center", va="center", fontsize=6.5,
                        color="white" if v > top * 0.6 else "black")
    ax.set_xticks(list(range(len(col_labels))), col_labels, rotation=45, ha="right", fontsize=7)
    ax.set_yticks(list(range(len(row_labels))), row_labels, fontsize=7)
    for spine in ax.spines.values():
        spine.set_visible(False)
    fig.colorbar(im, ax=ax, fraction=0.03, pad=0.02)
    if title:
        ax.set_title(title)
    return _to_svg(fig)


def radar_svg(axes: Sequence[str], series: Mapping[str, Sequence[float | None]], *,
              band: tuple[Sequence[float | None], Sequence[float | None]] | None = None,
              band_label: str = "", max_value: float = 100.0, size: int = 360) -> str:
    """A radar chart drawn directly as SVG (fast enough for hundreds of reports): series plus a quartile band."""
    n = len(axes)
    cx = cy = size / 2
    r = size * 0.33
    colors = PALETTE

    def point(i: int, v: float | None) -> tuple[float, float]:
        frac = 0.0 if v is None else max(0.0, min(1.0, v / max_value))
        angle = -math.pi / 2 + 2 * math.pi * i / max(n, 1)
        return cx + r * frac * math.cos(angle), cy + r * frac * math.sin(angle)

    def poly(values: Sequence[float | None]) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, v) for i, v in enumerate(values)))

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="{size}" '
             f'height="{size}" font-family="IPAexGothic, sans-serif" font-size="10">']
    for ring in (0.25, 0.5, 0.75, 1.0):
        parts.append(f'<polygon points="{poly([ring * max_value] * n)}" fill="none" stroke="#ccc" '
                     'stroke-width="0.7"/>')
        parts.append(f'<text x="{cx + 2:.1f}" y="{cy - r * ring + 9:.1f}" fill="#999" font-size="7">'
                     f'{ring * max_value:.0f}</text>')
    for i, label in enumerate(axes):
        x, y = point(i, max_value)
        lx, ly = point(i, max_value * 1.17)
        anchor = "middle" if abs(lx - cx) < 5 else ("start" if lx > cx else "end")
        parts.append(f'<line x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}" stroke="#ddd" stroke-width="0.7"/>')
        parts.append(f'<text x="{lx:.1f}" y="{ly + 3:.1f}" text-anchor="{anchor}">{escape(label)}</text>')
    if band is not None:
        low, high = band
        if all(v is not None for v in list(low) + list(high)):
            outer = [point(i, v) for i, v in enumerate(high)]
            inner = [point(i, v) for i, v in enumerate(low)]
            path = ("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in outer) + " Z M"
                    + " L".join(f"{x:.1f},{y:.1f}" for x, y in reversed(inner)) + " Z")
            parts.append(f'<path d="{path}" fill="#A5A5A5" fill-opacity="0.35" fill-rule="evenodd" stroke="none"/>')
    for k, values in enumerate(series.values()):
        color = colors[k % len(colors)]
        dash = ' stroke-dasharray="4,3"' if k > 0 else ""
        parts.append(f'<polygon points="{poly(values)}" fill="{color}" fill-opacity="{0.18 if k == 0 else 0}" '
                     f'stroke="{color}" stroke-width="1.8"{dash}/>')
    legend_y = size - 10
    x = 8.0
    for k, name in enumerate(series):
        color = colors[k % len(colors)]
        parts.append(f'<rect x="{x}" y="{legend_y - 8}" width="10" height="8" fill="{color}"/>'
                     f'<text x="{x + 13}" y="{legend_y}">{escape(name)}</text>')
        x += 18 + 10 * len(name)
    if band is not None and band_label:
        parts.append(f'<rect x="{x}" y="{legend_y - 8}" width="10" height="8" fill="#A5A5A5" fill-opacity="0.5"/>'
                     f'<text x="{x + 13}" y="{legend_y}">{escape(band_label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
