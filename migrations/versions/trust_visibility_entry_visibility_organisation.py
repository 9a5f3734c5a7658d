"""needs and offers may be visible to their organisation only

The visibility column was String(10); "organisation" has twelve characters.

Revision ID: trust_visibility_entry_vis
Revises: signin_0001
Create Date: 2026-12-07 21:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'trust_visibility_entry_vis'
down_revision = 'signin_0001'
branch_labels = None
depends_on = None

TABLES = ('need', 'offer')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('visibility', existing_type=sa.String(length=10), type_=sa.String(length=12),
                                  existing_nullable=False)


def downgrade():
    # An entry kept inside its organisation must not turn public by a downgrade: members is the closest.
    for table in TABLES:
        op.execute(sa.text(f"UPDATE {table} SET visibility = 'members' WHERE visibility = 'organisation'"))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('visibility', existing_type=sa.String(length=12), type_=sa.String(length=10),
                                  existing_nullable=False)
