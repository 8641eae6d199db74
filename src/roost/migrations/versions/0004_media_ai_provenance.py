"""media ai provenance: what an uploaded file claimed about AI generation

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 07:15:00
"""
from alembic import op
import sqlalchemy as sa
import roost.kit.types


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('media_attachments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ai_provenance_source', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('ai_provenance', roost.kit.types.JSONType(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('media_attachments', schema=None) as batch_op:
        batch_op.drop_column('ai_provenance')
        batch_op.drop_column('ai_provenance_source')
