"""Contact requests remember their one reminder (unanswered requests are reminded after 14 days and
expire after 30; requests to organisations without members can be passed on to the competence centre).

Revision ID: trust_bounds_contact_reminders
Revises: trust_visibility_entry_vis
Create Date: 2026-12-07 21:45:00
"""
import sqlalchemy as sa
from alembic import op

revision = "trust_bounds_contact_reminders"
down_revision = "trust_visibility_entry_vis"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("contact_request", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reminded_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("contact_request", schema=None) as batch_op:
        batch_op.drop_column("reminded_at")
