#!/usr/bin/env bash
# Makes localhost/debian:12-slim, the base of the project's images, from Debian's own
# packages (mmdebstrap, minbase variant, with Debian's updates and security updates as
# the official image has them), for machines that reach Debian's package
# archive but no container registry.  Does nothing when the image already exists.
#   BASE_IMAGE  the name to give it (localhost/debian:12-slim)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/containers.sh

BASE_IMAGE=${BASE_IMAGE:-localhost/debian:12-slim}
if image_exists "$BASE_IMAGE"; then
  exit 0
fi
command -v mmdebstrap >/dev/null 2>&1 || scripts/install-deps.sh --containers

work=$(mktemp -d /tmp/barbershop-base.XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "making $BASE_IMAGE with mmdebstrap (about a minute and a half)"
# As debian:12-slim does: merged /usr without the usrmerge package (and the Perl it pulls
# in), no documentation or locales but the C one, no apt caches.
mmdebstrap --quiet --variant=minbase --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/info/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/lintian/*' \
  --aptopt='APT::Install-Recommends "false"' \
  --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin' \
  bookworm "$work/rootfs.tar" \
  'deb http://deb.debian.org/debian bookworm main' \
  'deb http://deb.debian.org/debian bookworm-updates main' \
  'deb http://deb.debian.org/debian-security bookworm-security main'
"$ENGINE" import --change 'CMD ["bash"]' "$work/rootfs.tar" "$BASE_IMAGE" >/dev/null
echo "made $BASE_IMAGE"
