"""Hidden checks for week07 `train_minibatch` (cell test_train_minibatch, 1.5 points).

Starting parameters are injected, and the parameters after a few epochs are
compared with the contract's training from the same start: one
``default_rng(seed)`` made once, ``order = rng.permutation(m)`` each epoch,
consecutive slices of ``batch_size`` (the last may be smaller). While the
student's loop runs, correct stand-ins replace forward_softmax,
backward_softmax, softmax_cross_entropy and softmax, and the expected run
uses the very same functions here, so only the loop itself is graded. The
parameters are judged apart from the list of losses, and the losses against
the student's own parameters, so neither mistake costs twice.
"""

import numpy as np
import pytest

from autograder.checks import ATOL, RTOL, Mistake, diagnose, expect, expect_float64, expect_unchanged, kind_of
from autograder.texts import domain

_ = domain("week07")
pytestmark = [pytest.mark.cell("test_train_minibatch"), pytest.mark.isolated]

HINT = _("rng = np.random.default_rng(seed) once; each epoch order = rng.permutation(m) and batches "
         "order[start:start + batch_size]; per batch one forward_softmax, one backward_softmax, then "
         "p -= lr * g for every parameter")
MISTAKES = {
    "same_order_every_epoch": _("every epoch went through the samples in the same order: make ONE rng before "
                                "the first epoch and draw a new order = rng.permutation(m) from it at the start "
                                "of each epoch (not a new default_rng(seed) per epoch, nor one order for all)"),
    "no_shuffle": _("the batches are X[0:batch_size], X[batch_size:2·batch_size], ... in the data's own order: "
                    "slice order = rng.permutation(m) instead and take X[batch], T[batch]"),
    "unpaired_shuffle": _("X and T were shuffled with two different permutations, so the samples no longer "
                          "meet their targets: draw ONE order per epoch and index both with it"),
    "legacy_rng": _("the order came from np.random (np.random.seed / np.random.permutation), not from the "
                    "Generator: rng = np.random.default_rng(seed), then rng.permutation(m)"),
    "drops_last_batch": _("the last, smaller batch was left out: the batches start at range(0, m, batch_size), "
                          "and the last one holds the m % batch_size samples left over"),
    "ascent": _("the step went UP the gradient: p -= lr * g moves each parameter against its gradient"),
    "divides_by_batch": _("the gradients of backward_softmax are already those of the MEAN loss (divided by the "
                          "batch's m): do not divide them by the batch size again"),
}


SEED = _("two runs with the same seed from the same start gave different parameters: every random draw must "
         "come from rng = np.random.default_rng(seed), made from the seed you are given")
SEED_ZERO = _("two runs with seed = 0 from the same start gave different parameters: 0 is a seed like any other "
              "(`if seed:` takes it for no seed); make the rng with np.random.default_rng(seed) as given")
LOSS_HINT = _("after each epoch, append softmax_cross_entropy(forward_softmax(X, params)['AL'], T): the mean loss "
              "on ALL of X and T with the parameters of the end of that epoch")
LOSSES = {
    "last_batch_loss": _("each epoch's loss is that of its last batch: compute it on ALL of X and T after the "
                         "epoch, softmax_cross_entropy(forward_softmax(X, params)['AL'], T)"),
    "mean_of_batch_losses": _("each epoch's loss is the mean of its batches' losses, taken before their updates: "
                              "compute it once on ALL of X and T after the epoch"),
    "loss_before_epoch": _("each epoch's loss is that of the parameters at its START: append the loss after "
                           "the epoch's updates"),
}


def depth(params):
    return len(params) // 2 + 1


def local(stand_ins, names=("forward_softmax", "backward_softmax", "softmax_cross_entropy")):
    """The stand-ins' own functions, evaluated here once per process."""
    if "train" not in _LOCAL:
        _LOCAL["train"] = tuple(stand_ins["train_minibatch"].local(name) for name in names)
    return _LOCAL["train"]


_LOCAL = {}


