"""digest previews and ward briefings: the area support team's note on a preview, and wards' councillors

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-28 07:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('delivery') as batch:
        batch.add_column(sa.Column('support_note', sa.Text(), nullable=True))
    op.create_table(
        'ward_councillor',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column(
            'geography_id', sa.Integer(), sa.ForeignKey('geography.id', ondelete='CASCADE'), nullable=False
        ),
        sa.Column('platform', sa.String(length=20), nullable=False),
        sa.Column('user_id', sa.String(length=100), nullable=False),
        sa.UniqueConstraint('geography_id', 'platform', 'user_id', name='uq_ward_councillor'),
    )
    op.create_index('ix_ward_councillor_geography_id', 'ward_councillor', ['geography_id'])


def downgrade() -> None:
    op.drop_index('ix_ward_councillor_geography_id', table_name='ward_councillor')
    op.drop_table('ward_councillor')
    with op.batch_alter_table('delivery') as batch:
        batch.drop_column('support_note')
