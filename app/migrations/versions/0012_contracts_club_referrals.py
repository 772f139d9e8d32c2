"""Maintenance contracts with their objects, the customer club, Kunden werben Kunden.

Two parents: the contracts cover maintenance objects (0004), a referral reward points at a
voucher or a points entry (0003b).

Revision ID: 0012
Revises: 0003b, 0004
"""

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = ('0003b', '0004')
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('club_levels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('fee_cents', sa.Integer(), nullable=False),
    sa.Column('discount_bp', sa.Integer(), nullable=False),
    sa.Column('free_check', sa.Boolean(), nullable=False),
    sa.Column('priority', sa.Boolean(), nullable=False),
    sa.Column('join_voucher_cents', sa.Integer(), nullable=False),
    sa.Column('benefits', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_club_levels')),
    sa.UniqueConstraint('name', name=op.f('uq_club_levels_name'))
    )
    op.create_table('club_memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('level_id', sa.Integer(), nullable=False),
    sa.Column('card_number', sa.String(length=13), nullable=False),
    sa.Column('joined_on', sa.Date(), nullable=False),
    sa.Column('paid_until', sa.Date(), nullable=False),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.Column('created_by', sa.String(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_club_memberships_customer_id_customers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['level_id'], ['club_levels.id'], name=op.f('fk_club_memberships_level_id_club_levels')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_club_memberships')),
    sa.UniqueConstraint('card_number', name=op.f('uq_club_memberships_card_number'))
    )
    with op.batch_alter_table('club_memberships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_club_memberships_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_club_memberships_level_id'), ['level_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_club_memberships_paid_until'), ['paid_until'], unique=False)

    op.create_table('contracts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('customer_kind', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('concluded_on', sa.Date(), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('min_months', sa.Integer(), nullable=False),
    sa.Column('min_term_end', sa.Date(), nullable=True),
    sa.Column('renewal', sa.String(length=8), nullable=False),
    sa.Column('renewal_months', sa.Integer(), nullable=False),
    sa.Column('notice_months', sa.Integer(), nullable=False),
    sa.Column('price_cents', sa.Integer(), nullable=False),
    sa.Column('price_per', sa.String(length=8), nullable=False),
    sa.Column('previous_price_cents', sa.Integer(), nullable=True),
    sa.Column('price_changed_on', sa.Date(), nullable=True),
    sa.Column('payment_interval', sa.String(length=16), nullable=False),
    sa.Column('visit_rrule', sa.String(length=200), nullable=False),
    sa.Column('included', sa.Text(), nullable=False),
    sa.Column('services', sa.Text(), nullable=False),
    sa.Column('ended_by', sa.String(length=16), nullable=False),
    sa.Column('notice_received', sa.Date(), nullable=True),
    sa.Column('last_day', sa.Date(), nullable=True),
    sa.Column('end_rule', sa.Text(), nullable=False),
    sa.Column('end_recorded_by', sa.String(length=128), nullable=False),
    sa.Column('created_by', sa.String(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("customer_kind IN ('private', 'business')", name=op.f('ck_contracts_customer_kind')),
    sa.CheckConstraint("price_per IN ('year', 'visit')", name=op.f('ck_contracts_price_per')),
    sa.CheckConstraint("renewal IN ('tacit', 'none')", name=op.f('ck_contracts_renewal')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_contracts_customer_id_customers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contracts')),
    sa.UniqueConstraint('number', name=op.f('uq_contracts_number'))
    )
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contracts_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contracts_last_day'), ['last_day'], unique=False)

    op.create_table('referrals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referrer_id', sa.Integer(), nullable=False),
    sa.Column('referred_id', sa.Integer(), nullable=False),
    sa.Column('via_code', sa.Boolean(), nullable=False),
    sa.Column('referred_on', sa.Date(), nullable=False),
    sa.Column('created_by', sa.String(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('referrer_id <> referred_id', name=op.f('ck_referrals_not_self')),
    sa.ForeignKeyConstraint(['referred_id'], ['customers.id'], name=op.f('fk_referrals_referred_id_customers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['referrer_id'], ['customers.id'], name=op.f('fk_referrals_referrer_id_customers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referrals')),
    sa.UniqueConstraint('referred_id', name=op.f('uq_referrals_referred_id'))
    )
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referrals_referrer_id'), ['referrer_id'], unique=False)

    op.create_table('contract_objects',
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('maintenance_object_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_contract_objects_contract_id_contracts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['maintenance_object_id'], ['maintenance_objects.id'], name=op.f('fk_contract_objects_maintenance_object_id_maintenance_objects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('contract_id', 'maintenance_object_id', name=op.f('pk_contract_objects'))
    )
    with op.batch_alter_table('contract_objects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_objects_maintenance_object_id'), ['maintenance_object_id'], unique=False)

    op.create_table('referral_rewards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('voucher_id', sa.Integer(), nullable=True),
    sa.Column('points_entry_id', sa.Integer(), nullable=True),
    sa.Column('sale_id', sa.Integer(), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('voucher', 'points')", name=op.f('ck_referral_rewards_kind')),
    sa.ForeignKeyConstraint(['points_entry_id'], ['points_entries.id'], name=op.f('fk_referral_rewards_points_entry_id_points_entries')),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_referral_rewards_referral_id_referrals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['voucher_id'], ['vouchers.id'], name=op.f('fk_referral_rewards_voucher_id_vouchers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_rewards')),
    sa.UniqueConstraint('referral_id', name=op.f('uq_referral_rewards_referral_id'))
    )


def downgrade() -> None:
    op.drop_table('referral_rewards')
    with op.batch_alter_table('contract_objects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_objects_maintenance_object_id'))

    op.drop_table('contract_objects')
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referrals_referrer_id'))

    op.drop_table('referrals')
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contracts_last_day'))
        batch_op.drop_index(batch_op.f('ix_contracts_customer_id'))

    op.drop_table('contracts')
    with op.batch_alter_table('club_memberships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_club_memberships_paid_until'))
        batch_op.drop_index(batch_op.f('ix_club_memberships_level_id'))
        batch_op.drop_index(batch_op.f('ix_club_memberships_customer_id'))

    op.drop_table('club_memberships')
    op.drop_table('club_levels')
