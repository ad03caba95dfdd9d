"""The one family of errors a user can cause: each names the file (or URL) and the problem.

The CLI prints ``str(error)`` on one line; the window shows it in a dialog. Anything
that is not an ``OsintdeskError`` is a bug and keeps its traceback.
"""

from __future__ import annotations


class OsintdeskError(Exception):
    """An error caused by input the user gave us (a file, a URL, an option)."""

    exit_code = 2

    def __init__(self, message: str, *, path: object = None, line: int | None = None):
        self.path = path
        self.line = line
        where = ""
        if path is not None:
            where = f"{path}"
            if line is not None:
                where += f", line {line}"
            where += ": "
        super().__init__(where + message)


class NotACaseError(OsintdeskError):
    """The file is missing, empty, foreign or damaged: not an osintdesk case."""


class CaseVersionError(OsintdeskError):
    """The case was written by a newer osintdesk than this one."""


class ReadOnlyCaseError(OsintdeskError):
    """A write was asked of a case that can only be read."""


class CaseExistsError(OsintdeskError):
    """``new`` was asked to create a case where a file already exists."""


class InputError(OsintdeskError):
    """An input file or record is malformed (names the file and the line or record)."""


class NetworkError(OsintdeskError):
    """A URL could not be fetched (names the URL and the reason)."""


class Cancelled(Exception):
    """Raised inside long work when the user cancelled it; nothing was written."""


class CaseBusyError(OsintdeskError):
    """Another process held the case's write lock for longer than we were asked to wait."""
