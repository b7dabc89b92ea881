"""Alembic environment: runs migrations on the engine zibot hands over."""

from __future__ import annotations

from alembic import context

from models import tables  # noqa: F401  (registers the tables on Base.metadata)
from models.base import Base

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # plain `alembic` command line: build one from the ini URL
    from models.db import make_engine

    engine = make_engine(config.get_main_option("sqlalchemy.url") or "sqlite:///zibot.db")

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
