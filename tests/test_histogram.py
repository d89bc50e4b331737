"""The class report's SVG histograms: each bar counts what numpy.histogram counts."""

import re

import numpy as np

from autograder.staff.histogram import histogram_svg


def _bars(svg):
    return [int(n) for n in re.findall(r"<rect [^>]*><title>[^<]*: (\d+)</title></rect>", svg)]


def test_bars_count_the_values_of_their_bin():
    values = [0, 0, 1.5, 3, 3, 3, 9.99, 10]
    svg = histogram_svg(values, 0, 10, 5)
    assert _bars(svg) == list(np.histogram(values, bins=5, range=(0, 10))[0]) == [3, 3, 0, 0, 2]


def test_values_outside_the_range_are_left_out_and_no_bin_is_lost():
    assert _bars(histogram_svg([-1, 11, 5], 0, 10, 4)) == [0, 0, 1, 0]
    assert _bars(histogram_svg([], 0, 3, 3)) == [0, 0, 0]


def test_the_tallest_bar_fills_the_plot_and_labels_are_escaped():
    svg = histogram_svg([0.5, 1.5, 2], 0, 2, 2, title="<b>sigmoid</b>")
    heights = [float(h) for h in re.findall(r'<rect [^>]*height="([\d.]+)"', svg)]
    assert heights[1] == max(heights) and heights[0] == heights[1] / 2
    assert "<b>" not in svg and "&lt;b&gt;sigmoid&lt;/b&gt;" in svg
