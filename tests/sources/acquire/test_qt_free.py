"""The capture package works without Qt: every module imports with PySide6 blocked."""

from __future__ import annotations

import subprocess
import sys

MODULES = ("artifacts", "decoding", "documents", "extract", "files", "identifiers", "warc", "web")


def test_capture_imports_without_qt():
    imports = "; ".join(f"import osintdesk.sources.acquire.{name}" for name in MODULES)
    code = ("import sys; sys.modules['PySide6'] = None; sys.modules['shiboken6'] = None; "
            f"{imports}; assert not any(m.startswith('PySide6') for m in sys.modules if sys.modules[m])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
