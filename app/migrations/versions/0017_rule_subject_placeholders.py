"""Rule subjects use the placeholder syntax of the letter templates: {{ grund }}.

Revision ID: 0017
Revises: 0004

Rules stored `{reason}`, `{name}` and `{number}` (Python format fields) while letter
templates use `{{ briefanrede }}`; users now write one syntax everywhere. Only the stored text
changes, no column.
"""

from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0004'
branch_labels = None
depends_on = None

OLD_TO_NEW = (("{reason}", "{{ grund }}"), ("{name}", "{{ kunde }}"),
              ("{number}", "{{ kundennummer }}"))

rules = sa.table('rules', sa.column('id', sa.Integer), sa.column('subject_template', sa.String))


def _rewrite(pairs: tuple[tuple[str, str], ...]) -> None:
    connection = op.get_bind()
    for rule_id, subject in connection.execute(sa.select(rules.c.id, rules.c.subject_template)):
        changed = subject or ""
        for old, new in pairs:
            changed = changed.replace(old, new)
        if changed != (subject or ""):
            connection.execute(rules.update().where(rules.c.id == rule_id)
                               .values(subject_template=changed))


def upgrade() -> None:
    _rewrite(OLD_TO_NEW)


def downgrade() -> None:
    _rewrite(tuple((new, old) for old, new in OLD_TO_NEW))
