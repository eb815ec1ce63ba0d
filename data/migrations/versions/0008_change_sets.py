"""change sets: officers' edits as units that can be previewed, confirmed, audited and undone

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 07:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'change_set',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('actor', sa.String(length=100), nullable=False),
        sa.Column('actor_name', sa.String(length=200), nullable=False),
        sa.Column('channel', sa.String(length=20), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('payload', sa.JSON(), nullable=True),
        sa.Column('applied_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('undoes_id', sa.Integer(), sa.ForeignKey('change_set.id'), nullable=True),
        sa.CheckConstraint("kind IN ('set', 'import', 'undo')", name='ck_change_set_kind'),
        sa.CheckConstraint("state IN ('pending', 'applied', 'cancelled')", name='ck_change_set_state'),
    )
    op.create_index('ix_change_set_actor', 'change_set', ['actor'])
    # Plain ADD COLUMN with its reference on every backend: a batch rebuild would copy the whole observation
    # table on SQLite for a nullable column (and SQLite's ALTER takes REFERENCES, which Alembic won't emit).
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for table, column, name in (
        ('observation', 'change_set_id', 'fk_observation_change_set'),
        ('observation_revision', 'change_set_id', 'fk_revision_change_set'),
        ('observation_revision', 'previous_change_set_id', 'fk_revision_previous_change_set'),
        ('audit_log', 'change_set_id', 'fk_audit_log_change_set'),
    ):
        if sqlite:
            op.execute(f'ALTER TABLE {table} ADD COLUMN {column} INTEGER REFERENCES change_set (id)')
        else:
            reference = sa.ForeignKey('change_set.id', name=name)
            op.add_column(table, sa.Column(column, sa.Integer(), reference, nullable=True))
    op.create_index('ix_observation_revision_change_set_id', 'observation_revision', ['change_set_id'])
    op.create_index('ix_audit_log_change_set_id', 'audit_log', ['change_set_id'])


def downgrade() -> None:
    op.drop_index('ix_audit_log_change_set_id', table_name='audit_log')
    op.drop_index('ix_observation_revision_change_set_id', table_name='observation_revision')
    # SQLite keeps the references unnamed (a batch rebuild drops them with their columns).
    named = op.get_bind().dialect.name != 'sqlite'
    for table, columns in (
        ('audit_log', {'change_set_id': 'fk_audit_log_change_set'}),
        (
            'observation_revision',
            {
                'previous_change_set_id': 'fk_revision_previous_change_set',
                'change_set_id': 'fk_revision_change_set',
            },
        ),
        ('observation', {'change_set_id': 'fk_observation_change_set'}),
    ):
        with op.batch_alter_table(table) as batch:
            for column, constraint in columns.items():
                if named:
                    batch.drop_constraint(constraint, type_='foreignkey')
                batch.drop_column(column)
    op.drop_index('ix_change_set_actor', table_name='change_set')
    op.drop_table('change_set')
