#!/usr/bin/env bash
# Builds the platform's images with podman (or docker):
#   barbershop-core, barbershop-realtime   the services (deploy/containers/Containerfile)
#   barbershop-gateway                     nginx in front of them
#   barbershop-postgres, barbershop-redis, barbershop-rabbitmq
#                                          Debian's servers, for the local compose stack
# each tagged :latest and :VERSION, then prints their sizes.
#   BASE_IMAGE  the Debian 12 base (localhost/debian:12-slim, made by scripts/base-image.sh
#               when missing; debian:12-slim where a registry is reachable)
#   IMAGES      which to build, e.g. "core realtime" (all six)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/containers.sh

BASE_IMAGE=${BASE_IMAGE:-localhost/debian:12-slim}
if [ "$BASE_IMAGE" = localhost/debian:12-slim ]; then
  scripts/base-image.sh
fi
VERSION=$(sed -n 's/^project(barbershop .*VERSION \([0-9.]*\)).*/\1/p' CMakeLists.txt)
REVISION=$(git rev-parse HEAD 2>/dev/null || echo unknown)
IMAGES=${IMAGES:-core realtime gateway postgres redis rabbitmq}

format=()
if [ "$ENGINE" = podman ]; then
  # HEALTHCHECK is kept only in Docker's image format.
  format=(--format docker)
fi
common=(--build-arg BASE_IMAGE="$BASE_IMAGE" "${format[@]}")
# The services' build stage compiles through the host's compiler cache when there is one
# (podman mounts it; docker keeps a cache mount of its own).
service_cache=()
if [ "$ENGINE" = podman ] && command -v ccache >/dev/null 2>&1; then
  ccache_dir=$(ccache --get-config cache_dir)
  mkdir -p "$ccache_dir"
  service_cache=(--volume "$ccache_dir:/host-ccache" --build-arg CCACHE_DIR=/host-ccache)
  # ccache hashes the locale variables: the host's, for hits on what the host compiled.
  for name in LANG LC_ALL; do
    if [ -n "${!name+set}" ]; then service_cache+=(--build-arg "$name=${!name}"); fi
  done
fi

labels=$(mktemp -d /tmp/barbershop-labels.XXXXXX)
trap 'rm -rf "$labels"' EXIT

# The gateway serves the web app, built here (web/dist) as make up builds it.
if [[ " $IMAGES " == *" gateway "* ]]; then
  (source scripts/stack.sh && web_build)
fi

for image in $IMAGES; do
  case "$image" in
    core | realtime)
      args=(--target "$image" -f deploy/containers/Containerfile "${service_cache[@]}") ;;
    gateway | postgres | redis | rabbitmq)
      args=(-f "deploy/containers/$image.Containerfile") ;;
    *) echo "unknown image '$image' (core realtime gateway postgres redis rabbitmq)" >&2; exit 2 ;;
  esac
  name=localhost/barbershop-$image
  echo "building $name"
  "$ENGINE" build "${common[@]}" "${args[@]}" -t "$name:unlabelled-$$" .
  # The version and revision labels, in a build of their own whose file holds their values:
  # podman 4.3 takes a cached last step, with the labels it had, when only a build argument
  # or a --label changed, so a rebuilt image would keep the first commit's revision.
  printf 'FROM %s\nLABEL org.opencontainers.image.version="%s" org.opencontainers.image.revision="%s"\n' \
    "$name:unlabelled-$$" "$VERSION" "$REVISION" >"$labels/Containerfile"
  "$ENGINE" build "${format[@]}" -q -t "$name:latest" -t "$name:$VERSION" "$labels" >/dev/null
  if [ "$ENGINE" = podman ]; then podman untag "$name:unlabelled-$$" "$name:unlabelled-$$"; else docker rmi "$name:unlabelled-$$" >/dev/null; fi
done

"$ENGINE" images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E '/barbershop-[a-z]+:latest|debian:12-slim' | sort
