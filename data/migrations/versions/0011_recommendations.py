"""recommendations: plans, their status vocabularies, recommendations and their dated updates; change sets of
kind rec and rec_undo (officers' status changes and updates, and their undo)

The change_set kind check is widened in place. On SQLite a rebuild of change_set (what a batch alter does)
would drop a table that observations and audit rows reference, which SQLite refuses while foreign keys are
enforced; so the CHECK clause is edited in the schema itself, as SQLite documents for loosening a
constraint (https://www.sqlite.org/lang_altertable.html, "Making Other Kinds Of Table Schema Changes").

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 07:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FIGURE_KINDS = "kind IN ('set', 'import', 'undo')"
ALL_KINDS = "kind IN ('set', 'import', 'undo', 'rec', 'rec_undo')"


def upgrade() -> None:
    op.create_table(
        'recommendation_plan',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('key', sa.String(length=40), nullable=False, unique=True),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('short_name', sa.String(length=100), nullable=False),
        sa.Column('body', sa.String(length=200), nullable=False),
        sa.Column('vocabulary', sa.String(length=40), nullable=False),
        sa.Column('words', sa.JSON(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('source_document', sa.String(length=300), nullable=False),
        sa.Column('source_locator', sa.String(length=300), nullable=False),
    )
    op.create_table(
        'recommendation_status',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('vocabulary', sa.String(length=40), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('label', sa.String(length=200), nullable=False),
        sa.Column('short_label', sa.String(length=60), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('is_open', sa.Boolean(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('source_document', sa.String(length=300), nullable=False),
        sa.Column('source_locator', sa.String(length=300), nullable=False),
        sa.UniqueConstraint('vocabulary', 'code', name='uq_recommendation_status'),
    )
    op.create_table(
        'recommendation',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column(
            'plan_id', sa.Integer(), sa.ForeignKey('recommendation_plan.id', ondelete='CASCADE'), nullable=False
        ),
        sa.Column('code', sa.String(length=20), nullable=False),
        sa.Column('theme_number', sa.Integer(), nullable=True),
        sa.Column('theme_name', sa.String(length=200), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('responsible_officer', sa.String(length=200), nullable=True),
        sa.Column('status_id', sa.Integer(), sa.ForeignKey('recommendation_status.id'), nullable=False),
        sa.Column('source_document', sa.String(length=300), nullable=False),
        sa.Column('source_locator', sa.String(length=300), nullable=False),
        sa.UniqueConstraint('plan_id', 'code', name='uq_recommendation'),
    )
    op.create_index('ix_recommendation_status_id', 'recommendation', ['status_id'])
    op.create_table(
        'recommendation_update',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column(
            'recommendation_id',
            sa.Integer(),
            sa.ForeignKey('recommendation.id', ondelete='CASCADE'),
            nullable=False,
        ),
        sa.Column('label', sa.String(length=200), nullable=False),
        sa.Column('dated', sa.Date(), nullable=False),
        sa.Column('date_precision', sa.String(length=8), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('status_id', sa.Integer(), sa.ForeignKey('recommendation_status.id'), nullable=True),
        sa.Column('source_document', sa.String(length=300), nullable=False),
        sa.Column('source_locator', sa.String(length=300), nullable=False),
        sa.Column('recorded_by', sa.String(length=200), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('change_set_id', sa.Integer(), sa.ForeignKey('change_set.id'), nullable=True),
        sa.CheckConstraint("date_precision IN ('day', 'month')", name='ck_recommendation_update_precision'),
    )
    op.create_index('ix_recommendation_update_recommendation_id', 'recommendation_update', ['recommendation_id'])
    op.create_index('ix_recommendation_update_dated', 'recommendation_update', ['dated'])
    op.create_index('ix_recommendation_update_change_set_id', 'recommendation_update', ['change_set_id'])
    _change_set_kinds(FIGURE_KINDS, ALL_KINDS)


def downgrade() -> None:
    used = op.get_bind().scalar(sa.text("SELECT count(*) FROM change_set WHERE kind IN ('rec', 'rec_undo')"))
    if used:
        # Narrowing the check would leave rows that break it (SQLite would not even notice): refuse instead.
        raise RuntimeError(f'{used} change set(s) changed recommendations; this store cannot go back before 0011.')
    _change_set_kinds(ALL_KINDS, FIGURE_KINDS)
    op.drop_index('ix_recommendation_update_change_set_id', table_name='recommendation_update')
    op.drop_index('ix_recommendation_update_dated', table_name='recommendation_update')
    op.drop_index('ix_recommendation_update_recommendation_id', table_name='recommendation_update')
    op.drop_table('recommendation_update')
    op.drop_index('ix_recommendation_status_id', table_name='recommendation')
    op.drop_table('recommendation')
    op.drop_table('recommendation_status')
    op.drop_table('recommendation_plan')


def _change_set_kinds(old: str, new: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        op.drop_constraint('ck_change_set_kind', 'change_set', type_='check')
        op.create_check_constraint('ck_change_set_kind', 'change_set', new)
        return
    table = "type = 'table' AND name = 'change_set'"
    version = bind.scalar(sa.text('PRAGMA schema_version'))
    op.execute('PRAGMA writable_schema = ON')
    op.execute(
        sa.text(f'UPDATE sqlite_master SET sql = replace(sql, :old, :new) WHERE {table}').bindparams(old=old, new=new)
    )
    # A new schema version makes every connection (this one included) read the edited definition again.
    op.execute(f'PRAGMA schema_version = {int(version) + 1}')
    op.execute('PRAGMA writable_schema = OFF')
    definition = str(bind.scalar(sa.text(f'SELECT sql FROM sqlite_master WHERE {table}')))
    if new not in definition:
        raise RuntimeError(f'could not change the change_set kind check: the table reads {definition!r}')
