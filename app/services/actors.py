"""Who acted: one spelling per kind of actor, for the audit log, the Kontakthistorie and letters.

A person is written with the name chosen on this PC ("Ich bin") or given on the command line
(`--by`); work that nobody started by hand (the nightly run, the rules, automatic backups) is
written as `SYSTEM`. The operating system's login is never written: on a shop PC it is "root" or
"Büro-PC", and it ended up on letters as "Ihr Kontakt: root".
"""

from __future__ import annotations

SYSTEM = "System"
COMMAND_LINE = "Befehlszeile"  # a command run without --by
UNNAMED = "Unbekannt"  # nobody named: the window before "Ich bin" is chosen, a call without `by`


def person(name: str, *, otherwise: str) -> str:
    """The name someone gave, or the spelling for an actor who gave none."""
    return name.strip() or otherwise


def recorded(name: str) -> str:
    """How `name` is written into the audit log and the Kontakthistorie: never empty."""
    return person(name, otherwise=UNNAMED)[:128]


def is_person(name: str) -> bool:
    """True for a name someone chose ("Ich bin", `--by`), not the stand-in for nobody: only a
    person's name is printed on a letter ("Ihr Kontakt")."""
    return bool(name.strip()) and name.strip() not in (SYSTEM, COMMAND_LINE, UNNAMED)
