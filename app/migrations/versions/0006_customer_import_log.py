"""Customer import log (issue 7: import and export).

Revision ID: 0006
Revises: 0001
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('customer_import_logs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=260), nullable=False),
    sa.Column('file_format', sa.String(length=16), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.Column('imported_by', sa.String(length=128), nullable=False),
    sa.Column('rows_total', sa.Integer(), nullable=False),
    sa.Column('added', sa.Integer(), nullable=False),
    sa.Column('merged', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.Integer(), nullable=False),
    sa.Column('rejected_count', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.Text(), nullable=False),
    sa.Column('mapping', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_import_logs'))
    )
    with op.batch_alter_table('customer_import_logs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_import_logs_imported_at'), ['imported_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('customer_import_logs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_import_logs_imported_at'))

    op.drop_table('customer_import_logs')
