"""The headless commands of letters, serial letters, labels and envelopes."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.common import add_json, euros, out_path, print_json, raise_usage
from app.services.container import Services
from app.services.formatting import (
    format_cents,
    format_count,
    format_date,
    format_points,
    format_share,
)
from app.services.letters.labels import PrintResult
from app.services.letters.mailings import FollowUpOption, PlannedCustomer, VoucherOption
from app.services.letters.recipients import (
    ClassSource,
    LetterListSource,
    NumberSource,
    RecipientSource,
    SegmentSource,
    TagSource,
    parse_numbers,
)
from app.services.privacy.contact_policy import Purpose


def register(subparsers: argparse._SubParsersAction) -> None:
    letter = subparsers.add_parser("letter", help="Einen Brief an einen Kunden als PDF schreiben")
    letter.add_argument("--template", required=True, help="Name der Briefvorlage")
    letter.add_argument("--customer", required=True, help="Kundennummer, z. B. K-000123")
    letter.add_argument("--out", required=True, help="PDF-Datei")
    letter.add_argument("--form", choices=("A", "B"), help="DIN-5008-Form (Vorgabe: Einstellung)")
    letter.add_argument("--by", default="", help="Name für „Ihr Kontakt“ und die Kontakthistorie")
    add_json(letter)
    letter.set_defaults(handler=cmd_letter)

    mailing = subparsers.add_parser("mailing", help="Serienbrief an viele Kunden als ein PDF")
    mailing.add_argument("--template", required=True, help="Name der Briefvorlage")
    chosen = mailing.add_mutually_exclusive_group(required=True)
    chosen.add_argument("--class", dest="abc_class", choices=("A", "B", "C"),
                        help="alle aktiven Kunden der Klasse")
    chosen.add_argument("--customers", help="Kundennummern, mit Komma getrennt")
    chosen.add_argument("--tag", help="alle aktiven Kunden mit diesem Schlagwort")
    chosen.add_argument("--segment", help="alle Kunden eines gespeicherten Segments")
    chosen.add_argument("--letter-list", metavar="SCHLÜSSEL",
                        help="die Briefliste dieser Vorlage (von Regeln/„Heute“ vorgemerkt); "
                             "gedruckte Einträge werden erledigt")
    mailing.add_argument("--out", required=True, help="PDF-Datei für den Drucker")
    mailing.add_argument("--voucher", metavar="EUR",
                         help="persönlicher Aktionsgutschein je Empfänger, z. B. 10 "
                              "(Code über {{ gutschein.code }})")
    mailing.add_argument("--voucher-days", type=int, default=0, metavar="N",
                         help="Gültigkeit des Gutscheins in Tagen (0: gesetzlich, 3 Jahre)")
    mailing.add_argument("--followup-days", type=int, metavar="N",
                         help="je Empfänger eine Wiedervorlage, fällig in N Tagen")
    mailing.add_argument("--followup-subject", default="Nachfassen, falls keine Antwort",
                         help="Betreff der Wiedervorlage")
    mailing.add_argument("--followup-assignee", default="",
                         help="zuständig für die Wiedervorlage (leer: Betreuer des Kunden)")
    mailing.add_argument("--per-customer", metavar="ORDNER",
                         help="zusätzlich ein PDF je Kunde in diesen Ordner")
    mailing.add_argument("--control-share", type=float, default=0.0,
                         help="Anteil Kontrollgruppe, z. B. 0.1 (nicht angeschrieben)")
    mailing.add_argument("--seed", type=int, help="Zufallsstartwert für die Kontrollgruppe")
    mailing.add_argument("--form", choices=("A", "B"), help="DIN-5008-Form")
    mailing.add_argument("--by", default="", help="Name für „Ihr Kontakt“ und die Historie")
    mailing.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    mailing.set_defaults(handler=cmd_mailing)

    results = subparsers.add_parser("mailing-results",
                                    help="Erfolg eines Mailings gegen die Kontrollgruppe")
    results.add_argument("mailing_id", type=int, help="Nummer des Mailings")
    results.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    results.set_defaults(handler=cmd_mailing_results)

    for name, helptext in (("labels", "Adressetiketten als PDF (A4-Etikettenbogen)"),
                           ("envelopes", "Briefumschläge mit Anschrift als PDF")):
        sub = subparsers.add_parser(name, help=helptext)
        picked = sub.add_mutually_exclusive_group(required=True)
        picked.add_argument("--class", dest="abc_class", choices=("A", "B", "C"))
        picked.add_argument("--customers", help="Kundennummern, mit Komma getrennt")
        picked.add_argument("--tag", help="Schlagwort")
        picked.add_argument("--segment", help="gespeichertes Segment")
        picked.add_argument("--letter-list", metavar="SCHLÜSSEL", help="Briefliste")
        sub.add_argument("--out", required=True, help="PDF-Datei")
        sub.add_argument("--purpose", choices=[p.value for p in Purpose],
                         default=Purpose.ADVERTISING.value,
                         help="wofür: advertising (Werbung, Standard; Kontaktregeln für "
                         "Briefwerbung) oder service (Termin, Rechnung, Wartung)")
        sub.add_argument("--json", action="store_true", help="Ausgabe als JSON")
        if name == "labels":
            sub.add_argument("--sheet", default="3474", help="Bogen: 3474, 3475 oder L7163")
            sub.add_argument("--start", type=int, default=1,
                             help="erstes freies Etikett auf dem Bogen (1 = oben links)")
            sub.set_defaults(handler=cmd_labels)
        else:
            sub.add_argument("--size", default="DL", help="DL, C6 oder C5")
            sub.set_defaults(handler=cmd_envelopes)


def cmd_letter(services: Services, args: argparse.Namespace) -> int:
    template = services.letters.by_name(args.template)
    out = out_path(services, args.out)
    pages = services.letters.write_letter(template.id, customer_number=args.customer, out=out,
                                          by=args.by, form=args.form)
    if args.json:
        print_json({"template": template.name, "customer": args.customer, "file": str(out),
                    "pages": pages})
        return 0
    print(f"Brief „{template.name}“ an {args.customer} gespeichert: {out} "
          f"({pages} {'Seite' if pages == 1 else 'Seiten'}).")
    return 0


def mailing_source(args: argparse.Namespace, services: Services) -> RecipientSource:
    """The recipient source an option names."""
    if args.abc_class:
        return ClassSource(args.abc_class)
    if args.tag:
        return TagSource(args.tag)
    if args.segment:
        return SegmentSource(args.segment, services.clock.now())
    if args.letter_list:
        return LetterListSource(args.letter_list)
    numbers = parse_numbers(args.customers or "")
    if not numbers:
        raise_usage("--customers braucht mindestens eine Kundennummer")
    return NumberSource(numbers)


def cmd_mailing(services: Services, args: argparse.Namespace) -> int:
    template = services.letters.by_name(args.template)
    voucher = (VoucherOption(euros(args.voucher, "--voucher"), args.voucher_days)
               if args.voucher else None)
    followup = (FollowUpOption(args.followup_subject, args.followup_days,
                               args.followup_assignee)
                if args.followup_days is not None else None)
    result = services.mailings.run(
        template.id, mailing_source(args, services), out=out_path(services, args.out),
        per_customer_dir=Path(args.per_customer) if args.per_customer else None,
        control_share=args.control_share, seed=args.seed, by=args.by, form=args.form,
        voucher=voucher, followup=followup)
    plan = result.plan

    def people(rows: tuple[PlannedCustomer, ...]) -> list[dict[str, str]]:
        return [{"number": p.number, "name": p.name, "postcode": p.postcode} for p in rows]

    if args.json:
        print_json({
            "mailing_id": result.mailing.id, "status": result.mailing.status,
            "template": template.name, "template_version": template.version,
            "source": plan.source, "output_file": str(Path(args.out)),
            "per_customer_files": list(result.files),
            "letters_printed": result.mailing.letters_printed,
            "recipients": people(plan.recipients),
            "excluded": [{"number": e.number, "name": e.name, "reason": e.reason}
                         for e in plan.excluded],
            "control_group": people(plan.control), "control_share": plan.control_share,
            "seed": plan.seed,
            "vouchers": [{"number": number, "code": code} for number, code in result.vouchers],
            "followups_created": result.followups,
        })
        return 0
    print(result.summary())
    for e in plan.excluded:
        print(f"  ausgeschlossen: {e.number}  {e.name:<30.30}  {e.reason}")
    if plan.seed is not None:
        print(f"  Kontrollgruppe: {format_count(len(plan.control), 'Kunde', 'Kunden')} "
              f"(Auslosung Nr. {plan.seed})")
    return 0


def cmd_mailing_results(services: Services, args: argparse.Namespace) -> int:
    results = services.mailings.results(args.mailing_id)
    m = results.mailing
    if args.json:
        print_json({
            "mailing_id": m.id, "template": m.template_name, "date": m.mailing_date,
            "windows": [{
                "days": w.days, "complete": w.complete, "recipients": w.recipients,
                "recipient_buyers": w.recipient_buyers, "control": w.control,
                "control_buyers": w.control_buyers, "recipient_rate": w.recipient_rate,
                "control_rate": w.control_rate, "difference": w.difference,
                "ci95": w.confidence_interval,
                "revenue_per_recipient_cents": w.revenue_per_recipient_cents,
                "revenue_per_control_cents": w.revenue_per_control_cents,
            } for w in results.windows],
        })
        return 0
    print(f"{m.label} „{m.template_name}“ vom {format_date(m.mailing_date)}: "
          f"{format_count(m.letters_printed, 'Brief', 'Briefe')}, Kontrollgruppe {m.control}")
    for w in results.windows:
        ci = w.confidence_interval
        interval = (f"mit 95 % Sicherheit zwischen {format_points(ci[0])} und "
                    f"{format_points(ci[1])}" if ci else "ohne Kontrollgruppe kein Vergleich")
        state = "" if w.complete else " (Zeitraum läuft noch)"
        print(f"  {format_count(w.days, 'Tag', 'Tage')}{state}: "
              f"Käufer {format_share(w.recipient_rate)} gegen "
              f"{format_share(w.control_rate)}, Differenz {format_points(w.difference)} "
              f"({interval}); "
              f"Umsatz je Kunde {format_cents(w.revenue_per_recipient_cents)} gegen "
              f"{format_cents(w.revenue_per_control_cents)}")
    return 0


def _print_result(result: PrintResult, args: argparse.Namespace, what: str) -> int:
    if args.json:
        print_json({"output_file": result.path, "printed": result.printed,
                    "pages": result.pages,
                    "excluded": [{"number": e.number, "name": e.name, "reason": e.reason}
                                 for e in result.excluded]})
        return 0
    print(f"{what}: {result.printed}, Seiten: {result.pages}, Datei: {result.path}")
    for e in result.excluded:
        print(f"  ausgelassen: {e.number}  {e.name:<30.30}  {e.reason}")
    return 0


def cmd_labels(services: Services, args: argparse.Namespace) -> int:
    result = services.labels.print_labels(mailing_source(args, services), sheet_key=args.sheet,
                                          out=out_path(services, args.out), start=args.start,
                                          purpose=Purpose(args.purpose))
    return _print_result(result, args, "Etiketten")


def cmd_envelopes(services: Services, args: argparse.Namespace) -> int:
    result = services.labels.print_envelopes(mailing_source(args, services), size=args.size,
                                             out=out_path(services, args.out),
                                             purpose=Purpose(args.purpose))
    return _print_result(result, args, "Umschläge")
