#!/usr/bin/env bash
# Refresh the vendored front-end libraries from the npm registry at the pinned versions.
set -euo pipefail
cd "$(dirname "$0")"
KERN=2.7.2
SOCKETIO=4.8.4
# The weights kern/fonts/fira-sans.css declares; the package ships twenty more that no page uses.
FIRA_WEIGHTS="Light LightItalic Regular Italic Medium MediumItalic SemiBold SemiBoldItalic Bold BoldItalic"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@kern-ux/native@$KERN" "socket.io-client@$SOCKETIO" >/dev/null)
tar xzf "$work/kern-ux-native-$KERN.tgz" -C "$work" && mv "$work/package" "$work/kern"
tar xzf "$work/socket.io-client-$SOCKETIO.tgz" -C "$work" && mv "$work/package" "$work/socketio"
rm -rf kern && mkdir -p kern/fonts/fira-sans
cp "$work/kern/dist/kern.min.css" "$work/kern/LICENSE.md" kern/
# fira-sans.css finds its files relative to itself (./fira-sans/...), so the layout is kept.
cp "$work/kern/dist/fonts/fira-sans.css" kern/fonts/
for weight in $FIRA_WEIGHTS; do
  cp "$work/kern/dist/fonts/fira-sans/FiraSans-$weight.woff2" kern/fonts/fira-sans/
done
cp "$work/socketio/dist/socket.io.min.js" "$work/socketio/LICENSE" socket.io/
# The source maps are not shipped, so their references would only cause 404s.
sed -i '/sourceMappingURL/d' kern/kern.min.css socket.io/socket.io.min.js
