"""What every page and dialog of the window shares: services, the task runner, the change bus."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal

from app.services import actors
from app.services.changes import Changes
from app.services.container import Services
from app.ui import preferences
from app.ui.tasks import TaskRunner


class ChangeBus(QObject):
    """One app-wide signal: changed(Changes). Every view decides itself whether to refresh.

    Signals: changed(Changes) in the GUI thread; _arrived(Changes) carries a commit's changes
    from the thread that committed, always queued: views refresh after the action that wrote,
    never in the middle of it (the service call has returned, its result is in place)."""

    changed = Signal(object)
    _arrived = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self._arrived.connect(self.publish, Qt.ConnectionType.QueuedConnection)

    def collect(self, changes: Changes) -> None:
        """What a commit changed, from any thread (the services' change tracker calls this)."""
        self._arrived.emit(changes)

    def publish(self, changes: Changes) -> None:
        self.changed.emit(changes)


@dataclass
class AppContext:
    services: Services
    tasks: TaskRunner
    bus: ChangeBus
    data_dir: Path
    log_file: Path
    # Set by the main window: open a customer's view from anywhere (dashboard, Heute, …).
    open_customer: Callable[[int], None] = field(default=lambda _customer_id: None)
    demo: bool = False  # a demo database (`--demo`): the window title says so

    def __post_init__(self) -> None:
        collect = self.bus.collect
        self.services.changes.subscribe(collect)
        # A commit in a worker thread after the bus is gone (a closed window, a finished test)
        # must not emit on a deleted object.
        self.bus.destroyed.connect(lambda: self.services.changes.unsubscribe(collect))

    @property
    def actor(self) -> str:
        """Who acts in this window: the staff member chosen under "Ich bin" on this PC."""
        return actors.person(preferences.staff_name(), otherwise=actors.UNNAMED)
