"""The store's errors: what the app shows a message for, and what it does not.

StoreError      bad input or bad stored data (a malformed token, a corrupted
                weight blob, a run that is someone else's); the app says so.
LimitError      a cap was reached (runs per student); the message says which.
ClassError      a class operation was refused; `reason` is one of REASONS, a
                key the page turns into a message in the student's language.
FileReplaced    (an OSError) the SQLite file was deleted or replaced under an open
                Store: writing on would land in a file nobody will read again.
Unavailable     (SafeStore only) the database is down and this operation cannot
                wait in memory (joining a class, deleting a stored run, ...).

A database that is down, locked or full raises SQLAlchemy's own errors from
Store; SafeStore (lib/store/safe.py) catches those and keeps working in memory.
"""

from __future__ import annotations

REASONS = ("unknown", "malformed", "closed", "full", "not_teacher", "removed", "unknown_member")


class StoreError(Exception):
    """Bad input or bad stored data."""


class LimitError(StoreError):
    """A student or a class reached one of the caps in lib/store/db.py."""


class ClassError(StoreError):
    """A class operation was refused, for `reason` (one of REASONS)."""

    def __init__(self, reason: str, detail: str = ""):
        if reason not in REASONS:
            raise ValueError(f"unknown ClassError reason {reason!r}")
        self.reason = reason
        super().__init__(f"{reason}: {detail}" if detail else reason)


class Unavailable(StoreError):
    """The database is unreachable; the operation could not be kept for later."""


class FileReplaced(OSError):
    """The SQLite database file is gone or is another file than the one opened.

    An OSError, so SafeStore treats it as an outage: work waits in memory, and
    its retry opens (re-creates) the file and writes it there.
    """
