#!/usr/bin/env bash
# make fuzz [SECONDS=N]: builds the libFuzzer targets (the fuzz preset: clang 14 with
# AddressSanitizer and UndefinedBehaviorSanitizer, in build/fuzz) and runs each for N
# seconds (60 unless told), as many at once as there are cores.  Each target starts from
# its seeds in fuzz/corpus/<target> and from what earlier runs found (build/fuzz/corpus);
# it fails when a target crashes, and says where the input that crashed it is saved.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: scripts/fuzz.sh [seconds per target]" >&2
  exit 2
fi
# Compiler cache hits across clones of the project in other folders.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true

scripts/install-deps.sh
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j"$(nproc)"

out=build/fuzz
mkdir -p "$out/logs"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

run_target() {
  local name=$1 binary=$2 seeds=$3 max_len=$4
  mkdir -p "$out/corpus/$name" "$out/crashes/$name"
  local rc=0
  # New inputs go to the first folder; the seeds are only read.
  "$binary" -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$out/crashes/$name/" \
    "$out/corpus/$name" "$seeds" >"$out/logs/$name.log" 2>&1 || rc=$?
  echo "$rc" >"$out/logs/$name.rc"
}

mapfile -t targets <"$out/fuzz_targets.txt"
jobs_at_once=$(nproc)
echo "fuzzing ${#targets[@]} targets for ${seconds} s each, ${jobs_at_once} at a time"
for line in "${targets[@]}"; do
  IFS=$'\t' read -r name binary seeds max_len <<<"$line"
  rm -f "$out/logs/$name.rc"
  while [ "$(jobs -rp | wc -l)" -ge "$jobs_at_once" ]; do wait -n || true; done
  run_target "$name" "$binary" "$seeds" "$max_len" &
done
wait

failed=0
printf '%-20s %-8s %12s %10s %16s %8s\n' target result runs "exec/s" "corpus (files)" coverage
for line in "${targets[@]}"; do
  IFS=$'\t' read -r name binary seeds max_len <<<"$line"
  log="$out/logs/$name.log"
  rc=$(cat "$out/logs/$name.rc" 2>/dev/null || echo 1)
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  coverage=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  files=$(find "$out/corpus/$name" "$seeds" -type f | wc -l)
  result=ok
  [ "$rc" = 0 ] || result=CRASH
  printf '%-20s %-8s %12s %10s %16s %8s\n' "$name" "$result" "${runs:--}" "${speed:--}" "$files" "${coverage:--}"
done
for line in "${targets[@]}"; do
  IFS=$'\t' read -r name binary seeds max_len <<<"$line"
  rc=$(cat "$out/logs/$name.rc" 2>/dev/null || echo 1)
  [ "$rc" = 0 ] && continue
  failed=1
  log="$out/logs/$name.log"
  echo
  echo "== $name crashed (exit $rc); its log is $log"
  grep -E '^(==[0-9]+==ERROR|SUMMARY|broken promise|.* threw: |.*runtime error)' "$log" | head -5 || true
  artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
  if [ -n "$artifact" ]; then
    echo "the input is saved in $artifact; run it again with: $binary $artifact"
  fi
done
exit $failed
