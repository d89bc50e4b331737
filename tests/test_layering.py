"""The kit's packages are layered: imports point one way, and no module imports itself back.

From the ground up: ``errors``, ``texts`` and ``process_end``; ``course`` and ``sandbox``; ``checks``;
``grading``; ``authoring`` and ``nbgrader_plugins``; ``staff``;
``simulation``; the command line. A package may import its own modules and
any lower layer, never a higher one or a sibling on its own floor. Every
import counts, those inside functions too.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "autograder"

LAYERS = {
    "errors": 0, "texts": 0, "process_end": 0,
    "course": 1, "sandbox": 1,
    "checks": 2,
    "grading": 3,
    "authoring": 4, "nbgrader_plugins": 4,
    "staff": 5,
    "simulation": 6,
    # compatibility names for course folders made before the split, and the command line
    "nbgrader_plugin": 7, "late_policy": 7, "cli": 8, "__main__": 9,
}
SUITE_MAY_IMPORT = {"checks", "sandbox", "texts"}  # the hidden suites (and solutions, numpy, pytest)


def modules():
    """``{dotted name: path}`` of the kit's code, the hidden suites left out."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if "suites" in parts:
            continue
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(name, path):
    """The kit's modules that module ``name`` imports (absolute dotted names)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    known = modules()
    return {target for target in found if target in known and target != name}


def floor(name):
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else None


GRAPH = {name: imports(name, path) for name, path in modules().items()}


@pytest.mark.parametrize("name", sorted(GRAPH))
def test_imports_point_down(name):
    here = floor(name)
    if here is None:
        return
    assert here in LAYERS, f"{name}: a new top-level module or package; give it a layer here"
    wrong = [t for t in GRAPH[name] if floor(t) not in (None, here) and LAYERS[floor(t)] >= LAYERS[here]]
    assert not wrong, f"{name} imports {wrong}: same floor or higher"


def test_no_import_cycles():
    seen, stack, cycles = set(), [], []

    def visit(node):
        if node in stack:
            cycles.append(stack[stack.index(node):] + [node])
            return
        if node in seen:
            return
        seen.add(node)
        stack.append(node)
        for target in sorted(GRAPH[node]):
            # a package's __init__ re-exporting its modules is not a cycle of theirs
            if not node.startswith(target + "."):
                visit(target)
        stack.pop()

    for name in sorted(GRAPH):
        visit(name)
    assert cycles == []


def test_hidden_suites_import_only_checks_and_the_sandbox():
    for path in sorted((PACKAGE / "suites").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("autograder"):
                assert node.module.split(".")[1] in SUITE_MAY_IMPORT, f"{path.name}: {node.module}"
