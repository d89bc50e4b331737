"""The student process: isolation, limits, and plain data only."""

import numpy as np
import pytest

from autograder.sandbox.errors import BadReply, Crashed, NotDefined, RaisedError, TimedOut
from autograder.sandbox.process import Limits, StudentProcess
from autograder.sandbox.protocol import Expr, Ref

QUICK = Limits(call_seconds=1.5, cell_seconds=3)


def process(source, tmp_path, limits=QUICK):
    return StudentProcess([{"name": "cell 1", "source": "import numpy as np\n" + source}], tmp_path, limits)


def test_plain_values_round_trip(tmp_path):
    with process("def f(x):\n    return x * 2, {'n': 3}, [np.int64(1), None]\n", tmp_path) as p:
        value = p.call("f", np.arange(3.0))
    assert isinstance(value, tuple)
    assert np.array_equal(value[0], [0.0, 2.0, 4.0]) and value[0].dtype == np.float64
    assert value[1] == {"n": 3}
    assert value[2][0] == 1 and type(value[2][0]) is np.int64


def test_a_hang_costs_only_that_call(tmp_path):
    source = "def hang():\n    while True:\n        pass\ndef ok():\n    return 1.5\n"
    with process(source, tmp_path) as p:
        with pytest.raises(TimedOut, match="did not finish within 1.5 s"):
            p.call("hang")
        assert p.call("ok") == 1.5  # restarted with the notebook's cells


def test_a_crash_costs_only_that_call(tmp_path):
    source = "import os\ndef die():\n    os._exit(3)\ndef ok():\n    return 2.0\n"
    with process(source, tmp_path) as p:
        with pytest.raises(Crashed, match="exited with code 3"):
            p.call("die")
        assert p.call("ok") == 2.0


def test_memory_is_limited(tmp_path):
    limits = Limits(call_seconds=5, memory_bytes=512 * 1024**2)
    with process("def bomb():\n    return np.ones((1024, 1024, 1024))\n", tmp_path, limits) as p:
        with pytest.raises((RaisedError, Crashed), match="MemoryError|memory"):
            p.call("bomb")


def test_student_exception_is_a_message_not_a_traceback(tmp_path):
    with process("def f(x):\n    raise ValueError('shapes do not match')\n", tmp_path) as p:
        with pytest.raises(RaisedError) as info:
            p.call("f", 1.0)
    assert str(info.value) == "f(...) raised ValueError (line 3 of its cell): shapes do not match"


def test_sys_exit_in_a_call_is_an_error_not_a_crash(tmp_path):
    with process("import sys\ndef f():\n    sys.exit(0)\ndef g():\n    return 1\n", tmp_path) as p:
        with pytest.raises(RaisedError, match="SystemExit"):
            p.call("f")
        assert p.call("g") == 1


@pytest.mark.parametrize("returned", [
    "np.array([object()], dtype=object)",
    "np.array(['a', 'b'])",
    "type('Sub', (np.ndarray,), {})((2,))",
], ids=["object-array", "string-array", "ndarray-subclass"])
def test_only_plain_data_comes_back(tmp_path, returned):
    with process(f"def f():\n    return {returned}\n", tmp_path) as p:
        try:
            value = p.call("f")
        except (BadReply, RaisedError):
            return
    assert type(value) is np.ndarray and value.dtype.kind in "biuf"  # a subclass arrives as a base array


def test_objects_stay_in_the_student_process(tmp_path):
    source = "class Gate:\n    def __eq__(self, other):\n        return True\n    def w(self):\n        return np.ones(2)\n"
    with process(source, tmp_path) as p:
        gate = p.call("Gate")
        assert gate != 1.0  # a Handle, not the student's object with its lying __eq__
        assert np.array_equal(p.call((gate, "w")), [1.0, 1.0])


def test_environment_is_empty_of_grader_secrets(tmp_path, monkeypatch):
    monkeypatch.setenv("DLKIT_SECRET", "hush")
    with process("import os\ndef env():\n    return sorted(os.environ)\n", tmp_path) as p:
        names = p.call("env")
    assert not [n for n in names if n.startswith("DLKIT")]


def test_undefined_name_reports_the_failing_cell(tmp_path):
    cells = [{"name": "sigmoid", "source": "def sigmoid(x)\n    return x\n"}]
    with StudentProcess(cells, tmp_path, QUICK) as p:
        with pytest.raises(NotDefined, match="'sigmoid' raised SyntaxError at line 1"):
            p.call("sigmoid", 1.0)


def test_output_floods_do_not_reach_the_grader(tmp_path):
    with process("def f():\n    print('x' * 10_000_000)\n    return 1\n", tmp_path) as p:
        assert p.call("f") == 1


def test_grader_helpers_and_line_counts(tmp_path):
    source = "def loop(x):\n    out = 0.0\n    for v in x:\n        out += v\n    return out\n"
    with process(source, tmp_path) as p:
        assert p.call(Expr("lambda f: f(np.ones(3))"), Expr("lambda x: float(x.sum())")) == 3.0
        small = p.invoke("loop", (np.ones(10),), count_lines=True).lines
        large = p.invoke("loop", (np.ones(1000),), count_lines=True).lines
    assert large - small >= 990 * 2


def test_grader_helpers_defined_by_statements(tmp_path):
    # a helper longer than a lambda: statements, then the expression naming it
    helper = Expr("SCALE = 3.0\n\ndef scaled(f, x):\n    return SCALE * f(x)\n\nscaled\n")
    with process("SCALE = 100.0\ndef double(x):\n    return 2 * x\n", tmp_path) as p:
        assert p.call(helper, Ref("double"), 1.5) == 9.0  # its own SCALE, never the notebook's
    assert helper.local()(lambda x: x + 1, 1.0) == 6.0  # the same code on the grader's side
    with pytest.raises(SyntaxError):
        Expr("def f():\n    pass\n").local()  # no expression at the end: no value


def test_a_cell_that_hangs_at_start_up_costs_only_its_own_names(tmp_path):
    cells = [{"name": "relu", "source": "def relu(x):\n    return max(x, 0.0)\n"},
             {"name": "sigmoid", "source": "while True:\n    pass\n"},
             {"name": "tanh", "source": "import math\ndef tanh(x):\n    return math.tanh(x)\n"}]
    with StudentProcess(cells, tmp_path, QUICK) as p:
        assert p.call("relu", -1.0) == 0.0
        assert p.call("tanh", 0.0) == 0.0
        with pytest.raises(NotDefined, match="the cell 'sigmoid' did not finish within 3 s"):
            p.call("sigmoid", 0.0)


def test_a_function_that_hangs_is_not_waited_for_twice(tmp_path):
    import time

    with process("import time\ndef slow():\n    time.sleep(60)\ndef ok():\n    return 1\n", tmp_path) as p:
        with pytest.raises(TimedOut):
            p.call("slow")
        started = time.monotonic()
        with pytest.raises(TimedOut):
            p.call("slow")
        assert time.monotonic() - started < 0.5
        assert p.call("ok") == 1
