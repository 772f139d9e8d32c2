"""A letter preview rendered on the task runner, never on the GUI thread.

A template can be slow to render (a long loop over long texts passes the save check), so the
window must not wait for it: the PDF is made on the worker, within the service's time and
output budget (`template_safety`), and a template that would hang comes back as a German
message. Only the answer to the newest request is shown; older ones are dropped.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from app.services.errors import StammkundeError
from app.services.progress import Progress
from app.ui.errors import show_error
from app.ui.letters.pdf_view import PdfPreview
from app.ui.messages import MessageLabel
from app.ui.tasks import TaskRunner


class LivePreview(QObject):
    """Signals: shown() after a request's answer (letter, empty note or message) is shown."""

    shown = Signal()

    def __init__(self, tasks: TaskRunner, view: PdfPreview, message: MessageLabel, *,
                 empty_text: str, clear_on_error: str = "", parent: QWidget) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._view = view
        self._message = message
        self._empty_text = empty_text
        self._clear_on_error = clear_on_error
        self._latest = 0

    def request(self, render: Callable[[], bytes | None]) -> None:
        """Run `render` (PDF bytes, or None when there is nothing to preview) on the worker.
        The answer comes back to bound methods, so a closed view drops it."""
        self._latest += 1
        ticket = self._latest

        def work(_progress: Progress) -> tuple[int, bytes | StammkundeError | None]:
            try:
                return ticket, render()
            except StammkundeError as error:
                return ticket, error

        self._tasks.start(work, on_done=self._answer, on_error=self._failed)

    def _answer(self, answer: tuple[int, bytes | StammkundeError | None]) -> None:
        ticket, data = answer
        if ticket != self._latest:
            return
        if isinstance(data, StammkundeError):
            self._message.error(data.message)
            if self._clear_on_error:
                self._view.clear(self._clear_on_error)
        elif data is None:
            self._view.clear(self._empty_text)
        else:
            self._message.clear()
            self._view.show_pdf(data)
        self.shown.emit()

    def _failed(self, error: BaseException) -> None:
        show_error(self._message, error)
