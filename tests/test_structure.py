"""The package's shape: no import cycles between its modules, no module that grew too big."""

from __future__ import annotations

import ast
from pathlib import Path

import unionxl

PACKAGE = Path(unionxl.__file__).parent
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The unionxl modules ``name`` imports at module level (imports inside functions are lazy by intent)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            nodes = node.body  # type-only imports count: they are a cycle in the design
        else:
            nodes = [node]
        for n in nodes:
            if isinstance(n, ast.Import):
                found |= {a.name for a in n.names if a.name in modules}
            elif isinstance(n, ast.ImportFrom):
                base = n.module or ""
                if n.level:
                    anchor = package.split(".")[: len(package.split(".")) - (n.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                for a in n.names:
                    target = f"{base}.{a.name}"
                    found.add(target if target in modules else base)
    return {m for m in found if m in modules and m != name}


def test_no_import_cycle():
    modules = _modules()
    graph = {name: _imports(name, path, modules) for name, path in modules.items()}
    # a package's __init__ importing its own modules is not a cycle of design; ours import nothing
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = 2
        return None

    for name in sorted(graph):
        if name not in state:
            cycle = visit(name)
            assert cycle is None, " → ".join(cycle)


def test_graph_sees_imports():
    """The cycle test would pass vacuously if it found no edges."""
    modules = _modules()
    cli = _imports("unionxl.doors.cli", modules["unionxl.doors.cli"], modules)
    assert any(m.startswith("unionxl.jobs") for m in cli), cli


def test_no_module_too_big():
    big = {str(p.relative_to(PACKAGE.parent)): n for p in PACKAGE.rglob("*.py")
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not big, big
