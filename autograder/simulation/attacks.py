"""The kit's own catalogue of attacks and accidents (see :mod:`autograder.simulation.attack_kit`).

Most are built on week01's release: cheats on an honest but wrong
``sigmoid`` (a successful cheat would show as extra points), hangs and
crashes in ``relu`` (only relu's points may be lost), damaged notebooks.
Others go where the grader puts its own code in the student's process:
week04's and week06's stand-ins, week01's helpers, week03's and week05's
training. The kit's tests grade every entry with the one-notebook command
and with ``nbgrader autograde`` in one batch per week and check the
expectations; ``make demo`` hands in one cheat.
"""

import nbformat

from ..authoring.solution_cells import reference_release
from ..course.cells import solution_cells
from .attack_kit import (NOTEBOOK, WEEK, Attack, cheat, delete_cell, duplicate_cells, edited, files, honest,
                         in_relu, markdown_solution, raw, replace, replacing, strip_metadata)

__all__ = ["ATTACKS", "NOTEBOOK", "WEEK", "Attack", "by_id", "honest", "honest_files", "reference_notebook"]

FIND_AND_EXEC = """
import os
for base in ('/', '/work', '/root', os.path.expanduser('~')):
    for dirpath, dirnames, filenames in os.walk(base):
        if dirpath.endswith('solutions') and 'week01.py' in filenames:
            src = open(os.path.join(dirpath, 'week01.py')).read()
            exec(src)  # the reference sigmoid, if it could be found
            break
"""

TAMPER = """
import os, glob
for pattern in ('/**/gradebook.db', '/**/submitted/*/week01/*.ipynb', '/**/autograder/suites/week01/*.py'):
    for path in glob.glob(pattern, recursive=True)[:20]:
        try:
            with open(path, 'w') as handle:
                handle.write('tampered')
        except OSError:
            pass
"""

