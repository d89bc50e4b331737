"""The student process: isolation, limits, and plain data only."""

import contextlib
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import numpy as np
import pytest

from autograder.errors import SuiteProblem
from autograder.sandbox.errors import BadReply, Crashed, NotDefined, OutOfTime, RaisedError, TimedOut
from autograder.sandbox.limits import Limits
from autograder.sandbox.process import StudentProcess
from autograder.sandbox.protocol import Expr, NumpyFunction, Ref

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


def test_arrays_keep_their_shape_both_ways_zero_dimensional_too(tmp_path):
    with process("def same(x):\n    return x, np.array(2.5), np.ones((2, 3)).T\n", tmp_path) as p:
        echoed, made, transposed = p.call("same", np.array(1.5))
    assert echoed.shape == made.shape == () and float(made) == 2.5  # a 0-d answer is not a 1-element vector
    assert transposed.shape == (3, 2)


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


def test_grader_helpers_run_only_in_an_isolated_session(tmp_path):
    with process("def f(x):\n    return x * 2\n", tmp_path) as p:
        with pytest.raises(SuiteProblem, match="isolated"):
            p.call(Expr("lambda g, x: g(x)"), Ref("f"), 1.5)
        with p.isolated():
            assert p.call(Expr("lambda g, x: g(x)"), Ref("f"), 1.5) == 3.0


def test_numpy_functions_cross_by_name_in_the_shared_session(tmp_path):
    source = "def apply(activation, z):\n    return activation(z), activation.__name__\n"
    with process(source, tmp_path) as p:  # numpy is the session's own: no isolation needed
        z = np.array([-1.5, 0.0, 2.0])
        value, name = p.call("apply", NumpyFunction("tanh"), z)
        assert np.array_equal(value, np.tanh(z)) and name == "tanh"
        assert p.call("apply", NumpyFunction("positive"), z)[0].tolist() == z.tolist()
    assert NumpyFunction("abs").local() is np.abs
    for not_a_ufunc in ("maximum.reduce", "load", "random", "__import__"):
        with pytest.raises(TypeError, match="not one of numpy's ufuncs"):
            NumpyFunction(not_a_ufunc)


def test_nothing_placed_in_an_isolated_session_reaches_a_later_one(tmp_path):
    source = ("import os\nKEPT = []\ndef keep(helper):\n    KEPT.append(helper)\n"
              "    open('stolen.txt', 'w').write('x')\n    open('/tmp/stolen.txt', 'w').write('x')\n    return 1\n"
              "def later():\n    return [len(KEPT), os.path.exists('stolen.txt'), os.path.exists('/tmp/stolen.txt')]\n")
    with process(source, tmp_path) as p:
        with p.isolated():
            assert p.call("keep", Expr("lambda z: 1.0 / (1.0 + np.exp(-z))")) == 1
            assert p.call("later")[0] == 1
        with p.isolated():
            assert p.call("later") == [0, False, False]
        assert p.call("later") == [0, False, False]
    assert not (tmp_path / "stolen.txt").exists()


def test_cpu_time_read_from_the_kernel_tells_loops_from_numpy(tmp_path):
    source = ("import math, sys\ndef vec(x):\n    return np.tanh(x)\n"
              "def hidden(x):\n    sys.settrace(None)\n    return np.vectorize(math.tanh)(x)\n")
    big = [{"__gen__": {"dist": "uniform", "shape": ["n"], "low": -3.0, "high": 3.0}}]
    with process(source, tmp_path) as p:
        p.timed("vec", big, 1000, 1)
        fast = min(p.timed("vec", big, 100_000, 1)[1] for _ in range(2))
        slow = min(p.timed("hidden", big, 100_000, 1)[1] for _ in range(2))
        digest, _ = p.timed("vec", big, 100_000, 1)
    assert slow > 3 * fast
    assert digest[1] > 0


