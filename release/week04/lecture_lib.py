"""Functions from earlier weeks, provided by the course kit (read-only).

Import what you need, e.g. `from lecture_lib import sigmoid`. This file is
replaced by the course's own copy at grading time: edits here are lost.
이전 주차의 함수들입니다 (읽기 전용). 채점할 때 원본으로 바뀌므로 수정하지 마세요.
"""

import numpy as np


# from week01
def sigmoid(x):
    """Sigmoid 1 / (1 + e^{-x}) of a scalar or an array of any shape.

    x: scalar or array, any shape, any numeric dtype.
    Returns float64 of x's shape; never overflows, even at x = ±1000.
    """
    x = np.asarray(x, dtype=np.float64)
    # e^{-|x|} is at most 1, so nothing overflows for either sign of x
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))[()]
