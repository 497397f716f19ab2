"""The layers (docs/architecture.md): every import points down the house, never up.

app.py -> app_pages/ -> ui/ -> models/ -> models/store.py. models/ never imports streamlit,
ui/ or app_pages/; ui/ never imports app_pages/; a page never imports another page; the
engines' scenario and report modules never import streamlit either; the command line imports
no heavy library at module level (see test_cli)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

# folder -> top-level packages its modules may not import
FORBIDDEN = {
    "models": {"streamlit", "ui", "app_pages", "app"},
    "ui": {"app_pages", "app"},
    "app_pages": {"app"},
}


def imported_packages(path: Path) -> set[str]:
    """The top-level names a module imports (absolute imports only; relative ones stay in its package)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
            if node.module == "app_pages" or node.module.startswith("app_pages."):
                names.add("app_pages")
    return names


@pytest.mark.parametrize("folder", sorted(FORBIDDEN))
def test_no_import_climbs_back_up(folder):
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) & FORBIDDEN[folder])
        for path in sorted((ROOT / folder).rglob("*.py"))
    }
    assert not {k: v for k, v in offenders.items() if v}


def test_a_page_never_imports_another_page():
    for path in (ROOT / "app_pages").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("app_pages"):
                pytest.fail(f"{path.name} imports {node.module}")