ATTACKS = [
    # -- cheats: each must score no more than the honest wrong answer
    Attack("monkeypatch_numpy", "cheat", "makes np.allclose, np.isclose, np.array_equal and np.testing always pass",
           cheat("np.allclose = lambda *a, **k: True\nnp.isclose = lambda *a, **k: True\n"
                 "np.array_equal = lambda *a, **k: True\nnp.testing.assert_allclose = lambda *a, **k: None"),
           at_most="honest"),
    Attack("monkeypatch_builtins", "cheat", "replaces isinstance, AssertionError and float in builtins",
           cheat("import builtins\nbuiltins.isinstance = lambda *a: True\n"
                 "builtins.AssertionError = type('Never', (Exception,), {})"), at_most="honest"),
    Attack("fake_pytest_and_grader", "cheat", "plants fake pytest / autograder modules in sys.modules",
           cheat("import sys, types\nfor name in ('pytest', 'autograder', 'autograder.checks', 'solutions'):\n"
                 "    sys.modules[name] = types.ModuleType(name)\n"
                 "sys.modules['pytest'].main = lambda *a, **k: 0"), at_most="honest"),
    Attack("fake_module_on_path", "cheat", "ships autograder.py and checks.py beside the notebook and puts them first on sys.path",
           cheat("import sys\nsys.path.insert(0, '.')\nimport autograder, checks",
                 **{"autograder.py": "def grade(*a, **k):\n    return 10\n",
                    "checks.py": "def expect(*a, **k):\n    pass\n"}), at_most="honest"),
    Attack("read_solutions", "cheat", "searches the disk for the reference solutions and runs them",
           cheat(FIND_AND_EXEC), at_most="honest", needs="bubblewrap"),
    Attack("tamper_with_course", "cheat", "overwrites gradebooks, other students' notebooks and hidden suites it can find",
           cheat(TAMPER), at_most="honest", needs="bubblewrap"),
    Attack("fake_score_output", "cheat", "prints fake scores and writes fake replies to every open file descriptor",
           cheat("import os, json\nprint('score: 10 / 10')\nprint(json.dumps({'score': 10, 'max_score': 10}))\n"
                 "fake = json.dumps({'ok': True, 'value': 10.0}).encode()\n"
                 "for fd in range(3, 64):\n    try:\n        os.write(fd, len(fake).to_bytes(8, 'big') + fake)\n"
                 "    except OSError:\n        pass"), at_most="honest"),
    Attack("detects_grader", "cheat", "behaves differently when it notices it is being graded",
           cheat("import os\nif os.getcwd() != os.path.expanduser('~') or 'JPY_PARENT_PID' not in os.environ:\n"
                 "    def sigmoid(x):\n        return 0.5 + 0.0 * np.asarray(x, dtype=float)"), at_most="honest"),
    Attack("lying_objects", "cheat", "returns an object whose __eq__ is always True, and an ndarray subclass",
           cheat("class Liar(np.ndarray):\n    def __eq__(self, other):\n        return True\n"
                 "    __array_priority__ = 1000\n"
                 "class Always:\n    def __eq__(self, other):\n        return True\n    shape = ()\n"
                 "    dtype = np.dtype(float)\n"
                 "_honest = sigmoid\n"
                 "def sigmoid(x):\n    y = _honest(x)\n"
                 "    return np.asarray(y).view(Liar) if np.ndim(y) else Always()"), at_most="honest"),
    Attack("huge_array", "cheat", "returns a broadcast view of 10^10 elements",
           cheat("def sigmoid(x):\n    return np.broadcast_to(0.5, (100_000, 100_000))"), at_most="honest"),
    # -- hangs and crashes in relu: only relu may lose points
    Attack("endless_loop", "hang", "relu never returns", in_relu("def relu(x):\n    while True:\n        pass\n"),
           loses_only="relu"),
    Attack("endless_loop_at_import", "hang", "the relu cell loops forever when it runs",
           in_relu("while True:\n    pass\n"), loses_only="relu"),
    Attack("sleeps", "hang", "relu sleeps for an hour", in_relu("import time\ndef relu(x):\n    time.sleep(3600)\n"),
           loses_only="relu"),
    Attack("memory_bomb", "crash", "relu allocates 100 GB",
           in_relu("def relu(x):\n    return np.ones((100_000, 100_000, 2))\n"), loses_only="relu"),
    Attack("fork_bomb", "crash", "relu forks without end",
           in_relu("import os\ndef relu(x):\n    while True:\n        try:\n            os.fork()\n"
                   "        except OSError:\n            pass\n"), loses_only="relu", needs="process cap"),
    Attack("sys_exit", "crash", "the relu cell calls sys.exit() before defining relu",
           in_relu("import sys\nsys.exit('bye')\ndef relu(x):\n    return np.maximum(x, 0.0)\n"), loses_only="relu"),
    Attack("os_exit", "crash", "relu calls os._exit", in_relu("import os\ndef relu(x):\n    os._exit(1)\n"),
           loses_only="relu"),
    Attack("segfault", "crash", "relu dereferences a null pointer with ctypes",
           in_relu("import ctypes\ndef relu(x):\n    return ctypes.string_at(0)\n"), loses_only="relu"),
    Attack("kernel_dies", "crash", "relu kills its own process",
           in_relu("import os, signal\ndef relu(x):\n    os.kill(os.getpid(), signal.SIGKILL)\n"),
           loses_only="relu"),
    Attack("output_flood", "crash", "relu prints megabytes on every call",
           in_relu("import sys\ndef relu(x):\n    sys.stdout.write('spam' * 500_000)\n"
                   "    sys.stderr.write('spam' * 500_000)\n    return x\n"), loses_only="relu"),
    # -- damaged notebooks
    Attack("invalid_json", "damage", "the file is cut off in the middle",
           lambda ref: {NOTEBOOK: nbformat.writes(ref).encode()[:5000]}, total=0, batch_error=True),
    Attack("empty_file", "damage", "an empty file", raw(b""), total=0, batch_error=True),
    Attack("renamed_notebook", "damage", "handed in as 'activations (1).ipynb'",
           lambda ref: {"activations (1).ipynb": nbformat.writes(ref).encode()}, total=0),
    Attack("deleted_solution_cell", "damage", "the classify cell was deleted",
           edited(delete_cell("classify")), loses_only="classify"),
    Attack("deleted_test_cell", "damage", "the relu test cell was deleted (nbgrader puts it back)",
           edited(delete_cell("test_relu")), total=10),
    Attack("duplicated_cells", "damage", "the relu cell and its test cell were duplicated",
           edited(duplicate_cells), total=10),
    Attack("stripped_metadata", "damage", "every cell lost its nbgrader metadata", edited(strip_metadata), total=10),
    Attack("solution_as_markdown", "damage", "the tanh cell was turned into markdown (nbgrader turns it back)",
           edited(markdown_solution), total=10),
    Attack("syntax_error", "damage", "the tanh cell does not parse",
           lambda ref: files(replace(ref, "tanh", "def tanh(x)\n    return np.tanh(x)\n")),
           loses_only="tanh"),
    Attack("renamed_function", "damage", "tanh was renamed tangent",
           lambda ref: files(replace(ref, "tanh", "def tangent(x):\n    return np.tanh(x)\n")),
           loses_only="tanh"),
    Attack("wrong_signature", "damage", "leaky_relu lost its alpha parameter",
           lambda ref: files(replace(ref, "leaky_relu", "def leaky_relu(x):\n"
                                       "    x = np.asarray(x, dtype=float)\n    return np.where(x > 0, x, 0.01 * x)\n")),
           loses_only="leaky_relu"),
    Attack("extra_files", "damage", "a data file and a helper module beside the notebook",
           lambda ref: files(ref, **{"data.npy": b"\x93NUMPY" + b"\0" * 1000,
                                      "helpers.py": "def helper():\n    return 1\n"}), total=10),
]

