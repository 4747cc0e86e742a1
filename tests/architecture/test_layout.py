"""The floor plan of program/ holds (docs/developers/architecture.md): imports run inward only,
and no module grows past 500 lines."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
INTERFACES = ("pages", "admin", "api", "feeds")
# What Django finds by its own conventions, and the URLconf: they put the rings together.
WIRING = ("urls", "templatetags", "management", "apps", "migrations")
MAX_LINES = 500


def ring(module):
    """The ring of a dotted module name under program: machinery, domain, one of the
    INTERFACES, or wiring."""
    parts = module.split(".")
    if len(parts) == 1:
        return "wiring"  # the package itself
    if parts[1] == "machinery":
        return "machinery"
    if parts[1] in INTERFACES:
        return parts[1]
    if parts[1] in WIRING:
        return "wiring"
    return "domain"


ALLOWED = {
    "machinery": {"machinery"},
    "domain": {"machinery", "domain"},
    **{interface: {"machinery", "domain", interface} for interface in INTERFACES},
}


def imports(path, root):
    """(importing module, imported module) for each import of a program module in ``path``."""
    module = ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        # "from program import times" names program.times: the most specific name counts.
        imported = [name for name in names if name.split(".")[0] == "program"]
        if imported:
            yield module, max(imported, key=lambda name: ring(name) != "wiring")


def wrong_way(root):
    """Each import in the program package under ``root`` that runs outward, as
    "importer -> imported (importer ring may not import imported ring)"."""
    found = []
    for path in sorted((root / "program").rglob("*.py")):
        for importer, imported in imports(path, root):
            allowed = ALLOWED.get(ring(importer))  # None: wiring imports anything
            # "program" alone is the package: "from program import times" names times.
            if allowed is not None and ring(imported) not in allowed and imported != "program":
                found.append(
                    f"{importer} -> {imported} ({ring(importer)} may not import {ring(imported)})"
                )
    return found


def test_imports_run_inward_only():
    assert wrong_way(ROOT) == []


@pytest.mark.parametrize(
    ("path", "source", "message"),
    [
        (
            "program/times.py",
            "from program.pages.listing import excerpt\n",
            "program.times -> program.pages.listing (domain may not import pages)",
        ),
        (
            "program/machinery/clock.py",
            "from program import now\n",
            "program.machinery.clock -> program.now (machinery may not import domain)",
        ),
        (
            "program/api/views.py",
            "import program.feeds.frab\n",
            "program.api.views -> program.feeds.frab (api may not import feeds)",
        ),
        (
            "program/models/talks.py",
            "from program.urls import urlpatterns\n",
            "program.models.talks -> program.urls (domain may not import wiring)",
        ),
    ],
)
def test_an_import_running_outward_is_found(tmp_path, path, source, message):
    planted = tmp_path / path
    planted.parent.mkdir(parents=True)
    planted.write_text(source)

    assert wrong_way(tmp_path) == [message]


def test_no_module_is_over_500_lines():
    modules = [
        path
        for folder in ("program", "conference")
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts
    ]
    long = {
        str(path.relative_to(ROOT)): count
        for path in modules
        if (count := len(path.read_text().splitlines())) > MAX_LINES
    }

    assert long == {}
