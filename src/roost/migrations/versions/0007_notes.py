"""notes: context notes on posts and their helpful / not helpful ratings (issue 5, section 4)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 11:30:00.000000
"""
from alembic import op
import sqlalchemy as sa
import roost.kit.types


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('notes',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('status_id', sa.BigInteger(), nullable=False),
    sa.Column('account_id', sa.BigInteger(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', roost.kit.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', roost.kit.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_notes_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['status_id'], ['statuses.id'], name=op.f('fk_notes_status_id_statuses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notes'))
    )
    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.create_index('ix_notes_account', ['account_id'], unique=False)
        batch_op.create_index('ix_notes_status', ['status_id', 'id'], unique=False)
        batch_op.create_index('uq_notes_live', ['status_id', 'account_id'], unique=True,
                              sqlite_where=sa.text('deleted_at IS NULL'),
                              postgresql_where=sa.text('deleted_at IS NULL'))

    op.create_table('note_ratings',
    sa.Column('note_id', sa.BigInteger(), nullable=False),
    sa.Column('account_id', sa.BigInteger(), nullable=False),
    sa.Column('helpful', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=True),
    sa.Column('created_at', roost.kit.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', roost.kit.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_note_ratings_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['note_id'], ['notes.id'], name=op.f('fk_note_ratings_note_id_notes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('note_id', 'account_id', name=op.f('pk_note_ratings'))
    )
    with op.batch_alter_table('note_ratings', schema=None) as batch_op:
        batch_op.create_index('ix_note_ratings_account', ['account_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('note_ratings', schema=None) as batch_op:
        batch_op.drop_index('ix_note_ratings_account')
    op.drop_table('note_ratings')
    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.drop_index('uq_notes_live', sqlite_where=sa.text('deleted_at IS NULL'),
                            postgresql_where=sa.text('deleted_at IS NULL'))
        batch_op.drop_index('ix_notes_status')
        batch_op.drop_index('ix_notes_account')
    op.drop_table('notes')
