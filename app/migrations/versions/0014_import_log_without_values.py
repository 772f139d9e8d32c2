"""Scrub the values of refused rows from the customer import log (issue 16, point 7).

The log used to keep each refused row's reason as the check wrote it ("E-Mail: „anna@“ ist
keine gültige E-Mail-Adresse"), values and all, linked to no customer: Art. 15 and 17 DSGVO
would never find them. This keeps the line and the field names of each reason and drops the
rest; a reason that names no known field keeps only "vCard nicht lesbar", "Text außerhalb
einer vCard" or "nicht lesbar". The imported rows' entries ({line, fields}) already hold
field names only. Nothing to restore on downgrade: the values are gone for good.

Revision ID: 0014
Revises: 0006
"""

import json

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0006'
branch_labels = None
depends_on = None

# Every field name a refusal reason could start with ("E-Mail: …"), as of this revision.
LABELS = frozenset({
    "Anrede", "Betreuer", "Datei", "E-Mail", "Firma", "Geburtstag", "Kundenart",
    "Kundennummer", "Land", "Mobil", "Nachname", "Notiz", "Ort", "PLZ", "Straße", "Tags",
    "Telefon", "Titel", "Vorname", "Weitere Adresse: Bezeichnung", "Weitere Adresse: Land",
    "Weitere Adresse: Ort", "Weitere Adresse: PLZ", "Weitere Adresse: Straße",
})
READER_KINDS = ("vCard nicht lesbar", "Text außerhalb einer vCard")
KIND = "ungültig"  # what the old reason said is not kept: it may hold the value

logs = sa.table("customer_import_logs", sa.column("id", sa.Integer),
                sa.column("rejected", sa.Text))


def scrubbed(entry: dict) -> dict:
    if "reason" not in entry:
        return entry
    reason = str(entry["reason"])
    fields = []
    for part in reason.split("; "):
        label = next((name for name in sorted(LABELS, key=len, reverse=True)
                      if part.startswith(name + ":")), None)
        if label is not None and label not in fields:
            fields.append(label)
    if fields:
        return {"line": entry["line"], "refused": [{"field": f, "kind": KIND} for f in fields]}
    kind = next((k for k in READER_KINDS if reason.startswith(k)), "nicht lesbar")
    return {"line": entry["line"], "kind": kind}


def upgrade() -> None:
    connection = op.get_bind()
    for log_id, rejected in connection.execute(sa.select(logs.c.id, logs.c.rejected)).all():
        entries = json.loads(rejected or "[]")
        cleaned = [scrubbed(entry) for entry in entries]
        if cleaned != entries:
            connection.execute(logs.update().where(logs.c.id == log_id).values(
                rejected=json.dumps(cleaned, ensure_ascii=False)))


def downgrade() -> None:
    pass
