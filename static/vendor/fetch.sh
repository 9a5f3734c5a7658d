#!/usr/bin/env bash
# Refresh the vendored front-end libraries from the npm registry at the pinned versions.
set -euo pipefail
cd "$(dirname "$0")"
BOOTSTRAP=5.3.9
SOCKETIO=4.8.4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "bootstrap@$BOOTSTRAP" "socket.io-client@$SOCKETIO" >/dev/null)
tar xzf "$work/bootstrap-$BOOTSTRAP.tgz" -C "$work" && mv "$work/package" "$work/bootstrap"
tar xzf "$work/socket.io-client-$SOCKETIO.tgz" -C "$work" && mv "$work/package" "$work/socketio"
cp "$work/bootstrap/dist/css/bootstrap.min.css" "$work/bootstrap/dist/js/bootstrap.bundle.min.js" \
   "$work/bootstrap/LICENSE" bootstrap/
cp "$work/socketio/dist/socket.io.min.js" "$work/socketio/LICENSE" socket.io/
# The source maps are not shipped, so their references would only cause 404s.
sed -i '/sourceMappingURL/d' bootstrap/*.min.* socket.io/socket.io.min.js
