"""hardening: processed updates, shared flood limits, bot account, chat link activity

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 09:30:00
"""

from alembic import op
import sqlalchemy as sa



revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('processed_update',
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('update_id', sa.String(length=255), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('channel', 'update_id', name=op.f('pk_processed_update'))
    )
    with op.batch_alter_table('processed_update', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_processed_update_received_at'), ['received_at'], unique=False)

    op.create_table('rate_slot',
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('tat', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_rate_slot'))
    )
    op.create_table('bot_account',
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('username', sa.String(length=100), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('channel', name=op.f('pk_bot_account'))
    )
    with op.batch_alter_table('chat_link', schema=None) as batch_op:
        batch_op.add_column(sa.Column('active', sa.Boolean(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('left_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('chat_link', schema=None) as batch_op:
        batch_op.drop_column('left_at')
        batch_op.drop_column('active')
    op.drop_table('bot_account')
    op.drop_table('rate_slot')
    with op.batch_alter_table('processed_update', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_processed_update_received_at'))
    op.drop_table('processed_update')
