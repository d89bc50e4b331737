"""Run a student's function with correct stand-ins for the other exercises.

An exercise may call another one (``feed_forward`` uses ``layer_forward``,
``gradient_check`` uses ``rel_error``). While the student's function runs,
grader-written correct versions of those replace the student's own in the
notebook's namespace, then the student's are put back: a mistake in one
exercise is never charged again in another (the release gate checks it).

The stand-ins are Python source run in the student process with only numpy
in scope (an :class:`~autograder.sandbox.protocol.Expr`); the grader runs
the same source for expected values (:meth:`StandIns.local`). Being grader
code, they are sent only to a check's isolated session (a fresh process,
ended with the check: ``pytest.mark.isolated``), so the student's code
cannot keep one for a later check.
"""

from ..sandbox.protocol import Expr, Ref

# `run` swaps STAND_INS into the globals of `fn` (the notebook's namespace)
# for the duration of one call; names the notebook lacked are removed after.
RUN = '''
def run(fn, *args, **kwargs):
    names = getattr(fn, "__globals__", {})
    saved = {k: names[k] for k in STAND_INS if k in names}
    names.update(STAND_INS)
    try:
        return fn(*args, **kwargs)
    finally:
        for k in STAND_INS:
            if k in saved:
                names[k] = saved[k]
            else:
                names.pop(k, None)
'''


class StandIns:
    """Correct versions of some exercises, and helpers that call the student's code with them.

    ``source`` defines a function for each of ``names`` (the exercises they
    stand in for), and may define more helpers; those can call
    ``run(fn, *args, **kwargs)``, the student's ``fn`` with the stand-ins in
    place.
    """

    def __init__(self, source, names):
        table = ", ".join(f"{name!r}: {name}" for name in names)
        self.source = f"{source}\nSTAND_INS = {{{table}}}\n{RUN}"

    def helper(self, name: str) -> Expr:
        """The helper ``name`` defined by the source, to pass to the student process."""
        return Expr(f"{self.source}\n{name}\n")

    def local(self, name):
        """The same helper in the grader (the same code, for expected values)."""
        return self.helper(name).local()

    def invoke(self, student, name: str, *args, helper: str = "run", return_args: bool = False, **kwargs):
        """``helper(<the student's name>, *args, **kwargs)`` in the student process → Reply.

        ``helper`` is ``run`` (call ``name`` itself with the stand-ins) or a
        helper of the source taking the student's function first.
        ``reply.args`` (with ``return_args``) are the arguments after the
        call, without the student's function.
        """
        student.require(name)
        reply = student.invoke(self.helper(helper), (Ref(name), *args), kwargs, return_args=return_args,
                               what=f"{name}(...)")
        if return_args:
            reply.args = reply.args[1:]
        return reply
