"""Charts drawn directly as SVG strings (no matplotlib): microseconds each, text kept as text for HTML and PDF.

Every report's bar, line, scatter and heat map charts (kansa.reports.charts keeps the radar and matplotlib for
the fd strip and verdict charts).
Sizes are in inches like matplotlib's figsize; one inch is 72 user units, and the SVG says its size in
points (so a chart prints at the size matplotlib's did). Text widths are estimated (a CJK
character one em, Latin about 0.58 em), which is enough to leave room for axis labels.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape

PALETTE = ["#1F3864", "#C55A11", "#548235", "#7030A0", "#BF8F00", "#2E75B6", "#A5A5A5"]
FONT = "IPAexGothic, sans-serif"
BASE = 8.5     # font size of tick labels (pt), as the matplotlib charts had
TITLE = 10.0


def text_width(s: str, size: float) -> float:
    """Estimated width of `s` at `size`: wide (CJK, full-width) characters one em, others 0.58 em."""
    return sum(1.0 if ord(c) >= 0x2E80 else 0.58 for c in s) * size


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering lo..hi (1, 2, 2.5, 5 x 10^k steps)."""
    if not math.isfinite(lo) or not math.isfinite(hi):
        lo, hi = 0.0, 1.0
    if hi <= lo:
        hi = lo + (abs(lo) or 1.0)
    raw = (hi - lo) / max(count, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.floor(lo / step) * step
    ticks, v = [], first
    while v < hi + step * 0.999:
        ticks.append(round(v, 10))
        v += step
    return ticks


def _fmt(v: float) -> str:
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.10g}"


def _t(x: float, y: float, s: str, *, size: float = BASE, anchor: str = "start", fill: str = "#1a1a1a",
       rotate: float | None = None, weight: str = "") -> str:
    rot = f' transform="rotate({rotate:.0f} {x:.1f} {y:.1f})"' if rotate else ""
    bold = ' font-weight="bold"' if weight else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" text-anchor="{anchor}" fill="{fill}"{rot}{bold}>'
            f"{escape(s)}</text>")


def _open(w: float, h: float) -> list[str]:
    return [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:.0f} {h:.0f}" width="{w:.0f}pt" '
            f'height="{h:.0f}pt" font-family="{FONT}">', f'<rect width="{w:.0f}" height="{h:.0f}" fill="#fff"/>']


class _Frame:
    """Plot area inside margins, with a linear y (and optionally x) scale and its axes drawn."""

    def __init__(self, w: float, h: float, left: float, right: float, top: float, bottom: float) -> None:
        self.x0, self.x1, self.y0, self.y1 = left, w - right, top, h - bottom

    def y_axis(self, ticks: list[float], label: str, parts: list[str], suffix: str = "") -> None:
        """Grid lines and labels for a y scale running from ticks[0] (bottom) to ticks[-1] (top)."""
        for v in ticks:
            y = self.y(v, ticks)
            parts.append(f'<line x1="{self.x0:.1f}" y1="{y:.1f}" x2="{self.x1:.1f}" y2="{y:.1f}" stroke="#e3e3e3" '
                         'stroke-width="0.6"/>')
            parts.append(_t(self.x0 - 4, y + 3, _fmt(v) + suffix, anchor="end"))
        parts.append(f'<line x1="{self.x0:.1f}" y1="{self.y0:.1f}" x2="{self.x0:.1f}" y2="{self.y1:.1f}" '
                     'stroke="#444" stroke-width="0.8"/>')
        if label:
            parts.append(_t(12, (self.y0 + self.y1) / 2, label, anchor="middle", rotate=-90))

    def y(self, v: float, ticks: list[float]) -> float:
        lo, hi = ticks[0], ticks[-1]
        return self.y1 - (v - lo) / ((hi - lo) or 1.0) * (self.y1 - self.y0)

    def x(self, v: float, ticks: list[float]) -> float:
        lo, hi = ticks[0], ticks[-1]
        return self.x0 + (v - lo) / ((hi - lo) or 1.0) * (self.x1 - self.x0)


def _legend(names: Sequence[str], x_right: float, y: float, parts: list[str]) -> None:
    """Colour keys in one row ending at x_right."""
    width = sum(text_width(n, 7) + 20 for n in names)
    x = x_right - width
    for i, name in enumerate(names):
        parts.append(f'<rect x="{x:.1f}" y="{y - 7:.1f}" width="9" height="7" fill="{PALETTE[i % len(PALETTE)]}"/>')
        parts.append(_t(x + 12, y, name, size=7))
        x += text_width(name, 7) + 20


