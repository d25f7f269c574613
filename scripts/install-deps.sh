#!/usr/bin/env bash
# Installs the Debian 12 packages that building, running and testing need, when missing.
#   install-deps.sh               what `make up` and `make test` need
#   install-deps.sh --services    only what building the two service binaries needs (the
#                                 build stage of deploy/containers/Containerfile)
#   install-deps.sh --containers  the container tools (podman, runc, mmdebstrap,
#                                 podman-compose) that `make test-containers` needs
set -euo pipefail

build_packages=(
  build-essential cmake ccache pkg-config ca-certificates
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler grpc-proto
  libpqxx-dev libpq-dev libhiredis-dev librabbitmq-dev libboost1.81-dev libboost-json1.81-dev
  nlohmann-json3-dev libspdlog-dev libsodium-dev libjwt-dev libcli11-dev libssl-dev
  libhowardhinnant-date-dev
)
test_packages=(
  git tzdata procps iproute2 curl
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-14 libfuzzer-14-dev libclang-rt-14-dev clang-format-14 clang-tidy-14
  postgresql postgresql-contrib redis-server rabbitmq-server nginx nghttp2-client libfaketime openssl
  python3 python3-kubernetes python3-yaml python3-icalendar
  chromium fonts-dejavu-core
)
# kubectl, which renders deploy/k8s for its check (k8s_overlays_valid), is not a Debian
# package: the machines this project builds on come with it, and without it that test is
# skipped.
container_packages=(podman runc uidmap mmdebstrap podman-compose)

# The web app builds with Node.js and npm (web/package.json): Debian's, unless the machine
# already has a Node.js of its own.
web_packages=()
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then web_packages=(nodejs npm); fi

case "${1:-}" in
  "") packages=("${build_packages[@]}" "${test_packages[@]}" "${web_packages[@]}") ;;
  --services) packages=("${build_packages[@]}") ;;
  --containers) packages=("${container_packages[@]}") ;;
  *) echo "usage: $0 [--services | --containers]" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts these as system services on install where it can (nginx on port 80); the
# project runs its own copies on loopback, so stop any that came up.
for service in postgresql redis-server rabbitmq-server nginx; do
  $SUDO service "$service" stop >/dev/null 2>&1 || true
done
