"""SQLAlchemy models, the engine and session factory, and the Alembic migrations."""

from models.base import Base, UTCDateTime
from models.db import make_engine, make_session_factory, upgrade_schema
from models.tables import (
    Area,
    AuditLog,
    BuktiDukung,
    ChatLink,
    Counter,
    Invite,
    RencanaAksi,
    Satker,
    Target,
    User,
)

__all__ = [
    "Area",
    "AuditLog",
    "Base",
    "BuktiDukung",
    "ChatLink",
    "Counter",
    "Invite",
    "RencanaAksi",
    "Satker",
    "Target",
    "UTCDateTime",
    "User",
    "make_engine",
    "make_session_factory",
    "upgrade_schema",
]
