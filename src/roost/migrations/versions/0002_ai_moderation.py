"""ai moderation decisions: the moderators' log of AI moderation checks (issue 4)

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04 18:56:43.938502
"""
from alembic import op
import sqlalchemy as sa
import roost.kit.types


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ai_moderation_decisions',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('account_id', sa.BigInteger(), nullable=True),
    sa.Column('subject_kind', sa.String(length=16), nullable=False),
    sa.Column('subject_id', sa.BigInteger(), nullable=True),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('verdict', sa.String(length=16), nullable=False),
    sa.Column('categories', roost.kit.types.JSONType(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('provider', sa.String(length=128), nullable=False),
    sa.Column('created_at', roost.kit.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_ai_moderation_decisions_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ai_moderation_decisions'))
    )
    with op.batch_alter_table('ai_moderation_decisions', schema=None) as batch_op:
        batch_op.create_index('ix_ai_moderation_decisions_account', ['account_id', 'id'], unique=False)
        batch_op.create_index('ix_ai_moderation_decisions_verdict', ['verdict', 'id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('ai_moderation_decisions', schema=None) as batch_op:
        batch_op.drop_index('ix_ai_moderation_decisions_verdict')
        batch_op.drop_index('ix_ai_moderation_decisions_account')

    op.drop_table('ai_moderation_decisions')
