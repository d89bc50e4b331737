"""Raw Python and numpy errors from student code, named as the mistake they show.

"The truth value of an array with more than one element is ambiguous" is
numpy's way of saying "an `if` on an array"; a student reads the second.
:func:`explain` turns the errors the kit recognises into a mistake kind and
a sentence (the error's own text follows it, so nothing is hidden).
"""

import re

from ..sandbox.errors import RaisedError
from ..texts import domain

_ = domain("grading")

# (exception type, pattern of its message) -> (mistake kind, what it means)
KNOWN = [
    ("ValueError", r"truth value of an array .* is ambiguous", "if_on_array",
     _("an `if` (or `and`/`or`/`not`) got a whole array where it needs one True/False: compare elementwise "
       "(np.where, a boolean mask) or test one number")),
    ("ValueError", r"operands could not be broadcast together", "shapes_do_not_broadcast",
     _("two arrays whose shapes do not fit together were combined elementwise: check the shapes "
       "(rows are samples) and which axis a sum or mean runs over")),
    ("ValueError", r"matmul: Input operand \d+ has a mismatch in its core dimension", "matmul_shapes",
     _("the two sides of @ (np.dot) do not fit: the columns of the left one must match the rows of the "
       "right one; check the shapes, and whether something is 1-D where a (m, n) matrix is expected")),
    ("ValueError", r"shapes \(.*\) and \(.*\) not aligned", "matmul_shapes",
     _("the two sides of np.dot do not fit: the columns of the left one must match the rows of the right one")),
    ("ValueError", r"cannot reshape array of size \d+ into shape", "fixed_reshape",
     _("a reshape to a fixed size failed: the number of samples m can be anything, so use -1 for it "
       "(reshape(-1, 2), not reshape(4, 2))")),
    ("IndexError", r"too many indices for array", "indexes_a_1d_array",
     _("an array was indexed with more axes than it has: is something 1-D where a 2-D (m, n) array is "
       "expected?")),
    ("TypeError", r"only (length-1|0-dimensional|integer scalar) arrays can be converted", "math_on_array",
     _("a function for single numbers (math.exp, float(), int()) got an array: use numpy's (np.exp, ...)")),
]


def explain(exc):
    """``(kind, Text)`` for a :class:`RaisedError` the kit recognises, else None."""
    if not isinstance(exc, RaisedError):
        return None
    for exc_type, pattern, kind, meaning in KNOWN:
        if exc.exc_type == exc_type and re.search(pattern, exc.exc_message or ""):
            return kind, _("{meaning} ({error})", meaning=meaning, error=exc.text)
    return None
