"""notices in the outbox, people's chat identities, message ids as text

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28 10:30:00

- outbox.payload: a notice (kind + JSON parameters) rendered by the channel when it is sent.
  Rows written before keep their text and buttons and are sent as stored.
- user_identity(user_id, channel, external_id): one row per chat account of a person, copied
  from app_user.telegram_id and app_user.whatsapp (both columns are kept, as mirrors).
- outbox.message_id becomes text (WhatsApp ids are not numbers); existing ids are kept.
"""

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payload', sa.Text(), nullable=True))
        batch_op.alter_column(
            'message_id',
            existing_type=sa.BigInteger(),
            type_=sa.String(length=64),
            existing_nullable=True,
            postgresql_using='message_id::text',
        )
    op.create_table(
        'user_identity',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('external_id', sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ['user_id'], ['app_user.id'], name=op.f('fk_user_identity_user_id_app_user'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_user_identity')),
        sa.UniqueConstraint(
            'channel', 'external_id', name=op.f('uq_user_identity_channel_external_id')
        ),
    )
    with op.batch_alter_table('user_identity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_identity_user_id'), ['user_id'], unique=False)
    op.execute(
        "INSERT INTO user_identity (user_id, channel, external_id) "
        "SELECT id, 'telegram', CAST(telegram_id AS VARCHAR(255)) FROM app_user "
        "WHERE telegram_id IS NOT NULL"
    )
    op.execute(
        "INSERT INTO user_identity (user_id, channel, external_id) "
        "SELECT id, 'whatsapp', whatsapp FROM app_user WHERE whatsapp IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table('user_identity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_identity_user_id'))
    op.drop_table('user_identity')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.alter_column(
            'message_id',
            existing_type=sa.String(length=64),
            type_=sa.BigInteger(),
            existing_nullable=True,
            postgresql_using='message_id::bigint',
        )
        batch_op.drop_column('payload')
