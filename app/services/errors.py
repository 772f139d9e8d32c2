"""Known errors: each carries a plain German message for the user.

Anything that is not a `StammkundeError` is a bug and goes to the log with its traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from types import MappingProxyType


class StammkundeError(Exception):
    """An error the user can understand and act on."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(StammkundeError):
    """Input that cannot be saved; `fields` maps field name → German reason."""

    def __init__(self, fields: dict[str, str], *,
                 labels: Mapping[str, str] | None = None) -> None:
        self.fields = dict(fields)
        names = FIELD_LABELS if labels is None else labels
        super().__init__("; ".join(f"{names.get(k, k)}: {v}" for k, v in fields.items()))

    @classmethod
    def labelled(cls, labels: Mapping[str, str]) -> Callable[[dict[str, str]], ValidationError]:
        """The error of one capability, naming its fields with its own labels: two capabilities
        may use the same key ("kind") for different things ("Kundenart", "Regelart")."""
        return partial(cls, labels=MappingProxyType({**FIELD_LABELS, **labels}))


class NotFoundError(StammkundeError):
    pass


class ConflictError(StammkundeError):
    pass


class StorageError(StammkundeError):
    """The database cannot be used: locked, read-only, damaged, foreign, disk full."""


class UnusableDatabaseError(StorageError):
    """The database file is empty or damaged: only a backup can bring the data back.

    `newest_backup` is the newest backup found beside it, which the window offers to restore.
    """

    def __init__(self, message: str, *, path: Path, newest_backup: Path | None) -> None:
        super().__init__(message)
        self.path = path
        self.newest_backup = newest_backup


class ForeignLockError(StorageError):
    """The lock file names another PC: this PC cannot tell whether that app still runs, so
    the window asks before taking the lock over ("Trotzdem öffnen")."""

    def __init__(self, message: str, *, host: str) -> None:
        super().__init__(message)
        self.host = host


# German labels of the customer fields, which every capability shows; a capability names its own
# fields through `ValidationError.labelled`, never by changing this table.
FIELD_LABELS: Mapping[str, str] = MappingProxyType({
    "number": "Kundennummer",
    "kind": "Kundenart",
    "salutation": "Anrede",
    "title": "Titel",
    "first_name": "Vorname",
    "last_name": "Nachname",
    "company": "Firma",
    "street": "Straße",
    "postcode": "PLZ",
    "city": "Ort",
    "country": "Land",
    "email": "E-Mail",
    "phone": "Telefon",
    "mobile": "Mobil",
    "birthday": "Geburtstag",
    "role": "Funktion",
    "label": "Bezeichnung",
    "subject": "Betreff",
    "channel": "Kanal",
    "file": "Datei",
})
