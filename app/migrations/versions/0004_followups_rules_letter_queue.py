"""Follow-ups, maintenance objects, rules with their firings, the letter list, call-list dismissals.

The default rules are not seeded here but lazily by the rule service at its first run,
with the injected clock (a migration has no clock, and `last_processed` must start there).

Revision ID: 0004
Revises: 0001
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('params', sa.Text(), nullable=False),
    sa.Column('create_followup', sa.Boolean(), nullable=False),
    sa.Column('subject_template', sa.String(length=200), nullable=False),
    sa.Column('assignee', sa.String(length=128), nullable=False),
    sa.Column('letter_template', sa.String(length=64), nullable=False),
    sa.Column('last_processed', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rules'))
    )
    op.create_table('call_list_dismissals',
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('until', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_call_list_dismissals_customer_id_customers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('customer_id', name=op.f('pk_call_list_dismissals'))
    )
    op.create_table('letter_queue',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('template_key', sa.String(length=64), nullable=False),
    sa.Column('rule_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('created_by', sa.String(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_letter_queue_customer_id_customers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rule_id'], ['rules.id'], name=op.f('fk_letter_queue_rule_id_rules'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_queue'))
    )
    with op.batch_alter_table('letter_queue', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_letter_queue_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_letter_queue_template_key'), ['template_key'], unique=False)

    op.create_table('maintenance_objects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('address_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('model', sa.String(length=200), nullable=False),
    sa.Column('year_built', sa.Integer(), nullable=True),
    sa.Column('rrule', sa.String(length=200), nullable=False),
    sa.Column('last_service', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['address_id'], ['addresses.id'], name=op.f('fk_maintenance_objects_address_id_addresses'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_maintenance_objects_customer_id_customers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_maintenance_objects'))
    )
    with op.batch_alter_table('maintenance_objects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_maintenance_objects_customer_id'), ['customer_id'], unique=False)

    op.create_table('followups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('due_time', sa.Time(), nullable=True),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('assignee', sa.String(length=128), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('rrule', sa.String(length=200), nullable=False),
    sa.Column('recur_from', sa.String(length=16), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('completed_at', sa.DateTime(), nullable=True),
    sa.Column('notified_at', sa.DateTime(), nullable=True),
    sa.Column('rule_id', sa.Integer(), nullable=True),
    sa.Column('maintenance_object_id', sa.Integer(), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact_persons.id'], name=op.f('fk_followups_contact_id_contact_persons'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_followups_customer_id_customers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['maintenance_object_id'], ['maintenance_objects.id'], name=op.f('fk_followups_maintenance_object_id_maintenance_objects'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['rule_id'], ['rules.id'], name=op.f('fk_followups_rule_id_rules'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_followups'))
    )
    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_followups_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_followups_maintenance_object_id'), ['maintenance_object_id'], unique=False)
        batch_op.create_index('ix_followups_status_due', ['status', 'due_date'], unique=False)

    op.create_table('rule_firings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('occasion_key', sa.String(length=64), nullable=False),
    sa.Column('fired_on', sa.Date(), nullable=False),
    sa.Column('followup_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_rule_firings_customer_id_customers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['followup_id'], ['followups.id'], name=op.f('fk_rule_firings_followup_id_followups'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['rule_id'], ['rules.id'], name=op.f('fk_rule_firings_rule_id_rules'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_firings')),
    sa.UniqueConstraint('rule_id', 'customer_id', 'occasion_key', name=op.f('uq_rule_firings_rule_id'))
    )
    with op.batch_alter_table('rule_firings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rule_firings_customer_id'), ['customer_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('rule_firings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rule_firings_customer_id'))

    op.drop_table('rule_firings')
    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.drop_index('ix_followups_status_due')
        batch_op.drop_index(batch_op.f('ix_followups_maintenance_object_id'))
        batch_op.drop_index(batch_op.f('ix_followups_customer_id'))

    op.drop_table('followups')
    with op.batch_alter_table('maintenance_objects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_maintenance_objects_customer_id'))

    op.drop_table('maintenance_objects')
    with op.batch_alter_table('letter_queue', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_letter_queue_template_key'))
        batch_op.drop_index(batch_op.f('ix_letter_queue_customer_id'))

    op.drop_table('letter_queue')
    op.drop_table('call_list_dismissals')
    op.drop_table('rules')
