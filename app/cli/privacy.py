"""The headless commands of data protection (DSGVO) and backups."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from pathlib import Path

from app.cli.common import add_json, count, day, out_path, print_json, raise_usage, user
from app.services.audit import AuditFilter
from app.services.container import Services
from app.services.formatting import (
    format_count,
    format_date,
)
from app.services.privacy.backups import format_size
from app.services.privacy.consents import METHODS, PURPOSES, ConsentInput
from app.services.privacy.contact_policy import CHANNEL_LABELS, PURPOSE_LABELS, Channel, Purpose
from app.services.privacy.reachability import FACTS


def register(subparsers: argparse._SubParsersAction) -> None:
    privacy = subparsers.add_parser(
        "privacy", help="Datenschutz: Auskunft, Löschung, Werbewiderspruch, Protokoll")
    actions = privacy.add_subparsers(dest="privacy_command", metavar="AKTION", required=True)
    export = actions.add_parser(
        "export", help="Auskunft nach Art. 15 DSGVO (PDF + Datenkopie als ZIP) oder nur die "
        "Datenkopie nach Art. 20 DSGVO (--zip)")
    export.add_argument("number", help="Kundennummer, z. B. K-000123")
    export.add_argument("outdir", nargs="?", help="Zielordner für PDF und ZIP")
    export.add_argument("--zip", metavar="DATEI",
                        help="nur die Datenkopie (Art. 20 DSGVO) als ZIP in diese Datei")
    export.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    export.set_defaults(handler=cmd_privacy_export)
    erase = actions.add_parser("erase", help="Löschen nach Art. 17 DSGVO (mit Aufbewahrung)")
    erase.add_argument("number", help="Kundennummer")
    erase.add_argument("--as-of", help="Stichtag der Aufbewahrungsfristen (TT.MM.JJJJ)")
    erase.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    erase.set_defaults(handler=cmd_privacy_erase)
    consent = actions.add_parser(
        "consent", help="Einwilligung in Werbung je Kanal erfassen oder widerrufen (heute)")
    consent.add_argument("number", help="Kundennummer")
    consent.add_argument("--channel", required=True, choices=list(PURPOSES),
                         help="Kanal: letter (Brief), phone (Telefon), email (E-Mail)")
    given = consent.add_mutually_exclusive_group(required=True)
    given.add_argument("--grant", dest="granted", action="store_true", help="erteilt")
    given.add_argument("--withdraw", dest="granted", action="store_false", help="widerrufen")
    consent.add_argument("--method", choices=list(METHODS), default="form",
                         help="Form: form (Formular), oral (mündlich), email (E-Mail)")
    consent.add_argument("--source", default="",
                         help="woher bzw. welche Fassung, z. B. „Formular Messe 2026“")
    consent.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    consent.set_defaults(handler=cmd_privacy_consent)
    policy = actions.add_parser(
        "policy", help="Dürfen wir den Kunden kontaktieren? Antwort mit Grund je Kanal")
    policy.add_argument("number", help="Kundennummer")
    policy.add_argument("--channel", choices=[c.value for c in Channel],
                        help="nur dieser Kanal (sonst alle)")
    policy.add_argument("--purpose", choices=[p.value for p in Purpose],
                        default=Purpose.ADVERTISING.value,
                        help="advertising (Werbung, Standard) oder service")
    policy.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    policy.set_defaults(handler=cmd_privacy_policy)
    mark = actions.add_parser(
        "mark", help="Rückläufer, unzustellbare E-Mail oder Tod vermerken (oder zurücknehmen)")
    mark.add_argument("number", help="Kundennummer")
    mark.add_argument("fact", choices=list(FACTS),
                      help="letter_returned (Brief kam zurück), email_bounced (E-Mail "
                      "unzustellbar), deceased (verstorben)")
    mark.add_argument("--undo", action="store_true", help="Vermerk zurücknehmen")
    mark.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    mark.set_defaults(handler=cmd_privacy_mark)
    objection = actions.add_parser("object", help="Werbewiderspruch (Art. 21 DSGVO) eintragen")
    objection.add_argument("number", help="Kundennummer")
    add_json(objection)
    objection.set_defaults(handler=cmd_privacy_object)
    purge = actions.add_parser("purge", help="abgelaufene Aufbewahrung löschen (nächtlich)")
    purge.add_argument("--as-of", help="Stichtag (TT.MM.JJJJ), sonst heute")
    add_json(purge)
    purge.set_defaults(handler=cmd_privacy_purge)
    log = actions.add_parser("audit", help="Änderungsprotokoll anzeigen")
    log.add_argument("--customer", default="", help="nur diese Kundennummer")
    log.add_argument("--action", help="nur diese Aktion (create, update, erase, …)")
    log.add_argument("--limit", type=count, default=100)
    log.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    log.set_defaults(handler=cmd_privacy_audit)

    backup = subparsers.add_parser("backup", help="Datenbank jetzt sichern (geprüft)")
    backup.add_argument("dest", nargs="?", help="Zielordner oder -datei (sonst der "
                        "Sicherungsordner, mit Rotation)")
    backup.add_argument("--list", action="store_true",
                        help="vorhandene Sicherungen auflisten statt zu sichern")
    backup.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    backup.set_defaults(handler=cmd_backup)
    restore = subparsers.add_parser(
        "restore", help="Sicherung zurückspielen (der aktuelle Stand wird vorher gesichert)")
    restore.add_argument("file", nargs="?",
                         help="Sicherungsdatei oder ihre Nummer aus der Liste "
                              "(ohne Angabe: die Liste der Sicherungen zur Auswahl)")
    add_json(restore)
    restore.set_defaults(handler=cmd_restore)
    check = subparsers.add_parser("check", help="Datenbank prüfen und kurz berichten")
    check.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    check.set_defaults(handler=cmd_check)


def cmd_privacy_export(services: Services, args: argparse.Namespace) -> int:
    if bool(args.outdir) == bool(args.zip):
        raise_usage("privacy export: entweder einen Zielordner (Auskunft als PDF und ZIP) "
                    "oder --zip DATEI (nur die Datenkopie) angeben")
    customer = services.customers.get_by_number(args.number)
    if args.zip:
        result = services.privacy.export_copy(customer.id, out_path(services, args.zip),
                                              by=user())
        if args.json:
            print_json({"zip": str(result.zip_path), "tables": result.tables})
            return 0
        print(f"Datenkopie (Art. 20 DSGVO) für {customer.number}: {result.zip_path}")
        return 0
    result = services.privacy.export_access(customer.id, Path(args.outdir), by=user())
    if args.json:
        print_json({"pdf": str(result.pdf_path), "zip": str(result.zip_path),
                    "tables": result.tables})
        return 0
    print(f"Auskunft für {customer.number}: {result.pdf_path}")
    print(f"Datenkopie (maschinenlesbar, Art. 20 DSGVO): {result.zip_path}")
    return 0


def cmd_privacy_erase(services: Services, args: argparse.Namespace) -> int:
    customer = services.customers.get_by_number(args.number)
    plan = services.privacy.erase(customer.id, by=user(), as_of=day(args.as_of, "--as-of"))
    if args.json:
        print_json({"number": plan.number, "deleted": plan.deleted, "kept": plan.kept,
                    "kept_until": plan.kept_until, "removed": plan.removes_customer,
                    "message": plan.summary()})
        return 0
    print(plan.summary())
    for line in plan.describe():
        print(f"  {line}")
    return 0


def cmd_privacy_object(services: Services, args: argparse.Namespace) -> int:
    customer = services.customers.get_by_number(args.number)
    overview = services.privacy.object_to_advertising(customer.id, by=user())
    assert overview.objection_at is not None
    if args.json:
        print_json({"number": customer.number, "objection_at": overview.objection_at})
        return 0
    print(f"Werbewiderspruch für {customer.number} eingetragen "
          f"(seit {format_date(overview.objection_at.date())}); keine Werbung mehr.")
    return 0


def cmd_privacy_consent(services: Services, args: argparse.Namespace) -> int:
    customer = services.customers.get_by_number(args.number)
    event = services.privacy.record_consent(customer.id, ConsentInput(
        purpose=args.channel, granted=args.granted, given_on=services.clock.today(),
        method=args.method, wording_version=args.source), by=user())
    decision = services.privacy.decision(customer.id, channel=Channel(args.channel))
    if args.json:
        print_json({"number": customer.number, "channel": event.purpose,
                    "granted": event.granted, "given_on": event.given_on.isoformat(),
                    "method": event.method, "source": event.wording_version,
                    "allowed": decision.allowed, "reason": decision.reason,
                    "code": decision.code})
        return 0
    verb = "erteilt" if event.granted else "widerrufen"
    print(f"Einwilligung {event.purpose_label} für {customer.number} {verb} "
          f"({format_date(event.given_on)}, {event.method_label}).")
    print(f"Werbung per {CHANNEL_LABELS[Channel(args.channel)]}: "
          f"{'erlaubt' if decision.allowed else 'nicht erlaubt'} – {decision.reason}")
    return 0


def cmd_privacy_policy(services: Services, args: argparse.Namespace) -> int:
    customer = services.customers.get_by_number(args.number)
    purpose = Purpose(args.purpose)
    channels = [Channel(args.channel)] if args.channel else list(Channel)
    answers = [(channel, services.privacy.decision(customer.id, channel=channel,
                                                   purpose=purpose)) for channel in channels]
    rows = [{"number": customer.number, "channel": channel.value, "purpose": purpose.value,
             "allowed": decision.allowed, "reason": decision.reason, "code": decision.code}
            for channel, decision in answers]
    if args.json:
        print_json(rows[0] if args.channel else rows)
        return 0
    print(f"{customer.number}, {PURPOSE_LABELS[purpose]}:")
    for channel, decision in answers:
        print(f"  {CHANNEL_LABELS[channel]:<8} {'ja  ' if decision.allowed else 'nein'}  "
              f"{decision.reason}")
    return 0


def cmd_privacy_mark(services: Services, args: argparse.Namespace) -> int:
    customer = services.customers.get_by_number(args.number)
    services.privacy.set_fact(customer.id, args.fact, on=not args.undo, by=user())
    fact = FACTS[args.fact]
    if args.json:
        print_json({"number": customer.number, "fact": args.fact, "marked": not args.undo})
        return 0
    print(f"{customer.number}: {fact.cleared if args.undo else fact.marked}.")
    return 0


def cmd_privacy_purge(services: Services, args: argparse.Namespace) -> int:
    result = services.privacy.purge_expired(day(args.as_of, "--as-of"), by=user())
    if args.json:
        print_json(asdict(result))
        return 0
    print(f"{format_count(result.customers_deleted, 'Kunde', 'Kunden')} und "
          f"{format_count(result.rows_deleted, 'aufbewahrter Datensatz', 'aufbewahrte Datensätze')}"
          " nach Ablauf der Frist gelöscht.")
    return 0


def cmd_privacy_audit(services: Services, args: argparse.Namespace) -> int:
    rows = services.audit.entries(AuditFilter(action=args.action,
                                              customer_number=args.customer),
                                  limit=args.limit)
    if args.json:
        print_json([asdict(row) for row in rows])
        return 0
    for row in rows:
        print(f"{row.at:%d.%m.%Y %H:%M}  {row.actor:<16.16}  {row.customer_number:<10}  "
              f"{row.description}")
    if not rows:
        print("Keine Einträge.")
    return 0


def print_backups(services: Services, *, as_json: bool) -> None:
    """The numbered list of backups, newest first (the numbers `restore NR` takes)."""
    found = services.backups.backups()
    if as_json:
        print_json([{"number": n, **asdict(info)} for n, info in enumerate(found, 1)])
        return
    for n, info in enumerate(found, 1):
        when = f"{info.taken_at:%d.%m.%Y %H:%M}" if info.taken_at else "–"
        customers = ("unlesbar" if info.customers is None
                     else format_count(info.customers, "Kunde", "Kunden"))
        print(f"{n:>3}  {when:<16}  {info.kind:<11}  {format_size(info.size):>9}  "
              f"{customers:>14}  {info.path}")
    if not found:
        print(f"Keine Sicherungen in {services.backups.folder()}.")


def cmd_backup(services: Services, args: argparse.Namespace) -> int:
    if args.list:
        print_backups(services, as_json=args.json)
        return 0
    info = services.backups.backup_now(Path(args.dest) if args.dest else None, by=user())
    if args.json:
        print_json(asdict(info))
        return 0
    print(f"Sicherung geprüft und gespeichert: {info.path} "
          f"({format_count(info.customers or 0, 'Kunde', 'Kunden')})")
    return 0


def cmd_restore(services: Services, args: argparse.Namespace) -> int:
    if args.file is None:
        print_backups(services, as_json=args.json)
        if not args.json:
            print("Zurückspielen mit: restore NR (Nummer aus der Liste) oder restore DATEI")
        return 0
    result = services.backups.restore(services.backups.choose(args.file), by=user())
    if args.json:
        print_json(asdict(result))
        return 0
    print(f"Sicherung {result.restored} zurückgespielt.")
    print(f"Der vorherige Stand liegt in {result.safety_copy}.")
    for line in result.reapplied:
        print(f"  erneut angewendet: {line}")
    return 0


def cmd_check(services: Services, args: argparse.Namespace) -> int:
    report = services.backups.check()
    if args.json:
        print_json(asdict(report))
    else:
        print("\n".join(report.lines()))
    if not report.ok:
        print("Fehler: Die Datenbank ist beschädigt; bitte eine Sicherung zurückspielen.",
              file=sys.stderr)
        return 2
    return 0
