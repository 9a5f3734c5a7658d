"""rooms real time: topic and group rooms, notifications, match notices

Revision ID: d82ff1564833
Revises: e1acc725531a
Create Date: 2026-11-25 01:59:24.970071

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd82ff1564833'
down_revision = 'e1acc725531a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('match_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_match_notice_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_notice')),
    sa.UniqueConstraint('organisation_id', 'record_id', name='uq_match_notice_org_record')
    )
    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notification_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index('ix_notification_user_id_read_at', ['user_id', 'read_at'], unique=False)

    with op.batch_alter_table('room', schema=None) as batch_op:
        batch_op.add_column(sa.Column('topic_slug', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_room_topic_slug'), ['topic_slug'])
        batch_op.create_foreign_key(batch_op.f('fk_room_organisation_id_organisation'), 'organisation', ['organisation_id'], ['id'], ondelete='CASCADE')


def downgrade():
    with op.batch_alter_table('room', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_room_organisation_id_organisation'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_room_topic_slug'), type_='unique')
        batch_op.drop_column('organisation_id')
        batch_op.drop_column('topic_slug')

    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_user_id_read_at')

    op.drop_table('notification')
    op.drop_table('match_notice')