def _left_margin(ticks: list[float], ylabel: str, suffix: str = "") -> float:
    return max(text_width(_fmt(v) + suffix, BASE) for v in ticks) + (24 if ylabel else 10)


def bar_svg(labels: Sequence[str], series: Mapping[str, Sequence[float]], *, title: str = "",
            ylabel: str = "", horizontal: bool = False, size: tuple[float, float] = (6.4, 2.8),
            value_format: str = "{:.0f}") -> str:
    """Grouped bars: one group per label, one bar per series, values written beside the bars (not zeros)."""
    if horizontal:
        return _hbar_svg(labels, series, title=title, xlabel=ylabel, size=size, value_format=value_format)
    w, h = size[0] * 72, size[1] * 72
    values = [float(v or 0) for vs in series.values() for v in vs]
    ticks = nice_ticks(min(0.0, *values) if values else 0.0, max(values, default=1.0) or 1.0)
    rotate = max((len(s) for s in labels), default=0) > 6
    bottom = (max((text_width(s, BASE) for s in labels), default=0) * 0.5 + 16) if rotate else 18
    top = (22 if title else 12) + (12 if len(series) > 1 else 0)
    f = _Frame(w, h, _left_margin(ticks, ylabel), 8, top, bottom)
    parts = _open(w, h)
    if title:
        parts.append(_t(w / 2, 13, title, size=TITLE, anchor="middle"))
    f.y_axis(ticks, ylabel, parts)
    n = max(len(series), 1)
    slot = (f.x1 - f.x0) / max(len(labels), 1)
    bar = slot * 0.8 / n
    zero = f.y(0.0, ticks)
    show_values = len(labels) * n <= 24
    for i, (name, vals) in enumerate(series.items()):
        color = PALETTE[i % len(PALETTE)]
        for j, v in enumerate(vals):
            v = float(v or 0)
            x = f.x0 + slot * j + slot * 0.1 + bar * i
            y = f.y(v, ticks)
            parts.append(f'<rect x="{x:.1f}" y="{min(y, zero):.1f}" width="{bar:.1f}" height="{abs(zero - y):.1f}" '
                         f'fill="{color}"><title>{escape(name)}: {escape(value_format.format(v))}</title></rect>')
            if show_values and v:
                parts.append(_t(x + bar / 2, min(y, zero) - 2, value_format.format(v), size=6.5, anchor="middle"))
    parts.append(f'<line x1="{f.x0:.1f}" y1="{zero:.1f}" x2="{f.x1:.1f}" y2="{zero:.1f}" stroke="#444" '
                 'stroke-width="0.8"/>')
    for j, label in enumerate(labels):
        cx = f.x0 + slot * (j + 0.5)
        if rotate:
            parts.append(_t(cx, f.y1 + 10, label, anchor="end", rotate=-30))
        else:
            parts.append(_t(cx, f.y1 + 12, label, anchor="middle"))
    if len(series) > 1:
        _legend(list(series), f.x1, top - 6, parts)
    parts.append("</svg>")
    return "".join(parts)


def _hbar_svg(labels: Sequence[str], series: Mapping[str, Sequence[float]], *, title: str, xlabel: str,
              size: tuple[float, float], value_format: str) -> str:
    """Grouped horizontal bars: one row per label (first at the top), long labels on the left."""
    w, h = size[0] * 72, size[1] * 72
    values = [float(v or 0) for vs in series.values() for v in vs]
    ticks = nice_ticks(min(0.0, *values) if values else 0.0, max(values, default=1.0) or 1.0)
    top = (22 if title else 12) + (12 if len(series) > 1 else 0)
    left = max((text_width(s, BASE) for s in labels), default=0) + 10
    f = _Frame(w, h, left, 14, top, 26 if xlabel else 16)
    parts = _open(w, h)
    if title:
        parts.append(_t(w / 2, 13, title, size=TITLE, anchor="middle"))
    for v in ticks:
        x = f.x(v, ticks)
        parts.append(f'<line x1="{x:.1f}" y1="{f.y0:.1f}" x2="{x:.1f}" y2="{f.y1:.1f}" stroke="#e3e3e3" '
                     'stroke-width="0.6"/>')
        parts.append(_t(x, f.y1 + 11, _fmt(v), anchor="middle"))
    if xlabel:
        parts.append(_t((f.x0 + f.x1) / 2, h - 4, xlabel, anchor="middle"))
    n = max(len(series), 1)
    slot = (f.y1 - f.y0) / max(len(labels), 1)
    bar = slot * 0.8 / n
    zero = f.x(0.0, ticks)
    for i, (name, vals) in enumerate(series.items()):
        color = PALETTE[i % len(PALETTE)]
        for j, v in enumerate(vals):
            v = float(v or 0)
            y = f.y0 + slot * j + slot * 0.1 + bar * i
            x = f.x(v, ticks)
            parts.append(f'<rect x="{min(x, zero):.1f}" y="{y:.1f}" width="{abs(x - zero):.1f}" height="{bar:.1f}" '
                         f'fill="{color}"><title>{escape(name)}: {escape(value_format.format(v))}</title></rect>')
            if v:
                parts.append(_t(max(x, zero) + 2, y + bar / 2 + 2.5, value_format.format(v), size=6.5))
    parts.append(f'<line x1="{zero:.1f}" y1="{f.y0:.1f}" x2="{zero:.1f}" y2="{f.y1:.1f}" stroke="#444" '
                 'stroke-width="0.8"/>')
    for j, label in enumerate(labels):
        parts.append(_t(f.x0 - 4, f.y0 + slot * (j + 0.5) + 3, label, anchor="end"))
    if len(series) > 1:
        _legend(list(series), f.x1, top - 6, parts)
    parts.append("</svg>")
    return "".join(parts)


