"""Notifications stored as message ids with their values, translated for each reader when shown

Existing rows keep their text (in their sender's language) and get no message: they are shown as
before. New rows leave the text empty.

Revision ID: ac7a031f610b
Revises: 10f003876226
Create Date: 2026-11-25 03:17:58.734423

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ac7a031f610b'
down_revision = '10f003876226'
branch_labels = None
depends_on = None

TEXT_MAX = 500


def upgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('params', sa.JSON(), nullable=True))


def downgrade():
    # The older schema shows `text` only: write the English text of every newer row into it.
    notification = sa.table('notification', sa.column('id', sa.Integer), sa.column('text', sa.String),
                            sa.column('message', sa.String), sa.column('params', sa.JSON))
    connection = op.get_bind()
    rows = connection.execute(sa.select(notification.c.id, notification.c.message, notification.c.params)
                              .where(notification.c.message.is_not(None))).all()
    for row in rows:
        values = {name: value["msgid"] if isinstance(value, dict) else value
                  for name, value in (row.params or {}).items()}
        text = row.message % values if values else row.message
        connection.execute(notification.update().where(notification.c.id == row.id).values(text=text[:TEXT_MAX]))
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_column('params')
        batch_op.drop_column('message')
