"""The heartbeats of the job consumers and the answer to `flask jobs ping`, in the shared database

Revision ID: a7e3c91d5f20
Revises: 48de0da52cb6
Create Date: 2026-12-07 21:16:57.685534

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7e3c91d5f20'
down_revision = '48de0da52cb6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('heartbeat',
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('beat_at', sa.DateTime(), nullable=False),
    sa.Column('host', sa.String(length=200), nullable=False),
    sa.Column('detail', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_heartbeat'))
    )


def downgrade():
    op.drop_table('heartbeat')
