"""First week: join requests, pairs of organisations found distinct, postcodes of organisations

Revision ID: 7a7573b92d01
Revises: 5b0e3c9d1a47
Create Date: 2026-12-02 20:08:24.224142

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7a7573b92d01'
down_revision = '5b0e3c9d1a47'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('distinct_organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('other_id', sa.Integer(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_distinct_organisations_decided_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_distinct_organisations_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['other_id'], ['organisation.id'], name=op.f('fk_distinct_organisations_other_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distinct_organisations')),
    sa.UniqueConstraint('organisation_id', 'other_id', name='uq_distinct_organisations_pair')
    )
    op.create_table('join_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_join_request_decided_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_join_request_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_join_request_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_join_request'))
    )
    with op.batch_alter_table('join_request', schema=None) as batch_op:
        batch_op.create_index('ix_join_request_organisation_id_status', ['organisation_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_join_request_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('postcode', sa.String(length=5), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_organisation_postcode'), ['postcode'], unique=False)



def downgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_postcode'))
        batch_op.drop_column('postcode')

    with op.batch_alter_table('join_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_join_request_user_id'))
        batch_op.drop_index('ix_join_request_organisation_id_status')

    op.drop_table('join_request')
    op.drop_table('distinct_organisations')
