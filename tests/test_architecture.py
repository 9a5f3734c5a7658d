"""The shape of the house: no import cycles under community/ and matching/, and a ground floor that
imports no feature.

The import graph is read with the standard library's `ast`, so no import runs. Every import counts:
at module level, inside functions and under `if TYPE_CHECKING:` alike. An import inside a function is
still a dependency (it only runs later), and one written there to dodge a cycle hides the cycle rather
than breaking it; a type-only import still ties the two modules' designs together.

An edge goes to the module named (`from community.forums import services` is an edge to
`community.forums.services`) and to the packages around it, which Python runs first: importing
`community.forums.models` runs `community/forums/__init__.py`. That is why a feature's `__init__.py`
holds only its blueprint and its rules, and the factory loads the views. Two kinds of edge are left
out. A module importing from a package that encloses it (`community/auth/routes.py` taking `bp` from
`community/auth/__init__.py`): that package has already run by then, whatever the module says. And the
edge to the root package `community` that every module has: its module-level code imports only the
ground floor (test_the_factory_imports_only_the_ground_floor_at_import); the features it loads inside
`create_app` run after every module is imported.

Run it as a script (`python tests/test_architecture.py`) to print the graph's cycles.
"""
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("community", "matching")
ROOT_PACKAGE = "community"
GROUND_FLOOR = ("community.policy", "community.models_base", "community.validation")
FEATURES = {path.name for path in (ROOT / "community").iterdir()
            if path.is_dir() and (path / "__init__.py").exists()}


def module_files() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the packages."""
    modules = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _imports(tree: ast.AST):
    """Every Import and ImportFrom node, at any depth."""
    return (node for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom)))


def _enclosing(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:end]) for end in range(1, len(parts))]


def _encloses(package: str, module: str) -> bool:
    return module.startswith(package + ".")


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The modules of the packages that `name` imports."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for node in _imports(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
            continue
        base = node.module or ""
        if node.level:
            anchor = package.split(".")
            anchor = anchor[:len(anchor) - node.level + 1]
            base = ".".join(anchor + ([base] if base else []))
        for alias in node.names:
            submodule = f"{base}.{alias.name}"
            targets.add(submodule if submodule in modules else base)
    # Importing community.forums.models runs community/forums/__init__.py first: a dependency as well.
    targets |= {package for target in targets for package in _enclosing(target) if package != ROOT_PACKAGE}
    return {target for target in targets
            if target in modules and target != name and not _encloses(target, name)}


def import_graph() -> dict[str, set[str]]:
    modules = module_files()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; the components with more than one module are the cycles."""
    index, low, on_stack, stack, components = {}, {}, set(), [], []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        components.append(sorted(component))
    return components


def shortest_cycle(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """One shortest loop through the component's first module, to name in the failure."""
    start, members = component[0], set(component)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for child in sorted(graph[node] & members):
            if child == start:
                return paths[node] + [start]
            if child not in paths:
                paths[child] = paths[node] + [child]
                queue.append(child)
    return component


def cycles() -> list[str]:
    graph = import_graph()
    return [" -> ".join(shortest_cycle(graph, component)) + f"  ({len(component)} modules: "
            + ", ".join(component) + ")" for component in strongly_connected(graph)]


def feature_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "community" and parts[1] in FEATURES else None


def test_no_import_cycles():
    found = cycles()
    assert not found, "import cycles:\n" + "\n".join(found)


def test_the_ground_floor_imports_no_feature():
    graph = import_graph()
    offending = {module: sorted(target for target in graph[module] if feature_of(target))
                 for module in GROUND_FLOOR}
    assert not any(offending.values()), offending


def test_the_factory_imports_only_the_ground_floor_at_import():
    """The root package's module-level imports: why the edge every module has to it is left out."""
    tree = ast.parse((ROOT / "community" / "__init__.py").read_text())
    imported = {node.module for node in tree.body if isinstance(node, ast.ImportFrom)}
    imported |= {alias.name for node in tree.body if isinstance(node, ast.Import) for alias in node.names}
    assert {name for name in imported if name.startswith("community")} <= {"community.config", "community.extensions"}


def test_matching_imports_neither_flask_nor_community():
    modules = module_files()
    offending = {}
    for name, path in modules.items():
        if not name.startswith("matching"):
            continue
        roots = set()
        for node in _imports(ast.parse(path.read_text(), str(path))):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            roots.update(imported.split(".")[0] for imported in names if not getattr(node, "level", 0))
        if roots & {"flask", "flask_sqlalchemy", "sqlalchemy", "community"}:
            offending[name] = sorted(roots & {"flask", "flask_sqlalchemy", "sqlalchemy", "community"})
    assert not offending, offending


def test_the_graph_sees_the_imports():
    """A guard against a checker that finds no cycle because it finds no import."""
    graph = import_graph()
    assert "community.policy" in graph["community.digitalcheck.rules"]
    assert "community.errors" in graph["community.policy"]
    assert any(target.startswith("community.") for target in graph["community"])  # inside create_app


if __name__ == "__main__":
    found = cycles()
    print("\n".join(found) or "no import cycles")
    sys.exit(1 if found else 0)
