#!/usr/bin/env bash
# What the container scripts share: the container engine (podman if present, else
# docker) and, for podman, the project's settings file.  Sourced by base-image.sh,
# images.sh and test-containers.sh.

CONTAINERS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/deploy/containers"

if command -v podman >/dev/null 2>&1; then
  ENGINE=podman
  # runc, rlimits within the hard limit and the host network (see the file's comment).
  export CONTAINERS_CONF=${CONTAINERS_CONF:-$CONTAINERS_DIR/containers.conf}
elif command -v docker >/dev/null 2>&1; then
  ENGINE=docker
else
  echo "neither podman nor docker is installed (scripts/install-deps.sh --containers installs podman)" >&2
  exit 1
fi

image_exists() {
  "$ENGINE" image inspect "$1" >/dev/null 2>&1
}
