"""E-mail attachments stored once (content-addressed) instead of inside every message.

A campaign of 5,000 mails with the same PDF kept it 5,000 times in `email_messages.raw`;
now each distinct attachment part is one row of `email_attachments` (key: SHA-256 of its
bytes) and each message links to it. Messages queued before keep their whole bytes and are
sent as they are. A trigger deletes an attachment when its last link goes (a message erased
with its customer, Art. 17 DSGVO), so no personal PDF outlives its mails.

Revision ID: 0016
Revises: 0013
"""

from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0013'
branch_labels = None
depends_on = None

RELEASE = ("DELETE FROM email_attachments WHERE digest = OLD.digest AND NOT EXISTS "
           "(SELECT 1 FROM email_message_attachments WHERE digest = OLD.digest)")


def upgrade() -> None:
    op.create_table('email_attachments',
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('part', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('digest', name=op.f('pk_email_attachments'))
    )
    op.create_table('email_message_attachments',
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['digest'], ['email_attachments.digest'], name=op.f('fk_email_message_attachments_digest_email_attachments')),
    sa.ForeignKeyConstraint(['message_id'], ['email_messages.id'], name=op.f('fk_email_message_attachments_message_id_email_messages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('message_id', 'digest', name=op.f('pk_email_message_attachments'))
    )
    with op.batch_alter_table('email_message_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_email_message_attachments_digest'), ['digest'], unique=False)
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("CREATE TRIGGER email_attachments_release AFTER DELETE ON "
                   f"email_message_attachments BEGIN {RELEASE}; END")
    elif dialect == "postgresql":
        op.execute("CREATE FUNCTION email_attachments_release() RETURNS trigger "
                   f"LANGUAGE plpgsql AS $$ BEGIN {RELEASE}; RETURN NULL; END $$")
        op.execute("CREATE TRIGGER email_attachments_release AFTER DELETE ON "
                   "email_message_attachments FOR EACH ROW "
                   "EXECUTE FUNCTION email_attachments_release()")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS email_attachments_release")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS email_attachments_release "
                   "ON email_message_attachments")
        op.execute("DROP FUNCTION IF EXISTS email_attachments_release()")
    with op.batch_alter_table('email_message_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_email_message_attachments_digest'))

    op.drop_table('email_message_attachments')
    op.drop_table('email_attachments')
