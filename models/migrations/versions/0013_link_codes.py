"""link codes: a registered person links another chat account (e.g. WhatsApp) to themselves

Revision ID: 0013
Revises: 0010
Create Date: 2026-11-28 12:30:00

- link_code(user_id, code_hash, created_at, expires_at, used_at): one-time codes of
  /tautkan, stored as SHA-256, valid for minutes. A new table: no existing row changes.
"""

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'link_code',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['user_id'], ['app_user.id'], name=op.f('fk_link_code_user_id_app_user'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_link_code')),
        sa.UniqueConstraint('code_hash', name=op.f('uq_link_code_code_hash')),
    )
    with op.batch_alter_table('link_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_link_code_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_link_code_expires_at'), ['expires_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('link_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_link_code_expires_at'))
        batch_op.drop_index(batch_op.f('ix_link_code_user_id'))
    op.drop_table('link_code')
