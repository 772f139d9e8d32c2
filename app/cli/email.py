"""The headless commands of e-mail: `mail account set|show|test`, `mail send`,
`mail campaign`, `mail letter-list`, `mail outbox`, `mail resolve`, `mail flush` (for the
operating system's task scheduler)."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from pathlib import Path

from app.cli.common import UsageError, print_json, user
from app.cli.letters import mailing_source
from app.services.container import Services
from app.services.email import account as accounts
from app.services.email.account import EmailAccount
from app.services.email.message import Attachment
from app.services.email.outbox import STATE_LABELS, OutboxRow
from app.services.email.service import MailRequest
from app.services.formatting import format_count, format_datetime


def register(subparsers: argparse._SubParsersAction) -> None:
    mail = subparsers.add_parser("mail", help="E-Mail: Konto, einzelne Mails, Postausgang")
    actions = mail.add_subparsers(dest="mail_command", metavar="AKTION", required=True)

    account = actions.add_parser("account", help="das eigene Postfach (SMTP)")
    account_actions = account.add_subparsers(dest="account_command", metavar="AKTION",
                                             required=True)
    setter = account_actions.add_parser("set", help="Postfach einrichten oder ändern")
    setter.add_argument("--preset", choices=[p.key for p in accounts.PRESETS],
                        help="Server, Port und Verschlüsselung eines Anbieters übernehmen")
    setter.add_argument("--host", help="SMTP-Server, z. B. mail.gmx.net")
    setter.add_argument("--port", type=int, help="Port, z. B. 587")
    setter.add_argument("--security", choices=accounts.SECURITIES,
                        help="starttls, ssl oder none (none nur an localhost)")
    setter.add_argument("--user", default="", help="Benutzername (meist die Adresse)")
    setter.add_argument("--from", dest="from_address", required=True, help="Absenderadresse")
    setter.add_argument("--name", default="", help="Absendername, z. B. die Firma")
    setter.add_argument("--reply-to", default="", help="Antwortadresse, falls anders")
    setter.add_argument("--per-minute", type=int, help="höchstens so viele Mails pro Minute")
    setter.add_argument("--per-day", type=int, help="höchstens so viele Mails pro Tag")
    setter.add_argument("--password-stdin", action="store_true",
                        help="Passwort von der Standardeingabe lesen (in den Passwortspeicher)")
    setter.add_argument("--json", action="store_true", help="Ausgabe als JSON (ohne Passwort)")
    setter.set_defaults(handler=cmd_account_set)
    tester = account_actions.add_parser("test", help="Testmail senden")
    tester.add_argument("--to", default="", help="Empfänger (sonst die Absenderadresse)")
    tester.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    tester.set_defaults(handler=cmd_account_test)
    shower = account_actions.add_parser("show", help="Einstellungen anzeigen (ohne Passwort)")
    shower.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    shower.set_defaults(handler=cmd_account_show)

    send = actions.add_parser("send", help="eine Mail an einen Kunden (in den Postausgang)")
    send.add_argument("--customer", required=True, help="Kundennummer, z. B. K-000123")
    send.add_argument("--template", help="Mailvorlage (Name)")
    send.add_argument("--subject", default="", help="Betreff (ohne Vorlage)")
    send.add_argument("--text", default="", help="Text (ohne Vorlage)")
    send.add_argument("--attach", action="append", default=[], help="PDF anhängen")
    send.add_argument("--draft", help="statt zu senden als Entwurf (.eml) hierhin schreiben")
    send.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    send.set_defaults(handler=cmd_send)

    campaign = actions.add_parser(
        "campaign", help="Mailvorlage an eine Klasse, ein Segment oder ein Schlagwort")
    campaign.add_argument("--template", required=True, help="Name der Mailvorlage")
    chosen = campaign.add_mutually_exclusive_group(required=True)
    chosen.add_argument("--class", dest="abc_class", choices=("A", "B", "C"),
                        help="alle aktiven Kunden der Klasse")
    chosen.add_argument("--tag", help="alle aktiven Kunden mit diesem Schlagwort")
    chosen.add_argument("--segment", help="alle Kunden eines gespeicherten Segments")
    chosen.add_argument("--customers", help="Kundennummern, mit Komma getrennt")
    campaign.add_argument("--control-share", type=float, default=0.0,
                          help="Anteil Kontrollgruppe, z. B. 0.1 (bekommt keine Mail)")
    campaign.add_argument("--seed", type=int, help="Zufallsstartwert für die Kontrollgruppe")
    campaign.add_argument("--attach", action="append", default=[],
                          help="PDF an jede Mail anhängen")
    campaign.add_argument("--attach-letter", metavar="BRIEFVORLAGE",
                          help="diesen Brief je Empfänger als PDF anhängen (auf ihn ausgestellt)")
    campaign.add_argument("--dry-run", action="store_true",
                          help="nur planen: Empfänger, Kontrollgruppe, Ausschlüsse zeigen")
    campaign.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    campaign.set_defaults(handler=cmd_campaign, letter_list=None)

    letter_list = actions.add_parser(
        "letter-list", help="Briefliste einer Regel per E-Mail abarbeiten; der Rest bleibt "
                            "für den Brief stehen")
    letter_list.add_argument("key", metavar="SCHLÜSSEL",
                             help="Schlüssel der Briefliste, z. B. geburtstag_gutschein")
    letter_list.add_argument("--template", help="Mailvorlage (sonst die zum Schlüssel)")
    letter_list.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    letter_list.set_defaults(handler=cmd_letter_list)

    box = actions.add_parser("outbox", help="Postausgang und gesendete Mails anzeigen")
    box.add_argument("--state", choices=list(STATE_LABELS), action="append", default=[],
                     help="nur Mails in diesem Zustand")
    box.add_argument("--limit", type=int, default=100)
    box.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    box.set_defaults(handler=cmd_outbox)

    resolve = actions.add_parser("resolve", help="über eine unklare Mail entscheiden")
    resolve.add_argument("id", type=int, help="Nummer der Mail (aus „mail outbox“)")
    decision = resolve.add_mutually_exclusive_group(required=True)
    decision.add_argument("--resend", action="store_true", help="erneut senden")
    decision.add_argument("--sent", action="store_true",
                          help="als gesendet bestätigen (im Ordner „Gesendet“ gefunden)")
    resolve.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    resolve.set_defaults(handler=cmd_resolve)

    returned = actions.add_parser("returned", help="eine gesendete Mail kam unzustellbar "
                                                   "zurück (Rückläufer)")
    returned.add_argument("id", type=int, help="Nummer der Mail (aus „mail outbox“)")
    returned.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    returned.set_defaults(handler=cmd_returned)

    flusher = actions.add_parser("flush", help="wartende Mails jetzt senden")
    flusher.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    flusher.set_defaults(handler=cmd_flush)


def cmd_account_set(services: Services, args: argparse.Namespace) -> int:
    host, port, security = args.host, args.port, args.security
    oauth_only = False
    if args.preset:
        preset = accounts.preset(args.preset)
        host, port = host or preset.host, port or preset.port
        security, oauth_only = security or preset.security, preset.oauth_only
    missing = [option for option, value in (("--host", host), ("--port", port),
                                            ("--security", security)) if not value]
    if missing:
        raise UsageError(f"{', '.join(missing)} angeben (oder --preset)")
    password = sys.stdin.readline().rstrip("\r\n") if args.password_stdin else None
    account = EmailAccount(host=host, port=port, security=security, user=args.user,
                           from_address=args.from_address, from_name=args.name,
                           reply_to=args.reply_to, per_minute=args.per_minute, per_day=args.per_day,
                           oauth_only=oauth_only)
    saved = services.email.set_account(account, password=password, by=user())
    if args.json:
        print_json({**asdict(saved), "password_stored": password is not None})
        return 0
    print(f"E-Mail-Konto gespeichert: {saved.from_address} über {saved.host}:{saved.port} "
          f"({saved.security}).")
    if password is not None:
        print("Passwort im Passwortspeicher des Betriebssystems abgelegt.")
    return 0


def cmd_account_test(services: Services, args: argparse.Namespace) -> int:
    answer = services.email.send_test(to=args.to)
    if args.json:
        print_json({"sent": True, "answer": answer})
    else:
        print(answer)
    return 0


def cmd_account_show(services: Services, args: argparse.Namespace) -> int:
    account = services.email.account()
    if args.json:
        print_json(asdict(account) if account else None)
        return 0
    if account is None:
        print("Kein E-Mail-Konto eingerichtet.")
        return 0
    print(f"{account.from_name} <{account.from_address}> über {account.host}:{account.port} "
          f"({account.security}), Benutzer {account.user or '–'}")
    return 0


def _attachments(paths: list[str]) -> tuple[Attachment, ...]:
    found = []
    for name in paths:
        path = Path(name)
        try:
            found.append(Attachment(path.name, path.read_bytes()))
        except OSError as exc:
            raise UsageError(f"--attach {name}: {exc.strerror or exc}") from None
    return tuple(found)


def cmd_send(services: Services, args: argparse.Namespace) -> int:
    customer = services.customers.get_by_number(args.customer)
    template_id = services.email.templates.by_name(args.template).id if args.template else None
    if template_id is None and not args.subject:
        raise UsageError("--template oder --subject angeben")
    request = MailRequest(customer.id, template_id=template_id, subject=args.subject,
                          text=args.text, attachments=_attachments(args.attach))
    if args.draft:
        services.email.write_draft(request, out=Path(args.draft), by=user())
        if args.json:
            print_json({"draft": args.draft, "customer": customer.number})
        else:
            print(f"Entwurf für {customer.number} geschrieben: {args.draft}")
        return 0
    queued = services.email.queue(request, by=user())
    if args.json:
        print_json({"id": queued.message_id, "to": queued.to_address,
                    "subject": queued.subject, "state": "waiting"})
    else:
        print(f"Mail an {queued.to_address} liegt im Postausgang: {queued.subject}")
    return 0


def cmd_campaign(services: Services, args: argparse.Namespace) -> int:
    template = services.email.templates.by_name(args.template)
    source = mailing_source(args, services)
    if args.dry_run:
        plan = services.email.plan_campaign(template.id, source,
                                            control_share=args.control_share, seed=args.seed)
        excluded = [{"number": e.number, "name": e.name, "reason": e.reason}
                    for e in plan.excluded]
        if args.json:
            print_json({"recipients": [r.number for r in plan.recipients],
                        "control": [r.number for r in plan.control], "excluded": excluded,
                        "seed": plan.seed})
            return 0
        print(f"{len(plan.recipients)} Empfänger, {len(plan.control)} Kontrollgruppe, "
              f"{len(plan.excluded)} ausgeschlossen.")
        for e in excluded:
            print(f"  {e['number']}  {e['name']}: {e['reason']}")
        return 0
    result = services.email.run_campaign(
        template.id, source, by=user(), control_share=args.control_share, seed=args.seed,
        attachments=_attachments(args.attach),
        letter_template_id=(services.letters.by_name(args.attach_letter).id
                            if args.attach_letter else None))
    if args.json:
        print_json({"mailing": result.mailing_id, "queued": result.queued,
                    "control": result.control, "excluded": result.excluded})
    else:
        print(result.summary() + " Senden mit „mail flush“ oder im Programm.")
    return 0


def cmd_letter_list(services: Services, args: argparse.Namespace) -> int:
    template_id = services.email.templates.by_name(args.template).id if args.template else None
    result = services.email.mail_letter_list(args.key, by=user(), template_id=template_id)
    if args.json:
        print_json({"mailing": result.mailing_id, "queued": result.queued,
                    "left_for_letters": result.excluded})
    else:
        print(f"{format_count(result.queued, 'Mail', 'Mails')} im Postausgang; "
              f"{result.excluded} bleiben bei den vorgemerkten Briefen „{args.key}“.")
    return 0


def _row_json(row: OutboxRow) -> dict[str, object]:
    return {"id": row.id, "to": row.to_address, "name": row.to_name, "subject": row.subject,
            "state": row.state, "state_label": row.state_label, "attempts": row.attempts,
            "error": row.last_error, "created_at": row.created_at.isoformat(),
            "sent_at": row.sent_at.isoformat() if row.sent_at else None,
            "advertising": row.advertising, "template": row.template_name}


def cmd_outbox(services: Services, args: argparse.Namespace) -> int:
    rows = services.email.messages(states=args.state, limit=args.limit)
    if args.json:
        print_json([_row_json(r) for r in rows])
        return 0
    counts = services.email.counts()
    print(", ".join(f"{counts[s]} {label}" for s, label in STATE_LABELS.items()))
    zone = services.clock.zone
    for row in rows:
        when = format_datetime((row.sent_at or row.created_at).astimezone(zone))
        note = f" – {row.last_error}" if row.state in ("failed", "unclear") else ""
        print(f"{row.id:>6}  {when}  {row.state_label:<14} {row.to_address}  "
              f"{row.subject}{note}")
    return 0


def cmd_resolve(services: Services, args: argparse.Namespace) -> int:
    row = services.email.resolve(args.id, resend=args.resend)
    if args.json:
        print_json(_row_json(row))
    else:
        print(f"Mail {row.id} an {row.to_address}: {row.state_label}.")
    return 0


def cmd_returned(services: Services, args: argparse.Namespace) -> int:
    row = services.email.mark_returned(args.id, by=user())
    if args.json:
        print_json(_row_json(row))
    else:
        print(f"{row.to_address} als unzustellbar vermerkt; dorthin geht keine Mail mehr.")
    return 0


def cmd_flush(services: Services, args: argparse.Namespace) -> int:
    report = services.email.flush()
    if args.json:
        print_json(asdict(report))
    else:
        print(report.summary())
    return 0
