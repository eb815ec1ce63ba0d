"""Alembic environment: the connection is handed in by data.db; no URL is read here."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from data.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    # Developers' path (`alembic revision --autogenerate`): the URL comes from the -x option.
    url = context.get_x_argument(as_dictionary=True)["url"]
    with create_engine(url).connect() as fresh:
        _run(fresh)


if context.is_offline_mode():
    raise SystemExit("briefbot migrations run online only: use `briefbot db upgrade`.")
run_migrations_online()
