"""event leases: claim -> posted -> done, so a claimed event a dead process left is finished by the next

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 06:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Rows from before leases were all answered (or lost for good): they start as done.
    with op.batch_alter_table('processed_event') as batch:
        batch.add_column(sa.Column('state', sa.String(length=10), server_default='done', nullable=False))
        batch.add_column(sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('owner', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch.add_column(sa.Column('payload', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('posted_ref', sa.String(length=200), nullable=True))
        batch.create_check_constraint('ck_processed_event_state', "state IN ('claimed', 'posted', 'done')")
        batch.create_index('ix_processed_event_received_at', ['received_at'])
        batch.create_index('ix_processed_event_state', ['state'])


def downgrade() -> None:
    with op.batch_alter_table('processed_event') as batch:
        batch.drop_index('ix_processed_event_state')
        batch.drop_index('ix_processed_event_received_at')
        batch.drop_constraint('ck_processed_event_state', type_='check')
        for column in ('posted_ref', 'payload', 'attempts', 'owner', 'lease_until', 'state'):
            batch.drop_column(column)