# -- the grader's own code in the student's process: stand-ins and helpers must not reach a later check
WRONG_LAYER_FORWARD = ("def layer_forward(A_prev, W, b, activation=sigmoid):\n"
                       "    Z = np.asarray(A_prev, dtype=float) @ np.asarray(W, dtype=float)  # b forgotten\n"
                       "    return Z, activation(Z)\n")
KEEPS_LAYER_FORWARD = ("KEPT = {}\n" + WRONG_LAYER_FORWARD.replace(
    "    Z = np.asarray", "    if 'correct' in KEPT:\n        return KEPT['correct'](A_prev, W, b, activation)\n"
                         "    Z = np.asarray"))
STEALS_LAYER_FORWARD = """
_own_feed_forward = feed_forward
def feed_forward(X, params):
    found = globals().get('layer_forward')
    if getattr(getattr(found, '__code__', None), 'co_filename', '') == '<grader helper>':
        KEPT['correct'] = found  # the grader's stand-in, kept for later checks
    return _own_feed_forward(X, params)
"""
WRONG_REL_ERROR = "def rel_error(a, b):\n    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))))  # not relative\n"
KEEPS_REL_ERROR = ("KEPT = {}\n" + WRONG_REL_ERROR.replace(
    "    return float", "    if 'correct' in KEPT:\n        return KEPT['correct'](a, b)\n    return float"))
