"""The headless commands of follow-ups, rules and the nightly catch-up."""

from __future__ import annotations

import argparse
from dataclasses import asdict

from app.cli.common import UsageError, add_json, day, euros, out_path, print_json, raise_usage
from app.services.container import Services
from app.services.followups.calendar import write_ics
from app.services.followups.occasions import KINDS
from app.services.followups.rules import RuleDTO, RuleInput
from app.services.formatting import (
    format_cents,
    format_count,
    format_date,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    today = subparsers.add_parser(
        "today", help="Heute: fällige Wiedervorlagen, Anrufliste mit Gründen und wer nach "
        "den Kontaktregeln zurückgehalten wurde")
    today.add_argument("--as-of", help="Stichtag TT.MM.JJJJ (Standard: heute)")
    today.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    today.set_defaults(handler=cmd_today)

    run_due = subparsers.add_parser(
        "run-due", help="Regeln, Wiedervorlagen und Nachtlauf bis heute nachholen "
        "(Klassen, Bonuspunkte, Aufbewahrung; für die Aufgabenplanung)")
    run_due.add_argument("--as-of", help="Stichtag TT.MM.JJJJ (Standard: heute)")
    run_due.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    run_due.set_defaults(handler=cmd_run_due)

    export_ics = subparsers.add_parser(
        "export-ics", help="offene Wiedervorlagen als Kalenderdatei (.ics) exportieren")
    export_ics.add_argument("file", help="Zieldatei, z. B. wiedervorlagen.ics")
    export_ics.add_argument("--assignee", help="nur Wiedervorlagen dieser Person")
    add_json(export_ics)
    export_ics.set_defaults(handler=cmd_export_ics)

    rules = subparsers.add_parser("rules", help="automatische Regeln auflisten")
    rules.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    rules.set_defaults(handler=cmd_rules)

    rule_set = subparsers.add_parser("rule-set", help="eine Regel ein-/ausschalten, einstellen")
    rule_set.add_argument("rule_id", type=int, help="Nummer der Regel (siehe: rules)")
    switch = rule_set.add_mutually_exclusive_group()
    switch.add_argument("--on", dest="enabled", action="store_true", default=None)
    switch.add_argument("--off", dest="enabled", action="store_false")
    rule_set.add_argument("--param", action="append", default=[], metavar="NAME=ZAHL",
                          help="Einstellung, z. B. days_before=14 (mehrfach möglich)")
    rule_set.add_argument("--subject", help="Betreff-Vorlage mit {{ grund }}, {{ kunde }}, "
                          "{{ kundennummer }}")
    rule_set.add_argument("--assignee", help="zuständig (leer: Betreuer des Kunden)")
    rule_set.add_argument("--letter", help="Briefvorlage für die Briefliste (leer: keine)")
    rule_set.add_argument("--voucher", metavar="EUR",
                          help="Aktionsgutschein je Auslösung, z. B. 10 (0: keiner)")
    rule_set.add_argument("--voucher-days", type=int, metavar="N",
                          help="Gültigkeit des Gutscheins in Tagen (0: gesetzlich)")
    rule_set.add_argument("--no-followup", action="store_true",
                          help="keine Wiedervorlage anlegen (nur Brief)")
    by_email = rule_set.add_mutually_exclusive_group()
    by_email.add_argument("--email", dest="by_email", action="store_true", default=None,
                          help="die Vorlage per E-Mail, wo erlaubt; sonst bleibt der Brief")
    by_email.add_argument("--no-email", dest="by_email", action="store_false",
                          help="nur Brief (keine E-Mail)")
    rule_set.add_argument("--per-day", type=int, metavar="N",
                          help="höchstens N Auslösungen am Tag (0: alle auf einmal)")
    add_json(rule_set)
    rule_set.set_defaults(handler=cmd_rule_set)

    rule_add = subparsers.add_parser(
        "rule-add", help="eine weitere Regel einer Art anlegen (ausgeschaltet; dann rule-set)")
    rule_add.add_argument("kind", choices=sorted(KINDS), help="Regelart")
    rule_add.add_argument("--name", required=True, help="Name der Regel")
    add_json(rule_add)
    rule_add.set_defaults(handler=cmd_rule_add)

    release = subparsers.add_parser(
        "rule-release", help="eine Regel freigeben, die viele Wiedervorlagen auf einmal "
        "anlegen würde: alle, verteilt (--per-day) oder gar nicht (--decline)")
    release.add_argument("rule_id", type=int, help="Nummer der Regel (siehe: rules)")
    choice = release.add_mutually_exclusive_group()
    choice.add_argument("--per-day", type=int, default=0, metavar="N",
                        help="höchstens N am Tag (Standard 0: alle auf einmal)")
    choice.add_argument("--decline", action="store_true",
                        help="gar nicht: die Regel wird ausgeschaltet")
    add_json(release)
    release.set_defaults(handler=cmd_rule_release)


def cmd_today(services: Services, args: argparse.Namespace) -> int:
    as_of = day(args.as_of, "--as-of") or services.clock.today()
    due = services.followups.due(until=as_of)
    calls = services.today.call_list(as_of=as_of)
    if args.json:
        print_json({
            "as_of": as_of.isoformat(),
            "followups": [asdict(item) for item in due],
            "call_list": [{"rank": rank, "number": item.customer_number,
                           "name": item.customer_name, "purpose": item.purpose.value,
                           "reasons": list(item.reasons), "score": item.score,
                           "phone": item.phone}
                          for rank, item in enumerate(calls.suggestions, start=1)],
            "held_back": [{"number": item.customer_number, "reason": item.reason,
                           "code": item.code} for item in calls.held_back],
            "held_back_count": calls.held_back_count,
        })
        return 0
    print(f"Heute, {format_date(as_of)}")
    print(f"Wiedervorlagen, fällig bis {format_date(as_of)}: {len(due)}")
    for followup in due:
        print(f"  {followup.due_text}  {followup.customer_number} {followup.customer_name}: "
              f"{followup.subject}")
    print(f"Anrufliste: {len(calls.suggestions)}")
    for rank, item in enumerate(calls.suggestions, start=1):
        kind = "Service" if item.purpose == "service" else "Werbung"
        print(f"  {rank:>3}. {item.customer_number} {item.customer_name} ({kind}, "
              f"{item.phone or 'ohne Telefon'}): {item.reason_text} (Gewichtung {item.score})")
    print(f"Zurückgehalten (Kontaktregeln): {calls.held_back_count}"
          + (f", die {len(calls.held_back)} am höchsten gewichteten:"
             if calls.held_back_count > len(calls.held_back) else ""))
    for held in calls.held_back:
        print(f"  {held.customer_number} {held.customer_name}: {held.reason}")
    return 0


def cmd_run_due(services: Services, args: argparse.Namespace) -> int:
    as_of = day(args.as_of, "--as-of")
    result = services.rules.run_due(as_of=as_of)
    nightly = services.nightly.run(result.as_of)
    if args.json:
        print_json({
            **nightly.as_dict(),
            "as_of": result.as_of.isoformat(),
            "days": [day.isoformat() for day in result.days],
            "rules": {name: asdict(count) for name, count in result.per_rule.items()},
            "followups_created": [asdict(item) for item in result.followups],
            "followups_created_count": len(result.followups),
            "due_followups": result.due_followups,
            "after_run": list(result.after_run),
            "held_back": [{"rule": item.rule, "number": item.customer_number,
                           "action": item.action, "reason": item.reason, "code": item.code}
                          for item in result.held_back],
            "waiting": {str(rule_id): count for rule_id, count in result.waiting.items()},
        })
        return 0
    if result.days:
        print(f"Verarbeitete Tage: {format_date(result.days[0])} bis "
              f"{format_date(result.days[-1])} ({len(result.days)})")
    else:
        print(f"Alle Tage bis {format_date(result.as_of)} sind schon verarbeitet.")
    for name, count in result.per_rule.items():
        print(f"  {name}: {count.firings} ausgelöst, "
              f"{format_count(count.followups, 'Wiedervorlage', 'Wiedervorlagen')}, "
              f"{format_count(count.letters, 'Brief', 'Briefe')} vorgemerkt"
              + (f", {format_count(count.mails, 'E-Mail', 'E-Mails')} vorgemerkt"
                 if count.mails else "")
              + (f", {format_count(count.vouchers, 'Gutschein', 'Gutscheine')}"
                 if count.vouchers else ""))
    for item in result.followups:
        print(f"  + {format_date(item.due_date)}  {item.customer_name}: {item.subject}")
    if not result.followups:
        print("Keine neuen Wiedervorlagen.")
    for held in result.held_back:
        print(f"  zurückgehalten: {held.customer_number} {held.customer_name}, {held.action} "
              f"(Regel „{held.rule}“): {held.reason}")
    for rule_id, waiting in result.waiting.items():
        print(f"  wartet auf Freigabe: Regel {rule_id} würde {waiting} Wiedervorlagen auf "
              f"einmal anlegen – rule-release {rule_id} [--per-day N | --decline]")
    for line in result.after_run:
        print(line)
    print(f"Fällige Wiedervorlagen (bis {format_date(result.as_of)}): {result.due_followups}")
    for line in nightly.lines():
        print(line)
    return 0


def cmd_export_ics(services: Services, args: argparse.Namespace) -> int:
    target = out_path(services, args.file)
    count = write_ics(target, services.followups.pending(assignee=args.assignee),
                      now=services.clock.now())
    if args.json:
        print_json({"file": str(target), "followups": count})
        return 0
    print(f"{format_count(count, 'Wiedervorlage', 'Wiedervorlagen')} nach „{target}“ exportiert.")
    return 0


def _print_rule(rule: RuleDTO) -> None:
    params = ", ".join(f"{k}={v}" for k, v in rule.params.items())
    state = "an " if rule.enabled else "aus"
    actions = (["Wiedervorlage"] if rule.create_followup else []) + (
        [f"{'E-Mail, sonst Brief' if rule.by_email else 'Brief'} „{rule.letter_template}“"]
        if rule.letter_template else []) + (
        [f"Gutschein {format_cents(rule.voucher_cents)}"] if rule.voucher_cents else [])
    spread = f"; höchstens {rule.per_day} am Tag" if rule.per_day else ""
    waits = (f"; wartet auf Freigabe ({rule.waiting} auf einmal, rule-release {rule.id})"
             if rule.waiting else "")
    print(f"{rule.id:>3}  {state}  {rule.name:<22.22} {rule.kind_label:<20.20} {params:<32} "
          f"{' + '.join(actions)}; bis {format_date(rule.last_processed)}{spread}{waits}")


def cmd_rules(services: Services, args: argparse.Namespace) -> int:
    rules = services.rules.rules()
    if args.json:
        print_json([asdict(rule) for rule in rules])
        return 0
    for rule in rules:
        _print_rule(rule)
    return 0


def cmd_rule_set(services: Services, args: argparse.Namespace) -> int:
    current = next((r for r in services.rules.rules() if r.id == args.rule_id), None)
    if current is None:
        raise UsageError(f"Regel {args.rule_id} gibt es nicht (siehe: rules)")
    params = dict(current.params)
    for item in args.param:
        name, sep, value = item.partition("=")
        if not sep or not value.strip().isdigit():
            raise_usage(f"--param {item}: bitte NAME=ZAHL, z. B. days_before=14")
        params[name.strip()] = int(value)
    changed = services.rules.update(current.id, RuleInput(
        name=current.name,
        enabled=current.enabled if args.enabled is None else args.enabled,
        params=params,
        create_followup=False if args.no_followup else current.create_followup,
        subject_template=current.subject_template if args.subject is None else args.subject,
        assignee=current.assignee if args.assignee is None else args.assignee,
        letter_template=current.letter_template if args.letter is None else args.letter,
        voucher_cents=(current.voucher_cents if args.voucher is None
                       else euros(args.voucher, "--voucher")),
        voucher_days=current.voucher_days if args.voucher_days is None else args.voucher_days,
        by_email=current.by_email if args.by_email is None else args.by_email,
        per_day=current.per_day if args.per_day is None else args.per_day))
    if args.json:
        print_json(asdict(changed))
        return 0
    _print_rule(changed)
    return 0


def cmd_rule_release(services: Services, args: argparse.Namespace) -> int:
    preview = services.rule_release.dry_run(args.rule_id)
    if args.decline:
        services.rule_release.decline(args.rule_id)
    else:
        services.rule_release.release(args.rule_id, per_day=args.per_day)
    if args.json:
        print_json({"rule_id": preview.rule_id, "name": preview.name, "today": preview.count,
                    "enabled": not args.decline, "per_day": 0 if args.decline else args.per_day})
        return 0
    if args.decline:
        print(f"Regel „{preview.name}“ ist ausgeschaltet.")
    elif args.per_day:
        print(f"Regel „{preview.name}“ ist freigegeben: höchstens {args.per_day} am Tag "
              f"(heute fällig: {preview.count}); sie legt sie beim nächsten run-due an.")
    else:
        print(f"Regel „{preview.name}“ ist freigegeben: alle {preview.count} auf einmal beim "
              "nächsten run-due.")
    return 0


def cmd_rule_add(services: Services, args: argparse.Namespace) -> int:
    """A further rule of a kind, e.g. the stages of a campaign after the first purchase
    (welcome, reminder after 30 days, discount code after 60): created switched off with
    the kind's defaults, set up and switched on with `rule-set`."""
    created = services.rules.create(args.kind, RuleInput(name=args.name, enabled=False,
                                                          params={}))
    if args.json:
        print_json(asdict(created))
        return 0
    _print_rule(created)
    return 0
