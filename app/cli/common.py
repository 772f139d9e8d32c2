"""What every command module shares: usage errors, JSON output, parsing options."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

from app.services.actors import COMMAND_LINE
from app.services.container import Services
from app.services.formatting import parse_cents, parse_count, parse_date
from app.services.outputs import prepare_target

Handler = Callable[[Services, argparse.Namespace], int]


class UsageError(Exception):
    """Bad input on the command line (exit code 2)."""


def raise_usage(message: str) -> None:
    raise UsageError(message)


def add_json(parser: argparse.ArgumentParser) -> None:
    """Every command that prints a result offers it as JSON (README, Headless commands)."""
    parser.add_argument("--json", action="store_true", help="Ausgabe als JSON")


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def print_rejected(file: str | Path, rows: Iterable[tuple[int, str]]) -> None:
    """Rejected rows of an import on stderr, one line each naming file and line (README,
    Headless commands); the summary and results stay on stdout."""
    for line, reason in rows:
        print(f"{Path(file).name}, Zeile {line}: {reason}", file=sys.stderr)


def euros(text: str, option: str) -> int:
    try:
        return parse_cents(text)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None


def out_path(services: Services, text: str | Path) -> Path:
    """A file path from the command line that a command will write (PDF, CSV, .ics):
    never the open database or another program's SQLite file; a missing folder is created
    (one rule for every command, see services.outputs)."""
    return prepare_target(Path(text), database=services.db.sqlite_path)


def count(text: str) -> int:
    """argparse type of a whole number option (points, limits): 0 to a billion."""
    try:
        return parse_count(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def day(text: str | None, option: str) -> date | None:
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None


def user() -> str:
    """Who a command acts as in the audit log and the Kontakthistorie."""
    return COMMAND_LINE
