"""Simulated students and whole course cycles: the demo, the benchmark, the attack catalogue.

``cohort`` (students made from a week's release), ``attacks`` (cheats,
hangs, crashes and damaged notebooks), ``classroom`` (students submitting
through the exchange), ``demo`` (``make demo``) and ``bench`` (``make bench``).
"""
