"""The layout's promises, checked on the source: layers import only downwards, nothing below
views/ draws, the pure domain touches no database, and page scripts stay short."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Lowest first. A module may import from its own layer or a lower one, never a higher one;
# layers of the same rank do not import each other.
LAYERS = {
    "lib.domain": 0,
    "db": 1,
    "lib.queries": 2,
    "lib.security": 3,
    "lib.charts": 3,
    # Above security: user administration hashes passwords and ends sessions.
    "lib.commands": 3.5,
    # Reads files, validates, writes through lib.commands; its limits serve every import.
    "lib.imports": 3.75,
    "lib.documents": 4,
    "views.texts": 5,  # Danish copy only: components and pages read it
    "views.components": 5.5,
    "views": 6,
    "app": 7,
    # The command line is an entry point like app.py: create-admin uses the user commands.
    "db.cli": 7,
}
DRAWING = ("streamlit", "streamlit_authenticator")
MAX_PAGE_LINES = 80


def _layer(module: str) -> str | None:
    found = [name for name in LAYERS if module == name or module.startswith(name + ".")]
    return max(found, key=len) if found else None


def _modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(ROOT.glob("**/*.py")):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in (".venv", "tests", "bench", "data") or "migrations" in rel.parts:
            continue
        name = ".".join(rel.with_suffix("").parts).removesuffix(".__init__")
        if _layer(name):
            out.append((name, path))
    return out


def _imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
    return found


MODULES = _modules()


def test_the_layout_is_found():
    layers = {_layer(name) for name, _ in MODULES}
    assert {"lib.domain", "lib.queries", "lib.commands", "views", "app"} <= layers


@pytest.mark.parametrize("name,path", MODULES, ids=[n for n, _ in MODULES])
def test_imports_point_down(name, path):
    mine = _layer(name)
    wrong = []
    for imported in _imports(path):
        theirs = _layer(imported)
        if theirs is None:
            continue
        if LAYERS[theirs] > LAYERS[mine] or (LAYERS[theirs] == LAYERS[mine] and theirs != mine):
            wrong.append(imported)
    assert not wrong, f"{name} ({mine}) imports {wrong}"


@pytest.mark.parametrize("name,path", MODULES, ids=[n for n, _ in MODULES])
def test_only_views_and_app_draw(name, path):
    if _layer(name) in ("views", "views.components", "views.texts", "app"):
        return
    drawing = [m for m in _imports(path) if m.split(".")[0] in DRAWING]
    assert not drawing, f"{name} imports {drawing}: drawing belongs in views/"


@pytest.mark.parametrize(
    "name,path",
    [(n, p) for n, p in MODULES if _layer(n) == "lib.domain"],
    ids=[n for n, _ in MODULES if _layer(n) == "lib.domain"],
)
def test_the_domain_is_pure(name, path):
    impure = [m for m in _imports(path) if m.split(".")[0] in ("sqlalchemy", "db", *DRAWING)]
    assert not impure, f"{name} imports {impure}: domain rules take plain values"


PAGES = sorted((ROOT / "views").glob("*.py"))


@pytest.mark.parametrize("path", PAGES, ids=[p.name for p in PAGES])
def test_page_scripts_are_short(path):
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_PAGE_LINES, f"{path.name} has {lines} lines; move sections to components"


# Tables are drawn by the page kit (views.components.layout.table), which puts "Hent Excel"
# and "Hent CSV" under each (issue 12). Not tables of data, so without downloads: the
# stale-edit notice's newest values, and the import's dry run (its control report is its
# own download).
KIT = {"views/components/layout.py"}
NOT_DATA_TABLES = {"views/components/forms.py", "views/components/import_section.py"}


def test_the_page_kit_draws_every_table():
    drawn_directly = []
    for path in sorted((ROOT / "views").glob("**/*.py")):
        rel = str(path.relative_to(ROOT))
        if rel in KIT | NOT_DATA_TABLES:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("dataframe", "table")
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "st"
            ):
                drawn_directly.append(f"{rel}:{node.lineno}")
    assert drawn_directly == [], "draw tables with views.components.layout.table"


def test_every_audited_action_has_a_danish_label():
    """Revisionslog shows the action in Danish: every action the code writes to the audit
    log (audit_event(..., "action", ...), action="...") has a label in views/texts/audit.py."""
    import re

    from views.texts.audit import ACTIONS

    written: set[str] = set()
    for path in [*ROOT.glob("lib/**/*.py"), *ROOT.glob("db/*.py")]:
        if path.name == "cli.py":  # argparse's action="store_true" is no audit action
            continue
        source = path.read_text()
        written |= set(re.findall(r'audit_event\(\s*[^,]+,\s*[^,]+,\s*"([a-z_]+)"', source))
        written |= set(re.findall(r'action="([a-z_]+)"', source))
        written |= set(re.findall(r'action = "([a-z_]+)" if', source))
        written |= set(re.findall(r'else "([a-z_]+)"\n\s*audit_event', source))
    assert {"sign_in", "sign_in_failed", "sessions_revoked", "retention"} <= written
    assert not written - set(ACTIONS), written - set(ACTIONS)
