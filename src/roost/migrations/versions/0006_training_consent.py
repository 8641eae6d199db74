"""training consent: the consent ledger, the level in force on accounts, the per-post opt-out and
the consent each event was recorded under (issue 5)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 08:40:00.000000
"""
from alembic import op
import sqlalchemy as sa
import roost.kit.types


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('training_consents',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('account_id', sa.BigInteger(), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('changed_at', roost.kit.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_training_consents_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_consents'))
    )
    with op.batch_alter_table('training_consents', schema=None) as batch_op:
        batch_op.create_index('ix_training_consents_account', ['account_id', 'changed_at'], unique=False)
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('training_consent', sa.String(length=16), server_default='none', nullable=False))
    with op.batch_alter_table('statuses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('training_opt_out', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent', sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('consent')
    with op.batch_alter_table('statuses', schema=None) as batch_op:
        batch_op.drop_column('training_opt_out')
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_column('training_consent')
    with op.batch_alter_table('training_consents', schema=None) as batch_op:
        batch_op.drop_index('ix_training_consents_account')
    op.drop_table('training_consents')