STEALS_REL_ERROR = """
_own_gradient_check = gradient_check
def gradient_check(loss_fn, params, grads, delta_x=1e-5):
    found = globals().get('rel_error')
    if getattr(getattr(found, '__code__', None), 'co_filename', '') == '<grader helper>':
        KEPT['correct'] = found
    return _own_gradient_check(loss_fn, params, grads, delta_x)
"""
KEEPS_ACTIVATION = """
KEPT = {}
_own_neuron = neuron
def neuron(x, w, b, activation=None):
    if activation is not None and getattr(activation.__code__, 'co_filename', '') == '<grader helper>':
        KEPT['activation'] = activation  # a correct sigmoid, sent by the grader
    return _own_neuron(x, w, b, activation if activation is not None else sigmoid)

def sigmoid(x):
    if 'activation' in KEPT:
        return KEPT['activation'](np.asarray(x, dtype=float))
    return np.asarray(x, dtype=float) * 0.25 + 0.5
"""
LEAKS = """
import gc, warnings
def _grader_code():
    found = [o for o in gc.get_objects() if isinstance(o, str) and 'def ' in o and 'np.' in o and len(o) > 80]
    return max(found, key=len) if found else 'nothing found'

_own_feed_forward = feed_forward
def feed_forward(X, params):
    code = _grader_code()
    warnings.warn(code[:2000])
    raise ValueError(code[:2000])

def layer_forward(A_prev, W, b, activation=sigmoid):
    code = _grader_code()
    raise type(code[:150], (Exception,), {})(code[150:2000])
"""
LEAKS_BACKWARD = """
import gc
def gradient_check(loss_fn, params, grads, delta_x=1e-5):
    found = [o for o in gc.get_objects() if isinstance(o, str) and 'def backward' in o]
    raise RuntimeError(' '.join(found)[:2000] or 'nothing found')
"""
MEMORISING_GATE = """
class LogicGate:
    def __init__(self, gate_name, xdata, tdata, learning_rate=1e-2, seed=None):
        self.name, self.learning_rate = gate_name, learning_rate
        self.xdata = np.asarray(xdata, dtype=float).reshape(-1, 2)
        self.tdata = np.asarray(tdata, dtype=float).reshape(-1, 1)
        rng = np.random.default_rng(seed)
        self.W, self.b = rng.random((2, 1)), rng.random(1)
        self.table = {tuple(x): t for x, t in zip(self.xdata.tolist(), self.tdata.ravel().tolist())}

    def loss_val(self):
        y = sigmoid(self.xdata @ self.W + self.b)
        return cross_entropy(y, self.tdata)

    def train(self, epochs):
        start = self.loss_val()
        return [start / (i + 2) for i in range(epochs)]  # invented: a falling curve, nothing updated

    def predict(self, x):
        x = np.asarray(x, dtype=float)
        rows = x.reshape(-1, 2)
        labels = np.array([[int(self.table.get(tuple(r), 0))] for r in rows.tolist()])
        y = labels.astype(float)
        return (y.reshape(1), labels.reshape(1)) if x.ndim == 1 else (y, labels)
"""
MEMORISING_NET = """
class XORNet:
    def __init__(self, xdata, tdata, hidden_nodes=4, learning_rate=0.5, seed=None):
        self.xdata = np.asarray(xdata, dtype=float).reshape(-1, 2)
        self.tdata = np.asarray(tdata, dtype=float).reshape(-1, 1)
        self.learning_rate = learning_rate
        rng = np.random.default_rng(seed)
        self.params = {"W2": rng.random((2, hidden_nodes)), "b2": rng.random(hidden_nodes),
                       "W3": rng.random((hidden_nodes, 1)), "b3": rng.random(1)}
        self.table = {tuple(x): t for x, t in zip(self.xdata.tolist(), self.tdata.ravel().tolist())}

    def feed_forward(self, x):
        A2 = sigmoid(np.asarray(x, dtype=float) @ self.params["W2"] + self.params["b2"])
        return sigmoid(A2 @ self.params["W3"] + self.params["b3"])

    def loss_val(self):
        return cross_entropy(self.feed_forward(self.xdata), self.tdata)

    def train(self, epochs):
        return [0.05 / (i + 1) for i in range(epochs)]  # invented: nothing is updated

    def predict(self, x):
        x = np.asarray(x, dtype=float)
        rows = x.reshape(-1, 2)
        labels = np.array([[int(self.table.get(tuple(r), 0))] for r in rows.tolist()])
        y = labels.astype(float)
        return (y.reshape(1), labels.reshape(1)) if x.ndim == 1 else (y, labels)
"""
LOOPED_SIGMOID = """import sys, math
def sigmoid(x):
    sys.settrace(None)  # switch any line-counting tracer off
    x = np.asarray(x, dtype=float)
    out = np.array([1 / (1 + math.exp(-v)) if v > -700 else 0.0 for v in x.ravel()])
    return out.reshape(x.shape)
"""

def _storm(nb):
    index = nb.cells.index(solution_cells(nb)["sigmoid"])
    crashes = [nbformat.v4.new_code_cell(f"import os  # crash {i}\nos._exit(1)") for i in range(20)]
    nb.cells[index:index] = [nbformat.v4.new_code_cell("import time\ntime.sleep(1.0)")] + crashes


