"""committee digests: digest settings on committee, meeting status and source, and the delivery outbox

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 07:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('committee') as batch:
        batch.add_column(sa.Column('platform', sa.String(length=20), server_default='slack', nullable=False))
        batch.add_column(sa.Column('lead_days', sa.Integer(), server_default='7', nullable=False))
        batch.add_column(sa.Column('indicators', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('support_channel', sa.String(length=100), nullable=True))
    with op.batch_alter_table('meeting') as batch:
        batch.add_column(sa.Column('source', sa.String(length=20), server_default='manual', nullable=False))
        batch.add_column(sa.Column('status', sa.String(length=16), server_default='confirmed', nullable=False))
        batch.add_column(sa.Column('title', sa.String(length=300), nullable=True))
        batch.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
        batch.create_check_constraint('ck_meeting_status', "status IN ('confirmed', 'cancelled')")
    op.create_table(
        'delivery',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('committee_id', sa.Integer(), sa.ForeignKey('committee.id', ondelete='CASCADE'), nullable=False),
        sa.Column('meeting_id', sa.Integer(), sa.ForeignKey('meeting.id', ondelete='CASCADE'), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('destination', sa.String(length=200), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('late', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('owner', sa.String(length=64), nullable=True),
        sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
        sa.Column('message_id', sa.String(length=200), nullable=True),
        sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.UniqueConstraint('committee_id', 'meeting_id', 'kind', 'destination', name='uq_delivery'),
        sa.CheckConstraint("state IN ('claimed', 'posted', 'sent', 'skipped')", name='ck_delivery_state'),
    )
    op.create_index('ix_delivery_meeting_id', 'delivery', ['meeting_id'])
    op.create_index('ix_delivery_state', 'delivery', ['state'])


def downgrade() -> None:
    op.drop_index('ix_delivery_state', table_name='delivery')
    op.drop_index('ix_delivery_meeting_id', table_name='delivery')
    op.drop_table('delivery')
    with op.batch_alter_table('meeting') as batch:
        batch.drop_constraint('ck_meeting_status', type_='check')
        for column in ('updated_at', 'title', 'status', 'source'):
            batch.drop_column(column)
    with op.batch_alter_table('committee') as batch:
        for column in ('support_channel', 'indicators', 'lead_days', 'platform'):
            batch.drop_column(column)
