"""Typed errors: every expected failure is a CasebookError with a plain-language message.

Front ends show ``str(error)`` (one line) and exit non-zero; they never show a traceback
for these. Domain code raises the most specific subclass it can.
"""

from __future__ import annotations

from pathlib import Path


class CasebookError(Exception):
    """Base class for failures a researcher can understand and act on."""

    title = "Error"

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message} (hint: {self.hint})"
        return self.message


class FileProblem(CasebookError):
    """A file given to casebook cannot be used; the message names the file."""

    title = "Unusable file"

    def __init__(self, path: str | Path, problem: str, hint: str | None = None) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}", hint)


class ImportProblem(FileProblem):
    """A transcript or manifest could not be imported."""

    title = "Import failed"


class ProjectError(CasebookError):
    """The project file is missing, not a casebook project or damaged."""

    title = "Project problem"


class DiskFull(ProjectError):
    """The disk filled up during a write: the change was rolled back, earlier work is kept."""

    title = "Disk full"


class ProjectDamaged(ProjectError):
    """SQLite found a damaged page or record in the project file."""

    title = "Damaged project"


class NotFound(CasebookError):
    """A case, round, source, person or code named by the user does not exist."""

    title = "Not found"


class InvalidValue(CasebookError):
    """A value does not fit its declared type or the rules of the study."""

    title = "Invalid value"


class Conflict(CasebookError):
    """The request contradicts what is already in the project."""

    title = "Conflict"


class NotYours(Conflict):
    """A change to another coder's work that was not confirmed."""

    title = "Another coder's work"

    def __init__(self, message: str, owner: str, hint: str = "") -> None:
        super().__init__(message, hint)
        self.owner = owner
