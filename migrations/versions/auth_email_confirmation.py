"""E-mail addresses confirmed before an account may contact anyone, post or join (#24): when the address
was confirmed. Every account that exists already counts as confirmed (its creation time).

Revision ID: auth_email_confirmation
Revises: attachments_files
Create Date: 2026-12-08 00:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'auth_email_confirmation'
down_revision = 'attachments_files'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_confirmed_at', sa.DateTime(), nullable=True))
    user = sa.table('user', sa.column('email_confirmed_at', sa.DateTime()), sa.column('created_at', sa.DateTime()))
    op.execute(user.update().values(email_confirmed_at=user.c.created_at))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('email_confirmed_at')