def line_svg(x_labels: Sequence[str], series: Mapping[str, Sequence[float | None]], *, title: str = "",
             ylabel: str = "", size: tuple[float, float] = (6.4, 2.6)) -> str:
    """A line with markers per series over ordered x labels (None leaves a gap)."""
    w, h = size[0] * 72, size[1] * 72
    values = [float(v) for vs in series.values() for v in vs if v is not None]
    ticks = nice_ticks(min(values, default=0.0), max(values, default=1.0), 4)
    top = (22 if title else 12) + (12 if len(series) > 1 else 0)
    f = _Frame(w, h, _left_margin(ticks, ylabel), 10, top, 18)
    parts = _open(w, h)
    if title:
        parts.append(_t(w / 2, 13, title, size=TITLE, anchor="middle"))
    f.y_axis(ticks, ylabel, parts)
    n = len(x_labels)
    step = (f.x1 - f.x0) / max(n, 1)

    def px(i: int) -> float:
        return f.x0 + step * (i + 0.5)

    for i, label in enumerate(x_labels):
        parts.append(_t(px(i), f.y1 + 12, label, anchor="middle"))
    parts.append(f'<line x1="{f.x0:.1f}" y1="{f.y1:.1f}" x2="{f.x1:.1f}" y2="{f.y1:.1f}" stroke="#444" '
                 'stroke-width="0.8"/>')
    for k, vals in enumerate(series.values()):
        color = PALETTE[k % len(PALETTE)]
        run: list[str] = []
        for i, v in enumerate([*vals, None]):
            if v is None:
                if len(run) > 1:
                    parts.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{color}" '
                                 'stroke-width="1.5"/>')
                run = []
                continue
            x, y = px(i), f.y(float(v), ticks)
            run.append(f"{x:.1f},{y:.1f}")
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.6" fill="{color}"/>')
    if len(series) > 1:
        _legend(list(series), f.x1, top - 6, parts)
    parts.append("</svg>")
    return "".join(parts)