def test_a_statement_that_hangs_at_start_up_is_skipped_and_its_cell_kept(tmp_path):
    cells = [{"name": "sigmoid", "source": "def sigmoid(x):\n    while True:\n        pass\n"
                                           "print(sigmoid(0))\n"
                                           "def neuron(x, w, b, activation=sigmoid):\n    return x * w + b\n"}]
    with StudentProcess(cells, tmp_path, QUICK) as p:
        assert p.call("neuron", 1.0, 2.0, 3.0) == 5.0
        with pytest.raises(TimedOut):
            p.call("sigmoid", 0.0)
        assert p.call("neuron", 2.0, 2.0, 3.0) == 7.0


def test_the_notebook_budget_stops_the_remaining_checks(tmp_path):
    limits = Limits(call_seconds=1.0, cell_seconds=1.0, notebook_seconds=2.5)
    with process("import time\ndef slow():\n    time.sleep(60)\ndef ok():\n    return 1\n", tmp_path, limits) as p:
        assert p.call("ok") == 1
        with pytest.raises(OutOfTime, match="time budget of 2.5 s"):
            for _ in range(5):  # each hangs for a second; the budget runs out in the third
                with contextlib.suppress(TimedOut):
                    p.call("slow")
                p.poisoned.clear()
        with pytest.raises(OutOfTime):
            p.call("ok")


def test_crash_restarts_are_capped(tmp_path):
    limits = Limits(call_seconds=1.0, cell_seconds=1.0, restarts=2)
    cells = [{"name": f"cell {i}", "source": "import os\nos._exit(1)\n"} for i in range(5)]
    with StudentProcess(cells, tmp_path, limits) as p:
        with pytest.raises(Crashed, match="crashed or hung several times"):
            p.call("anything")


@pytest.mark.parametrize("returned", ["list(range(300_000))", "'x' * (20 * 2**20)"], ids=["many-values", "huge"])
def test_replies_are_capped_before_they_are_parsed(tmp_path, returned):
    with process(f"def f():\n    return {returned}\n", tmp_path) as p:
        with pytest.raises(BadReply, match="far more"):
            p.call("f")


def test_text_from_the_students_process_is_scrubbed(tmp_path):
    with StudentProcess([{"name": "c", "source": "def f():\n    raise ValueError('SECRET stand-in code')\n"}],
                        tmp_path, QUICK, scrub=lambda text: text.replace("SECRET", "[removed]")) as p:
        with pytest.raises(RaisedError, match=r"\[removed\] stand-in code"):
            p.call("f")


def test_grader_helpers_defined_by_statements(tmp_path):
    # a helper longer than a lambda: statements, then the expression naming it
    helper = Expr("SCALE = 3.0\n\ndef scaled(f, x):\n    return SCALE * f(x)\n\nscaled\n")
    with process("SCALE = 100.0\ndef double(x):\n    return 2 * x\n", tmp_path) as p, p.isolated():
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


def test_cells_too_large_to_send_ahead_run_one_after_the_other(tmp_path):
    # a notebook's cells go to its session all at once only while they fit in the socket's buffer:
    # sending more could wait on a session itself waiting for the grader to read its progress
    # (here a cell of 20,000 statements, then one of 300 KB). Run apart, so a deadlock fails, not hangs.
    script = textwrap.dedent("""
        import sys
        from autograder.sandbox.limits import Limits
        from autograder.sandbox.process import StudentProcess
        cells = [{"name": "steps", "source": "x = 1\\n" * 20_000},
                 {"name": "table", "source": "TABLE = [\\n" + "    1.0,\\n" * 30_000 + "]\\n"},
                 {"name": "mean", "source": "def mean():\\n    return x * sum(TABLE) / len(TABLE)\\n"}]
        with StudentProcess(cells, sys.argv[1], Limits(call_seconds=5, cell_seconds=30)) as p:
            print(p.call("mean"))
    """)
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["1.0"], done.stderr[-2000:]



def test_a_function_that_hangs_is_not_waited_for_twice(tmp_path):
    with process("import time\ndef slow():\n    time.sleep(60)\ndef ok():\n    return 1\n", tmp_path) as p:
        with pytest.raises(TimedOut) as first:
            p.call("slow")
        with pytest.raises(TimedOut) as second:
            p.call("slow")
        # the same answer again, given without calling slow (no clock: a busy machine is slow to restart)
        assert second.value is first.value
        assert p.call("ok") == 1


