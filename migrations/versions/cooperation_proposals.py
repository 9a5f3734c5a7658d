"""cooperation proposals between municipalities of one Kreis (issue 28, point 3)

Revision ID: c00p3ra7e001
Revises: auth_email_confirmation
Create Date: 2026-12-08 00:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c00p3ra7e001'
down_revision = 'auth_email_confirmation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'cooperation_proposal',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('need_id', sa.Integer(), nullable=True),
        sa.Column('room_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['need_id'], ['need.id'], name=op.f('fk_cooperation_proposal_need_id_need'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'],
                                name=op.f('fk_cooperation_proposal_organisation_id_organisation'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['room_id'], ['room.id'], name=op.f('fk_cooperation_proposal_room_id_room'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_cooperation_proposal')),
    )
    with op.batch_alter_table('cooperation_proposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cooperation_proposal_need_id'), ['need_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cooperation_proposal_organisation_id'), ['organisation_id'], unique=False)
    op.create_table(
        'cooperation_invitation',
        sa.Column('contact_request_id', sa.Integer(), nullable=False),
        sa.Column('proposal_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['contact_request_id'], ['contact_request.id'],
                                name=op.f('fk_cooperation_invitation_contact_request_id_contact_request'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['proposal_id'], ['cooperation_proposal.id'],
                                name=op.f('fk_cooperation_invitation_proposal_id_cooperation_proposal'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('contact_request_id', name=op.f('pk_cooperation_invitation')),
    )
    with op.batch_alter_table('cooperation_invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cooperation_invitation_proposal_id'), ['proposal_id'], unique=False)


def downgrade():
    with op.batch_alter_table('cooperation_invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cooperation_invitation_proposal_id'))
    op.drop_table('cooperation_invitation')
    with op.batch_alter_table('cooperation_proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cooperation_proposal_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_cooperation_proposal_need_id'))
    op.drop_table('cooperation_proposal')
