"""mails carry a calendar invitation; a consultation's meeting details

Revision ID: mail_calendar
Revises: consultation_results
Create Date: 2026-12-08 01:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'mail_calendar'
down_revision = 'consultation_results'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar', sa.Text(), nullable=True))
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('meeting_details', sa.String(length=500), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.drop_column('meeting_details')
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.drop_column('calendar')