def simulate(stand_ins, X, T, params, lr, epochs, batch_size, seed, kind=None):
    """(params after, [loss after each epoch], {loss variant: [losses]}) of the contract's training
    or of a known-wrong one, with the stand-ins' own functions (grader-side)."""
    forward, backward, loss = local(stand_ins)
    p = {key: value.copy() for key, value in params.items()}
    X, T = np.asarray(X), np.asarray(T)
    m, L = X.shape[0], depth(params)
    generator, legacy = np.random.default_rng(seed), np.random.RandomState(seed)
    first = np.random.default_rng(seed).permutation(m)
    losses, variants = [], {name: [] for name in LOSSES}
    for _epoch in range(epochs):
        variants["loss_before_epoch"].append(loss(forward(X, p)[f"A{L}"], T))
        if kind == "same_order_every_epoch":
            order = first
        elif kind == "no_shuffle":
            order = np.arange(m)
        elif kind == "legacy_rng":
            order = legacy.permutation(m)
        else:
            order = generator.permutation(m)
        X_s, T_s = X[order], T[order]
        if kind == "unpaired_shuffle":
            T_s = T[generator.permutation(m)]
        stop = m - m % batch_size if kind == "drops_last_batch" else m
        batch_losses = []
        for start in range(0, stop, batch_size):
            X_b, T_b = X_s[start:start + batch_size], T_s[start:start + batch_size]
            cache = forward(X_b, p)
            batch_losses.append(loss(cache[f"A{L}"], T_b))
            grads = backward(X_b, T_b, p, cache)
            for key in p:
                step = lr * grads[key] / (len(X_b) if kind == "divides_by_batch" else 1)
                p[key] = p[key] + step if kind == "ascent" else p[key] - step
        losses.append(loss(forward(X, p)[f"A{L}"], T))
        variants["last_batch_loss"].append(batch_losses[-1] if batch_losses else np.nan)
        variants["mean_of_batch_losses"].append(float(np.mean(batch_losses)) if batch_losses else np.nan)
    return p, losses, variants


def train(with_stand_ins, X, T, params, lr, epochs, batch_size, seed, what, deep=False):
    """(losses, params after, the caller's original arrays after, X after, T after)."""
    return with_stand_ins("train_minibatch", X, T, params, lr, epochs, batch_size, what=what, deep=deep,
                          helper="train", seed=seed).value


def check_params(stand_ins, after, X, T, params, lr, epochs, batch_size, seed, what):
    expect(isinstance(after, dict) and set(after) == set(params),
           _("params has the keys {keys} after training; update the arrays of params, keep its keys",
             keys=", ".join(map(str, after)) if isinstance(after, dict) else kind_of(after)), "changes_keys", what)
    expect(any(not np.array_equal(np.asarray(after[key]), params[key]) for key in params),
           _("the caller's params did not change: update the arrays of the params dict you are given, in place "
             "(p -= lr * g)"), "unchanged", what)
    expected, _losses, _variants = simulate(stand_ins, X, T, params, lr, epochs, batch_size, seed)
    if all(same(after[key], value) for key, value in expected.items()):
        return
    # a wrong answer: which known mistake (simulated from the same start) does it match?
    mistakes = {(kind, message): simulate(stand_ins, X, T, params, lr, epochs, batch_size, seed, kind)[0]
                for kind, message in MISTAKES.items()}
    for key in sorted(params, key=lambda k: (-int(k[1:]), k)):
        diagnose(after[key], expected[key], _("params['{key}'] after training {network}", key=key, network=what),
                 HINT, {named: variant[key] for named, variant in mistakes.items()})


def same(value, expected):
    try:
        value = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return value.shape == expected.shape and bool(np.allclose(value, expected, rtol=RTOL, atol=ATOL))


def setup(network, rng, sizes, m, order=None, dtype=None):
    X, _t, T, params = network(sizes, m)
    if dtype is not None:  # pixels as integers, as the digits come
        X = rng.integers(0, 17, size=X.shape).astype(dtype)
    if order is not None:
        params = {key: params[key] for key in order}
    return X, T, params, float(rng.uniform(0.2, 1.5)), int(rng.integers(0, 2**31))


CASES = {  # sizes, m, batch_size, epochs, key order, dtype of X
    "m=10, batch_size=4: the last batch smaller": ((4, 5, 3), 10, 4, 2, None, None),
    "batch_size > m: one batch": ((3, 4, 3), 6, 16, 3, None, None),
    "batch_size=1, 2 epochs": ((3, 2), 5, 1, 2, None, None),
    "4-layer, params in another order, uint8 X": ((4, 5, 4, 3), 7, 3, 2, ["b3", "W4", "W2", "b4", "b2", "W3"],
                                                  "uint8"),
}


def describe_case(network, params, m, batch_size, epochs, seed):
    return _("{network}, batch_size = {batch_size}, {epochs} epochs, seed = {seed}",
             network=network.describe(params, m), batch_size=batch_size, epochs=epochs, seed=seed)


@pytest.mark.parametrize("case", CASES.keys())
def test_parameters_after_training(with_stand_ins, stand_ins, network, rng, case):
    sizes, m, batch_size, epochs, order, dtype = CASES[case]
    X, T, params, lr, seed = setup(network, rng, sizes, m, order, dtype)
    if case.startswith("batch_size=1"):
        seed = 0  # seed 0 is a seed like any other (not "no seed": `if seed:` is False for it)
    what = describe_case(network, params, m, batch_size, epochs, seed)
    _losses, after, _originals, _X, _T = train(with_stand_ins, X, T, params, lr, epochs, batch_size, seed, what,
                                              deep=order is not None)
    try:
        check_params(stand_ins, after, X, T, params, lr, epochs, batch_size, seed, what)
    except Mistake as failed:
        if failed.kind is None:  # no known mistake explains it: does the seed decide the training at all?
            again = train(with_stand_ins, X, T, params, lr, epochs, batch_size, seed, what)[1]
            if not all(same(again[key], np.asarray(after[key], dtype=np.float64)) for key in params):
                raise Mistake(SEED_ZERO if seed == 0 else SEED, "seed_ignored", what) from None
        raise


