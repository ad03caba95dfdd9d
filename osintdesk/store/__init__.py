"""The case file: SQLite through sqlite-utils, migrations, write-once evidence, audit log.

No Qt here: the CLI, the window and the tests all use this package directly.
"""

from .artifacts import Artifact
from .audit import AuditEntry
from .case import CASE_SUFFIX, Case, case_path
from .migrations import SCHEMA_VERSION
from .verify import Failure, VerifyReport, verify_and_record, verify_case

__all__ = ["Artifact", "AuditEntry", "CASE_SUFFIX", "Case", "case_path", "SCHEMA_VERSION",
           "Failure", "VerifyReport", "verify_and_record", "verify_case"]
