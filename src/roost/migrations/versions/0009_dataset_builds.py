"""dataset builds: versioned builds per kind and whose data each included (issue 5, section 5)

Revision ID: 0009
Revises: 0006
Create Date: 2026-12-05 11:30:00.000000
"""
from alembic import op
import sqlalchemy as sa
import roost.kit.types


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('dataset_builds',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('requested_by', sa.BigInteger(), nullable=True),
    sa.Column('created_at', roost.kit.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', roost.kit.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', roost.kit.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('from_seq', sa.BigInteger(), nullable=False),
    sa.Column('to_seq', sa.BigInteger(), nullable=True),
    sa.Column('base_build_id', sa.BigInteger(), nullable=True),
    sa.Column('progress', sa.Float(), nullable=False),
    sa.Column('stage', sa.String(length=64), nullable=True),
    sa.Column('rows', sa.BigInteger(), nullable=True),
    sa.Column('bytes', sa.BigInteger(), nullable=True),
    sa.Column('path', sa.Text(), nullable=True),
    sa.Column('out_dir', sa.Text(), nullable=True),
    sa.Column('salt', sa.String(length=64), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('recalled_at', roost.kit.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('superseded_by', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['requested_by'], ['accounts.id'], name=op.f('fk_dataset_builds_requested_by_accounts'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dataset_builds')),
    sa.UniqueConstraint('kind', 'version', name='uq_dataset_builds_kind_version')
    )
    with op.batch_alter_table('dataset_builds', schema=None) as batch_op:
        batch_op.create_index('ix_dataset_builds_kind_state', ['kind', 'state'], unique=False)
    op.create_table('dataset_build_accounts',
    sa.Column('build_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('account_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_dataset_build_accounts_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['build_id'], ['dataset_builds.id'], name=op.f('fk_dataset_build_accounts_build_id_dataset_builds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('build_id', 'account_id', name=op.f('pk_dataset_build_accounts'))
    )
    with op.batch_alter_table('dataset_build_accounts', schema=None) as batch_op:
        batch_op.create_index('ix_dataset_build_accounts_account', ['account_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('dataset_build_accounts', schema=None) as batch_op:
        batch_op.drop_index('ix_dataset_build_accounts_account')
    op.drop_table('dataset_build_accounts')
    with op.batch_alter_table('dataset_builds', schema=None) as batch_op:
        batch_op.drop_index('ix_dataset_builds_kind_state')
    op.drop_table('dataset_builds')
