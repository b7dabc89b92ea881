"""Migration 0014 on a database with data: identities, outbox rows and the reminders pointing at
them are kept (only columns are added: no table is rebuilt, so no ON DELETE CASCADE fires); the
window is unknown for every identity, no row is a template re-send, no receipt is known."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import text

from models import make_engine
from models.db import _alembic_config, head_revision, schema_revision

NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


def test_upgrade_keeps_identities_outbox_rows_and_their_reminders(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        command.upgrade(_alembic_config(engine), "0010")
        with engine.begin() as db:
            db.execute(text("INSERT INTO satker (id, code, name, level) VALUES "
                            "(2, '5103', 'KPU Kabupaten Badung', 'kabkota')"))  # fmt: skip
            db.execute(text("INSERT INTO app_user (id, name, role, satker_id, whatsapp, "
                            "created_at) VALUES (2, 'Made', 'agen', 2, '628123', :now)"),
                       {"now": NOW})  # fmt: skip
            db.execute(text("INSERT INTO user_identity (user_id, channel, external_id) "
                            "VALUES (2, 'whatsapp', '628123')"))  # fmt: skip
            db.execute(text("INSERT INTO area (id, code, name, position) VALUES "
                            "(1, 'MP', 'Manajemen Perubahan', 1)"))  # fmt: skip
            db.execute(
                text("INSERT INTO rencana_aksi (id, code, year, area_id, activity, bukti_dukung, "
                     "tenggat, applies_to, applies_codes) VALUES (1, 'MP-01', 2026, 1, 'Kegiatan', "
                     "'SK', :day, 'semua', '')"),
                {"day": NOW.date()},
            )  # fmt: skip
            db.execute(text("INSERT INTO target (id, item_id, satker_id, status) "
                            "VALUES (1, 1, 2, 'belum')"))  # fmt: skip
            db.execute(
                text("INSERT INTO outbox (id, key, kind, channel, chat_id, day, text, buttons, "
                     "status, attempts, next_attempt_at, created_at) VALUES (7, 'd1', 'digest', "
                     "'whatsapp', '628123', :day, '', '', 'sent', 1, :now, :now)"),
                {"day": NOW.date(), "now": NOW},
            )  # fmt: skip
            db.execute(
                text("INSERT INTO reminder (target_id, stage, channel, chat_id, outbox_id, day) "
                     "VALUES (1, 'h0', 'whatsapp', '628123', 7, :day)"),
                {"day": NOW.date()},
            )  # fmt: skip
        command.upgrade(_alembic_config(engine), "heads")
        assert schema_revision(engine) == head_revision()
        with engine.connect() as db:
            assert db.execute(text("SELECT external_id, last_inbound_at FROM user_identity"))\
                .all() == [("628123", None)]  # fmt: skip
            row = db.execute(text("SELECT id, status, via_template, receipt, receipt_at "
                                  "FROM outbox")).one()  # fmt: skip
            assert (row.id, row.status, bool(row.via_template), row.receipt, row.receipt_at) == (
                7,
                "sent",
                False,
                None,
                None,
            )
            assert db.execute(text("SELECT outbox_id FROM reminder")).scalars().all() == [7]
    finally:
        engine.dispose()
