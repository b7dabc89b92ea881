"""Shared fixtures: a fresh database per test on SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from models import make_engine, make_session_factory, upgrade_schema
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


@pytest.fixture(params=_backends())
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database of each backend; PostgreSQL gets a schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'zibot-test.db'}"
        return
    if not PG_URL:
        pytest.skip("ZIBOT_TEST_DATABASE_URL not set")
    schema = f"zt_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


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
