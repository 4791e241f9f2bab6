"""The domain core knows no Django; apps import the core, never the reverse."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "solde"
PURE = ["core", "formats"]
APPS = ["companies", "customers", "invoicing", "payments", "banking", "mail", "audit", "api", "web"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", PURE)
def test_pure_packages_import_no_django_and_no_app(package):
    for path in (ROOT / package).rglob("*.py"):
        for name in _imports(path):
            top = name.split(".")
            assert top[0] not in {"django", "rest_framework", "huey"}, f"{path}: {name}"
            if top[0] == "solde" and len(top) > 1:
                assert top[1] in PURE, f"{path} imports the app module {name}"
