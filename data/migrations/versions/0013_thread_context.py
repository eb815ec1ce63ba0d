"""thread context: the last question asked in each chat thread, for follow-ups ("and 2022?")

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 15:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'thread_context',
        sa.Column('thread', sa.String(length=64), primary_key=True),
        sa.Column('question', sa.JSON(), nullable=False),
        sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_thread_context_asked_at', 'thread_context', ['asked_at'])


def downgrade() -> None:
    op.drop_index('ix_thread_context_asked_at', table_name='thread_context')
    op.drop_table('thread_context')
