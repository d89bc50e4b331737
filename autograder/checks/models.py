"""Drive a model object a student's notebook defines (week03 ``LogicGate``, week05 ``XORNet``).

The object lives in the student process; the grader holds a handle. A
:class:`ModelDriver` creates it, gives it the grader's starting parameters
(:func:`inject`) and calls ``loss_val``, ``train`` and ``predict`` with a
student-facing check on every reply's type. A week's suite subclasses it in
its ``conftest.py`` with the class's name and the week's data (suites
cannot import each other, but both import this module).
"""

import numpy as np

from ..sandbox.protocol import Expr, Handle
from ..texts import domain
from .expect import expect, kind_of, numeric

_ = domain("checks")

# Runs in the student process. Writing into the student's own arrays, rather
# than replacing them, keeps aliases working (self.params = [self.W, self.b],
# self.W2 = self.params["W2"]); an array that cannot take the values is
# replaced.
INJECT = Expr('''
def inject(model, values, attribute, keep_shape):
    container = getattr(model, attribute) if attribute else model
    for key, value in values.items():
        old = container.get(key) if attribute else getattr(container, key, None)
        if keep_shape:
            fits = isinstance(old, np.ndarray) and old.size == value.size and old.dtype.kind == "f"
        else:
            fits = isinstance(old, np.ndarray) and old.shape == value.shape and old.dtype == value.dtype
        if fits:
            np.copyto(old, value.reshape(old.shape))
        elif attribute:
            container[key] = value.copy()
        else:
            setattr(container, key, value.copy())

inject
''')


def inject(student, model, values: dict, *, attribute: str | None = None, keep_shape: bool = False) -> None:
    """Give the student's ``model`` the grader's starting parameters, in place where they fit.

    ``values`` maps names to arrays (sent as float64). They go into the
    model's attributes of those names or, with ``attribute="params"``, into
    the dict ``model.params``. An existing float64 array of the same shape
    receives the values in place. With ``keep_shape``, any float array of
    the same size does, in its own shape (a transposed ``W`` stays
    transposed, so that mistake costs points only where shapes are checked).
    Anything else is replaced by a copy of the grader's array.
    """
    values = {key: np.array(value, dtype=np.float64) for key, value in values.items()}
    student.call(INJECT, model, values, attribute, keep_shape)


class ModelDriver:
    """Calls into the student's model with student-facing checks on every reply.

    Subclasses name the class (``cls``) and its constructor's arguments as
    the contract writes them, and say what ``loss_val`` returns (a Text).
    """

    cls = ""  # the class the exercise defines
    arguments = ""  # the constructor's arguments, "xdata, tdata"
    loss_value = _("the summed cross-entropy")  # what loss_val() returns, for its message

    def __init__(self, student):
        self.student = student

    def create(self, *args, **kwargs):
        model = self.student.call(self.cls, *args, **kwargs)
        expect(isinstance(model, Handle), _("{cls}({arguments}, ...) should create an object of the class "
                                            "{cls} (is {cls} a class with an __init__ method?)",
                                            cls=self.cls, arguments=self.arguments))
        return model

    def loss(self, model) -> float:
        value = self.student.call((model, "loss_val"))
        expect(isinstance(value, (int, float)) and not isinstance(value, bool),
               _("loss_val() returned {value}; it should return one number, a Python float ({loss})",
                 value=kind_of(value), loss=self.loss_value))
        return float(value)

    def train(self, model, epochs: int) -> list:
        """The losses ``train(epochs)`` returned, as floats: a list, one loss per epoch, each one number."""
        losses = self.student.call((model, "train"), epochs)
        expect(isinstance(losses, list), _("train({epochs}) returned {value}; it should return a list with "
                                           "the loss after each epoch", epochs=epochs, value=kind_of(losses)),
               "train_return_type")
        expect(len(losses) == epochs, _("train({epochs}) returned a list of {count} losses; it should hold one "
                                        "loss per epoch", epochs=epochs, count=len(losses)), "train_list_length")
        for value in losses:
            number = isinstance(value, (int, float, np.number)) and not isinstance(value, (bool, np.bool_))
            single = isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "iuf"
            shown = _("an object of type {type}", type=value.type_name) if isinstance(value, Handle) else kind_of(value)
            expect(number or single, _("an element of the list returned by train({epochs}) is {value}; each "
                                       "element is one number, the loss (a float) after that epoch",
                                       epochs=epochs, value=shown), "losses_not_numbers")
        return [float(np.reshape(value, ())) for value in losses]

    def predict(self, model, x) -> tuple:
        """``(y, labels)`` as numeric arrays."""
        result = self.student.call((model, "predict"), x)
        expect(isinstance(result, (tuple, list)) and len(result) == 2,
               _("predict(x) returned {value}; it should return the pair (y, labels)", value=kind_of(result)))
        return numeric(result[0], _("y of predict(x)")), numeric(result[1], _("labels of predict(x)"))
