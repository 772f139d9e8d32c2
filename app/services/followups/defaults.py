"""The rules a new database starts with, and the placeholders of a rule's follow-up subject.

Only rules about a day's own occasions start switched on (birthday, after the first
purchase): a rule about a state many customers are already in (dormant, at risk) would create
one follow-up per such customer the first night after an import, so it starts off, and any
rule asks before it acts for many at once (see `release.py`).
"""

from __future__ import annotations

from typing import Any

# The placeholders of a follow-up's subject: the same {{ … }} syntax as letter templates.
SUBJECT_PLACEHOLDERS = {
    "grund": "der Anlass, z. B. „kein Einkauf seit 12.03.2024“",
    "kunde": "Name des Kunden",
    "kundennummer": "Kundennummer, z. B. K-000123",
}


# The rules a new database starts with (seeded at the first run, see `ensure_defaults`).
DEFAULT_RULES: tuple[dict[str, Any], ...] = (
    {"kind": "birthday", "name": "Geburtstag", "enabled": True,
     "subject_template": "Geburtstagsgruß: {{ grund }}", "letter_template": ""},
    {"kind": "first_purchase", "name": "Nach dem Erstkauf", "enabled": True,
     "subject_template": "Zufriedenheit nachfragen ({{ grund }})", "letter_template": ""},
    {"kind": "dormant", "name": "Schlafender Kunde", "enabled": False,
     "subject_template": "Reaktivieren: {{ grund }}", "letter_template": ""},
    {"kind": "big_purchase", "name": "Großer Einkauf", "enabled": False,
     "subject_template": "Dankeschön: {{ grund }}", "letter_template": ""},
    {"kind": "class_a", "name": "Neu A-Kunde", "enabled": False,
     "subject_template": "Persönlich melden: {{ grund }}", "letter_template": ""},
    {"kind": "voucher_expiring", "name": "Gutschein läuft ab", "enabled": False,
     "subject_template": "Auf Gutschein hinweisen: {{ grund }}", "letter_template": ""},
    {"kind": "card_reward", "name": "Bonuskarte erreicht Prämie", "enabled": False,
     "subject_template": "Prämie anbieten: {{ grund }}", "letter_template": ""},
    {"kind": "club_renewal", "name": "Clubmitgliedschaft verlängern", "enabled": False,
     "subject_template": "Verlängerung anbieten: {{ grund }}", "letter_template": ""},
)
