"""The layers of mls_mock/ as its imports draw them: no import cycle anywhere, and the wire
types at the bottom import nothing above them."""
import ast
from pathlib import Path
from typing import Dict, List, Set

PACKAGE = Path(__file__).resolve().parents[2] / "mls_mock"
# What the bottom of the HTTP side may build on: the domain's constants, errors and rules.
WIRE_MAY_IMPORT = {"mls_mock.assumptions", "mls_mock.errors", "mls_mock.validation"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> Dict[str, Path]:
    return {module_name(path): path for path in PACKAGE.rglob("*.py")}


def imports_of(name: str, path: Path, known: Set[str]) -> Set[str]:
    """The package's modules `name` imports, wherever: one imported inside a function to
    dodge a load-time cycle is still a cycle between the layers."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: Set[str] = set()

    def visit(nodes) -> None:
        for node in nodes:
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names if alias.name in known)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[:len(package.split(".")) - (node.level - 1)]
                    base = ".".join(anchor + ([base] if base else []))
                if base in known and base != name and not name.startswith(base + "."):
                    found.add(base)  # a parent package is loading already: not an edge
                for alias in node.names:
                    if f"{base}.{alias.name}" in known:
                        found.add(f"{base}.{alias.name}")

    visit(ast.walk(ast.parse(path.read_text(encoding="utf-8"))))
    return found


def graph() -> Dict[str, Set[str]]:
    found = modules()
    return {name: imports_of(name, path, set(found)) for name, path in found.items()}


def find_cycles(edges: Dict[str, Set[str]]) -> List[str]:
    cycles: List[str] = []
    state: Dict[str, str] = {}

    def walk(node: str, stack: List[str]) -> None:
        state[node] = "open"
        for target in sorted(edges[node]):
            if state.get(target) == "open":
                cycles.append(" -> ".join(stack[stack.index(target):] + [node, target]) if target in stack
                              else f"{node} -> {target}")
            elif target not in state:
                walk(target, stack + [node])
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            walk(node, [])
    return cycles


def test_no_import_cycle_in_the_package():
    assert find_cycles(graph()) == []


def test_the_wire_is_at_the_bottom():
    edges = graph()
    assert edges["mls_mock.wire"] <= WIRE_MAY_IMPORT
    below_wire = set()
    for name in WIRE_MAY_IMPORT:
        below_wire |= edges[name]
    assert below_wire <= WIRE_MAY_IMPORT  # nothing the wire builds on reaches back up


def test_the_graph_sees_imports():
    """The walk itself works: it finds edges it must find."""
    edges = graph()
    assert "mls_mock.wire" in edges["mls_mock.pipeline"]
    assert "mls_mock.api.channels" in edges["mls_mock.api"]
    assert "mls_mock.routing" in edges["mls_mock.app"]
