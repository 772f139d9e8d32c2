"""What the contact policy knows besides consents: a returned letter, a bounced e-mail, death.

Revision ID: 0010
Revises: 0001
"""

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address_invalid_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('email_invalid_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('deceased_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_column('deceased_at')
        batch_op.drop_column('email_invalid_at')
        batch_op.drop_column('address_invalid_at')
