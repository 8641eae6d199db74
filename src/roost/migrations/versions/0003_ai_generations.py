"""ai generations: image generation jobs and their candidates (issue 4)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 19:45:04.448443
"""
from alembic import op
import sqlalchemy as sa
import roost.kit.types


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ai_generations',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('account_id', sa.BigInteger(), nullable=False),
    sa.Column('prompt', sa.Text(), nullable=False),
    sa.Column('style', sa.String(length=32), nullable=True),
    sa.Column('aspect_ratio', sa.String(length=8), nullable=False),
    sa.Column('seed', sa.BigInteger(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('provider_name', sa.String(length=64), nullable=False),
    sa.Column('provider_model', sa.String(length=128), nullable=False),
    sa.Column('provider_label', sa.String(length=255), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('remix_of_status_id', sa.BigInteger(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', roost.kit.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', roost.kit.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', roost.kit.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_ai_generations_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['remix_of_status_id'], ['statuses.id'], name=op.f('fk_ai_generations_remix_of_status_id_statuses'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ai_generations'))
    )
    with op.batch_alter_table('ai_generations', schema=None) as batch_op:
        batch_op.create_index('ix_ai_generations_account', ['account_id', 'created_at'], unique=False)
        batch_op.create_index('ix_ai_generations_remix_of', ['remix_of_status_id'], unique=False)

    op.create_table('ai_candidates',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('generation_id', sa.BigInteger(), nullable=False),
    sa.Column('index', sa.Integer(), nullable=False),
    sa.Column('seed', sa.BigInteger(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('thumb_width', sa.Integer(), nullable=False),
    sa.Column('thumb_height', sa.Integer(), nullable=False),
    sa.Column('content_type', sa.String(length=64), nullable=False),
    sa.Column('file_path', sa.String(length=255), nullable=False),
    sa.Column('thumbnail_path', sa.String(length=255), nullable=False),
    sa.Column('file_size', sa.BigInteger(), nullable=False),
    sa.Column('blurhash', sa.String(length=100), nullable=True),
    sa.Column('sensitive', sa.Boolean(), nullable=False),
    sa.Column('picked_at', roost.kit.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('media_attachment_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', roost.kit.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['generation_id'], ['ai_generations.id'], name=op.f('fk_ai_candidates_generation_id_ai_generations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ai_candidates')),
    sa.UniqueConstraint('generation_id', 'index', name='uq_ai_candidates_generation_index')
    )
    with op.batch_alter_table('media_attachments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ai_generation_id', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('ai_candidate_id', sa.BigInteger(), nullable=True))
        batch_op.create_index(batch_op.f('ix_media_attachments_ai_generation_id'), ['ai_generation_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_media_attachments_ai_generation_id_ai_generations'), 'ai_generations', ['ai_generation_id'], ['id'], ondelete='SET NULL')



def downgrade() -> None:
    with op.batch_alter_table('media_attachments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_media_attachments_ai_generation_id_ai_generations'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_media_attachments_ai_generation_id'))
        batch_op.drop_column('ai_candidate_id')
        batch_op.drop_column('ai_generation_id')

    op.drop_table('ai_candidates')
    with op.batch_alter_table('ai_generations', schema=None) as batch_op:
        batch_op.drop_index('ix_ai_generations_remix_of')
        batch_op.drop_index('ix_ai_generations_account')

    op.drop_table('ai_generations')
