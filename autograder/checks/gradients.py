"""Checks of a backward pass: the gradients of a network's params, diagnosed from the output layer back.

Week06's ``backward`` (the summed loss, sigmoid output) and week07's
``backward_softmax`` (the mean loss, softmax output) differ in dZ_L only;
the walk back through the sigmoid hidden layers, the gradients' dict, their
shapes and the known mistakes there are the same, and live here.

Shapes: ``params`` holds ``W_l`` (n_(l-1), n_l) and ``b_l`` (n_l,) for
l = 2, ..., L; ``cache`` holds ``A1`` (m, n_1) and ``Z_l``, ``A_l`` (m, n_l);
``grads`` has the keys and shapes of ``params``.
"""

import numpy as np

from ..texts import Text, domain
from .expect import Mistake, diagnose, expect, kind_of, numeric

_ = domain("checks")

HIDDEN_KINDS = ("no_derivative", "z_derivative")  # known-wrong steps back through a sigmoid layer


def output_first(params) -> list:
    """The keys of ``params`` from the output layer back (W_L, b_L, W_(L-1), ...), by number:
    "W10" comes before "W9"."""
    return sorted(params, key=lambda k: (-int(k[1:]), k))


def backpropagate(params, cache, dZ, hidden: str | None = None, scale: float = 1.0) -> dict:
    """The gradients of a network with sigmoid hidden layers, from the output layer's ``dZ`` (m, n_L).

    ``hidden`` names a known-wrong step back (one of :data:`HIDDEN_KINDS`);
    ``scale`` multiplies each hidden layer's dZ once more (1/m there is a known
    mistake of the mean loss). Grader-side: the reference's walk, and the
    variants that name a mistake.
    """
    L = len(params) // 2 + 1
    grads = {}
    for l in range(L, 1, -1):
        A_prev = cache[f"A{l - 1}"]
        grads[f"W{l}"], grads[f"b{l}"] = A_prev.T @ dZ, dZ.sum(axis=0)
        if l > 2:
            dA = dZ @ params[f"W{l}"].T
            if hidden == "no_derivative":
                dZ = dA
            elif hidden == "z_derivative":
                Z_prev = cache[f"Z{l - 1}"]
                dZ = dA * Z_prev * (1 - Z_prev)
            else:
                dZ = dA * A_prev * (1 - A_prev)
            dZ = dZ * scale
    return grads


def hidden_mistakes() -> dict:
    """``{kind: message}`` of the known-wrong steps back through a sigmoid layer."""
    return {"no_derivative": _("going one layer back, multiply by the sigmoid's derivative a(1 − a): "
                               "dZ_(l-1) = (dZ_l · W_l.T) ⊙ A_(l-1) ⊙ (1 − A_(l-1))"),
            "z_derivative": _("the sigmoid's derivative is a(1 − a) with the activations A_(l-1), not Z_(l-1)")}


def expect_gradient_dict(grads, params, name: str, what) -> None:
    """``grads`` is a dict with exactly the keys of ``params``."""
    expect(isinstance(grads, dict), _("{name} returned {value}; return a dict of gradients with the keys of "
                                      "params ('W2', 'b2', ...)", name=name, value=kind_of(grads)),
           "return_type", what)
    expect(set(grads) == set(params), _("{name} returned the keys {got}; return one gradient for each key of "
                                        "params, {want}", name=name, got=", ".join(map(str, grads)),
                                        want=", ".join(params)), "wrong_keys", what)


def expect_gradient_shapes(grads, params, m: int, what, hint: Text | str, explain=None) -> None:
    """Each gradient has its parameter's shape; a shape a known mistake gives is named.

    ``explain(key, shape, where)`` may raise a week's own Mistake first (a
    shape only that week's mistakes give)."""
    for key, param in params.items():
        shape = numeric(grads[key], _("grads['{key}'] of {network}", key=key, network=what)).shape
        if shape == param.shape:
            continue
        n = param.shape[-1]
        where = _("grads['{key}'] of shape {got} for params['{key}'] of shape {want}, {network}", key=key,
                  got=shape, want=param.shape, network=what)
        if explain is not None:
            explain(key, shape, where)
        if key.startswith("W") and shape == param.shape[::-1]:
            raise Mistake(_("the gradient of W has the shape of W.T: dW = A_prev.T · dZ has the shape "
                            "(n_prev, n_next) of W"), "dW_transposed", where)
        if key.startswith("b") and shape == (1, n):
            raise Mistake(_("the gradient of b is 2-D (one row) where b is 1-D: sum dZ over the samples "
                            "without keepdims (dZ.sum(axis=0))"), "bias_keepdims", where)
        if key.startswith("b") and shape == (m, n):
            raise Mistake(_("the gradient of b has one row per sample: db sums dZ over the samples (the rows), "
                            "one value per node"), "bias_not_summed", where)
        raise Mistake(_("each gradient has the shape of its parameter — {hint}", hint=hint), "shape", where)


def expect_gradient_values(grads, expected, params, what, hint: Text | str, variants: dict) -> None:
    """Each gradient's values, from the output layer back, so the first mismatch names the nearest cause.

    ``variants``: ``{(kind, message): known-wrong grads}``; a transposed dW
    (which only square layers' values tell) is named too."""
    for key in output_first(params):
        mistakes = {mistake: wrong[key] for mistake, wrong in variants.items()}
        if key.startswith("W") and params[key].shape[0] == params[key].shape[1]:
            mistakes[("dW_transposed", _("dW = A_prev.T · dZ (not its transpose)"))] = np.asarray(expected[key]).T
        diagnose(grads[key], expected[key], _("grads['{key}'] of {network}", key=key, network=what), hint,
                 mistakes)
