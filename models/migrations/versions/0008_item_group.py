"""rencana_aksi.group_name: the upper level of two-level plans

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 10:20:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('rencana_aksi', schema=None) as batch_op:
        batch_op.add_column(sa.Column('group_name', sa.Text(), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('rencana_aksi', schema=None) as batch_op:
        batch_op.drop_column('group_name')
