#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into the database of DATABASE_URL and the instance folder.
# Stop the web and job processes first; the database's tables are replaced, instance/'s files overwritten.
# Afterwards: `flask db upgrade` (a backup of an older release), `flask matching rebuild`, start again.
# Usage: DATABASE_URL=… deploy/restore.sh BACKUP_DIRECTORY  (docs/deploy.md)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
backup="${1:?usage: deploy/restore.sh BACKUP_DIRECTORY}"
instance="${INSTANCE_DIR:-$root/instance}"
url="${DATABASE_URL:?set DATABASE_URL as for the application}"

case "$url" in
  postgres://*|postgresql://*|postgresql+psycopg://*)
    pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error \
      --dbname="postgresql://${url#*://}" "$backup/database.dump"
    ;;
  sqlite:///*)
    sqlite3 "${url#sqlite:///}" ".restore '$backup/database.sqlite'"
    ;;
  *)
    echo "restore.sh: unsupported DATABASE_URL (PostgreSQL or SQLite)" >&2
    exit 2
    ;;
esac
mkdir -p "$instance"
tar --extract --gzip --file="$backup/instance.tar.gz" --directory="$instance"
echo "restored $(cat "$backup/VERSION") into the database and $instance"
