"""Alembic environment: runs migrations on the engine zibot hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from models import tables  # noqa: F401  (registers the tables on Base.metadata)
from models.base import Base

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # plain `alembic` command line: build one from the ini URL
    from models.db import make_engine

    engine = make_engine(config.get_main_option("sqlalchemy.url") or "sqlite:///zibot.db")


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if engine.dialect.name == "sqlite":
    # SQLite alters a table by rebuilding it (copy, drop the old one, rename). With foreign keys
    # on, dropping the old table runs the ON DELETE CASCADE of every table pointing at it: the
    # rebuild of `outbox` in 0010 emptied `reminder`. Foreign keys are off while migrating
    # (the pragma only takes effect outside a transaction), checked once at the end, and on
    # again before the connection goes back to the pool.
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
        try:
            with connection.begin():
                _run(connection)
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration left rows that point nowhere: {broken[:5]}")
        finally:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
else:
    with engine.begin() as connection:
        _run(connection)
