"""The headless commands of customers: search, import, export and the import log."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path

from app.cli.common import count, out_path, print_json, print_rejected, raise_usage, user
from app.services.container import Services
from app.services.customers.importing.mapping import FIELDS
from app.services.formatting import (
    format_count,
    format_datetime,
)
from app.services.privacy.contact_policy import CHANNEL_LABELS, Channel


def register(subparsers: argparse._SubParsersAction) -> None:
    search = subparsers.add_parser("search", help="Kunden suchen, wie die Liste sie zeigt")
    search.add_argument("text", help="Suchtext: Name, Firma, Ort, PLZ, Telefon, Nummer …")
    search.add_argument("--limit", type=count, default=50)
    search.add_argument("--archived", action="store_true", help="auch archivierte Kunden")
    search.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    search.set_defaults(handler=cmd_search)

    imp = subparsers.add_parser(
        "import-customers", help="Kunden aus CSV, Excel (.xlsx) oder vCard (.vcf) importieren")
    imp.add_argument("file", help="die Datei (.csv, .txt, .xlsx, .vcf)")
    imp.add_argument("--mapping", help="JSON-Datei {\"Spalte\": \"Feld\"}; ohne: bekannte "
                                       "Spaltenköpfe und die zuletzt gespeicherte Zuordnung")
    imp.add_argument("--header-row", type=int, metavar="N",
                     help="die Kopfzeile steht in Zeile N der Datei (ohne: wird erkannt, auch "
                          "unter einem Titel oder der Kopfzeile von DATEV)")
    imp.add_argument("--dry-run", action="store_true", help="nur prüfen, nichts speichern")
    imp.add_argument("--skip-invalid", action="store_true",
                     help="abgelehnte Zeilen auslassen und den Rest importieren")
    imp.add_argument("--on-duplicate", choices=("skip", "merge", "add"), default="skip",
                     help="mögliche Dubletten: überspringen (skip, Standard), mit dem "
                          "vorhandenen Kunden zusammenführen (merge) oder trotzdem anlegen (add)")
    imp.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    imp.set_defaults(handler=cmd_import_customers)

    logs = subparsers.add_parser("import-log", help="Importprotokoll anzeigen")
    logs.add_argument("id", nargs="?", type=int, help="ein Import mit seinen abgelehnten Zeilen")
    logs.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    logs.set_defaults(handler=cmd_import_log)

    exp = subparsers.add_parser("export-customers",
                                help="Kunden als CSV, Excel (.xlsx) oder vCard (.vcf) exportieren")
    exp.add_argument("file", help="Zieldatei; das Format folgt der Endung .csv, .xlsx, .vcf")
    exp.add_argument("--archived", action="store_true", help="auch archivierte Kunden")
    exp.add_argument("--segment", help="nur die Kunden dieses gespeicherten Segments")
    exp.add_argument("--campaign", choices=[c.value for c in Channel],
                     help="für eine Werbeaktion auf diesem Kanal: nur wer nach den "
                     "Kontaktregeln Werbung so bekommen darf; die übrigen mit Grund")
    exp.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    exp.set_defaults(handler=cmd_export_customers)


def cmd_search(services: Services, args: argparse.Namespace) -> int:
    rows = services.customers.search(args.text, limit=args.limit,
                                     include_archived=args.archived)
    if args.json:
        print_json([asdict(row) for row in rows])
        return 0
    for row in rows:
        print(f"{row.number}  {row.name:<30.30}  {row.company:<30.30}  {row.postcode} {row.city}")
    if not rows:
        print("Keine Treffer.")
    return 0


def cmd_import_customers(services: Services, args: argparse.Namespace) -> int:
    importer = services.customer_import
    if args.header_row is not None and args.header_row < 1:
        raise_usage("--header-row: Zeilennummer ab 1 angeben")
    source = importer.read(Path(args.file), header_line=args.header_row)
    mapping = (importer.mapping_from_file(Path(args.mapping), source) if args.mapping
               else importer.suggested_mapping(source))
    if args.dry_run:
        preview = importer.preview(source, mapping)
        data, lines = preview.as_json(), preview.summary_lines()
        ok = args.skip_invalid or not preview.rejected
    else:
        result = importer.apply(source, mapping, on_duplicate=args.on_duplicate,
                                skip_invalid=args.skip_invalid, by=user())
        preview = result.preview
        data, lines, ok = result.as_json(), result.summary_lines(), result.applied
    rejected = [(row.line, row.reason) for row in preview.rejected]
    print_rejected(args.file, rejected)
    # the summary names the rejected rows too; on the command line they are on stderr only
    listed = {f"  Zeile {line}: abgelehnt – {reason}" for line, reason in rejected}
    lines = [line for line in lines if line not in listed
             and not line.endswith(" weitere abgelehnte Zeilen")]
    if args.json:
        print_json({**data, "mapping": {h: mapping.get(i, "") for i, h in
                                        enumerate(source.header)}})
    else:
        print("Spalten: " + ", ".join(
            f"{h} → {FIELDS[mapping[i]] if i in mapping else '(nicht übernommen)'}"
            for i, h in enumerate(source.header)))
        print("\n".join(lines))
    return 0 if ok else 2


def cmd_export_customers(services: Services, args: argparse.Namespace) -> int:
    exporter = services.customer_export
    if args.segment and args.archived:
        raise_usage("--segment und --archived schließen sich aus (Segmente sind aktive Kunden)")
    ids = (services.segments.customer_ids(args.segment) if args.segment
           else exporter.ids(include_archived=args.archived))
    campaign = Channel(args.campaign) if args.campaign else None
    result = exporter.export(out_path(services, args.file), ids=ids, campaign=campaign, by=user())
    if args.json:
        print_json({"file": str(result.path), "format": result.file_format,
                    "customers": result.count,
                    "held_back": [asdict(item) for item in result.held_back]})
        return 0
    print(f"{format_count(result.count, 'Kunde', 'Kunden')} nach {result.path} exportiert.")
    if campaign is not None:
        print(f"Zurückgehalten (Kontaktregeln, Werbung per {CHANNEL_LABELS[campaign]}): "
              f"{len(result.held_back)}")
        for item in result.held_back:
            print(f"  {item.number}: {item.reason}")
    return 0


def cmd_import_log(services: Services, args: argparse.Namespace) -> int:
    importer = services.customer_import
    entries = [importer.log(args.id)] if args.id else importer.logs()
    if args.json:
        print_json([asdict(entry) for entry in entries])
        return 0
    for entry in entries:
        print(f"{entry.id:>4}  {format_datetime(entry.imported_at.astimezone(services.clock.zone))}"
              f"  {entry.file_name}  {entry.added} angelegt, {entry.merged} zusammengeführt, "
              f"{entry.skipped} übersprungen, {entry.rejected_count} abgelehnt"
              f"{'  (' + entry.imported_by + ')' if entry.imported_by else ''}")
        for rejected in entry.rejected:
            print(f"      Zeile {rejected.line}: {rejected.reason}")
        for line, fields in entry.fields_left_out:
            print(f"      Zeile {line}: nicht übernommen – {', '.join(fields)}")
    if not entries:
        print("Noch kein Import.")
    return 0