def test_a_warm_sandbox_serves_the_next_submission_with_nothing_of_the_last(tmp_path):
    from autograder.sandbox import warm

    first, second = tmp_path / "alice", tmp_path / "bob"
    first.mkdir()
    second.mkdir()
    (first / "alice.txt").write_text("mine")
    (second / "bob.txt").write_text("mine")
    writes = ("import os\ndef leave():\n    open('left.txt', 'w').write('x')\n    open('/tmp/left.txt', 'w').write('x')\n"
              "    return sorted(os.listdir('.'))\n")
    looks = "import os\ndef look():\n    return [sorted(os.listdir('.')), os.path.exists('/tmp/left.txt')]\n"
    sandbox = warm.sandbox_for(QUICK, [first / "alice.txt"])
    with StudentProcess([{"name": "c", "source": writes}], limits=QUICK, zygote=sandbox) as p:
        assert p.call("leave") == ["alice.txt", "left.txt"]
    assert warm.sandbox_for(QUICK, [second / "bob.txt"]) is sandbox  # the same, warm
    with StudentProcess([{"name": "c", "source": looks}], limits=QUICK, zygote=sandbox) as p:
        assert p.call("look") == [["bob.txt"], False]


def test_a_sandbox_started_early_serves_the_submission_loaded_later(tmp_path):
    from autograder.sandbox import warm

    early = Limits(call_seconds=1.5, cell_seconds=3, restarts=5)  # a sandbox of its own
    warm.start(early)  # before any submission is known (grade-notebook, while the grader imports)
    sandbox = warm.sandbox_for(early, [])
    assert sandbox.alive and warm.sandbox_for(early, []) is sandbox
    (tmp_path / "data.txt").write_text("mine")
    warm.sandbox_for(early, [tmp_path / "data.txt"], preload=["matplotlib"])
    looks = "import os, sys\ndef look():\n    return [sorted(os.listdir('.')), 'matplotlib' in sys.modules]\n"
    with StudentProcess([{"name": "c", "source": looks}], limits=early, zygote=sandbox) as p:
        assert p.call("look") == [["data.txt"], True]


def test_the_folder_of_a_killed_processs_sandbox_is_removed_by_the_next_sandbox(tmp_path, monkeypatch):
    """A process killed (SIGKILL) cannot remove its sandbox's folder: the next process that makes
    one removes it, and never the folder of a process still alive."""
    from autograder.sandbox import warm

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def claim_in_child(then):
        """``(pid, folder, pipe)``: a forked process's claimed folder; it ends at once, as a
        killed process ends (nothing removed), or, ``then="wait"``, when told through the pipe."""
        reader, writer = os.pipe()
        go_on, told = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                os.write(writer, str(warm.claimed_folder()).encode())
                if then == "wait":
                    os.read(go_on, 1)
            finally:
                os._exit(0)
        return pid, os.read(reader, 4096).decode(), told

    alive, alive_folder, tell = claim_in_child("wait")
    try:
        dead, dead_folder, _ = claim_in_child("die")
        os.waitpid(dead, 0)
        assert os.path.isdir(dead_folder) and os.path.isdir(alive_folder)
        mine = warm.claimed_folder()  # this process's own new sandbox folder: it looks first
        assert not os.path.exists(dead_folder) and os.path.isdir(alive_folder)
        assert warm.remove_unclaimed() == []  # neither the live process's nor this one's
    finally:
        os.write(tell, b"x")
        os.waitpid(alive, 0)
    assert warm.remove_unclaimed() == [Path(alive_folder)] and mine.is_dir()


def _sandbox_of_this_worker(_item):
    from autograder.sandbox import warm

    warm.start(QUICK)
    return str(warm.sandbox_for(QUICK, []).workspace.parent)


def test_a_grading_workers_sandbox_goes_with_the_worker():
    from autograder.grading import pool
    from autograder.sandbox import warm  # noqa: F401 (imported before the worker is forked, as grading does)

    (_, workspace, error), = pool.each(_sandbox_of_this_worker, ["a submission"], jobs=1)
    assert not error and workspace.startswith(tempfile.gettempdir())
    assert not os.path.exists(workspace)  # the pool has ended, and its worker with it
