"""drop NEET rows imported a year late: the dashboards' and LAIT's time_period N is Dec N-1 to Feb N

Stores that imported those files before the period rule was corrected hold, beside each corrected row, the
same source row read a year late (the newest of them, "Dec 2025 to Feb 2026", was answered as the latest
figure). Such a row is recognised as a Dec-Feb average whose own source row also gave an earlier period;
it is deleted, with an audit row that keeps what it said. A store imported after the correction has none.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 07:00:00
"""
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STALE = sa.text(
    """
    SELECT o.id, i.code, g.code, o.period_start, o.period_end, o.period_label, o.value, o.symbol,
           o.source_document, o.source_locator
    FROM observation o
    JOIN indicator i ON i.id = o.indicator_id
    JOIN geography g ON g.id = o.geography_id
    WHERE o.period_label LIKE 'end of %'
      AND EXISTS (
        SELECT 1 FROM observation p
        WHERE p.indicator_id = o.indicator_id AND p.geography_id = o.geography_id
          AND p.source_document = o.source_document AND p.source_locator = o.source_locator
          AND p.period_label LIKE 'end of %' AND p.period_end < o.period_end
      )
    """
)


def upgrade() -> None:
    connection = op.get_bind()
    stale = connection.execute(STALE).all()
    if not stale:
        return
    audit = sa.table(
        'audit_log',
        sa.column('at', sa.DateTime(timezone=True)),
        sa.column('actor', sa.String),
        sa.column('channel', sa.String),
        sa.column('action', sa.String),
        sa.column('entity', sa.String),
        sa.column('entity_key', sa.String),
        sa.column('before', sa.JSON),
        sa.column('after', sa.JSON),
        sa.column('reason', sa.Text),
    )
    now = datetime.now(UTC)
    connection.execute(
        audit.insert(),
        [
            {
                'at': now,
                'actor': 'migration 0010',
                'channel': 'migration',
                'action': 'delete',
                'entity': 'observation',
                'entity_key': f"{row[1]}|{row[2]}|{row[3]}|{row[4]}",
                'before': {
                    'period_label': row[5],
                    'value': row[6],
                    'symbol': row[7],
                    'source_document': row[8],
                    'source_locator': row[9],
                },
                'after': None,
                'reason': 'imported a year late under the old NEET period rule',
            }
            for row in stale
        ],
    )
    ids = [row[0] for row in stale]
    connection.execute(sa.text('DELETE FROM observation_revision WHERE observation_id IN :ids').bindparams(
        sa.bindparam('ids', expanding=True)), {'ids': ids})
    connection.execute(sa.text('DELETE FROM observation WHERE id IN :ids').bindparams(
        sa.bindparam('ids', expanding=True)), {'ids': ids})


def downgrade() -> None:
    # The rows were wrong; nothing to put back (the audit log keeps what they said).
    pass
