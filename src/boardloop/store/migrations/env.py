"""Alembic environment of the store: runs migrations on the connection it is given.

`Store.migrate` passes an open connection in `config.attributes["connection"]`;
without one, the URL in the `sqlalchemy.url` option is used.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from boardloop.store._schema import Base

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    """Run the pending migrations inside one transaction."""
    connection = config.attributes.get("connection")
    if connection is None:
        engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
        with engine.begin() as own_connection:
            configure_and_run(own_connection)
        engine.dispose()
        return
    configure_and_run(connection)


def configure_and_run(connection: object) -> None:
    # Batch mode lets later migrations alter tables on SQLite, which has no ALTER
    # for most column and constraint changes.
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("boardloop migrations run online only, through Store.migrate")
run_migrations()
