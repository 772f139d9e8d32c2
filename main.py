"""Stammkunde — composition root: arguments → paths → database → services → window or CLI."""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app import logs
from app.cli.commands import add_commands
from app.cli.common import UsageError
from app.db import open_database, refuse_network_data_dir, replace_unusable, sqlite_file
from app.lock import InstanceLock, InstanceLockedError, locked
from app.paths import AppPaths, resolve
from app.services.clock import SystemClock
from app.services.container import Services
from app.services.errors import StammkundeError, StorageError, UnusableDatabaseError

log = logging.getLogger("stammkunde")
# Commands that replace the whole file take the window's lock for their duration: refused
# while the window (or another of them) has the database open, and no window opens meanwhile.
# Every other command writes alongside the window: SQLite's own locking keeps that safe.
EXCLUSIVE_COMMANDS = frozenset({"restore"})


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stammkunde",
        description="Stammkunde – Kundenverwaltung für Handwerksbetriebe. Ohne Befehl öffnet "
        "sich das Fenster; die Befehle laufen ohne Fenster.",
    )
    parser.add_argument("--db", help="Datenbankdatei oder postgresql+psycopg://…-Adresse")
    parser.add_argument("--data-dir", help="Datenordner (Datenbank, Protokolle, Sicherungen)")
    parser.add_argument("--demo", action="store_true",
                        help="mit Demodaten starten: in einem Wegwerf-Ordner, der beim Beenden "
                        "gelöscht wird, oder mit --data-dir in diesem Ordner (bleibt)")
    subparsers = parser.add_subparsers(dest="command", metavar="BEFEHL")
    add_commands(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    throwaway = None
    if args.demo:
        if not args.data_dir:
            throwaway = args.data_dir = tempfile.mkdtemp(prefix="stammkunde-demo-")
        args.db = None
    try:
        paths, url = resolve(data_dir=args.data_dir, db=args.db)
        if args.command:
            return run_command(args, paths, url)
        return run_gui(args, paths, url)
    finally:
        if throwaway is not None:
            remove_demo_folder(Path(throwaway))


def remove_demo_folder(folder: Path) -> None:
    """The demo's throw-away folder goes at exit, its log file first closed."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if (isinstance(handler, logging.FileHandler)
                and Path(handler.baseFilename).is_relative_to(folder)):
            root.removeHandler(handler)
            handler.close()
    shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def opened(url: str, paths: AppPaths, *, lock: bool,
           take_over_foreign_lock: bool = False) -> Iterator[Services]:
    """Lock (the window only), check, back up, migrate, and hand out the services."""
    refuse_network_data_dir(paths.data_dir)
    with locked(sqlite_file(url) if lock else None, take_over_foreign=take_over_foreign_lock):
        db = open_database(url, backup_dir=paths.backup_dir)
        try:
            services = Services.build(db, SystemClock())
            if not window_open(url):  # the window finishes it when it closes
                finish_compaction(services)
            yield services
        finally:
            db.dispose()


def finish_compaction(services: Services) -> None:
    """Finish the compaction an erasure left pending (a crash, a busy file); if the file is
    still busy, the next start tries again — the command itself goes on."""
    try:
        services.privacy.finish_compaction()
    except StorageError as exc:
        log.warning("pending compaction not finished: %s", exc.message)


def window_open(url: str) -> bool:
    """Whether another process (the window, a `restore`) holds the database's lock."""
    path = sqlite_file(url)
    return path is not None and InstanceLock(
        path.with_name(path.name + ".lock")).held_by_another() is not None


def run_command(args: argparse.Namespace, paths: AppPaths, url: str) -> int:
    # `restore` without a file only lists the backups to choose from: no lock needed
    exclusive = args.command in EXCLUSIVE_COMMANDS and getattr(args, "file", None) is not None
    try:
        paths.ensure()
        logs.setup(paths.log_file)
        with locked(sqlite_file(url) if exclusive else None):
            try:
                with opened(url, paths, lock=False) as services:
                    return int(args.handler(services, args))
            except UnusableDatabaseError as exc:
                if not exclusive:
                    print(f"Fehler: {exc}", file=sys.stderr)
                    return 2
                return restore_unusable(exc, Path(args.file))
    except InstanceLockedError as exc:
        who = f" ({exc.owner.describe()})" if exc.owner is not None else ""
        print(f"Fehler: Die Datenbank ist gerade geöffnet{who}, im Fenster oder von einem "
              f"anderen „{args.command}“. „{args.command}“ braucht sie für sich allein: bitte "
              "das Fenster schließen (oder dort über Datei → Sicherungen … zurückspielen) und "
              "den Befehl danach wiederholen.", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader stopped early (`… | head`): not an error of this program. Point stdout at
        # devnull so the interpreter's final flush does not fail again (Python docs, "Note on
        # SIGPIPE").
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (StammkundeError, UsageError) as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 2
    except Exception:
        log.exception("command %s failed", args.command)
        print(f"Unerwarteter Fehler; Details im Protokoll: {paths.log_file}", file=sys.stderr)
        return 1


def restore_unusable(error: UnusableDatabaseError, backup: Path) -> int:
    """`restore` when the database cannot be opened at all (empty or damaged)."""
    try:
        aside = replace_unusable(error.path, backup)
    except StammkundeError as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 2
    print(f"Sicherung {backup} zurückgespielt.")
    print(f"Die unbrauchbare Datei liegt als {aside}.")
    return 0


def run_gui(args: argparse.Namespace, paths: AppPaths, url: str) -> int:
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
        or os.environ.get("QT_QPA_PLATFORM")
    ):
        print(
            "Kein Bildschirm gefunden (DISPLAY ist nicht gesetzt).\n"
            "Stammkunde braucht eine grafische Oberfläche. Auf einem Server ohne Bildschirm:\n"
            "  xvfb-run -a make run      (virtueller Bildschirm, Paket xvfb)\n"
            "Die Befehle ohne Fenster zeigt:  python main.py --help",
            file=sys.stderr,
        )
        return 1
    from app.ui.application import run

    return run(paths=paths, demo=args.demo,
               open_services=lambda take_over: opened(url, paths, lock=True,
                                                      take_over_foreign_lock=take_over),
               restore_unusable=replace_unusable)


if __name__ == "__main__":
    sys.exit(main())
