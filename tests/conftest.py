"""Shared fixtures: a fresh database per test on SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from models import Base, make_engine, make_session_factory, upgrade_schema
from services import catalog

PG_URL = os.environ.get("ZIBOT_TEST_DATABASE_URL", "")
SAMPLE_PLAN = catalog.sample_plan_path()
# A Friday in the middle of the sample plan: some items overdue, some due soon.
NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


def pytest_configure(config: pytest.Config) -> None:
    """In CI, PostgreSQL must be configured: never skip its tests silently there."""
    if os.environ.get("CI") and not PG_URL:
        raise pytest.UsageError("CI needs ZIBOT_TEST_DATABASE_URL (PostgreSQL) to be set")


def _backends() -> list[str]:
    return ["sqlite", "postgresql"]


class Databases:
    """Scratch databases for tests: a file on SQLite, a schema of its own on PostgreSQL."""

    @contextmanager
    def scratch(self, backend: str, folder: Path, name: str) -> Iterator[str]:
        """The URL of an empty database, dropped afterwards; skips PostgreSQL when unset."""
        if backend == "sqlite":
            yield f"sqlite:///{folder / f'{name}.db'}"
            return
        if not PG_URL:
            pytest.skip("ZIBOT_TEST_DATABASE_URL not set")
        schema = f"z_{name.replace('-', '_')}_{uuid.uuid4().hex[:12]}"
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
            yield url.render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()

    @staticmethod
    def empty(engine: Engine) -> Engine:
        """Delete every row (cheaper than migrating a new database for each test)."""
        with engine.begin() as conn:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())
        return engine


@pytest.fixture(scope="session")
def databases() -> Databases:
    """Scratch databases for module- or session-scoped fixtures."""
    return Databases()


@pytest.fixture(params=_backends())
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, databases: Databases
) -> Iterator[str]:
    """A URL to an empty database of each backend; PostgreSQL gets a schema of its own."""
    with databases.scratch(request.param, tmp_path, "zibot-test") as url:
        yield url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on a database migrated to the newest schema."""
    engine = make_engine(database_url)
    upgrade_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    """The session factory, with the six areas and the Bali satkers seeded."""
    factory = make_session_factory(engine)
    with factory.begin() as session:
        catalog.seed(session, "bali")
    return factory
