"""The zibot data model: satkers, the action plan, targets, people, chats and evidence."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from models.base import Base

LEVELS = ("pusat", "provinsi", "kabkota")
STATUSES = ("belum", "proses", "selesai")
ROLES = ("admin", "agen", "pimpinan")
APPLIES = ("semua", "provinsi", "kabkota", "daftar")
CHANNELS = ("telegram", "whatsapp")


class Satker(Base):
    """A satuan kerja: KPU RI, a KPU Provinsi or a KPU Kabupaten/Kota."""

    __tablename__ = "satker"
    __table_args__ = (CheckConstraint("level IN ('pusat', 'provinsi', 'kabkota')", name="level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("satker.id"), index=True)

    parent: Mapped[Satker | None] = relationship(remote_side=[id])


class Area(Base):
    """One of the six area perubahan."""

    __tablename__ = "area"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)


class RencanaAksi(Base):
    """An action-plan item of one year: activity, expected bukti dukung and tenggat."""

    __tablename__ = "rencana_aksi"
    __table_args__ = (
        UniqueConstraint("code", "year"),
        CheckConstraint("applies_to IN ('semua', 'provinsi', 'kabkota', 'daftar')", name="applies"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32))
    year: Mapped[int] = mapped_column(Integer, index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    activity: Mapped[str] = mapped_column(Text)
    bukti_dukung: Mapped[str] = mapped_column(Text, default="")
    tenggat: Mapped[date] = mapped_column(Date, index=True)
    applies_to: Mapped[str] = mapped_column(String(16), default="semua")
    # Space-separated satker codes when applies_to == "daftar".
    applies_codes: Mapped[str] = mapped_column(Text, default="")
    pic: Mapped[str | None] = mapped_column(String(200))
    # The upper level of a two-level plan (the rencana aksi over this rincian kegiatan), or "".
    group_name: Mapped[str] = mapped_column(Text, default="", server_default="")

    area: Mapped[Area] = relationship()


class Target(Base):
    """One rencana aksi item for one satker, with its progress status."""

    __tablename__ = "target"
    __table_args__ = (
        UniqueConstraint("item_id", "satker_id"),
        CheckConstraint("status IN ('belum', 'proses', 'selesai')", name="status"),
        Index("ix_target_satker_status", "satker_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("rencana_aksi.id", ondelete="CASCADE"))
    satker_id: Mapped[int] = mapped_column(ForeignKey("satker.id"))
    status: Mapped[str] = mapped_column(String(16), default="belum")
    note: Mapped[str | None] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    updated_at: Mapped[datetime | None]

    item: Mapped[RencanaAksi] = relationship()
    satker: Mapped[Satker] = relationship()


class User(Base):
    """A person registered with the bot, in one satker with one role."""

    __tablename__ = "app_user"
    __table_args__ = (CheckConstraint("role IN ('admin', 'agen', 'pimpinan')", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    satker_id: Mapped[int] = mapped_column(ForeignKey("satker.id"), index=True)
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    whatsapp: Mapped[str | None] = mapped_column(String(255), unique=True)
    # For pimpinan: "komisioner" (Ketua/Anggota) or "sekretariat" (Sekretaris/Kasubbag).
    structure: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime]

    satker: Mapped[Satker] = relationship()
    identities: Mapped[list[UserIdentity]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )


class UserIdentity(Base):
    """One chat account of a person: (channel, id in that channel), e.g. ("telegram",
    "510301") or ("whatsapp", "6281..."). It is also their private chat's address.

    ``app_user.telegram_id``/``whatsapp`` are kept as mirrors for this release; lookups go
    through this table (a user written with only those columns gets its identity on flush)."""

    __tablename__ = "user_identity"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(255))
    # When this account last wrote to the bot (WhatsApp's 24-hour customer-service window
    # runs from it); None until it writes.
    last_inbound_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="identities")


class Invite(Base):
    """A one-time invite code; only its SHA-256 is stored."""

    __tablename__ = "invite"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    structure: Mapped[str | None] = mapped_column(String(16))
    satker_id: Mapped[int] = mapped_column(ForeignKey("satker.id"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    satker: Mapped[Satker] = relationship()


class ChatLink(Base):
    """A chat (group) linked to a satker, or to the province when ``satker_id`` is empty."""

    __tablename__ = "chat_link"
    __table_args__ = (UniqueConstraint("channel", "chat_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(255))
    satker_id: Mapped[int | None] = mapped_column(ForeignKey("satker.id"), index=True)
    is_province: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[str | None] = mapped_column(String(200))
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    linked_at: Mapped[datetime]
    # False once the bot was removed from the chat; /hubungkan in the chat makes it True again.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    left_at: Mapped[datetime | None]

    satker: Mapped[Satker | None] = relationship()


class BuktiDukung(Base):
    """A file stored as evidence for one target."""

    __tablename__ = "bukti_dukung"

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("target.id"), index=True)
    path: Mapped[str] = mapped_column(Text)
    original_name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    mime_type: Mapped[str | None] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    channel: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime]

    target: Mapped[Target] = relationship()


class AuditLog(Base):
    """Who changed what and when: one row per change a person makes."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    # "cli", "telegram:<id>", ...: who acted when there is no registered user.
    actor_label: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(50))
    entity: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="")


