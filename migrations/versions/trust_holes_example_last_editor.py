"""good examples remember their last editor (four-eyes review)

Revision ID: 7e3a9c2d5b14
Revises: register_official_register
Create Date: 2026-12-07 22:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '7e3a9c2d5b14'
down_revision = 'register_official_register'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('example', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_editor_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_example_last_editor_id_user'), 'user', ['last_editor_id'], ['id'],
                                    ondelete='SET NULL')
    # Until now only the author could have changed an example.
    op.execute('UPDATE example SET last_editor_id = author_id')


def downgrade():
    with op.batch_alter_table('example', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_example_last_editor_id_user'), type_='foreignkey')
        batch_op.drop_column('last_editor_id')
