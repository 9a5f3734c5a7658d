"""The directory's name search on PostgreSQL uses a pg_trgm GIN index (ILIKE '%…%' without a full scan)

Only on PostgreSQL: SQLite has no trigram index, and the model is the same on both (the index is an
expression index on lower(name), which autogenerate leaves to the migrations).

Revision ID: 4c1f2e9a7b30
Revises: 53cb7488586d
Create Date: 2026-12-03 07:00:00

"""
from alembic import op

revision = '4c1f2e9a7b30'
down_revision = '53cb7488586d'
branch_labels = None
depends_on = None


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade():
    if not _postgresql():
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("CREATE INDEX ix_organisation_name_trgm ON organisation USING gin (name gin_trgm_ops)")


def downgrade():
    if not _postgresql():
        return
    op.execute("DROP INDEX IF EXISTS ix_organisation_name_trgm")
