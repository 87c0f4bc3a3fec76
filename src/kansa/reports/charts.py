"""The radar chart (hand-built SVG) and matplotlib with the report style for the fd strip and verdict charts.

Bar, line, scatter and heat-map charts are drawn by kansa.reports.svg (no matplotlib).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from functools import cache
from html import escape
from typing import Any

from kansa.reports.svg import PALETTE

__all__ = ["FONT_FAMILY", "PALETTE", "pyplot", "radar_svg"]

FONT_FAMILY = ["IPAexGothic", "DejaVu Sans"]  # Debian fonts-ipaexfont; CI installs it


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
