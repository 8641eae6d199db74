"""ai assistant: the assistant account's marker and its answers (issue 4)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 07:30:00.000000
"""
from alembic import op
import sqlalchemy as sa
import roost.kit.types


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ai_assistant_accounts',
    sa.Column('account_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('created_at', roost.kit.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_ai_assistant_accounts_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('account_id', name=op.f('pk_ai_assistant_accounts'))
    )
    op.create_table('ai_assistant_answers',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('question_status_id', sa.BigInteger(), nullable=False),
    sa.Column('asker_account_id', sa.BigInteger(), nullable=False),
    sa.Column('reply_status_id', sa.BigInteger(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('provider', sa.String(length=64), nullable=True),
    sa.Column('model', sa.String(length=128), nullable=True),
    sa.Column('generation_ms', sa.BigInteger(), nullable=True),
    sa.Column('created_at', roost.kit.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['asker_account_id'], ['accounts.id'], name=op.f('fk_ai_assistant_answers_asker_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_status_id'], ['statuses.id'], name=op.f('fk_ai_assistant_answers_question_status_id_statuses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reply_status_id'], ['statuses.id'], name=op.f('fk_ai_assistant_answers_reply_status_id_statuses'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ai_assistant_answers')),
    sa.UniqueConstraint('question_status_id', name=op.f('uq_ai_assistant_answers_question_status_id'))
    )
    with op.batch_alter_table('ai_assistant_answers', schema=None) as batch_op:
        batch_op.create_index('ix_ai_assistant_answers_asker', ['asker_account_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_ai_assistant_answers_reply_status_id'), ['reply_status_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('ai_assistant_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ai_assistant_answers_reply_status_id'))
        batch_op.drop_index('ix_ai_assistant_answers_asker')

    op.drop_table('ai_assistant_answers')
    op.drop_table('ai_assistant_accounts')
