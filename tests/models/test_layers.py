"""The layers (docs/architecture.md): every import points down the house, never up.

app.py -> app_pages/ -> ui/ -> models/ -> models/store.py. models/ never imports streamlit,
ui/ or app_pages/; ui/ never imports app_pages/; a page never imports another page; the
engines' scenario and report modules never import streamlit either; the command line imports
no heavy library at module level (see test_cli). SQL lives in models/ only, and a test module
never imports from another test module (shared helpers: conftest.py or tests/helpers.py)."""

from __future__ import annotations

import ast
import re
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


# SQL written as SQL: a keyword in capitals followed by what only SQL puts after it.
SQL = re.compile(r"\bSELECT\b.+\bFROM\b|\bINSERT\s+(OR\s+\w+\s+)?INTO\b|\bUPDATE\s+\w+\s+SET\b|"
                 r"\bDELETE\s+FROM\b|\bCREATE\s+(TABLE|INDEX|VIEW|TRIGGER)\b|\bPRAGMA\s+\w", re.S)


def sql_strings(path: Path) -> list[str]:
    """String literals (f-strings' literal parts included) in a module that read as SQL."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.search(node.value):
            found.append(f"line {node.lineno}: {node.value[:60]!r}")
    return found


def test_the_sql_pattern_catches_sql_and_not_words():
    assert SQL.search("SELECT org_id, name FROM organisations WHERE org_id IN (?)")
    assert SQL.search("INSERT OR REPLACE INTO t VALUES (1)") and SQL.search("UPDATE actions SET status = ?")
    assert not SQL.search("Select the organisations from the directory, then update the list.")


@pytest.mark.parametrize("folder", ["ui", "app_pages"])
def test_sql_lives_in_models_only(folder):
    paths = sorted((ROOT / folder).rglob("*.py")) + ([ROOT / "app.py"] if folder == "app_pages" else [])
    offenders = {str(p.relative_to(ROOT)): found for p in paths if (found := sql_strings(p))}
    assert not offenders, "move these queries into models/ (a function the page or ui/ reader calls)"


def test_test_modules_import_helpers_not_other_tests():
    """Shared test data and checks live in conftest.py or tests/helpers.py: importing
    `from tests.models.test_x import ...` runs test_x's module-level code and ties two files."""
    offenders = []
    for path in sorted((ROOT / "tests").rglob("*.py")) + sorted((ROOT / "bench").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[-1].startswith("test_"):
                offenders.append(f"{path.relative_to(ROOT)}: {node.module}")
    assert not offenders


def test_the_architecture_page_names_every_page_and_ui_module():
    """docs/architecture.md stays true: every page's address in app.py and every ui/ module is on it."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    paths = re.findall(r'url_path="([^"]+)"', (ROOT / "app.py").read_text(encoding="utf-8"))
    assert len(paths) >= 20
    assert [p for p in paths if f"`/{p}`" not in text] == []
    modules = [p.name for p in (ROOT / "ui").glob("*.py") if p.name != "__init__.py"]
    assert [m for m in modules if f"`{m}`" not in text] == []