def check_losses(stand_ins, losses, after, X, T, params, lr, epochs, batch_size, seed, what):
    expect(isinstance(losses, list), _("returned {value}; return a list with one float per epoch",
                                       value=kind_of(losses)), "return_type", what)
    expect(len(losses) == epochs,
           _("returned {got} losses for {epochs} epochs: one loss per epoch, each after that epoch's updates (no "
             "loss of the starting parameters)", got=len(losses), epochs=epochs), "loss_count", what)
    for value in losses:
        expect(isinstance(value, float), _("the list holds {value}; each loss is a Python float",
                                           value=kind_of(value)), "return_type", what)
    expected_params, expected, variants = simulate(stand_ins, X, T, params, lr, epochs, batch_size, seed)
    right = all(same(after[key], value) for key, value in expected_params.items())
    last = _("the loss after the last epoch, {network}", network=what)
    if not right:  # another training (charged above): the last loss must be its own params' loss
        if not (isinstance(after, dict) and all(key in after and np.shape(after[key]) == value.shape
                                                for key, value in params.items())):
            return  # no network to measure: the parameters' check says why
        forward, _backward, loss = local(stand_ins)
        with np.errstate(all="ignore"):
            own = loss(forward(X, {key: np.asarray(after[key], dtype=np.float64) for key in params})
                       [f"A{depth(params)}"], T)
        diagnose(losses[-1], own, last, LOSS_HINT)
        return
    for epoch, value in enumerate(losses):
        diagnose(value, expected[epoch], _("the loss after epoch {epoch}, {network}", epoch=epoch + 1,
                                           network=what),
                 LOSS_HINT, {(kind, LOSSES[kind]): variants[kind][epoch] for kind in LOSSES})


def test_losses(with_stand_ins, stand_ins, network, rng):
    sizes, m, batch_size, _epochs, order, dtype = CASES["4-layer, params in another order, uint8 X"]
    epochs = 3
    X, T, params, lr, seed = setup(network, rng, sizes, m, order, dtype)
    what = describe_case(network, params, m, batch_size, epochs, seed)
    losses, after, _originals, _X, _T = train(with_stand_ins, X, T, params, lr, epochs, batch_size, seed, what,
                                             deep=order is not None)
    check_losses(stand_ins, losses, after, X, T, params, lr, epochs, batch_size, seed, what)


def test_no_epochs(with_stand_ins, network, rng):
    X, T, params, lr, seed = setup(network, rng, (3, 4, 3), 5)
    what = _("train_minibatch with epochs = 0")
    losses, after, _originals, _X, _T = train(with_stand_ins, X, T, params, lr, 0, 2, seed, what)
    expect(isinstance(losses, list) and losses == [],
           _("returned {value}; no epoch gives no loss: the empty list []",
             value=losses if isinstance(losses, list) else kind_of(losses)), "epochs_zero", what)
    for key in params:
        expect(np.array_equal(after[key], params[key]), _("params['{key}'] changed without a single epoch", key=key),
               "epochs_zero", what)


def test_in_place(with_stand_ins, network, rng):
    X, T, params, lr, seed = setup(network, rng, (3, 4, 3), 6)
    what = _("the caller's params after training")
    _losses, after, originals, _X, _T = train(with_stand_ins, X, T, params, lr, 2, 4, seed, what)
    expect(isinstance(after, dict) and set(after) == set(params),
           _("train_minibatch changed the keys of params"), "changes_keys", what)
    expect(any(not np.array_equal(after[key], params[key]) for key in params),
           _("the caller's params did not change: update the arrays of the params dict you are given, in place "
             "(p -= lr * g)"), "unchanged", what)
    for key in params:
        expect(np.array_equal(originals[key], after[key]),
               _("the array params['{key}'] the caller holds was not updated: the dict now holds a NEW array; "
                 "change the existing array in place (-=)", key=key), "new_arrays", what)
        expect_float64(after[key], _("params['{key}'] after training", key=key))


@pytest.mark.side
def test_keeps_data(with_stand_ins, network, rng):
    X, T, params, lr, seed = setup(network, rng, (3, 4, 3), 7)
    _losses, _after, _originals, X_after, T_after = train(with_stand_ins, X, T, params, lr, 2, 3, seed,
                                                          "train_minibatch")
    expect_unchanged(X, X_after, _("train_minibatch (its argument X)"))
    expect_unchanged(T, T_after, _("train_minibatch (its argument T)"))
