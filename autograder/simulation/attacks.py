"""A catalogue of attacks and accidents, built on week01's release.

Each entry is a submission folder a real student could hand in: a cheat
(built on an honest but wrong ``sigmoid``, so a successful cheat would
show as extra points), a hang or crash (in ``relu``, so only relu's
points may be lost), or a damaged notebook. The kit's tests grade every
entry with the one-notebook command and with ``nbgrader autograde`` in
one batch and check the expectations; ``make demo`` hands in one cheat.

Expectations:

* ``at_most="honest"``: no more than the same notebook without the cheat;
* ``loses_only``: that exercise loses points, every other keeps all;
* ``total``: exactly this many points.
"""

import copy
import dataclasses

import nbformat

from ..authoring.solution_cells import reference_release
from ..course import cells
from ..course.cells import solution_cells

WEEK = "week01"
NOTEBOOK = "activations.ipynb"
WRONG_SIGMOID = "def sigmoid(x):\n    # a straight line instead of the S-curve\n    return np.asarray(x, dtype=float) * 0.25 + 0.5\n"


@dataclasses.dataclass(frozen=True)
class Attack:
    id: str
    kind: str  # cheat | hang | crash | damage
    description: str
    build: object  # (reference_nb) -> {filename: bytes}
    at_most: str = None
    loses_only: str = None
    total: float = None
    needs: str = None  # "bubblewrap" or "process cap": skipped where the machine lacks it
    batch_error: bool = False  # nbgrader itself reports this student as failed


def honest(reference):
    """The honest wrong answer every cheat is built on."""
    return _replace(reference, "sigmoid", WRONG_SIGMOID)


def _replace(nb, exercise, code):
    nb = copy.deepcopy(nb)
    solution_cells(nb)[exercise].source = code
    return nb


def _files(nb, **extra):
    files = {NOTEBOOK: nbformat.writes(nb).encode()}
    files.update({name: data.encode() if isinstance(data, str) else data for name, data in extra.items()})
    return files


def cheat(code, **extra):
    """Honest wrong sigmoid plus a cell of cheating code right after it."""
    def build(reference):
        nb = honest(reference)
        index = nb.cells.index(solution_cells(nb)["sigmoid"])
        nb.cells.insert(index + 1, nbformat.v4.new_code_cell(code))
        return _files(nb, **extra)
    return build


def in_relu(code):
    def build(reference):
        return _files(_replace(reference, "relu", code))
    return build


def edited(edit):
    def build(reference):
        nb = copy.deepcopy(reference)
        edit(nb)
        return _files(nb)
    return build


def raw(data, name=NOTEBOOK):
    return lambda reference: {name: data}


def _delete_cell(grade_id):
    def edit(nb):
        nb.cells = [c for c in nb.cells if cells.grade_id(c) != grade_id]
    return edit


def _duplicate_cells(nb):
    for grade_id in ("relu", "test_relu"):
        cell = next(c for c in nb.cells if cells.grade_id(c) == grade_id)
        twin = copy.deepcopy(cell)
        twin["id"] = f"{cell['id']}-copy"
        nb.cells.insert(nb.cells.index(cell) + 1, twin)


def _strip_metadata(nb):
    for cell in nb.cells:
        cell.metadata.pop("nbgrader", None)


def _markdown_solution(nb):
    cell = solution_cells(nb)["tanh"]
    cell.cell_type = "markdown"
    del cell["outputs"], cell["execution_count"]


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
           edited(_delete_cell("classify")), loses_only="classify"),
    Attack("deleted_test_cell", "damage", "the relu test cell was deleted (nbgrader puts it back)",
           edited(_delete_cell("test_relu")), total=10),
    Attack("duplicated_cells", "damage", "the relu cell and its test cell were duplicated",
           edited(_duplicate_cells), total=10),
    Attack("stripped_metadata", "damage", "every cell lost its nbgrader metadata", edited(_strip_metadata), total=10),
    Attack("solution_as_markdown", "damage", "the tanh cell was turned into markdown (nbgrader turns it back)",
           edited(_markdown_solution), total=10),
    Attack("syntax_error", "damage", "the tanh cell does not parse",
           lambda ref: _files(_replace(ref, "tanh", "def tanh(x)\n    return np.tanh(x)\n")),
           loses_only="tanh"),
    Attack("renamed_function", "damage", "tanh was renamed tangent",
           lambda ref: _files(_replace(ref, "tanh", "def tangent(x):\n    return np.tanh(x)\n")),
           loses_only="tanh"),
    Attack("wrong_signature", "damage", "leaky_relu lost its alpha parameter",
           lambda ref: _files(_replace(ref, "leaky_relu", "def leaky_relu(x):\n"
                                       "    x = np.asarray(x, dtype=float)\n    return np.where(x > 0, x, 0.01 * x)\n")),
           loses_only="leaky_relu"),
    Attack("extra_files", "damage", "a data file and a helper module beside the notebook",
           lambda ref: _files(ref, **{"data.npy": b"\x93NUMPY" + b"\0" * 1000,
                                      "helpers.py": "def helper():\n    return 1\n"}), total=10),
]


def reference_notebook(week):
    """week01's release with the reference code pasted in."""
    return reference_release(week)


def honest_files(week):
    return _files(honest(reference_notebook(week)))


def by_id(attack_id):
    return next(attack for attack in ATTACKS if attack.id == attack_id)

