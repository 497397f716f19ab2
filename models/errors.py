"""Errors a user can cause, with messages a commissioner or officer understands."""

from __future__ import annotations


class DomainError(ValueError):
    """A problem with what the user gave us (a file, a form, a scenario).

    The message says what is wrong and what to do, naming the file, row and column
    (or the bid and criterion, the outcome and field) where there is one."""

    def __init__(self, message: str, *, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or []


class ScenarioError(DomainError):
    """A scenario file or form (tender, SROI, full cost recovery) that cannot be used."""


class StaleEdit(DomainError):
    """A save based on a version someone else has since replaced. The message says what
    changed, when and by whom; ``current`` is the record as it now stands, so the page can
    show it beside the person's own input for them to reapply."""

    def __init__(self, message: str, *, current: dict | None = None):
        super().__init__(message)
        self.current = current or {}


class Busy(DomainError):
    """The database stayed busy with someone else's change (for example the last moment
    of a large import) past the short automatic wait. Nothing was saved; try again."""
