"""The words a customer reads in the Auskunft (Art. 15) and the data copy (Art. 20).

One place for the German titles of the sections, the labels of the columns and the words for
the codes the database stores ("phone" → "Telefon"). Where the kernel already names codes
(the Kontakthistorie's channels, the audit actions), those names are used; the codes the other
capabilities own are named here, because privacy may use none of them (README architecture), and
`tests/services/privacy/test_access_document.py` pins that both spellings agree.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, tzinfo

from app.services import audit, timeline, validation
from app.services.countries import german_name
from app.services.formatting import format_cents

# table → section title, in the order the Auskunft shows them
SECTION_TITLES: dict[str, str] = {
    "customers": "Stammdaten",
    "contact_persons": "Ansprechpersonen",
    "addresses": "Weitere Adressen",
    "customer_tags": "Merkmale",
    "interactions": "Kontakthistorie",
    "sales": "Umsätze und Belege",
    "class_assignments": "Kundenklasse (A/B/C), Verlauf",
    "consents": "Einwilligungen",
    "contracts": "Wartungsverträge",
    "contract_objects": "Vertragsobjekte",
    "maintenance_objects": "Wartungsobjekte",
    "followups": "Wiedervorlagen",
    "letter_queue": "Vorgemerkte Briefe",
    "mailing_recipients": "Serienbriefe",
    "email_messages": "E-Mails",
    "email_message_attachments": "Anhänge der E-Mails",
    "loyalty_accounts": "Bonuskonten",
    "bonus_cards": "Bonuskarten",
    "points_entries": "Punktebuchungen",
    "vouchers": "Gutscheine",
    "voucher_entries": "Gutscheinbuchungen",
    "customer_discounts": "Kundenrabatte",
    "club_memberships": "Kundenclub",
    "referrals": "Empfehlungen (Kunden werben Kunden)",
    "referral_rewards": "Empfehlungsprämien",
    "feedback": "Bewertungen",
    "complaints": "Reklamationen",
    "call_list_dismissals": "Anrufliste: zurückgestellt",
    "rule_firings": "Automatische Erinnerungen (ausgelöst)",
    "audit_entries": "Änderungsprotokoll",
}
TABLE_LABELS = SECTION_TITLES  # the erasure plan names the same tables the same way

# Left out of the readable Auskunft, kept in the data copy: link tables (their content is
# shown in the sections they link) and the program's own bookkeeping.
TECHNICAL_TABLES = frozenset({"customer_tags", "contract_objects", "rule_firings",
                              "email_message_attachments",
                              "call_list_dismissals", "loyalty_accounts"})

# Never shown in the Auskunft: row numbers and links between rows, derived search data, and
# the stored e-mail source (its subject and recipient are shown; the data copy has all).
HIDDEN_COLUMNS = frozenset({
    "sort_name", "search_text", "raw", "message_id", "attempts", "next_attempt_at",
    "idempotency_key", "revision", "occasion_key", "position", "entity", "details", "action",
    "template_key", "recur_from", "notified_at", "credit_from", "vat_rate_bp", "promo",
    "printed", "level_id",
})

COLUMN_LABELS: dict[str, str] = {
    "customers.number": "Kundennummer", "contracts.number": "Vertragsnummer",
    "bonus_cards.number": "Kartennummer", "customers.kind": "Kundenart",
    "id": "Nr.", "number": "Nummer", "kind": "Art", "salutation": "Anrede",
    "title": "Titel", "first_name": "Vorname", "last_name": "Nachname", "company": "Firma",
    "street": "Straße", "postcode": "PLZ", "city": "Ort", "country": "Land",
    "email": "E-Mail", "phone": "Telefon", "mobile": "Mobil", "birth_day": "Geburtstag",
    "birth_month": "Geburtsmonat", "birth_year": "Geburtsjahr", "notes": "Notizen",
    "owner": "Betreuer", "created_at": "angelegt", "updated_at": "geändert",
    "archived_at": "archiviert", "anonymized_at": "anonymisiert", "abc_class": "Klasse",
    "rfm_segment": "Kaufverhalten", "at_risk": "abwanderungsgefährdet",
    "advertising_objection_at": "Werbewiderspruch", "address_invalid_at": "Brief kam zurück",
    "email_invalid_at": "E-Mail unzustellbar seit", "deceased_at": "verstorben (eingetragen)",
    "sort_name": "Sortiername", "search_text": "Suchbegriffe", "customer_id": "Kunde",
    "role": "Funktion", "is_primary": "Hauptansprechperson", "label": "Bezeichnung",
    "occurred_at": "Zeitpunkt", "channel": "Weg", "subject": "Betreff", "text": "Text",
    "author": "von", "sale_date": "Datum", "amount_cents": "Betrag",
    "description": "Beschreibung", "document_no": "Belegnummer", "purpose": "Zweck",
    "granted": "Status", "given_on": "Datum", "method": "Form",
    "wording_version": "Fassung", "recorded_by": "erfasst von", "recorded_at": "erfasst am",
    "at": "Zeitpunkt", "actor": "wer", "as_of": "Stichtag",
    "previous_class": "vorherige Klasse", "valid_until": "gültig bis", "reason": "Grund",
    "customer_kind": "Vertragspartner", "concluded_on": "Vertragsschluss", "start": "Beginn",
    "min_months": "Mindestlaufzeit (Monate)", "min_term_end": "Ende der Mindestlaufzeit",
    "renewal": "Verlängerung", "renewal_months": "Verlängerung um (Monate)",
    "notice_months": "Kündigungsfrist (Monate)", "price_cents": "Preis", "price_per": "Preis je",
    "previous_price_cents": "vorheriger Preis", "price_changed_on": "Preis geändert am",
    "payment_interval": "Zahlweise", "visit_rrule": "Wartung", "included": "enthalten",
    "services": "Leistungen", "notice_received": "Kündigung erhalten am",
    "last_day": "letzter Vertragstag", "end_rule": "Vertragsende nach",
    "ended_by": "gekündigt von", "end_recorded_by": "Kündigung erfasst von",
    "card_number": "Kartennummer", "joined_on": "beigetreten am", "paid_until": "bezahlt bis",
    "left_on": "ausgetreten am", "referrer_id": "Werber", "referred_id": "Geworbener",
    "via_code": "über Empfehlungscode", "referred_on": "geworben am", "to_address": "an",
    "to_name": "Empfängername", "state": "Zustand", "last_error": "Antwort des Servers",
    "sent_at": "gesendet", "template_name": "Vorlage", "advertising": "Werbung",
    "created_by": "von", "rate_bp": "Rabatt", "score": "Wert", "comment": "Kommentar",
    "opened_on": "gemeldet am", "status": "Status", "resolution": "Lösung",
    "resolved_on": "erledigt am", "note": "Notiz", "done_at": "erledigt am",
    "due_date": "fällig am", "due_time": "Uhrzeit", "assignee": "zuständig",
    "priority": "Priorität", "rrule": "Wiederholung", "outcome": "Ergebnis",
    "completed_at": "erledigt am", "name": "Bezeichnung", "model": "Modell",
    "year_built": "Baujahr", "last_service": "letzte Wartung", "active": "aktiv",
    "code": "Code", "value_cents": "Wert", "percent": "Prozent", "service_text": "Leistung",
    "campaign": "Aktion", "issued_on": "ausgegeben am", "issued_at": "ausgegeben am",
    "blocked_at": "gesperrt am", "block_reason": "Sperrgrund", "points": "Punkte",
    "entry_date": "Datum", "amount": "Menge", "fired_on": "am", "until": "bis",
    "digest": "Anhang (Prüfsumme SHA-256)",
}

# column → code → words. `kind` and a few others mean different things per table:
# "table.column" wins over "column".
CODE_WORDS: dict[str, dict[str, str]] = {
    "customers.kind": {"private": "Privatkunde", "business": "Firmenkunde"},
    "contracts.customer_kind": {"private": "Verbraucher", "business": "Unternehmer"},
    "channel": dict(timeline.CHANNELS),
    "consents.purpose": {"letter": "Briefwerbung", "email": "E-Mail-Werbung",
                         "phone": "Telefonwerbung"},
    "consents.granted": {"True": "erteilt", "False": "widerrufen"},
    "consents.method": {"form": "Formular", "oral": "mündlich", "email": "E-Mail"},
    "class_assignments.method": {"auto": "automatisch (Umsatzanteil)",
                                 "amount": "automatisch (Umsatzhöhe)", "manual": "von Hand"},
    "rfm_segment": {
        "champions": "Top-Kunden", "loyal": "Treue Kunden",
        "potential": "Potenzielle Stammkunden", "new": "Neukunde",
        "promising": "Vielversprechend", "attention": "Aufmerksamkeit nötig",
        "about_to_sleep": "Droht einzuschlafen", "at_risk": "Gefährdet",
        "cant_lose": "Nicht verlieren", "hibernating": "Schlafend"},
    "contracts.renewal": {"tacit": "stillschweigend", "none": "keine"},
    "contracts.price_per": {"year": "Jahr", "visit": "Besuch"},
    "contracts.payment_interval": {"yearly": "jährlich", "half_yearly": "halbjährlich",
                                   "quarterly": "vierteljährlich", "monthly": "monatlich",
                                   "per_visit": "je Besuch"},
    "contracts.ended_by": {"customer": "Kunde", "company": "Betrieb"},
    "feedback.kind": {"nps": "Weiterempfehlung (NPS)", "csat": "Zufriedenheit (CSAT)",
                      "ces": "Aufwand (CES)"},
    "complaints.status": {"open": "offen", "done": "erledigt"},
    "followups.status": {"open": "offen", "done": "erledigt", "snoozed": "verschoben"},
    "followups.priority": {"1": "hoch", "2": "normal", "3": "niedrig"},
    "vouchers.kind": {"value": "Wertgutschein", "service": "Leistungsgutschein",
                      "percent": "Rabattgutschein"},
    "vouchers.purpose": {"single": "Einzweckgutschein", "multi": "Mehrzweckgutschein"},
    "voucher_entries.kind": {"issue": "Ausgabe", "redeem": "Einlösung", "reversal": "Storno",
                             "expire": "Verfallen"},
    "points_entries.kind": {"earn": "Gutschrift", "redeem": "Einlösung", "expire": "Verfall",
                            "correction": "Korrektur"},
    "bonus_cards.status": {"active": "aktiv", "blocked": "gesperrt", "replaced": "ersetzt"},
    "referral_rewards.kind": {"voucher": "Gutschein", "points": "Bonuspunkte"},
    "email_messages.kind": {"single": "Einzelmail", "campaign": "Serienmail"},
    "email_messages.state": {"waiting": "wartet", "sending": "wird gesendet",
                             "sent": "gesendet", "failed": "fehlgeschlagen", "unclear": "unklar"},
    "mailing_recipients.role": {"recipient": "Empfänger", "control": "Kontrollgruppe (kein Brief)",
                                "excluded": "ausgeschlossen"},
}

# Codes that work like cash or a key (voucher, card, referral code): shown with their end only.
SHORTENED_COLUMNS = frozenset({"code", "card_number", "bonus_cards.number"})
PHONE_COLUMNS = frozenset({"phone", "mobile"})

_FREQUENCIES = {"YEARLY": ("jährlich", "Jahre"), "MONTHLY": ("monatlich", "Monate"),
                "WEEKLY": ("wöchentlich", "Wochen"), "DAILY": ("täglich", "Tage")}

audit.name_values("tables", SECTION_TITLES)


def column_label(table: str, column: str) -> str:
    return COLUMN_LABELS.get(f"{table}.{column}", COLUMN_LABELS.get(column, column))


def is_shown(table: str, column: str) -> bool:
    """Whether the readable Auskunft shows a column (no row ids, no links, nothing technical)."""
    return not (column == "id" or column.endswith("_id") or column in HIDDEN_COLUMNS
                or f"{table}.{column}" in HIDDEN_COLUMNS)


def code_words(table: str, column: str) -> dict[str, str] | None:
    return CODE_WORDS.get(f"{table}.{column}", CODE_WORDS.get(column))


def recurrence(rule: str) -> str:
    """An RFC 5545 rule as a reader says it: "FREQ=YEARLY;INTERVAL=2" → "alle 2 Jahre"."""
    parts = dict(p.split("=", 1) for p in rule.upper().split(";") if "=" in p)
    frequency = _FREQUENCIES.get(parts.get("FREQ", ""))
    if frequency is None:
        return "nach eigenem Plan"
    interval = int(parts.get("INTERVAL", "1") or 1)
    return frequency[0] if interval == 1 else f"alle {interval} {frequency[1]}"


def shown(table: str, column: str, value: object, zone: tzinfo) -> str:
    """One stored value as the customer reads it."""
    if value is None or value == "":
        return ""
    words = code_words(table, column)
    if words is not None:
        return words.get(str(value), str(value))
    if column in SHORTENED_COLUMNS or f"{table}.{column}" in SHORTENED_COLUMNS:
        return audit.short_code(str(value))
    if column in PHONE_COLUMNS:
        return validation.display_phone(str(value))
    if column == "country":
        return german_name(str(value))
    if column.endswith("_cents") and isinstance(value, int):
        return format_cents(value)
    if column.endswith("_bp") and isinstance(value, int):
        return f"{value / 100:.2f} %".replace(".", ",")
    if column.endswith("rrule"):
        return recurrence(str(value))
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, datetime):
        moment = value.astimezone(zone) if value.tzinfo else value
        return f"{moment:%d.%m.%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, time):
        return f"{value:%H:%M}"
    if isinstance(value, bytes):
        return f"{len(value):,} Bytes".replace(",", ".")
    return _plain_text(str(value))


def secrets(tables: dict[str, list[dict[str, object]]]) -> list[str]:
    """The codes among the customer's data that work like cash or a key."""
    found = []
    for name, rows in tables.items():
        for row in rows:
            found += [str(value) for column, value in row.items()
                      if value and (column in SHORTENED_COLUMNS
                                    or f"{name}.{column}" in SHORTENED_COLUMNS)]
    return found


def masked(text: str, codes: list[str]) -> str:
    """`text` with every code of `codes` shortened, also where a note spelled it with
    spaces or hyphens ("Karte 2 013194 822042")."""
    for code in codes:
        characters = [c for c in code if c.isalnum()]
        if len(characters) > 4:
            pattern = r"[\s-]?".join(map(re.escape, characters))
            text = re.sub(pattern, audit.short_code("".join(characters)), text)
    return text


def _plain_text(text: str) -> str:
    """Free text as stored; a JSON-looking value (a setting copied into a field) in words."""
    if re.fullmatch(r"\s*[\[{].*[\]}]\s*", text, flags=re.DOTALL):
        return re.sub(r'[{}\[\]"]', "", text).replace(":", ": ").strip()
    return text
