#!/bin/sh
# A Debian bookworm base image with Python 3.11, made locally with mmdebstrap from Debian's packages, for
# machines that reach Debian's mirror but no image registry:
#   deploy/images/base.sh [IMAGE]      (default localhost/kommunalnetz-base:bookworm)
# The image carries a label with the hash of its recipe; an image of the same recipe is kept, so only
# the first run of the week (the week is part of the recipe: security updates) spends the ~2 minutes.
set -eu
image="${1:-localhost/kommunalnetz-base:bookworm}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
security="${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
# python3-venv for `python3 -m venv` and passwd for `useradd` in the Containerfile, ca-certificates for pip;
# the service images (deploy/images/*/Containerfile) add their packages with apt.
packages="python3,python3-venv,ca-certificates,passwd"
recipe="$(printf '%s\n' bookworm "$packages" "$mirror" "$security" "$(date -u +%G-W%V)" "$(cat "$0")" \
    | sha256sum | cut -c1-16)"

if [ "$(podman image inspect --format '{{ index .Labels "recipe" }}' "$image" 2>/dev/null)" = "$recipe" ]; then
    echo "$image is up to date (recipe $recipe)"
    exit 0
fi
tarball="$(mktemp --suffix=.tar)"
trap 'rm -f "$tarball"' EXIT
mmdebstrap --quiet --variant=apt --include="$packages" bookworm "$tarball" \
    "deb $mirror bookworm main" "deb $mirror bookworm-updates main" "deb $security bookworm-security main"
podman import --change "LABEL recipe=$recipe" --change 'CMD ["/bin/bash"]' "$tarball" "$image" >/dev/null
echo "$image built (recipe $recipe)"
