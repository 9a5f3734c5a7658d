"""attachments: files with a licence and a Stand on good examples and consultation results

Revision ID: attachments_files
Revises: programmes_funding
Create Date: 2026-12-08 00:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'attachments_files'
down_revision = 'programmes_funding'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'attachment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('example_id', sa.Integer(), nullable=True),
        sa.Column('consultation_id', sa.Integer(), nullable=True),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('storage_key', sa.String(length=64), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('licence', sa.String(length=24), nullable=False),
        sa.Column('stand', sa.Date(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('published_at', sa.DateTime(), nullable=True),
        sa.Column('is_demo', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'],
                                name=op.f('fk_attachment_consultation_id_consultation'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['example_id'], ['example.id'], name=op.f('fk_attachment_example_id_example'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_attachment_uploaded_by_id_user'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment')),
        sa.UniqueConstraint('storage_key', name=op.f('uq_attachment_storage_key')),
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_consultation_id'), ['consultation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_example_id'), ['example_id'], unique=False)


def downgrade():
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_example_id'))
        batch_op.drop_index(batch_op.f('ix_attachment_consultation_id'))
    op.drop_table('attachment')
