"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}
"""
from alembic import op
import sqlalchemy as sa
import roost.kit.types
${imports if imports else ""}

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}
% if not down_revision:
    from roost.search.trigram import create_indexes

    create_indexes(op)  # PostgreSQL only: pg_trgm indexes for account search
% endif


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
