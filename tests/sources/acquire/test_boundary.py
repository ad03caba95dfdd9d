"""acquire/ gets bytes and reads files without the case: nothing it imports, directly or through
other osintdesk modules, is the store, a case-side sources module or Qt.

The check reads the source (every import statement, also those inside functions), so it holds
for code paths no test happens to run. Importing ``osintdesk.sources`` runs its ``__init__``,
which imports the case side; that is packaging, not a dependency, so package ``__init__``
modules count only when they are imported by name.
"""

from __future__ import annotations

import ast
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


def reachable_from(start: list[str]) -> dict[str, str]:
    """Every module reachable by imports from ``start``: name -> the module that imports it."""
    seen = {name: "" for name in start}
    todo = list(start)
    while todo:
        name = todo.pop()
        for target in imports_of(name):
            if target in seen:
                continue
            seen[target] = name
            if target.startswith("osintdesk") and module_file(target):
                todo.append(target)
    return seen


def is_forbidden(name: str) -> bool:
    if name.startswith("osintdesk.sources") and not (name == "osintdesk.sources" or name.startswith(ACQUIRE)):
        return True   # a case-side sources module
    if name == "osintdesk.sources":
        return True   # imported by name, its __init__ is the case side
    return any(name == p or name.startswith(p + ".") for p in FORBIDDEN_PACKAGES + FORBIDDEN_EXTERNAL)


def test_the_check_sees_acquire_and_its_imports():
    modules = acquire_modules()
    assert {f"{ACQUIRE}.web", f"{ACQUIRE}.files", f"{ACQUIRE}.readers", f"{ACQUIRE}.readers.pdf"} <= set(modules)
    reached = reachable_from(modules)
    assert "osintdesk.flights.identity" in reached and "warcio.archiveiterator" in reached
    assert is_forbidden("osintdesk.store.case") and is_forbidden("osintdesk.sources.ingest")
    assert is_forbidden("PySide6.QtCore") and not is_forbidden(f"{ACQUIRE}.readers.html")


def test_acquire_never_imports_the_store_the_case_side_or_qt():
    reached = reachable_from(acquire_modules())
    bad = sorted(f"{name} (imported by {by})" for name, by in reached.items() if is_forbidden(name))
    assert not bad, "acquire/ must not reach these:\n" + "\n".join(bad)
