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


# from week02
def numerical_derivative(f, x, delta_x=1e-4):
    """Central-difference gradient of scalar f(x) w.r.t. every element of x.

    x: float array of any shape, perturbed IN PLACE one element at a time
    and restored bit for bit, so f may ignore its argument and read x.
    Returns a float64 array of x's shape. Raises TypeError for integer x.
    """
    if not (isinstance(x, np.ndarray) and np.issubdtype(x.dtype, np.floating)):
        raise TypeError("numerical_derivative needs a float numpy array x (an integer array "
                        "cannot hold x + delta_x); convert it with x.astype(float)")
    grad = np.zeros(x.shape, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"])
    while not it.finished:
        idx = it.multi_index
        saved = x[idx].copy()
        x[idx] = saved + delta_x
        fx1 = f(x)
        x[idx] = saved - delta_x
        fx2 = f(x)
        grad[idx] = (fx1 - fx2) / (2 * delta_x)
        x[idx] = saved
        it.iternext()
    return grad
