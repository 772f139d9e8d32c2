"""Append-only ledgers and audit log cannot be bypassed with one statement.

- SQLite: `REPLACE INTO` (or `INSERT OR REPLACE`) on an existing entry deletes the old row
  without firing the DELETE trigger (SQLite fires delete triggers for REPLACE only with
  recursive triggers on) and writes a new one: a rewritten voucher booking. A BEFORE INSERT
  trigger refuses every insert that would collide with an existing entry — by id or by one of
  the table's unique keys — so REPLACE never gets to delete anything. A plain insert with such
  a collision failed before (unique constraint) and fails now with this message instead.
- PostgreSQL: `TRUNCATE` fires no row triggers; a statement-level BEFORE TRUNCATE trigger
  refuses it with the same functions that refuse UPDATE and DELETE.

Revision ID: 0011
Revises: 0007 (audit_entries), depends on 0003 (the ledgers)
"""

from alembic import op

revision = '0011'
down_revision = '0007'
branch_labels = None
depends_on = ('0003',)

# table → condition under which a new row collides with an existing one
COLLISIONS = {
    "points_entries": "id = NEW.id OR (account_id = NEW.account_id AND sale_id = NEW.sale_id)",
    "voucher_entries": "id = NEW.id OR idempotency_key = NEW.idempotency_key",
    "audit_entries": "id = NEW.id",
}
TRUNCATE_REFUSAL = {
    "points_entries": "ledger_append_only",
    "voucher_entries": "ledger_append_only",
    "audit_entries": "audit_entries_refuse",
}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table, collision in COLLISIONS.items():
            op.execute(
                f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
                f"WHEN EXISTS (SELECT 1 FROM {table} WHERE {collision}) "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: an existing entry cannot "
                "be replaced, book a reversal entry instead'); END")
    elif dialect == "postgresql":
        for table, function in TRUNCATE_REFUSAL.items():
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in COLLISIONS:
        if dialect == "sqlite":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_replace")
        elif dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
