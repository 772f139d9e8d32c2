"""The one "Speichern unter" of the window: every file the program writes is chosen here.

Qt's save dialog asks before replacing a file but lets the user pick any file, also the open
database, its `-wal`/`-shm` or another program's SQLite file; the same guard as on the command
line (`services.outputs.check_target`) refuses those with a German message before anything
is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from app.services.container import Services
from app.services.errors import StammkundeError
from app.services.outputs import check_target
from app.ui.errors import show_error


def ask_save_file(parent: QWidget | None, services: Services, title: str, default: str | Path,
                  filters: Mapping[str, str]) -> Path | None:
    """The file the user picked and the guard allows, or None (cancelled or refused; a refusal
    is shown). `filters` maps each (translated) filter of the dialog to its file ending, which
    is added when the name has none of them (the one of the chosen filter)."""
    name, chosen = QFileDialog.getSaveFileName(parent, title, str(default), ";;".join(filters))
    if not name:
        return None
    path = Path(name)
    if path.suffix.lower() not in filters.values():
        path = path.with_name(path.name + filters.get(chosen, next(iter(filters.values()))))
    try:  # the name as picked first: pointing at the database is refused, not renamed
        check_target(Path(name), database=services.db.sqlite_path)
        return check_target(path, database=services.db.sqlite_path)
    except StammkundeError as error:
        show_error(parent, error)
        return None
