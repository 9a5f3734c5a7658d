"""Withheld profile texts: a hidden or deleted profile description is kept beside the organisation

Profiles hidden before this revision kept their text only in the moderation log; it is moved into
the new table so that unhiding still restores it.

Revision ID: 72e6b474486d
Revises: ac7a031f610b
Create Date: 2026-11-25 03:21:05.895516

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '72e6b474486d'
down_revision = 'ac7a031f610b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('withheld_profile',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('edited_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_withheld_profile_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_withheld_profile'))
    )
    # A profile is withheld when the last hide, unhide, delete or restore of it was a hide or delete.
    op.execute("""
        INSERT INTO withheld_profile (organisation_id, text)
        SELECT entry.item_id, COALESCE(entry.previous_text, '') FROM moderation_action entry
        WHERE entry.item_type = 'profile' AND entry.action IN ('hide', 'delete')
          AND entry.id = (SELECT MAX(later.id) FROM moderation_action later
                           WHERE later.item_type = 'profile' AND later.item_id = entry.item_id
                             AND later.action IN ('hide', 'unhide', 'delete', 'restore'))
          AND EXISTS (SELECT 1 FROM organisation WHERE organisation.id = entry.item_id)
    """)


def downgrade():
    op.drop_table('withheld_profile')
