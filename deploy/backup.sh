#!/usr/bin/env bash
# Back up an installation into a new directory under DIRECTORY: the database (pg_dump's custom format, or
# a consistent copy of the SQLite file) and instance/ (legal texts, written mails, attachments and other
# files), without the matching index (rebuilt from the database) and the SQLite job queue (transient).
# Safe while the application runs. Usage: DATABASE_URL=… deploy/backup.sh DIRECTORY  (docs/deploy.md)
# INSTANCE_DIR (default: instance/ beside this script's directory) names another instance folder.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="${1:?usage: deploy/backup.sh DIRECTORY}"
instance="${INSTANCE_DIR:-$root/instance}"
url="${DATABASE_URL:?set DATABASE_URL as for the application}"
umask 077  # a backup holds everyone's data

target="$dest/kommunalnetz-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$target"
case "$url" in
  postgres://*|postgresql://*|postgresql+psycopg://*)
    pg_dump --format=custom --no-owner --no-privileges --file="$target/database.dump" \
      "postgresql://${url#*://}"
    ;;
  sqlite:///*)
    sqlite3 "${url#sqlite:///}" ".backup '$target/database.sqlite'"
    ;;
  *)
    echo "backup.sh: unsupported DATABASE_URL (PostgreSQL or SQLite)" >&2
    exit 2
    ;;
esac
tar --create --gzip --file="$target/instance.tar.gz" --directory="$instance" \
  --exclude=./matching --exclude='./*.sqlite' --exclude='./*.sqlite-*' .
(cat "$root/VERSION" 2>/dev/null || git -C "$root" describe --tags --always --dirty 2>/dev/null || echo unknown) \
  > "$target/VERSION"
echo "$target"
