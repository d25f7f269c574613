#!/usr/bin/env bash
# make lint: the C++ sources against .clang-format, then clang-tidy with .clang-tidy over
# every translation unit of the release build.  `scripts/lint.sh --fix` (make format)
# rewrites the sources in the project's format instead of checking it.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

mapfile -t sources < <(git ls-files '*.cpp' '*.hpp' '*.h' '*.cc')

if [ "${1:-}" = "--fix" ]; then
  clang-format-14 -i "${sources[@]}"
  echo "formatted ${#sources[@]} files"
  exit 0
fi

echo "== clang-format (${#sources[@]} files)"
clang-format-14 --dry-run --Werror "${sources[@]}"

echo "== clang-tidy"
# The compile commands of the release build, and the headers that protoc generates,
# which the sources include.
export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=true
cmake --preset release >/dev/null
cmake --build --preset release --target barbershop_proto seed_proto -j"$(nproc)" >/dev/null
mapfile -t units < <(git ls-files '*.cpp' '*.cc' | grep -v '^fuzz/')
run-clang-tidy-14 -quiet -p build/release -j"$(nproc)" \
  -extra-arg=-Wno-unknown-warning-option "${units[@]/#/$PWD/}" >build/lint-tidy.log 2>&1 || {
  grep -E 'warning:|error:' build/lint-tidy.log | sort -u | head -100
  echo "clang-tidy found problems (all of them in build/lint-tidy.log)" >&2
  exit 1
}
echo "lint: clean"
