"""conversation references: where the bot may post unprompted (Teams installs), and which refused it

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26 07:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'conversation_reference',
        sa.Column('platform', sa.String(length=20), primary_key=True),
        sa.Column('address', sa.String(length=300), primary_key=True),
        sa.Column('reference', sa.JSON(), nullable=False),
        sa.Column('scope', sa.String(length=20), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('dead_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('dead_reason', sa.Text(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table('conversation_reference')
