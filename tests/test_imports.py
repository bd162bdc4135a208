"""Dependencies point down (DESIGN.md, "Layers"), read from the code's own imports.

The core (db, config, errors, api, web, auth, teams, …) imports no capability. A
capability may import a lower capability's services and models, never its views, API or
forms, and never a capability above it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from teamkit.capabilities import PACKAGES

PACKAGE_ROOT = Path(__file__).resolve().parent.parent / "teamkit"
#: The layers above the core, lower first; a package may import one lower than itself.
LAYERS = ("goals", "pulses", "retros", "boards", "digests", "slack")
#: Who may import whom among the capabilities (DESIGN.md): the lower ones' services only.
MAY_IMPORT = {
    "goals": set(),
    "pulses": {"goals"},
    "retros": {"goals"},
    "boards": {"goals", "retros"},
    "digests": {"goals", "pulses", "retros", "boards"},
    "slack": {"goals", "pulses", "retros", "boards", "digests"},
}
#: A capability's faces that no other capability may import.
FACES = ("views", "api", "forms")
#: The wiring at the top, which reads the list of capabilities: it may import them all.
WIRING = {"__init__", "capabilities", "models", "demo", "scheduler", "cli", "migrate"}


def modules() -> list[tuple[str, Path]]:
    """Return every module of teamkit as (dotted name below teamkit, path)."""
    found = []
    for path in sorted(PACKAGE_ROOT.rglob("*.py")):
        parts = path.relative_to(PACKAGE_ROOT).with_suffix("").parts
        found.append((".".join(parts), path))
    return found


def imported(path: Path) -> set[str]:
    """Return the teamkit modules `path` imports, as dotted names below teamkit."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name.removeprefix("teamkit.") for name in names if name.startswith("teamkit.")}


def capability_of(module: str) -> str | None:
    """Return the capability a module belongs to, or None for the core and the wiring."""
    top = module.split(".")[0]
    return top if top in LAYERS else None


def test_the_layers_name_every_capability_in_the_list() -> None:
    listed = {package.removeprefix("teamkit.") for package in PACKAGES}
    assert listed - {"auth", "teams"} <= set(LAYERS)


@pytest.mark.parametrize(("module", "path"), modules(), ids=lambda v: str(v))
def test_core_modules_import_no_capability(module: str, path: Path) -> None:
    if capability_of(module) is not None or module in WIRING:
        return
    wrong = sorted(name for name in imported(path) if capability_of(name) is not None)
    assert wrong == [], f"teamkit.{module} is core and imports {wrong}"


@pytest.mark.parametrize(("module", "path"), modules(), ids=lambda v: str(v))
def test_a_capability_imports_only_lower_ones_services(module: str, path: Path) -> None:
    own = capability_of(module)
    if own is None:
        return
    wrong = []
    for name in imported(path):
        other = capability_of(name)
        if other is None or other == own:
            continue
        if other not in MAY_IMPORT[own]:
            wrong.append(f"{name} (above or beside {own})")
        elif any(part in FACES for part in name.split(".")[1:]):
            wrong.append(f"{name} (another capability's {name.split('.')[1]})")
    assert wrong == [], f"teamkit.{module} imports {sorted(wrong)}"


def test_the_import_check_sees_a_wrong_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from teamkit.goals.views import bp\nimport teamkit.digests.services\n")
    assert imported(bad) == {"goals.views", "goals.views.bp", "digests.services"}
    assert capability_of("goals.views") == "goals"
    assert capability_of("teams.views") is None


def import_graph(root: Path) -> dict[str, set[str]]:
    """Return, for every module below `root`, the modules below `root` it imports.

    Every import counts, a function-local one too: moving an import into a function hides
    a circle from Python, not from a reader.
    """
    package = root.name
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        name = ".".join((package, *parts)).removesuffix(".__init__")
        found[name] = path
    graph: dict[str, set[str]] = {}
    for name, path in found.items():
        here = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = here.split(".")[: len(here.split(".")) - node.level + 1]
                    base = ".".join([*anchor, *([node.module] if node.module else [])])
                targets.add(base)
                targets.update(f"{base}.{alias.name}" for alias in node.names)
        edges = set()
        for target in targets:
            while target and target not in found:
                target = target.rpartition(".")[0]
            if target and target != name:
                edges.add(target)
        graph[name] = edges
    return graph


def import_circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return every group of modules that import each other, round in a circle."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles = []

    def visit(module: str) -> None:
        order[module] = low[module] = len(order)
        stack.append(module)
        for other in sorted(graph[module]):
            if other not in order:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], order[other])
        if low[module] == order[module]:
            group = []
            while True:
                other = stack.pop()
                group.append(other)
                if other == module:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    for module in sorted(graph):
        if module not in order:
            visit(module)
    return circles


def test_no_module_imports_itself_round_a_circle() -> None:
    assert import_circles(import_graph(PACKAGE_ROOT)) == []


def test_the_auth_package_imports_nothing_of_teams() -> None:
    graph = import_graph(PACKAGE_ROOT)
    wrong = {
        module: sorted(name for name in imports if name.startswith("teamkit.teams"))
        for module, imports in graph.items()
        if module.startswith("teamkit.auth")
    }
    assert {module: names for module, names in wrong.items() if names} == {}


def test_the_circle_check_sees_a_circle_even_inside_a_function(tmp_path: Path) -> None:
    root = tmp_path / "shop"
    (root / "orders").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "orders" / "__init__.py").write_text("")
    (root / "orders" / "views.py").write_text("from shop.orders.pages import page\n")
    (root / "orders" / "pages.py").write_text("def page():\n    from . import views\n")
    (root / "orders" / "models.py").write_text("import shop.orders\n")
    assert import_circles(import_graph(root)) == [["shop.orders.pages", "shop.orders.views"]]
    (root / "orders" / "pages.py").write_text("def page():\n    return 1\n")
    assert import_circles(import_graph(root)) == []
