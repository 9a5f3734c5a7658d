"""SQLite: apply the ON DELETE rules to references a delete left dangling

Until this revision SQLite ran without `PRAGMA foreign_keys`, so deleting a row neither deleted
(CASCADE) nor cleared (SET NULL) the rows that referred to it. The app now enforces foreign keys on
SQLite (community/extensions.py); this revision first brings existing rows in line, as PostgreSQL
would have kept them. PostgreSQL databases are untouched.

Revision ID: 5b0e3c9d1a47
Revises: 72e6b474486d
Create Date: 2026-11-25 05:50:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5b0e3c9d1a47'
down_revision = '72e6b474486d'
branch_labels = None
depends_on = None


def upgrade():
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return
    rules = {}  # (table, foreign key id) -> (column, on_delete)
    # Foreign keys are off while migrating (migrations/env.py), so a deleted row orphans its own
    # referrers in turn: repeat until nothing dangles but what no rule covers.
    while True:
        changed = False
        for table, rowid, _parent, key_id in connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall():
            if (table, key_id) not in rules:
                for row in connection.exec_driver_sql(f'PRAGMA foreign_key_list("{table}")'):
                    rules[(table, row[0])] = (row[3], row[6].upper())
            column, on_delete = rules[(table, key_id)]
            if on_delete == "CASCADE":
                connection.exec_driver_sql(f'DELETE FROM "{table}" WHERE rowid = ?', (rowid,))
            elif on_delete == "SET NULL":
                connection.exec_driver_sql(f'UPDATE "{table}" SET "{column}" = NULL WHERE rowid = ?', (rowid,))
            else:
                continue  # NO ACTION: PostgreSQL would have refused the delete; nothing to infer
            changed = True
        if not changed:
            break


def downgrade():
    pass  # the rows removed or cleared referred to nothing; there is nothing to put back
