"""The package's import graph: no cycles, and the arrows point one way.

Every ``import`` in the package counts, including those inside functions: a deferred import
that closes a cycle is still a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "qbtoolkit"


def _modules() -> dict[str, Path]:
    out = {}
    for path in PKG.rglob("*.py"):
        parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _edges() -> dict[str, set[str]]:
    mods = _modules()
    edges: dict[str, set[str]] = {m: set() for m in mods}
    for m, path in mods.items():
        is_pkg = path.name == "__init__.py"
        base = m if is_pkg else m.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    parts = base.split(".")
                    parent = ".".join(parts[: len(parts) - node.level + 1])
                    target = parent + ("." + node.module if node.module else "")
                else:
                    target = node.module or ""
                cands = [target] + [f"{target}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                cands = [a.name for a in node.names]
            else:
                continue
            for c in cands:
                while c and c not in mods:
                    c = c.rsplit(".", 1)[0] if "." in c else ""
                # a package importing its own submodules is not an edge back to it
                if c and c != m and not (is_pkg and c.startswith(m + ".")):
                    edges[m].add(c)
    return edges


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in edges:
        if v not in index:
            visit(v)
    return out


def test_no_import_cycles():
    assert _cycles(_edges()) == []


def test_detects_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("importer, forbidden", [
    ("qbtoolkit.models", "qbtoolkit.dynamics"),
    ("qbtoolkit.metrics", "qbtoolkit.models"),
    ("qbtoolkit.metrics", "qbtoolkit.dynamics"),
    ("qbtoolkit.dynamics.backends", "qbtoolkit.dynamics.evolve"),
    ("qbtoolkit.dynamics.backends", "qbtoolkit.dynamics.trajectory"),
])
def test_layers(importer, forbidden):
    edges = _edges()
    bad = sorted(f"{m} -> {t}" for m, ts in edges.items() if m.startswith(importer)
                 for t in ts if t == forbidden or t.startswith(forbidden + "."))
    assert bad == []
