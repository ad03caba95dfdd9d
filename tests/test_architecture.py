"""Qt stays in osintdesk/ui (and the entry points): every other module imports without it."""

import pkgutil
import subprocess
import sys
from pathlib import Path

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
        "        if name.split('.')[0] in ('PySide6', 'shiboken6', 'matplotlib.pyplot'):\n"
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
