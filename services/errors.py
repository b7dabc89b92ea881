"""Domain errors: each carries a message a person can act on, in Bahasa Indonesia."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class ZibotError(Exception):
    """A request zibot refuses; ``str()`` is one Indonesian line for the person who asked."""


class NotFound(ZibotError):
    """Something named by the user does not exist."""


@dataclass(frozen=True)
class RowProblem:
    """One bad row of a spreadsheet: where it is and what is wrong."""

    row: int
    column: str
    reason: str


class SpreadsheetRejected(ZibotError):
    """A spreadsheet has bad rows; nothing was written."""

    def __init__(self, message: str, problems: Sequence[RowProblem]) -> None:
        super().__init__(message)
        self.problems = list(problems)
