"""Migration 0013 on a database with data: the link_code table is added, every existing user and
identity is kept, and it goes away again on downgrade (the rows stay)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import Engine

from models import LinkCode, User, UserIdentity, make_engine
from models import make_session_factory as sessions_of
from models.db import _alembic_config, schema_revision

NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


@pytest.fixture
def old_engine(database_url: str) -> Iterator[Engine]:
    """A database at revision 0010 holding two people with their identities."""
    engine = make_engine(database_url)
    command.upgrade(_alembic_config(engine), "0010")
    with engine.begin() as db:
        db.execute(text("INSERT INTO satker (id, code, name, level) VALUES "
                        "(2, '5103', 'KPU Kabupaten Badung', 'kabkota')"))  # fmt: skip
        db.execute(
            text("INSERT INTO app_user (id, name, role, satker_id, telegram_id, whatsapp, "
                 "created_at) VALUES (1, 'Ana', 'agen', 2, 510301, NULL, :now), "
                 "(2, 'Budi', 'agen', 2, NULL, '628123', :now)"),
            {"now": NOW},
        )  # fmt: skip
        db.execute(
            text("INSERT INTO user_identity (user_id, channel, external_id) VALUES "
                 "(1, 'telegram', '510301'), (2, 'whatsapp', '628123')")
        )  # fmt: skip
    yield engine
    engine.dispose()


def test_upgrade_adds_link_codes_and_keeps_people(old_engine: Engine) -> None:
    command.upgrade(_alembic_config(old_engine), "0013")
    assert schema_revision(old_engine) == "0013"
    columns = {c["name"] for c in inspect(old_engine).get_columns("link_code")}
    assert columns == {"id", "user_id", "code_hash", "created_at", "expires_at", "used_at"}
    sessions = sessions_of(old_engine)
    with sessions.begin() as session:
        assert session.scalars(select(User.name).order_by(User.id)).all() == ["Ana", "Budi"]
        assert len(session.scalars(select(UserIdentity)).all()) == 2
        session.add(LinkCode(user_id=1, code_hash="a" * 64, created_at=NOW,
                             expires_at=NOW + timedelta(minutes=15)))  # fmt: skip
    with sessions() as session:
        [row] = session.scalars(select(LinkCode)).all()
        assert row.expires_at == NOW + timedelta(minutes=15) and row.used_at is None

    command.downgrade(_alembic_config(old_engine), "0010")
    assert "link_code" not in inspect(old_engine).get_table_names()
    with old_engine.connect() as db:
        assert db.execute(text("SELECT count(*) FROM app_user")).scalar() == 2
        assert db.execute(text("SELECT count(*) FROM user_identity")).scalar() == 2
