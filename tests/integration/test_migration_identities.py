"""Migration 0010 on a database with data: every user, link, outbox row and audit line is kept,
each Telegram id / WhatsApp number becomes an identity, message ids become text, and a row
stored before notices still goes out as stored."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from alembic import command
from channel import TELEGRAM
from sqlalchemy import select, text
from sqlalchemy.engine import Engine

from models import AuditLog, ChatLink, Outbox, User, UserIdentity, make_engine
from models import make_session_factory as sessions_of
from models.db import _alembic_config, head_revision, schema_revision
from scheduler.outbox import Dispatcher
from services.members import find_member
from services.notify import Attachment, Buttons, Sent

NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


@pytest.fixture
def old_engine(database_url: str) -> Iterator[Engine]:
    """A database at revision 0009 holding people, links, messages and audit lines."""
    engine = make_engine(database_url)
    command.upgrade(_alembic_config(engine), "0009")
    assert schema_revision(engine) == "0009"
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
                {"id": 2, "name": "Made", "role": "agen", "satker": 2, "tg": 9007199254740993,
                 "wa": "628123", "now": NOW},
                {"id": 3, "name": "Ketua", "role": "pimpinan", "satker": 2, "tg": None,
                 "wa": "628999", "now": NOW},
                {"id": 4, "name": "Belum", "role": "agen", "satker": 2, "tg": None, "wa": None,
                 "now": NOW},
            ],
        )  # fmt: skip
        db.execute(
            text("INSERT INTO chat_link (channel, chat_id, satker_id, is_province, title, "
                 "linked_at, active) VALUES ('telegram', '-1005103', 2, false, 'ZI Badung', "
                 ":now, true)"),
            {"now": NOW},
        )  # fmt: skip
        db.execute(
            text("INSERT INTO outbox (key, kind, channel, chat_id, day, text, buttons, status, "
                 "attempts, next_attempt_at, created_at, sent_at, message_id) VALUES "
                 "(:key, 'kendala', 'telegram', :chat, :day, :text, :buttons, :status, 0, :now, "
                 ":now, :sent_at, :message_id)"),
            [
                {"key": "sent", "chat": "-1005103", "day": NOW.date(), "text": "<b>lama</b>",
                 "buttons": "", "status": "sent", "now": NOW, "sent_at": NOW,
                 "message_id": 4242},
                {"key": "waiting", "chat": "510001", "day": NOW.date(),
                 "text": "🆘 <b>Kendala</b> &amp; lama", "buttons": '[[["💬 Tanggapi", "kt:1"]]]',
                 "status": "pending", "now": NOW, "sent_at": None, "message_id": None},
            ],
        )  # fmt: skip
        db.execute(
            text("INSERT INTO audit_log (at, actor_id, actor_label, action, entity, entity_id, "
                 "detail) VALUES (:now, 1, 'telegram:1', 'tanggapi', 'kendala', 'KDL-1', '')"),
            {"now": NOW},
        )  # fmt: skip
    yield engine
    engine.dispose()


class Recorder:
    channel = "telegram"
    presenter = TELEGRAM

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, Buttons]] = []

    async def send(
        self, chat_id: str, text: str, buttons: Buttons, attachment: Attachment | None = None
    ) -> Sent:
        self.sent.append((chat_id, text, buttons))
        return Sent(777)


def test_upgrade_keeps_everything_and_links_identities(old_engine: Engine) -> None:
    command.upgrade(_alembic_config(old_engine), "head")
    assert schema_revision(old_engine) == head_revision()
    sessions = sessions_of(old_engine)
    with sessions() as session:
        users = {u.id: (u.name, u.telegram_id, u.whatsapp) for u in session.scalars(select(User))}
        assert users == {
            1: ("Ayu", 510001, None),
            2: ("Made", 9007199254740993, "628123"),
            3: ("Ketua", None, "628999"),
            4: ("Belum", None, None),
        }
        found = {
            (i.user_id, i.channel, i.external_id) for i in session.scalars(select(UserIdentity))
        }
        assert found == {
            (1, "telegram", "510001"),
            (2, "telegram", "9007199254740993"),
            (2, "whatsapp", "628123"),
            (3, "whatsapp", "628999"),
        }
        for channel, external_id, user_id in (
            ("telegram", "510001", 1),
            ("telegram", 9007199254740993, 2),
            ("whatsapp", "628999", 3),
        ):
            member = find_member(session, channel, external_id)
            assert member is not None and member.id == user_id
        assert find_member(session, "telegram", "628999") is None
        [link] = session.scalars(select(ChatLink))
        assert (link.channel, link.chat_id, link.satker_id) == ("telegram", "-1005103", 2)
        rows = {r.key: r for r in session.scalars(select(Outbox))}
        assert rows["sent"].message_id == "4242" and rows["sent"].status == "sent"
        assert rows["waiting"].payload is None and rows["waiting"].status == "pending"
        [entry] = session.scalars(select(AuditLog))
        assert (entry.actor_id, entry.action, entry.entity_id) == (1, "tanggapi", "KDL-1")

    # The message waiting since before the upgrade goes out exactly as it was stored.
    recorder = Recorder()
    asyncio.run(Dispatcher(sessions, {"telegram": recorder}, lambda: NOW).drain())
    stored = ("510001", "🆘 <b>Kendala</b> &amp; lama", [[("💬 Tanggapi", "kt:1")]])
    assert recorder.sent == [stored]
    with sessions() as session:
        waiting = session.scalars(select(Outbox).where(Outbox.key == "waiting")).one()
        assert (waiting.status, waiting.message_id) == ("sent", "777")


def test_downgrade_returns_to_0009(old_engine: Engine) -> None:
    command.upgrade(_alembic_config(old_engine), "head")
    command.downgrade(_alembic_config(old_engine), "0009")
    assert schema_revision(old_engine) == "0009"
    with old_engine.connect() as db:
        assert db.execute(text("SELECT message_id FROM outbox WHERE key = 'sent'")).scalar() == 4242
        assert db.execute(text("SELECT count(*) FROM app_user")).scalar() == 4


def test_sqlite_rebuilds_keep_the_rows_pointing_at_the_rebuilt_table(old_engine: Engine) -> None:
    """0010 rebuilds `outbox` on SQLite; `reminder` rows point at it with ON DELETE CASCADE.
    With foreign keys on during the migration, dropping the old table emptied `reminder` (so a
    reminder already sent could go out again); both backends keep them."""
    with old_engine.begin() as db:
        db.execute(text("INSERT INTO area (id, code, name, position) VALUES (1, 'MP', 'M', 1)"))
        db.execute(
            text("INSERT INTO rencana_aksi (id, code, year, area_id, activity, bukti_dukung, "
                 "tenggat, applies_to, applies_codes) VALUES (1, 'MP-01', 2026, 1, 'SK', '', "
                 ":day, 'semua', '')"),
            {"day": NOW.date()},
        )  # fmt: skip
        db.execute(text("INSERT INTO target (id, item_id, satker_id, status) "
                        "VALUES (1, 1, 2, 'belum')"))  # fmt: skip
        sent = db.execute(text("SELECT id FROM outbox WHERE key = 'sent'")).scalar_one()
        db.execute(
            text("INSERT INTO reminder (target_id, stage, channel, chat_id, outbox_id, day) "
                 "VALUES (1, 'h-3', 'telegram', '-1005103', :outbox, :day)"),
            {"outbox": sent, "day": NOW.date()},
        )  # fmt: skip
    command.upgrade(_alembic_config(old_engine), "head")
    with old_engine.connect() as db:
        assert db.execute(text("SELECT count(*) FROM reminder")).scalar() == 1
        assert db.execute(text("SELECT count(*) FROM outbox")).scalar() == 2
        if old_engine.dialect.name == "sqlite":  # and the pooled connection has them on again
            assert db.execute(text("PRAGMA foreign_keys")).scalar() == 1
