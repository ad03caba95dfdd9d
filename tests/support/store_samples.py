"""Case files as older releases made them, for the tests of upgrades on open."""

from __future__ import annotations

import pytest

import osintdesk.store.case as case_module
import osintdesk.store.header as header_module
from osintdesk.store import Case
from osintdesk.store.migrations import MIGRATIONS


def first_release_case(path, *, title: str = "First release", examiner: str = "A"):
    """A case made with only the first migration, as the first release did; returns its path.

    Opening it for writing upgrades it (every later migration, each audited).
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(case_module, "MIGRATIONS", MIGRATIONS[:1])
        patch.setattr(case_module, "SCHEMA_VERSION", 1)
        patch.setattr(header_module, "SCHEMA_VERSION", 1)
        with Case.create(path, title=title, examiner=examiner) as old:
            return old.path
