"""SQLAlchemy models, the engine and session factory, and the Alembic migrations."""

from models.base import Base, UTCDateTime
from models.db import make_engine, make_session_factory, upgrade_schema
from models.tables import (
    Area,
    AuditLog,
    BuktiDukung,
    ChatLink,
    Counter,
    DayOff,
    Invite,
    Outbox,
    Reminder,
    RencanaAksi,
    Satker,
    Snooze,
    Target,
    Unreachable,
    User,
)

__all__ = [
    "Area",
    "AuditLog",
    "Base",
    "BuktiDukung",
    "ChatLink",
    "Counter",
    "DayOff",
    "Invite",
    "Outbox",
    "Reminder",
    "RencanaAksi",
    "Satker",
    "Snooze",
    "Target",
    "UTCDateTime",
    "Unreachable",
    "User",
    "make_engine",
    "make_session_factory",
    "upgrade_schema",
]
