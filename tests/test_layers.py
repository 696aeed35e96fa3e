"""The project's import structure, read from the source with ast (nothing is imported):
ui's modules are layered (ui.LAYERS: a module imports only those listed before it), lib
imports no Streamlit, page or ui module, and no module imports itself through others.

Both top-level and function-level imports count: a late import still closes a circle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ui import LAYERS

ROOT = Path(__file__).resolve().parent.parent
TREES = ("ui", "lessons", "lib", "bench", "scripts")


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    files = [ROOT / "app.py", *(p for tree in TREES for p in (ROOT / tree).rglob("*.py"))]
    return {module_name(p): p for p in files}


def imported(path: Path, modules, root: Path = ROOT) -> set[str]:
    """The modules `path` imports, anywhere in the file: `from a import b` counts as a.b
    when a.b is a module, else as a; relative imports are resolved."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if full in modules else base)
    return found


def graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {name: imported(path, modules) & set(modules) - {name} for name, path in modules.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """One import circle per strongly connected group of modules (Tarjan's algorithm)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_the_cycle_finder_finds_a_circle_and_only_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_relative_and_late_imports_are_seen(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "a.py").write_text("def f():\n    from . import b\n    from .c import x\n")
    modules = {"lib.a", "lib.b", "lib.c"}
    assert imported(tmp_path / "lib" / "a.py", modules, tmp_path) == {"lib.b", "lib.c"}


@pytest.mark.parametrize("name", LAYERS)
def test_a_ui_module_imports_only_the_layers_below_it(name):
    below = {f"ui.{n}" for n in LAYERS[: LAYERS.index(name)]}
    uses = {m for m in graph()[f"ui.{name}"] if m.startswith("ui")}
    assert uses <= below, f"ui.{name} imports {sorted(uses - below)}, listed at or above it"


def test_every_ui_module_has_its_layer():
    assert sorted(p.stem for p in (ROOT / "ui").glob("*.py") if p.stem != "__init__") == sorted(
        LAYERS
    )


def test_lib_imports_no_streamlit_page_or_ui_module():
    modules = project_modules()
    for name, path in modules.items():
        if name.split(".")[0] != "lib":
            continue
        everything = imported(path, {})  # every import, the project's and the rest
        bad = {m for m in everything if m.split(".")[0] in ("streamlit", "lessons", "ui")}
        assert not bad, f"{name} imports {sorted(bad)}"


def test_no_import_circle_anywhere():
    assert cycles(graph()) == []
