"""Progress and cancellation for long service work, without Qt (Orange3's TaskState)."""

from __future__ import annotations

from typing import Protocol


class Cancelled(BaseException):  # noqa: N818  (a signal, not an error)
    """Raised by `checkpoint()` when the user pressed Cancel.

    A BaseException, so an `except Exception` inside pandas or reportlab cannot swallow it.
    """


class Progress(Protocol):
    def report(self, done: int, total: int, text: str = "") -> None: ...

    def checkpoint(self) -> None:
        """Raise `Cancelled` if the work should stop here."""
        ...


class _NoProgress:
    def report(self, done: int, total: int, text: str = "") -> None:
        return None

    def checkpoint(self) -> None:
        return None


NO_PROGRESS: Progress = _NoProgress()
