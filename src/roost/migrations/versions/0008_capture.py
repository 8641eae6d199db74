"""capture: show more / show less per post, ratings of the assistant's answers, and "try
again" on them (issue 5 §4)

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-05 11:19:23.991929
"""
from alembic import op
import sqlalchemy as sa
import roost.kit.types


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ai_assistant_ratings',
    sa.Column('account_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('status_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('rating', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_at', roost.kit.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_ai_assistant_ratings_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['status_id'], ['statuses.id'], name=op.f('fk_ai_assistant_ratings_status_id_statuses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('account_id', 'status_id', name=op.f('pk_ai_assistant_ratings'))
    )
    op.create_table('ai_assistant_regenerations',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('reply_status_id', sa.BigInteger(), nullable=False),
    sa.Column('asker_account_id', sa.BigInteger(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_at', roost.kit.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['asker_account_id'], ['accounts.id'], name=op.f('fk_ai_assistant_regenerations_asker_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reply_status_id'], ['statuses.id'], name=op.f('fk_ai_assistant_regenerations_reply_status_id_statuses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ai_assistant_regenerations'))
    )
    with op.batch_alter_table('ai_assistant_regenerations', schema=None) as batch_op:
        batch_op.create_index('ix_ai_assistant_regenerations_asker', ['asker_account_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_ai_assistant_regenerations_reply_status_id'), ['reply_status_id'], unique=False)
    op.create_table('status_feedback',
    sa.Column('account_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('status_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('signal', sa.String(length=8), nullable=False),
    sa.Column('created_at', roost.kit.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_status_feedback_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['status_id'], ['statuses.id'], name=op.f('fk_status_feedback_status_id_statuses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('account_id', 'status_id', name=op.f('pk_status_feedback'))
    )


def downgrade() -> None:
    op.drop_table('status_feedback')
    with op.batch_alter_table('ai_assistant_regenerations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ai_assistant_regenerations_reply_status_id'))
        batch_op.drop_index('ix_ai_assistant_regenerations_asker')
    op.drop_table('ai_assistant_regenerations')
    op.drop_table('ai_assistant_ratings')
