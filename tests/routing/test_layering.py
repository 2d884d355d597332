"""routing decides and complaints carries out: routing never imports complaints or
integrations, not even inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("complaints", "integrations")


def imported(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def test_routing_imports_neither_complaints_nor_integrations() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {module}"
        for path in sorted((ROOT / "routing").rglob("*.py"))
        for line, module in imported(ast.parse(path.read_text(encoding="utf-8")))
        if module.split(".")[0] in FORBIDDEN
    ]
    assert offenders == []
    # (and the scan sees an import inside a function too)
    inside = ast.parse("def f() -> None:\n    from complaints import models\n")
    assert imported(inside) == [(2, "complaints")]
