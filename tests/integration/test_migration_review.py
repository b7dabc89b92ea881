"""Migration 0011 on a database with data: every user (and identity), satker and bukti is kept,
existing bukti wait for review, sharing is off, and the role "verifikator" becomes possible."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from models import BuktiDukung, BuktiReview, Satker, User, UserIdentity, make_engine
from models import make_session_factory as sessions_of
from models.db import _alembic_config, head_revision, schema_revision

NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


@pytest.fixture
def old_engine(database_url: str) -> Iterator[Engine]:
    """A database at revision 0010 holding satkers, people, a plan item and its evidence."""
    engine = make_engine(database_url)
    command.upgrade(_alembic_config(engine), "0010")
    assert schema_revision(engine) == "0010"
    with engine.begin() as db:
        db.execute(text("INSERT INTO satker (id, code, name, level) VALUES "
                        "(1, '51', 'KPU Provinsi Bali', 'provinsi'), "
                        "(2, '5103', 'KPU Kabupaten Badung', 'kabkota')"))  # fmt: skip
        db.execute(
            text("INSERT INTO app_user (id, name, role, satker_id, telegram_id, whatsapp, "
                 "created_at) VALUES (:id, :name, :role, :satker, :tg, :wa, :now)"),
            [
                {"id": 1, "name": "Ayu", "role": "admin", "satker": 1, "tg": 510001,
                 "wa": None, "now": NOW},
                {"id": 2, "name": "Made", "role": "agen", "satker": 2, "tg": 510002,
                 "wa": "628123", "now": NOW},
                {"id": 3, "name": "Ketua", "role": "pimpinan", "satker": 2, "tg": None,
                 "wa": "628999", "now": NOW},
            ],
        )  # fmt: skip
        db.execute(
            text("INSERT INTO user_identity (user_id, channel, external_id) VALUES "
                 "(1, 'telegram', '510001'), (2, 'telegram', '510002'), "
                 "(2, 'whatsapp', '628123'), (3, 'whatsapp', '628999')")
        )  # fmt: skip
        db.execute(text("INSERT INTO area (id, code, name, position) VALUES (1, 'I', 'MP', 1)"))
        db.execute(
            text("INSERT INTO rencana_aksi (id, code, year, area_id, activity, bukti_dukung, "
                 "tenggat, applies_to, applies_codes, group_name) VALUES (1, 'I.1', 2026, 1, "
                 "'SK Tim', 'SK', :day, 'semua', '', '')"),
            {"day": NOW.date()},
        )  # fmt: skip
        db.execute(
            text("INSERT INTO target (id, item_id, satker_id, status) VALUES (1, 1, 2, 'selesai')")
        )
        db.execute(
            text("INSERT INTO bukti_dukung (id, target_id, path, original_name, size, mime_type, "
                 "sha256, uploaded_by_id, channel, created_at) VALUES (1, 1, '2026/5103/a.pdf', "
                 "'sk.pdf', 10, 'application/pdf', :sha, 2, 'telegram', :now)"),
            {"sha": "ab" * 32, "now": NOW},
        )  # fmt: skip
    yield engine
    engine.dispose()


def test_upgrade_keeps_everything(old_engine: Engine) -> None:
    command.upgrade(_alembic_config(old_engine), "head")
    assert schema_revision(old_engine) == head_revision()
    if old_engine.dialect.name == "sqlite":
        with old_engine.connect() as db:
            assert db.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert db.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    sessions = sessions_of(old_engine)
    with sessions() as session:
        users = {u.id: (u.name, u.role) for u in session.scalars(select(User))}
        assert users == {1: ("Ayu", "admin"), 2: ("Made", "agen"), 3: ("Ketua", "pimpinan")}
        assert len(session.scalars(select(UserIdentity)).all()) == 4
        satkers = {s.code: s.share_evidence for s in session.scalars(select(Satker))}
        assert satkers == {"51": False, "5103": False}
        [bukti] = session.scalars(select(BuktiDukung))
        assert (bukti.original_name, bukti.review_status, bukti.reviewed_at) == (
            "sk.pdf",
            "menunggu",
            None,
        )
        assert session.scalars(select(BuktiReview)).all() == []
    with sessions.begin() as session:
        session.add(User(id=10, name="Verif", role="verifikator", satker_id=1, created_at=NOW))
        satker = session.get(Satker, 2)
        assert satker is not None
        satker.share_evidence = True
    with sessions.begin() as session:
        bukti = session.get(BuktiDukung, 1)
        assert bukti is not None
        bukti.reviews.append(BuktiReview(decision="ditolak", reason="buram", decided_at=NOW))
    with sessions() as session:
        assert session.scalars(select(User.role).where(User.name == "Verif")).one() == (
            "verifikator"
        )
        [review] = session.scalars(select(BuktiReview))
        assert (review.bukti_id, review.decision, review.reason) == (1, "ditolak", "buram")


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO app_user (id, name, role, satker_id, created_at) "
        "VALUES (20, 'X', 'raja', 1, :now)",
        "UPDATE bukti_dukung SET review_status = 'entah'",
    ],
)
def test_the_checks_still_refuse_other_words(old_engine: Engine, statement: str) -> None:
    command.upgrade(_alembic_config(old_engine), "head")
    with pytest.raises(IntegrityError), old_engine.begin() as db:
        db.execute(text(statement), {"now": NOW})


def test_downgrade_returns_to_0010(old_engine: Engine) -> None:
    command.upgrade(_alembic_config(old_engine), "head")
    with old_engine.begin() as db:
        db.execute(
            text("INSERT INTO app_user (id, name, role, satker_id, created_at) "
                 "VALUES (9, 'Verif', 'verifikator', 1, :now)"),
            {"now": NOW},
        )  # fmt: skip
    with pytest.raises(RuntimeError, match="verifikator"):
        command.downgrade(_alembic_config(old_engine), "0010")
    with old_engine.begin() as db:
        db.execute(text("DELETE FROM app_user WHERE id = 9"))
    command.downgrade(_alembic_config(old_engine), "0010")
    assert schema_revision(old_engine) == "0010"
    with old_engine.connect() as db:
        assert db.execute(text("SELECT count(*) FROM app_user")).scalar() == 3
        assert db.execute(text("SELECT count(*) FROM user_identity")).scalar() == 4
        assert db.execute(text("SELECT original_name FROM bukti_dukung")).scalar() == "sk.pdf"
    with pytest.raises(IntegrityError), old_engine.begin() as db:
        db.execute(
            text("INSERT INTO app_user (id, name, role, satker_id, created_at) "
                 "VALUES (21, 'V', 'verifikator', 1, :now)"),
            {"now": NOW},
        )  # fmt: skip