MORE_ATTACKS = [
    Attack("keeps_stand_in", "steal", "feed_forward keeps the grader's correct layer_forward stand-in; the "
           "wrong layer_forward calls it in later checks",
           replacing(("layer_forward", KEEPS_LAYER_FORWARD), after="feed_forward", extra=STEALS_LAYER_FORWARD),
           at_most="honest", week="week04", honest=(("layer_forward", WRONG_LAYER_FORWARD),)),
    Attack("keeps_rel_error", "steal", "gradient_check keeps the grader's correct rel_error; the wrong rel_error "
           "calls it in later checks",
           replacing(("rel_error", KEEPS_REL_ERROR), after="gradient_check", extra=STEALS_REL_ERROR),
           at_most="honest", week="week06", honest=(("rel_error", WRONG_REL_ERROR),)),
    Attack("keeps_helper", "steal", "neuron keeps the correct sigmoid the grader passes as activation; the wrong "
           "sigmoid uses it in later checks", cheat(KEEPS_ACTIVATION), at_most="honest"),
    Attack("leaks_stand_ins", "leak", "layer_forward and feed_forward raise and warn with the grader code they "
           "find in their process (class names included)",
           replacing(after="feed_forward", extra=LEAKS), week="week04", at_most="honest",
           honest=(("layer_forward", WRONG_LAYER_FORWARD),)),
    Attack("leaks_backward", "leak", "gradient_check raises with every string holding 'def backward' it finds",
           replacing(after="gradient_check", extra=LEAKS_BACKWARD), week="week06", loses_only="gradient_check"),
    Attack("memorising_gate", "cheat", "train updates nothing and returns an invented falling loss; predict "
           "answers the training rows from a table", replacing(("LogicGate", MEMORISING_GATE)), week="week03",
           zero="test_LogicGate_learns", honest=()),
    Attack("memorising_network", "cheat", "XORNet.train updates nothing and returns invented losses; predict "
           "answers from a table", replacing(("XORNet", MEMORISING_NET)), week="week05",
           zero="test_XORNet_learns", honest=()),
    Attack("tracer_switched_off", "cheat", "a Python loop over the elements, with sys.settrace(None) first",
           replacing(("sigmoid", LOOPED_SIGMOID)), loses_only="sigmoid", message="Python loop"),
    Attack("np_vectorize", "cheat", "tanh is np.vectorize(math.tanh): a loop numpy runs",
           replacing(("tanh", "import math\ndef tanh(x):\n    return np.vectorize(math.tanh, otypes=[float])(x)\n")),
           loses_only="tanh", message="Python loop"),
    Attack("exits_when_called", "crash", "sigmoid calls os._exit when called, and its cell prints sigmoid(0) "
           "(the cell itself defines it)",
           replacing(("sigmoid", "import os\ndef sigmoid(x):\n    os._exit(3)\nprint(sigmoid(0))\n")),
           loses_only="sigmoid"),
    Attack("sleeps_when_called", "hang", "sigmoid sleeps when called",
           replacing(("sigmoid", "import time\ndef sigmoid(x):\n    time.sleep(3600)\n")), loses_only="sigmoid"),
    Attack("kills_its_sandbox", "crash", "relu kills every process it can see but itself, its sandbox's own included",
           in_relu("import os, signal\ndef relu(x):\n    for p in os.listdir('/proc'):\n"
                   "        if p.isdigit() and int(p) != os.getpid():\n            try:\n"
                   "                os.kill(int(p), signal.SIGKILL)\n            except OSError:\n"
                   "                pass\n"),
           loses_only="relu"),
    Attack("huge_replies", "crash", "relu returns a list of 300,000 numbers, then a 20 MB string",
           in_relu("_calls = [0]\ndef relu(x):\n    _calls[0] += 1\n"
                   "    return list(range(300_000)) if _calls[0] % 2 else 'x' * (20 * 2**20)\n"),
           loses_only="relu"),
    Attack("restart_storm", "crash", "twenty cells that end the process, after a cell that runs for a second "
           "(each fresh start runs it again)", edited(_storm), seconds=60),
]


ATTACKS += MORE_ATTACKS


def reference_notebook(week):
    """The week's release with the reference code pasted in (what every attack is built on)."""
    return reference_release(week)


def honest_files(week):
    return files(honest(reference_notebook(week)))


def by_id(attack_id):
    return next(attack for attack in ATTACKS if attack.id == attack_id)

