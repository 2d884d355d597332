"""The layering of ARCHITECTURE.md, enforced: the import-linter contracts in pyproject.toml, no
import cycle among our modules, and no import hidden inside a function to dodge one.

grimp (import-linter's graph) reads every import statement, those inside functions too, so a
cycle held together by a function-local import is still a cycle here."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import grimp
import pytest
from importlinter.application.use_cases import lint_imports
from importlinter.configuration import configure
from importlinter.contracts.forbidden import ForbiddenContract

ROOT = Path(__file__).resolve().parent.parent
FIRST_PARTY = ("aduan", "tenants", "routing", "complaints", "integrations", "billing")
SOURCE_DIRS = ("platform/aduan", "tenants", "routing", "complaints", "integrations", "billing")
# A function-local import of our own code must say why on its line or the line above.
DEFERRED = "# deferred import:"


def _graph() -> grimp.ImportGraph:
    packages = [name for name in FIRST_PARTY if name == "aduan" or (ROOT / name).is_dir()]
    return grimp.build_graph(*packages, cache_dir=None, exclude_type_checking_imports=True)


def test_the_import_contracts_in_pyproject_are_kept(capsys: pytest.CaptureFixture[str]) -> None:
    configure()
    kept = lint_imports(config_filename=str(ROOT / "pyproject.toml"), cache_dir=None, no_logo=True)
    report = capsys.readouterr().out
    assert kept, report
    assert "BROKEN" not in report


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Tarjan's strongly connected components of more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        for module in sorted(graph.modules):
            if module not in index:
                visit(module)
    finally:
        sys.setrecursionlimit(limit)
    return found


def test_no_import_cycle_among_our_modules() -> None:
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for module in ("a", "a.x", "a.y", "a.z"):
        graph.add_module(module)
    graph.add_import(importer="a.x", imported="a.y")
    graph.add_import(importer="a.y", imported="a.x")
    graph.add_import(importer="a.z", imported="a.x")
    assert _cycles(graph) == [["a.x", "a.y"]]


def _function_local_imports(path: Path) -> Iterator[tuple[int, str]]:
    source = path.read_text()
    lines = source.splitlines()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.ImportFrom) and inner.level == 0 and inner.module:
                names = [inner.module]
            elif isinstance(inner, ast.Import):
                names = [alias.name for alias in inner.names]
            else:
                continue
            if not any(name.split(".")[0] in FIRST_PARTY for name in names):
                continue
            here = lines[inner.lineno - 1]
            # The reason may stand above a block of imports that it covers.
            above = inner.lineno - 2
            while above >= 0 and lines[above].lstrip().startswith(("from ", "import ")):
                above -= 1
            comment = []
            while above >= 0 and lines[above].lstrip().startswith("#"):
                comment.append(lines[above])
                above -= 1
            if DEFERRED not in here and not any(DEFERRED in line for line in comment):
                yield inner.lineno, here.strip()


def test_no_function_local_import_of_our_own_code_without_its_reason() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for folder in SOURCE_DIRS
        if (ROOT / folder).is_dir()
        for path in sorted((ROOT / folder).rglob("*.py"))
        if "migrations" not in path.parts
        for line, text in _function_local_imports(path)
    ]
    assert found == []


def test_the_function_local_scan_sees_an_unexplained_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "def f():\n"
        "    from complaints import models\n"
        "def g():\n"
        f"    {DEFERRED} Django must be set up first\n"
        "    from complaints import models\n"
        "    from tenants import models\n"
    )
    assert list(_function_local_imports(module)) == [(2, "from complaints import models")]


@pytest.mark.parametrize(
    ("importer", "imported"),
    [("tenants", "complaints"), ("tenants", "integrations"), ("complaints", "billing")],
)
def test_a_forbidden_import_is_reported(importer: str, imported: str) -> None:
    graph = grimp.ImportGraph()
    for module in (importer, f"{importer}.x", imported, f"{imported}.y"):
        graph.add_module(module)
    graph.add_import(importer=f"{importer}.x", imported=f"{imported}.y")
    contract = ForbiddenContract(
        name="probe",
        session_options={"root_packages": [importer, imported]},
        contract_options={"source_modules": [importer], "forbidden_modules": [imported]},
    )
    assert contract.check(graph, verbose=False).kept is False
