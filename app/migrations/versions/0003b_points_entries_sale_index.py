"""Index points_entries.sale_id: crediting sales asks "is this sale credited in any account
of the program?" per sale; without the index that is a scan of the whole ledger.

A revision of its own because 0003 was already merged and may have built databases.

Revision ID: 0003b
Revises: 0003
"""

from alembic import op

revision = '0003b'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('points_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_points_entries_sale_id'), ['sale_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('points_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_points_entries_sale_id'))
