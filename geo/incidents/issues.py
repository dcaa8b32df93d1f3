"""Problems found in the store: where (file, line, column) and what."""

from __future__ import annotations

from dataclasses import dataclass

from geo.errors import DataFileError

#: An error message lists this many problems; the rest are counted.
MAX_REPORTED = 50


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem: where (line, column) and what."""

    line: int
    column: str
    message: str
    severity: str = "error"
    origin: str = ""

    def describe(self, path: object) -> str:
        """Return ``file, line N, column 'c': message``; a new row names its origin instead."""
        where = self.origin or (f"{path}, line {self.line}" if self.line else str(path))
        return (
            f"{where}, column {self.column!r}: {self.message}"
            if self.column
            else (f"{where}: {self.message}")
        )


class IncidentValidationError(DataFileError):
    """The store has errors; ``issues`` lists every one (the message shows the first 50)."""

    def __init__(self, path: object, issues: list[Issue]) -> None:
        self.path = path
        self.issues = issues
        shown = "\n".join("  " + issue.describe(path) for issue in issues[:MAX_REPORTED])
        more = f"\n  … and {len(issues) - MAX_REPORTED} more" if len(issues) > MAX_REPORTED else ""
        super().__init__(f"{path}: {len(issues)} problem(s):\n{shown}{more}")
