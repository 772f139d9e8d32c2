"""A stable series id on follow-ups, so a recurring one is one calendar series (issue 14).

Completing a recurring follow-up creates the next occurrence as a new row; `series_id` is
what all occurrences share, and the calendar export writes it as the UID of one RRULE event.
Every follow-up that recurs today gets its own new series id; the done occurrences before
it cannot be linked afterwards (no row recorded its predecessor) and need none.

Revision ID: 0018
Revises: 0017
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

followups = sa.table('followups', sa.column('id', sa.Integer), sa.column('rrule', sa.String),
                     sa.column('series_id', sa.String))


def upgrade() -> None:
    with op.batch_alter_table('followups') as batch:
        batch.add_column(sa.Column('series_id', sa.String(length=36), nullable=True))
    connection = op.get_bind()
    recurring = connection.execute(
        sa.select(followups.c.id).where(followups.c.rrule != '')).scalars().all()
    for followup_id in recurring:
        connection.execute(followups.update().where(followups.c.id == followup_id)
                           .values(series_id=str(uuid.uuid4())))


def downgrade() -> None:
    with op.batch_alter_table('followups') as batch:
        batch.drop_column('series_id')
