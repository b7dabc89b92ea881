"""evidence review: the verifikator role, each bukti's review state and its history, sharing

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-28 12:30:00

- app_user.role may be "verifikator" (the check constraint is widened; every user is kept).
  On SQLite the table is NOT rebuilt: rebuilding app_user would drop it, and with foreign keys
  on that deletes every identity (ON DELETE CASCADE) or fails. The widened CHECK is written
  into the stored schema instead, the procedure SQLite documents for changes that leave the
  stored rows as they are (https://sqlite.org/lang_altertable.html, "otheralter").
- bukti_dukung.review_status ("menunggu" for every existing file: nobody checked them),
  reviewed_by_id, reviewed_at, review_reason: the current review.
- bukti_review: one row per decision (diterima / ditolak, reason, reviewer, time).
- satker.share_evidence: the satker shares its accepted evidence with others (off).
"""

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

OLD_ROLE = "role IN ('admin', 'agen', 'pimpinan')"
NEW_ROLE = "role IN ('admin', 'agen', 'pimpinan', 'verifikator')"


def _sqlite_rewrite_check(table: str, old: str, new: str) -> None:
    """Replace one CHECK expression in a SQLite table's stored CREATE statement."""
    bind = op.get_bind()
    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).scalar()
    if sql is None or old not in sql:
        raise RuntimeError(f"unexpected schema of {table}: {sql!r}")
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        bind.exec_driver_sql(
            "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?",
            (sql.replace(old, new), table),
        )
        bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def _set_role_check(old: str, new: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_rewrite_check("app_user", old, new)
    else:
        op.drop_constraint(op.f('ck_app_user_role'), 'app_user', type_='check')
        op.create_check_constraint(op.f('ck_app_user_role'), 'app_user', sa.text(new))


def upgrade() -> None:
    _set_role_check(OLD_ROLE, NEW_ROLE)
    with op.batch_alter_table('satker', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('share_evidence', sa.Boolean(), server_default='0', nullable=False)
        )
    # bukti_dukung is referenced by no foreign key: rebuilding it on SQLite loses nothing.
    with op.batch_alter_table('bukti_dukung', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'review_status', sa.String(length=16), server_default='menunggu', nullable=False
            )
        )
        batch_op.add_column(sa.Column('reviewed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('review_reason', sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_bukti_dukung_reviewed_by_id_app_user'),
            'app_user', ['reviewed_by_id'], ['id'],
        )
        batch_op.create_check_constraint(
            batch_op.f('ck_bukti_dukung_review_status'), sa.text("review_status IN ('menunggu', 'diterima', 'ditolak')")
        )
        batch_op.create_index(
            'ix_bukti_dukung_review', ['review_status', 'created_at'], unique=False
        )
    op.create_table(
        'bukti_review',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('bukti_id', sa.Integer(), nullable=False),
        sa.Column('decision', sa.String(length=16), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('reviewer_id', sa.Integer(), nullable=True),
        sa.Column('reviewer_label', sa.String(length=200), nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "decision IN ('diterima', 'ditolak')", name=op.f('ck_bukti_review_decision')
        ),
        sa.ForeignKeyConstraint(
            ['bukti_id'], ['bukti_dukung.id'], name=op.f('fk_bukti_review_bukti_id_bukti_dukung'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['reviewer_id'], ['app_user.id'], name=op.f('fk_bukti_review_reviewer_id_app_user')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bukti_review')),
    )
    with op.batch_alter_table('bukti_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bukti_review_bukti_id'), ['bukti_id'], unique=False)


def downgrade() -> None:
    # A verifikator cannot exist under the old rule, and a downgrade must not invent another
    # role for them: it refuses, before changing anything, while any remains.
    count = op.get_bind().execute(
        sa.text("SELECT count(*) FROM app_user WHERE role = 'verifikator'")
    ).scalar()
    if count:
        raise RuntimeError(f"{count} verifikator account(s) exist: remove them before downgrading")
    with op.batch_alter_table('bukti_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bukti_review_bukti_id'))
    op.drop_table('bukti_review')
    with op.batch_alter_table('bukti_dukung', schema=None) as batch_op:
        batch_op.drop_index('ix_bukti_dukung_review')
        batch_op.drop_constraint(batch_op.f('ck_bukti_dukung_review_status'), type_='check')
        batch_op.drop_constraint(
            batch_op.f('fk_bukti_dukung_reviewed_by_id_app_user'), type_='foreignkey'
        )
        batch_op.drop_column('review_reason')
        batch_op.drop_column('reviewed_at')
        batch_op.drop_column('reviewed_by_id')
        batch_op.drop_column('review_status')
    # Not in batch mode: rebuilding satker on SQLite fails on the foreign keys to it.
    op.execute('ALTER TABLE satker DROP COLUMN share_evidence')
    _set_role_check(NEW_ROLE, OLD_ROLE)