def scatter_svg(points: Sequence[tuple[float, float, str]], *, xlabel: str, ylabel: str, title: str = "",
                sizes: Sequence[float] | None = None, highlight: tuple[float, float, str] | None = None,
                size: tuple[float, float] = (5.6, 3.6)) -> str:
    """Labelled points (x, y, label); sizes scale the marker areas (e.g. balances); one optional star."""
    w, h = size[0] * 72, size[1] * 72
    xs = [p[0] for p in points] + ([highlight[0]] if highlight else [])
    ys = [p[1] for p in points] + ([highlight[1]] if highlight else []) + [0.0]
    xt = nice_ticks(min(xs, default=0.0), max(xs, default=1.0), 5)
    yt = nice_ticks(min(ys), max(ys), 5)
    top = 22 if title else 12
    f = _Frame(w, h, _left_margin(yt, ylabel), 12, top, 30)
    parts = _open(w, h)
    if title:
        parts.append(_t(w / 2, 13, title, size=TITLE, anchor="middle"))
    f.y_axis(yt, ylabel, parts)
    for v in xt:
        x = f.x(v, xt)
        parts.append(f'<line x1="{x:.1f}" y1="{f.y1:.1f}" x2="{x:.1f}" y2="{f.y1 + 3:.1f}" stroke="#444"/>')
        parts.append(_t(x, f.y1 + 12, _fmt(v), anchor="middle"))
    parts.append(f'<line x1="{f.x0:.1f}" y1="{f.y1:.1f}" x2="{f.x1:.1f}" y2="{f.y1:.1f}" stroke="#444" '
                 'stroke-width="0.8"/>')
    parts.append(_t((f.x0 + f.x1) / 2, h - 4, xlabel, anchor="middle"))
    zero = f.y(0.0, yt)
    parts.append(f'<line x1="{f.x0:.1f}" y1="{zero:.1f}" x2="{f.x1:.1f}" y2="{zero:.1f}" stroke="#999" '
                 'stroke-width="0.6"/>')
    biggest = max(sizes or [0.0]) or 1.0
    for i, (x, y, label) in enumerate(points):
        area = 20 + 180 * (sizes[i] / biggest) if sizes and i < len(sizes) else 28.0
        r = math.sqrt(area) / 2
        cx, cy = f.x(x, xt), f.y(y, yt)
        parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r:.1f}" fill="{PALETTE[0]}" fill-opacity="0.7" '
                     'stroke="#fff" stroke-width="0.5"/>')
        parts.append(_t(cx + 3, cy - 3, label, size=6))
    if highlight:
        cx, cy = f.x(highlight[0], xt), f.y(highlight[1], yt)
        star = " ".join(f"{cx + (6 if k % 2 == 0 else 2.5) * math.sin(k * math.pi / 5):.1f},"
                        f"{cy - (6 if k % 2 == 0 else 2.5) * math.cos(k * math.pi / 5):.1f}" for k in range(10))
        parts.append(f'<polygon points="{star}" fill="{PALETTE[1]}"/>')
        parts.append(_t(cx + 5, cy + 10, highlight[2], size=7, fill=PALETTE[1]))
    parts.append("</svg>")
    return "".join(parts)


def _red(frac: float) -> str:
    """White to dark red (like matplotlib's Reds) for a share 0..1."""
    frac = max(0.0, min(1.0, frac))
    lo, hi = (255, 245, 240), (103, 0, 13)
    r, g, b = (round(a + (z - a) * frac) for a, z in zip(lo, hi, strict=True))
    return f"#{r:02X}{g:02X}{b:02X}"


def heatmap_svg(row_labels: Sequence[str], col_labels: Sequence[str], matrix: Sequence[Sequence[float]], *,
                title: str = "", size: tuple[float, float] | None = None) -> str:
    """A count heat map (rows x columns) with the numbers written in the cells and a min-max key."""
    cell_w, cell_h = 30.0, 16.0
    left = max((text_width(s, 7) for s in row_labels), default=20) + 8
    bottom = max((text_width(s, 7) for s in col_labels), default=20) * 0.72 + 12
    top = 22 if title else 8
    w = left + cell_w * max(len(col_labels), 1) + 60
    h = top + cell_h * max(len(row_labels), 1) + bottom
    if size:
        w, h = max(w, size[0] * 72), max(h, size[1] * 72)
    parts = _open(w, h)
    if title:
        parts.append(_t(w / 2, 13, title, size=TITLE, anchor="middle"))
    peak = max((float(v) for row in matrix for v in row), default=0.0) or 1.0
    for i, row in enumerate(matrix):
        y = top + cell_h * i
        parts.append(_t(left - 4, y + cell_h / 2 + 2.5, row_labels[i], size=7, anchor="end"))
        for j, v in enumerate(row):
            x = left + cell_w * j
            v = float(v)
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{cell_w:.1f}" height="{cell_h:.1f}" '
                         f'fill="{_red(v / peak)}"/>')
            if v:
                parts.append(_t(x + cell_w / 2, y + cell_h / 2 + 2.5, f"{v:.0f}", size=6.5, anchor="middle",
                                fill="#fff" if v > peak * 0.6 else "#1a1a1a"))
    grid_bottom = top + cell_h * len(matrix)
    for j, label in enumerate(col_labels):
        x = left + cell_w * (j + 0.5)
        parts.append(_t(x, grid_bottom + 8, label, size=7, anchor="end", rotate=-45))
    kx = left + cell_w * len(col_labels) + 14
    for k in range(10):
        parts.append(f'<rect x="{kx:.1f}" y="{top + (9 - k) * 8:.1f}" width="10" height="8" fill="{_red(k / 9)}"/>')
    parts.append(_t(kx + 13, top + 7, _fmt(peak), size=7))
    parts.append(_t(kx + 13, top + 80, "0", size=7))
    parts.append("</svg>")
    return "".join(parts)
