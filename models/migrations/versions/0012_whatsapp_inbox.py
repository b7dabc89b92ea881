"""WhatsApp inbox: webhook updates stored before they are answered; ids wide enough for WhatsApp

Revision ID: 0012
Revises: 0010
Create Date: 2026-11-28 12:30:00

- inbox(channel, key, body, ...): one row per WhatsApp message or status as it arrived, unique
  by (channel, key); claimed while processed, marked done after; a crash leaves it to replay.
- Columns that hold a person's WhatsApp id (a business-scoped user id may be 128+ characters)
  are widened to 255: app_user.whatsapp, conversation.chat_id/user_id, kendala.origin_chat_id,
  the chat_id of chat_link, outbox, reminder, snooze and unreachable, and audit_log.actor_label
  ("whatsapp:<id>"). Widening keeps every value. SQLite does not enforce VARCHAR lengths, so
  there nothing is rebuilt.
"""

import re

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0010'
branch_labels = None
depends_on = None

WIDENED = (
    ('app_user', 'whatsapp', 32, True),
    ('conversation', 'chat_id', 64, False),
    ('conversation', 'user_id', 64, False),
    ('kendala', 'origin_chat_id', 64, False),
    ('chat_link', 'chat_id', 64, False),
    ('outbox', 'chat_id', 64, False),
    ('reminder', 'chat_id', 64, False),
    ('snooze', 'chat_id', 64, False),
    ('unreachable', 'chat_id', 64, False),
    ('audit_log', 'actor_label', 100, False),
)


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _sqlite_declared_type(table: str, column: str, old: int, new: int) -> None:
    """SQLite: change a column's declared VARCHAR length in the stored schema only.

    SQLite neither enforces the length nor stores it with the rows (the column keeps TEXT
    affinity), so this is the "change a declared type" case of SQLite's ALTER TABLE docs:
    no table is rebuilt. Rebuilding app_user or outbox instead would fire their foreign keys'
    ON DELETE CASCADE (identities, reminders) inside the migration's transaction.
    """
    bind = op.get_bind()
    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).scalar_one()
    pattern = re.compile(rf'(?<![\w"])("?{column}"?\s+VARCHAR)\({old}\)', re.IGNORECASE)
    changed, count = pattern.subn(rf"\g<1>({new})", sql)
    if count != 1:
        raise RuntimeError(f"{table}.{column} VARCHAR({old}) not found in {sql!r}")
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?", (changed, table)
    )
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade() -> None:
    op.create_table(
        'inbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('key', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('error', sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_inbox')),
        sa.UniqueConstraint('channel', 'key', name=op.f('uq_inbox_channel_key')),
    )
    with op.batch_alter_table('inbox', schema=None) as batch_op:
        batch_op.create_index('ix_inbox_pending', ['done_at', 'received_at'], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        for table, column, old, _ in WIDENED:
            _sqlite_declared_type(table, column, old, 255)
        return
    for table, column, old, nullable in WIDENED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                column,
                existing_type=sa.String(length=old),
                type_=sa.String(length=255),
                existing_nullable=nullable,
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table, column, old, _ in reversed(WIDENED):
            _sqlite_declared_type(table, column, 255, old)
    for table, column, old, nullable in [] if _sqlite() else reversed(WIDENED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                column,
                existing_type=sa.String(length=255),
                type_=sa.String(length=old),
                existing_nullable=nullable,
            )
    with op.batch_alter_table('inbox', schema=None) as batch_op:
        batch_op.drop_index('ix_inbox_pending')
    op.drop_table('inbox')
