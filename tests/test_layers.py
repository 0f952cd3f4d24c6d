"""Imports flow one way (docs/architecture.md): the basement (machinery) below the domains, the domains
below the front doors (pages, API, CKAN API, CLI), the app factory on top. Read from the source with `ast`,
lazy imports inside functions included: an import from a lower layer up fails here, with its place.
"""
from __future__ import annotations

import ast
from fnmatch import fnmatchcase
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORTAL = ROOT / "portal"

# Lowest first. A module belongs to the first layer with a pattern that names it (`*` spans dots); the
# domains take every module no other layer names.
BASEMENT = "basement"
DOMAIN = "domain"
FRONT_DOOR = "front door"
APP = "app"
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (APP, ("portal",)),
    (FRONT_DOOR, (
        "portal.*.views", "portal.*.forms",                      # each domain's pages and their forms
        "portal.catalog.review_views", "portal.catalog.console", "portal.catalog.api",
        "portal.sharing.*_views", "portal.sharing.api", "portal.sharing.*_api",  # sharing's pages and API
        "portal.accounts.permissions",                           # route guards and Flask-Login's loaders
        "portal.feedback.rate_limits",                           # the complaint budgets of the filing routes
        "portal.api", "portal.api.*",                            # /api/v1 and the CKAN Action API
        "portal.cli", "portal.web", "portal.templating", "portal.file_responses",
        "portal.demo", "portal.demo.*",                          # loaded through the CLI, by the services
    )),
    (BASEMENT, (
        "portal.machinery", "portal.machinery.*",                # the speed machinery (library internals)
        "portal.extensions", "portal.models_base", "portal.errors", "portal.config", "portal.deployment",
        "portal.concurrency", "portal.fields", "portal.redact", "portal.spreadsheet", "portal.request_line",
        "portal.side_db", "portal.pagecache", "portal.caller", "portal.security", "portal.i18n",
        "portal.sentences", "portal.units",
        "portal.search", "portal.search.*",                      # search behind SearchBackend
        "portal.storage", "portal.storage.*",                    # files behind FileStorage
        "portal.workdays", "portal.holiday_notice",              # the working-day calendar
        "portal.audit", "portal.audit.services", "portal.audit.models", "portal.audit.access",
        "portal.audit.chain", "portal.audit.chain_lock",         # recording audit and access events
    )),
    (DOMAIN, ("portal.*",)),
)
RANK = {BASEMENT: 0, DOMAIN: 1, FRONT_DOOR: 2, APP: 3}


def layer_of(module: str) -> str:
    for name, patterns in LAYERS:
        if any(fnmatchcase(module, p) for p in patterns):
            return name
    raise AssertionError(f"{module} is in no layer")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def portal_modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PORTAL.rglob("*.py"))}


def imports(module: str, path: Path) -> list[tuple[str, int]]:
    """Every portal module `module` imports (at its top or inside a function), with the line."""
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names if a.name.split(".")[0] == "portal"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "portal":
                continue
            for alias in node.names:  # `from . import x` imports the module x when there is one
                sub = f"{target}.{alias.name}"
                found.append((sub if _is_module(sub) else target, node.lineno))
    return [(t, line) for t, line in found if t != module]


def test_every_named_module_exists():
    """A renamed or moved module must be placed again, not fall silently into another layer."""
    named = [p for _, patterns in LAYERS for p in patterns if "*" not in p]
    assert [p for p in named if not _is_module(p)] == []


def test_no_import_runs_from_a_lower_layer_up():
    upward = []
    for module, path in portal_modules().items():
        mine = layer_of(module)
        for target, line in imports(module, path):
            theirs = layer_of(target)
            if RANK[theirs] > RANK[mine]:
                upward.append(f"{path.relative_to(ROOT)}:{line} ({mine}) imports {target} ({theirs})")
    assert upward == []


def test_the_layers_hold_what_the_architecture_says():
    assert layer_of("portal.catalog.services") == DOMAIN and layer_of("portal.audit.logs") == DOMAIN
    assert layer_of("portal.catalog.views") == FRONT_DOOR and layer_of("portal.api.ckan.fq") == FRONT_DOOR
    assert layer_of("portal.audit.views") == FRONT_DOOR and layer_of("portal.audit.services") == BASEMENT
    assert layer_of("portal.search.whoosh") == BASEMENT and layer_of("portal.machinery.database") == BASEMENT


def test_the_api_imports_no_page():
    pages = [f"{path.relative_to(ROOT)}:{line} imports {target}"
             for module, path in portal_modules().items() if fnmatchcase(module, "portal.api*")
             for target, line in imports(module, path)
             if fnmatchcase(target, "portal.*.views") and not fnmatchcase(target, "portal.api*")
             or fnmatchcase(target, "portal.*.forms") or target == "portal.catalog.review_views"]
    assert pages == []


# Services receive the actor and the request's facts as arguments: no domain module reads them from the
# request globals (a front door passes them; per-request buffers such as `g` stay allowed).
REQUEST_FACTS = {"flask": {"request", "session"}, "flask_login": {"current_user"}}


def test_no_domain_module_reads_the_request_or_the_logged_in_user():
    reads = []
    for module, path in portal_modules().items():
        if layer_of(module) != DOMAIN:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module in REQUEST_FACTS:
                names = {a.name for a in node.names} & REQUEST_FACTS[node.module]
                reads += [f"{path.relative_to(ROOT)}:{node.lineno} imports {n}" for n in sorted(names)]
    assert reads == []


# What every session, connection or engine does is installed by an init_app, not by importing a module.
# DDL that belongs to a table's creation (triggers, a first row) may stay with its table (`X.__table__`).
def test_no_listener_is_installed_at_import():
    installed = []
    for path in portal_modules().values():
        for node in ast.parse(path.read_text()).body:  # the module's own statements, not those of functions
            for call in _calls(node):
                name = ast.unparse(call.func)
                on_a_table = call.args and isinstance(call.args[0], ast.Attribute) and call.args[0].attr == "__table__"
                if name in ("event.listens_for", "listens_for") or name in ("event.listen", "listen") and not on_a_table:
                    installed.append(f"{path.relative_to(ROOT)}:{call.lineno} {ast.unparse(call)[:80]}")
    assert installed == []


def _calls(node: ast.AST):
    """Calls made when the module is imported: in its statements and decorators, not inside function bodies."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        for deco in node.decorator_list:
            yield from (n for n in ast.walk(deco) if isinstance(n, ast.Call))
        return
    if isinstance(node, ast.ClassDef):
        for deco in node.decorator_list:
            yield from (n for n in ast.walk(deco) if isinstance(n, ast.Call))
        for child in node.body:
            yield from _calls(child)
        return
    if isinstance(node, ast.Call):
        yield node
    for child in ast.iter_child_nodes(node):
        yield from _calls(child)


def test_no_two_modules_import_each_other_at_their_top():
    """Module-level imports form no circle (a function may import lazily what would close one)."""
    graph: dict[str, set[str]] = {}
    for module, path in portal_modules().items():
        top = [n for n in ast.parse(path.read_text()).body if isinstance(n, (ast.Import, ast.ImportFrom))]
        lines = {n.lineno for n in top}
        graph[module] = {t for t, line in imports(module, path) if line in lines}
    circles, done = [], set()

    def visit(module: str, trail: list[str]) -> None:
        if module in trail:
            circles.append(" -> ".join(trail[trail.index(module):] + [module]))
            return
        if module in done:
            return
        for target in sorted(graph.get(module, ())):
            visit(target, trail + [module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])
    assert circles == []
