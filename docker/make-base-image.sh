#!/usr/bin/env bash
# Makes a minimal Debian bookworm image without any container registry: debootstrap from the machine's own Debian
# mirror (~25 s, ~200 MB), then `docker import`. Skipped when the tag exists. Needs root and debootstrap.
# Usage: docker/make-base-image.sh [TAG]   (default kinfer/debian:bookworm)
set -euo pipefail
tag="${1:-kinfer/debian:bookworm}"
if docker image inspect "$tag" >/dev/null 2>&1; then
  echo "$tag exists"
  exit 0
fi
mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
[ -n "$mirror" ] || mirror=$(awk '/^deb / {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
debootstrap --variant=minbase bookworm "$root" "$mirror" >/dev/null
tar -C "$root" -c . | docker import - "$tag" >/dev/null
echo "made $tag from $mirror"
