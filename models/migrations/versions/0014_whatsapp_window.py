"""WhatsApp outbound: the 24-hour window, delivery receipts, template re-sends

Revision ID: 0014
Revises: 0010
Create Date: 2026-11-28 12:40:00

- user_identity.last_inbound_at: when the account last wrote (WhatsApp's customer-service
  window runs 24 hours from it); NULL for every existing identity (no window known).
- outbox.receipt / receipt_at: the last status the channel reported (sent, delivered, read).
- outbox.via_template: send as the approved template (Meta refused the free-form message).
Only columns are added (SQLite: ALTER TABLE ADD COLUMN, no table rebuilt, so no ON DELETE
CASCADE of the reminders that point at outbox rows can fire).
"""

from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('user_identity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_inbound_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('receipt_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column('via_template', sa.Boolean(), nullable=False, server_default='0')
        )


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('via_template')
        batch_op.drop_column('receipt_at')
        batch_op.drop_column('receipt')
    with op.batch_alter_table('user_identity', schema=None) as batch_op:
        batch_op.drop_column('last_inbound_at')
