"""The packages stand in layers (docs/architecture.md): each imports only the ones below it.

Read from the source with ``ast``, so imports inside functions count as much as those at the top
of a module. A new top-level package must take its place in :data:`LAYERS`.
"""

import ast
from collections import defaultdict
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Bottom first. The ground (core) imports no other package of ours; alignment, the project
# package, is imported by none.
LAYERS = [
    "core",
    "teams",
    "glossary",
    "integrations",
    "goals",
    "checkins",
    "workshops",
    "forums",
    "conflicts",
    "health",
    "alignment",
]
# Beside the layers: they may import any package, and none imports them.
OUTSIDE = {"tests", "benchmarks"}

Edges = dict[str, dict[str, list[str]]]


def _packages() -> set[str]:
    return {path.parent.name for path in ROOT.glob("*/__init__.py")}


def _imports(path: Path) -> list[tuple[str, int]]:
    """(module, line) of every absolute import in the file, at any depth."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module, node.lineno))
    return found


def _edges(packages: set[str]) -> Edges:
    """package -> imported package -> the places ("file:line") that import it."""
    edges: Edges = defaultdict(lambda: defaultdict(list))
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for module, line in _imports(path):
                target = module.partition(".")[0]
                if target in packages and target != package:
                    edges[package][target].append(f"{path.relative_to(ROOT)}:{line}")
    return edges


def _cycles(edges: Edges) -> list[list[str]]:
    """Every elementary circle through the graph, each once, starting at its smallest name."""
    found = []

    def walk(start: str, node: str, path: list[str]) -> None:
        for target in sorted(edges.get(node, {})):
            if target == start:
                found.append([*path, start])
            elif target > start and target not in path:
                walk(start, target, [*path, target])

    for start in sorted(edges):
        walk(start, start, [start])
    return found


def test_every_package_has_its_place():
    unplaced = _packages() - set(LAYERS) - OUTSIDE
    assert not unplaced, f"Give {sorted(unplaced)} a place in LAYERS (tests/test_layers.py)."


def test_no_circle_of_imports_between_packages():
    edges = _edges(_packages() - OUTSIDE)
    circles = [
        circle[0]
        + "".join(
            f" -> {target} ({edges[source][target][0]})" for source, target in pairwise(circle)
        )
        for circle in _cycles(edges)
    ]
    assert not circles, "Packages import each other in a circle:\n" + "\n".join(circles)


def test_each_package_imports_only_the_layers_below_it():
    edges = _edges(set(LAYERS) | OUTSIDE)
    upward = [
        f"{package} imports {target} ({', '.join(places[:3])})"
        for package, targets in edges.items()
        if package not in OUTSIDE
        for target, places in sorted(targets.items())
        if target in OUTSIDE or LAYERS.index(target) > LAYERS.index(package)
    ]
    assert not upward, "Imports that point up a layer:\n" + "\n".join(upward)


def test_the_cycle_finder_names_a_circle():
    edges = {"a": {"b": ["a.py:1"]}, "b": {"c": ["b.py:1"]}, "c": {"a": ["c.py:1"]}}
    assert _cycles(edges) == [["a", "b", "c", "a"]]
    assert _cycles({"a": {"b": ["a.py:1"]}}) == []
