"""A histogram as inline SVG, for the class report.

The report plotted its two figures with matplotlib: importing it and
drawing them cost two seconds of every ``grade`` run, for bars. An SVG
element is a few hundred bytes of text, opens offline in any browser,
scales without blurring, and each bar says on hover how many students it
holds (its ``<title>``).
"""

import html

import numpy as np

WIDTH, HEIGHT = 600, 220  # the whole figure, in SVG units (it scales to the page)
MARGIN_LEFT, MARGIN_BOTTOM, MARGIN_TOP = 34, 30, 22


def histogram_svg(values, low: float, high: float, bins: int, title: str = "", color: str = "#4878a8",
                  width: int = WIDTH, height: int = HEIGHT) -> str:
    """An ``<svg>`` histogram of ``values`` (numbers) in ``bins`` equal bins over [low, high],
    as ``numpy.histogram`` counts them (the last bin includes ``high``); values outside are
    left out. ``title`` (plain text, escaped here) is drawn above the bars. The element is
    meant for an HTML page, where inline SVG needs no namespace (and so names no URL)."""
    counts, edges = np.histogram(np.asarray(values, dtype=float), bins=bins, range=(low, high))
    plot_w, plot_h = width - MARGIN_LEFT - 8, height - MARGIN_BOTTOM - MARGIN_TOP
    top = max(int(counts.max()), 1) if counts.size else 1
    bar_w = plot_w / bins
    parts = [f'<svg role="img" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" font-family="system-ui,sans-serif" font-size="11">']
    if title:
        parts.append(f'<title>{_e(title)}</title><text x="{width / 2:.0f}" y="14" text-anchor="middle" '
                     f'font-size="12">{_e(title)}</text>')
    base = MARGIN_TOP + plot_h
    for index, count in enumerate(counts):
        bar_h = plot_h * count / top
        x = MARGIN_LEFT + index * bar_w
        tip = f"{edges[index]:.3g} – {edges[index + 1]:.3g}: {count}"
        parts.append(f'<rect x="{x + 0.5:.1f}" y="{base - bar_h:.1f}" width="{max(bar_w - 1, 0.5):.1f}" '
                     f'height="{bar_h:.1f}" fill="{color}"><title>{tip}</title></rect>')
    axis = 'stroke="#888" stroke-width="1"'
    parts += [f'<line x1="{MARGIN_LEFT}" y1="{base}" x2="{MARGIN_LEFT + plot_w}" y2="{base}" {axis}/>',
              f'<line x1="{MARGIN_LEFT}" y1="{MARGIN_TOP}" x2="{MARGIN_LEFT}" y2="{base}" {axis}/>',
              _label(MARGIN_LEFT, base + 14, f"{low:g}", "start"),
              _label(MARGIN_LEFT + plot_w, base + 14, f"{high:g}", "end"),
              _label(MARGIN_LEFT - 4, MARGIN_TOP + 4, str(top), "end"),
              _label(MARGIN_LEFT - 4, base, "0", "end"),
              "</svg>"]
    return "".join(parts)


def _label(x, y, text, anchor):
    return f'<text x="{x:.0f}" y="{y:.0f}" text-anchor="{anchor}" fill="#555">{_e(text)}</text>'


def _e(text):
    return html.escape(str(text))