class Counter(Base):
    """A named counter; ``progress`` is bumped by every change to targets, items or satkers,
    so that a process can tell whether a cached recap is still current."""

    __tablename__ = "counter"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class DayOff(Base):
    """A day off an admin added (cuti bersama, Galungan, Kuningan ...), on top of the
    national public holidays."""

    __tablename__ = "day_off"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]


class Outbox(Base):
    """A message the engine must deliver: recorded before sending, marked sent after."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_chat", "channel", "chat_id", "status"),
        CheckConstraint(
            "status IN ('pending', 'sent', 'failed', 'undeliverable', 'expired')", name="status"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # What this message is, unique: e.g. "digest:telegram:-100123:2026-11-30:1".
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(255))
    day: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    # JSON: [[{"text": ..., "data": ...}, ...], ...] inline keyboard rows, or "".
    buttons: Mapped[str] = mapped_column(Text, default="")
    # JSON: {"kind": ..., "params": {...}} a notice (services.notices), rendered by the
    # channel when it is sent; rows without one carry their text and buttons.
    payload: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    # A file sent with the message: path under ZIBOT_EVIDENCE_DIR, and its MIME type.
    attachment: Mapped[str | None] = mapped_column(Text)
    attachment_type: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    message_id: Mapped[str | None] = mapped_column(String(64))
    # What the channel later reported about the sent message ("sent", "delivered", "read"),
    # and when; WhatsApp's status webhooks.
    receipt: Mapped[str | None] = mapped_column(String(16))
    receipt_at: Mapped[datetime | None]
    # Send it as the channel's approved template (WhatsApp outside the 24-hour window, after
    # Meta refused the free-form message).
    via_template: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")


class Reminder(Base):
    """That one target's reminder stage was put in a message to one chat: never twice."""

    __tablename__ = "reminder"
    __table_args__ = (UniqueConstraint("target_id", "stage", "channel", "chat_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("target.id", ondelete="CASCADE"))
    # "h7", "h3", "h1", "h0" (days before), "late1", "late2", ... or "ulang:2026-12-01".
    stage: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(255))
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)


class Snooze(Base):
    """ "Ingatkan besok": no reminders of one target in one chat before ``until``."""

    __tablename__ = "snooze"
    __table_args__ = (UniqueConstraint("target_id", "channel", "chat_id", "until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("target.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(255))
    until: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime]


