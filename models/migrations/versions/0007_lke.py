"""lke: worksheet versions, self-assessments, answers, hasil inputs, item-question links

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 09:40:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('lke_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('regulation', sa.String(length=200), nullable=False),
    sa.Column('version', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lke_version')),
    sa.UniqueConstraint('sha256', name=op.f('uq_lke_version_sha256'))
    )
    op.create_table('lke_assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('satker_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['satker_id'], ['satker.id'], name=op.f('fk_lke_assessment_satker_id_satker')),
    sa.ForeignKeyConstraint(['version_id'], ['lke_version.id'], name=op.f('fk_lke_assessment_version_id_lke_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lke_assessment')),
    sa.UniqueConstraint('satker_id', 'year', name=op.f('uq_lke_assessment_satker_id_year'))
    )
    with op.batch_alter_table('lke_assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lke_assessment_version_id'), ['version_id'], unique=False)

    op.create_table('lke_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('question', sa.String(length=32), nullable=False),
    sa.Column('choice', sa.String(length=16), nullable=True),
    sa.Column('inputs', sa.Text(), nullable=True),
    sa.Column('evidence_ids', sa.Text(), nullable=False),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_by', sa.String(length=100), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['answered_by_id'], ['app_user.id'], name=op.f('fk_lke_answer_answered_by_id_app_user')),
    sa.ForeignKeyConstraint(['assessment_id'], ['lke_assessment.id'], name=op.f('fk_lke_answer_assessment_id_lke_assessment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lke_answer')),
    sa.UniqueConstraint('assessment_id', 'question', name=op.f('uq_lke_answer_assessment_id_question'))
    )
    op.create_table('lke_hasil',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('number', sa.Float(), nullable=True),
    sa.Column('choice', sa.String(length=16), nullable=True),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('entered_by', sa.String(length=100), nullable=False),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['lke_assessment.id'], name=op.f('fk_lke_hasil_assessment_id_lke_assessment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entered_by_id'], ['app_user.id'], name=op.f('fk_lke_hasil_entered_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lke_hasil')),
    sa.UniqueConstraint('assessment_id', 'code', name=op.f('uq_lke_hasil_assessment_id_code'))
    )
    op.create_table('lke_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('question', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['rencana_aksi.id'], name=op.f('fk_lke_link_item_id_rencana_aksi'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lke_link')),
    sa.UniqueConstraint('item_id', 'question', name=op.f('uq_lke_link_item_id_question'))
    )


def downgrade() -> None:
    op.drop_table('lke_link')
    op.drop_table('lke_hasil')
    op.drop_table('lke_answer')
    with op.batch_alter_table('lke_assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lke_assessment_version_id'))

    op.drop_table('lke_assessment')
    op.drop_table('lke_version')
