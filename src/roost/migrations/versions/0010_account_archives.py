"""account archives: a person's requests for an archive of their own data (issue 5 section 6)

Revision ID: 0010
Revises: 0006
Create Date: 2026-12-05 11:40:00.000000
"""
from alembic import op
import sqlalchemy as sa
import roost.kit.types


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('account_archives',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('account_id', sa.BigInteger(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('created_at', roost.kit.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', roost.kit.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('path', sa.String(length=255), nullable=True),
    sa.Column('size', sa.BigInteger(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_account_archives_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_archives'))
    )
    with op.batch_alter_table('account_archives', schema=None) as batch_op:
        batch_op.create_index('ix_account_archives_account', ['account_id', 'created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('account_archives', schema=None) as batch_op:
        batch_op.drop_index('ix_account_archives_account')
    op.drop_table('account_archives')
