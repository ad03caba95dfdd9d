"""Verify a whole case: the store's checks (artifacts, audit chain, every record's logged
state) and what each domain adds (the search index against the records it is made from,
quoted passages against their captures, citations against what they cite). The command
line and the window verify through here."""

from __future__ import annotations

from .findings.integrity import check_quotes, check_references
from .sources.integrity import check_search_index
from .store import verify as store_verify

CHECKS = (check_search_index, check_quotes, check_references)


def verify_case(case, *, progress=None, cancelled=None) -> store_verify.VerifyReport:
    """Check everything and return the report; writes nothing."""
    return store_verify.verify_case(case, progress=progress, cancelled=cancelled, checks=CHECKS)


def verify_and_record(case, *, progress=None, cancelled=None) -> store_verify.VerifyReport:
    """Verify, then append the result to the audit log (when the case can be written)."""
    return store_verify.verify_and_record(case, progress=progress, cancelled=cancelled,
                                          checks=CHECKS)
