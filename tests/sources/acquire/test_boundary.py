"""acquire/ gets bytes and reads files without the case: nothing it imports, directly or through
other osintdesk modules or the packages they sit in, is the store, a case-side sources module
or Qt.

Two checks: one reads the source (every import statement, also those inside functions, and the
``__init__`` of every package on the way, which importing a module runs), so it holds for code
paths no test happens to run; the other imports every acquire module in a fresh interpreter
with the store, the case side and Qt blocked, so it holds for what Python really loads.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import osintdesk

ROOT = Path(osintdesk.__file__).parent
ACQUIRE = "osintdesk.sources.acquire"
FORBIDDEN_PACKAGES = ("osintdesk.store", "osintdesk.ui", "osintdesk.app", "osintdesk.cli")
FORBIDDEN_EXTERNAL = ("PySide6", "shiboken6", "matplotlib.pyplot")


def module_file(name: str) -> Path | None:
    parts = name.split(".")[1:]
    base = ROOT.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def imports_of(name: str) -> set[str]:
    """Every module ``name`` imports, by absolute name (``from X import Y`` gives X and X.Y)."""
    path = module_file(name)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            found.add(target)
            if target.startswith("osintdesk"):
                submodules = (f"{target}.{alias.name}" for alias in node.names)
                found.update(sub for sub in submodules if module_file(sub))
    return found


def acquire_modules() -> list[str]:
    folder = ROOT / "sources" / "acquire"
    names = []
    for path in sorted(folder.rglob("*.py")):
        parts = path.relative_to(folder).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join((ACQUIRE,) + parts))
    return names


def packages_of(name: str) -> list[str]:
    """The packages whose ``__init__`` importing ``name`` runs (``a.b.c`` -> ``a``, ``a.b``)."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def reachable_from(start: list[str]) -> dict[str, str]:
    """Every module reachable by imports from ``start``: name -> the module that imports it."""
    seen = {name: "" for name in start}
    todo = list(start)
    while todo:
        name = todo.pop()
        for target in sorted(imports_of(name)) + packages_of(name):
            if target in seen:
                continue
            seen[target] = name
            if target.startswith("osintdesk") and module_file(target):
                todo.append(target)
    return seen


def is_forbidden(name: str) -> bool:
    if name.startswith("osintdesk.sources.") and not name.startswith(ACQUIRE):
        return True   # a case-side sources module
    return any(name == p or name.startswith(p + ".") for p in FORBIDDEN_PACKAGES + FORBIDDEN_EXTERNAL)


def test_the_check_sees_acquire_and_its_imports():
    modules = acquire_modules()
    assert {f"{ACQUIRE}.web", f"{ACQUIRE}.files", f"{ACQUIRE}.readers", f"{ACQUIRE}.readers.pdf"} <= set(modules)
    reached = reachable_from(modules)
    assert "osintdesk.flights.identity" in reached and "warcio.archiveiterator" in reached
    assert "osintdesk.sources" in reached and "osintdesk.flights" in reached   # packages on the way
    assert is_forbidden("osintdesk.store.case") and is_forbidden("osintdesk.sources.ingest")
    assert is_forbidden("PySide6.QtCore") and not is_forbidden(f"{ACQUIRE}.readers.html")
    assert not is_forbidden("osintdesk.sources")   # a package that imports nothing itself


def test_acquire_never_imports_the_store_the_case_side_or_qt():
    reached = reachable_from(acquire_modules())
    bad = sorted(f"{name} (imported by {by})" for name, by in reached.items() if is_forbidden(name))
    assert not bad, "acquire/ must not reach these:\n" + "\n".join(bad)


BLOCKER = """
import importlib, sys
ACQUIRE = "osintdesk.sources.acquire"
FORBIDDEN = {forbidden!r}

class Block:
    def find_spec(self, name, path=None, target=None):
        case_side = name.startswith("osintdesk.sources.") and not name.startswith(ACQUIRE)
        if case_side or any(name == p or name.startswith(p + ".") for p in FORBIDDEN):
            importer = sys._getframe(1)
            while importer and importer.f_globals.get("__name__", "").startswith("importlib"):
                importer = importer.f_back
            by = importer.f_globals.get("__name__") if importer else "?"
            raise ImportError(f"acquire/ reached {{name}} (imported by {{by}})")

sys.meta_path.insert(0, Block())
for module in {modules!r}:
    importlib.import_module(module)
print("ok")
"""


def test_acquire_modules_import_with_the_store_the_case_side_and_qt_blocked():
    modules = acquire_modules()
    code = BLOCKER.format(forbidden=FORBIDDEN_PACKAGES + FORBIDDEN_EXTERNAL, modules=modules)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT.parent)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "ok"


def test_the_blocker_would_see_the_case_side():
    code = BLOCKER.format(forbidden=FORBIDDEN_PACKAGES, modules=["osintdesk.sources.queries"])
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT.parent)
    assert result.returncode != 0 and "acquire/ reached osintdesk.sources.queries" in result.stderr