class Unreachable(Base):
    """A chat that blocked the bot or no longer exists: the engine stops writing to it."""

    __tablename__ = "unreachable"
    __table_args__ = (UniqueConstraint("channel", "chat_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(255))
    reason: Mapped[str] = mapped_column(Text)
    since: Mapped[datetime]


class Kendala(Base):
    """An obstacle a satker reports: a ticket the province answers."""

    __tablename__ = "kendala"
    __table_args__ = (
        UniqueConstraint("year", "seq"),
        CheckConstraint("status IN ('baru', 'ditanggapi', 'selesai')", name="status"),
        Index("ix_kendala_status", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    satker_id: Mapped[int] = mapped_column(ForeignKey("satker.id"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    target_id: Mapped[int | None] = mapped_column(ForeignKey("target.id"))  # None: umum
    category: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text)
    attachment: Mapped[str | None] = mapped_column(Text)
    attachment_type: Mapped[str | None] = mapped_column(String(100))
    attachment_name: Mapped[str | None] = mapped_column(String(255))
    channel: Mapped[str] = mapped_column(String(16))
    origin_chat_id: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default="baru")
    created_at: Mapped[datetime]
    posted_at: Mapped[datetime | None]
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    closed_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    reopened_at: Mapped[datetime | None]
    # How many times the ticket was (re)opened: part of the keys of its posts and escalations.
    round: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    satker: Mapped[Satker] = relationship()
    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id])
    target: Mapped[Target | None] = relationship()

    @property
    def number(self) -> str:
        """The ticket number people quote: ``KDL-2026-0007``."""
        return f"KDL-{self.year}-{self.seq:04d}"


class Instruksi(Base):
    """An instruction the province broadcasts to every satker and its leaders."""

    __tablename__ = "instruksi"
    __table_args__ = (UniqueConstraint("year", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    attachment: Mapped[str | None] = mapped_column(Text)
    attachment_type: Mapped[str | None] = mapped_column(String(100))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime]
    reminded_at: Mapped[datetime | None]

    @property
    def number(self) -> str:
        """The number people quote: ``INS-2026-0003``."""
        return f"INS-{self.year}-{self.seq:04d}"


class InstruksiRead(Base):
    """Who pressed "Sudah dibaca" on an instruction, and when (once per person)."""

    __tablename__ = "instruksi_read"
    __table_args__ = (UniqueConstraint("instruksi_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instruksi_id: Mapped[int] = mapped_column(ForeignKey("instruksi.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    confirmed_at: Mapped[datetime]


class StageDone(Base):
    """An item's reminder stage was planned for every open target that had a chat then.

    A shortcut for the sweep, not a source of truth: deleting rows only makes the next sweep
    look at the targets again (the unique reminder keys still prevent any repeat).
    """

    __tablename__ = "stage_done"
    __table_args__ = (UniqueConstraint("item_id", "stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("rencana_aksi.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(32))
    day: Mapped[date] = mapped_column(Date)


class ProcessedUpdate(Base):
    """An incoming update (Telegram update_id, WhatsApp message id) already taken by one
    process of the deployment: a redelivery, to any replica, is dropped."""

    __tablename__ = "processed_update"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    update_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(index=True)


class RateSlot(Base):
    """A flood limit shared by every process sending with one bot token: the theoretical
    arrival time (GCRA) of the next message, in seconds since the epoch."""

    __tablename__ = "rate_slot"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    tat: Mapped[float] = mapped_column(Float)


class BotAccount(Base):
    """What the running bot learnt about itself on a channel (its @username for deep links)."""

    __tablename__ = "bot_account"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    username: Mapped[str] = mapped_column(String(100))
    seen_at: Mapped[datetime]


class LkeVersion(Base):
    """A worksheet (LKE) file as loaded: a year's assessment stays tied to the version it used."""

    __tablename__ = "lke_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    regulation: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    # The whole JSON file as loaded; the scoring reads weights and minimums from it only.
    content: Mapped[str] = mapped_column(Text)
    loaded_at: Mapped[datetime]


class LkeAssessment(Base):
    """One satker's self-assessment of one year, on one worksheet version."""

    __tablename__ = "lke_assessment"
    __table_args__ = (UniqueConstraint("satker_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    satker_id: Mapped[int] = mapped_column(ForeignKey("satker.id"))
    year: Mapped[int] = mapped_column(Integer)
    version_id: Mapped[int] = mapped_column(ForeignKey("lke_version.id"), index=True)
    created_at: Mapped[datetime]

    satker: Mapped[Satker] = relationship()
    version: Mapped[LkeVersion] = relationship()


class LkeAnswer(Base):
    """The answer to one worksheet question in one assessment."""

    __tablename__ = "lke_answer"
    __table_args__ = (UniqueConstraint("assessment_id", "question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("lke_assessment.id", ondelete="CASCADE"))
    question: Mapped[str] = mapped_column(String(32))
    # A label of the question's scale ("Ya", "B"), or None for a persen question.
    choice: Mapped[str | None] = mapped_column(String(16))
    # Persen questions: JSON object of the inputs, e.g. {"a": 12, "b": 12}.
    inputs: Mapped[str | None] = mapped_column(Text)
    # Space-separated bukti_dukung ids the answer points to.
    evidence_ids: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    answered_by: Mapped[str] = mapped_column(String(100))
    answered_at: Mapped[datetime]


class LkeHasil(Base):
    """A hasil input the admin enters (IPAK, IPKP survey index; capaian kinerja A–E)."""

    __tablename__ = "lke_hasil"
    __table_args__ = (UniqueConstraint("assessment_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("lke_assessment.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32))
    number: Mapped[float | None] = mapped_column(Float)
    choice: Mapped[str | None] = mapped_column(String(16))
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    entered_by: Mapped[str] = mapped_column(String(100))
    entered_at: Mapped[datetime]


class LkeLink(Base):
    """A rencana aksi item serves a worksheet question."""

    __tablename__ = "lke_link"
    __table_args__ = (UniqueConstraint("item_id", "question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("rencana_aksi.id", ondelete="CASCADE"))
    question: Mapped[str] = mapped_column(String(32))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]

    item: Mapped[RencanaAksi] = relationship()


class Conversation(Base):
    """An open step of a conversation (a /kendala draft, a /bukti prompt, a Tanggapi prompt):
    one per person and chat, kept in the database so that a restart loses no open step."""

    __tablename__ = "conversation"
    __table_args__ = (UniqueConstraint("channel", "chat_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))
    step: Mapped[str] = mapped_column(String(32))
    data: Mapped[str] = mapped_column(Text, default="{}")
    expires_at: Mapped[datetime] = mapped_column(index=True)
    updated_at: Mapped[datetime]


class InboxEntry(Base):
    """A webhook update as it arrived (one WhatsApp message or status), stored before it is
    answered: unique by its key, so a redelivery is recognised by every replica; processed
    once (claimed for a while, then marked done); what a crash left unprocessed is replayed."""

    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("channel", "key"),
        Index("ix_inbox_pending", "done_at", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    # "msg:<message id>" or "status:<message id>:<status>"
    key: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime]
    claimed_until: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    done_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(String(200))


class LinkCode(Base):
    """A one-time code with which a registered person links another chat account (e.g. their
    WhatsApp number) to themselves; only its SHA-256 is stored, and it expires in minutes."""

    __tablename__ = "link_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
    used_at: Mapped[datetime | None]


@event.listens_for(Session, "before_flush")
def _mirror_identities(session: Session, _context: object, _instances: object) -> None:
    """A user written with ``telegram_id``/``whatsapp`` gets the matching identity."""
    for obj in list(session.new) + list(session.dirty):
        if not isinstance(obj, User):
            continue
        known = {(i.channel, i.external_id) for i in obj.identities}
        for channel, value in (("telegram", obj.telegram_id), ("whatsapp", obj.whatsapp)):
            if value is None:
                continue
            if not any(c == channel for c, _ in known):
                obj.identities.append(UserIdentity(channel=channel, external_id=str(value)))
            elif (channel, str(value)) not in known:  # the mirror changed: follow it
                for identity in obj.identities:
                    if identity.channel == channel:
                        identity.external_id = str(value)
