"""Where things may live: Qt stays in osintdesk/ui (and the entry points), every other
module imports without it; the window and the CLI read the case through the query modules,
never with SQL or the connection of their own."""

import ast
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import osintdesk

ALLOWED = {"osintdesk.app", "osintdesk.__main__"}


def domain_modules():
    root = Path(osintdesk.__file__).parent
    for info in pkgutil.walk_packages([str(root)], prefix="osintdesk."):
        if info.name.startswith("osintdesk.ui") or info.name in ALLOWED:
            continue
        yield info.name


def test_domain_modules_import_with_pyside6_blocked():
    modules = sorted(domain_modules())
    assert "osintdesk.store.case" in modules and "osintdesk.cli" in modules
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('PySide6', 'shiboken6'):\n"
        "            raise ImportError('Qt imported outside osintdesk/ui: ' + name)\n"
        "        if name == 'matplotlib.pyplot':\n"
        "            raise ImportError('pyplot used in the app')\n"
        "sys.meta_path.insert(0, Block())\n"
        "import importlib\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


# --------------------------------------------------------------------------- no SQL in ui/ and cli/

ROOT = Path(osintdesk.__file__).parent
# SQL as this project writes it: keywords in capitals, a statement's shape after them.
SQL = re.compile(r"\bSELECT\b|\bINSERT\s+(OR\s+\w+\s+)?INTO\b|\bUPDATE\s+\S+\s+SET\b"
                 r"|\bDELETE\s+FROM\b|\bPRAGMA\s+\w+|\bCREATE\s+(\w+\s+)*?(TABLE|INDEX|VIEW|TRIGGER)\b")
CASE_ACCESS = {"conn", "db"}
CASE_CALLS = {"execute", "executemany", "executescript"}


def case_access(source: str) -> list[str]:
    """Where ``source`` writes SQL or reaches for the case's connection: one line each."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.search(node.value):
            found.append((node.lineno, f"SQL {SQL.search(node.value).group(0)!r}"))
        elif isinstance(node, ast.Attribute) and node.attr in CASE_ACCESS:
            found.append((node.lineno, f".{node.attr}"))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in CASE_CALLS):
            found.append((node.lineno, f".{node.func.attr}()"))
    return [f"line {line}: {what}" for line, what in sorted(found)]


def front_end_files():
    return sorted(p for folder in ("ui", "cli") for p in (ROOT / folder).rglob("*.py"))


def relative(path: Path) -> str:
    return path.relative_to(ROOT.parent).as_posix()


def test_window_and_cli_ask_the_query_modules_and_write_no_sql():
    files = front_end_files()
    assert {"osintdesk/ui/flight_pages.py", "osintdesk/cli/flights.py"} <= {relative(p) for p in files}
    found = {relative(p): case_access(p.read_text(encoding="utf-8")) for p in files}
    offending = {name: lines for name, lines in found.items() if lines}
    assert not offending, ("SQL or case connection use outside the query modules "
                           f"(add a function to a queries module instead): {offending}")


@pytest.mark.parametrize("snippet", [
    'rows = case.conn.execute("SELECT id FROM aircraft WHERE uuid = ?", (u,))',
    'rows = list(case.db.query(q))',
    'cursor.execute(q)',
    'q = f"SELECT {columns} FROM track_points"',
    'q = "INSERT OR IGNORE INTO notes (a) VALUES (?)"',
    'q = "UPDATE sources SET name = ?"',
    'q = "DELETE FROM notes"',
    'q = "PRAGMA table_info(places)"',
    'q = "CREATE UNIQUE INDEX x ON t(a)"',
])
def test_the_guard_sees_sql_and_connection_use(snippet):
    assert case_access(snippet)


@pytest.mark.parametrize("snippet", [
    'text = "Select a flight to see its airports, gaps and points."',
    '"""Stop watching SELECTOR (id, name or pattern)."""',
    'label = "Delete the selected note"',
    'page.update()',
])
def test_the_guard_lets_ordinary_text_and_calls_be(snippet):
    assert not case_access(snippet)
