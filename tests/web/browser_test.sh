#!/usr/bin/env bash
# The web app in a real browser: Debian's Chromium, headless, driven by Playwright
# (web/tests/*.test.mjs), against the platform as make up runs it: the test stack's core
# (with the demo data) and, started here, two real-time copies and the gateway serving
# the web app, the JSON API and the WebSockets on one origin.
#
#   browser_test.sh BUILD_DIR
#
# Reads the test stack's servers from make test's environment (BARBERSHOP_TEST_*).
# Screenshots of every screen, at phone and desktop width, go to
# BUILD_DIR/web-test-output/.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:?usage: browser_test.sh BUILD_DIR}" && pwd)
cd "$root"
source scripts/stack.sh

work=$(mktemp -d /tmp/barbershop-browser.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  local rc=$?
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  gateway_stop "$work/gateway"
  if [ $rc -ne 0 ]; then
    echo "logs kept in $work" >&2
    for log in "$work"/realtime-*.log "$work"/gateway/logs/error.log; do
      [ -s "$log" ] && { echo "--- $log" >&2; tail -20 "$log" >&2; }
    done
  else
    rm -rf "$work"
  fi
  exit $rc
}
trap cleanup EXIT

# The app as make up builds it (its packages are those of the lockfile, installed by
# make test before the tests start), into a folder of this test's own.
node web/build.mjs --out "$work/web"

keys=$(dirname "${BARBERSHOP_TEST_TOKEN_PUBLIC_KEYS:?the test runner must make token keys}")
realtime_args=()
ports=()
for copy in 1 2; do
  realtime_start "$build/services/realtime/barbershop-realtime" "$work/realtime-$copy.log" \
    "${BARBERSHOP_TEST_REDIS_URL:?}" "${BARBERSHOP_TEST_AMQP_URL:?}" "${BARBERSHOP_TEST_CORE_ADDRESS:?}" "$keys" \
    BARBERSHOP_TRUSTED_PROXIES=127.0.0.1 BARBERSHOP_INSTANCE_ID="browser-$copy" ||
    { echo "real-time copy $copy did not start" >&2; exit 1; }
  pids+=("$STARTED_PID")
  ports+=("$REALTIME_WS_PORT")
  realtime_args+=(--realtime "127.0.0.1:$REALTIME_WS_PORT")
done
if ! gateway_start_free "$work/gateway" --core-grpc "$BARBERSHOP_TEST_CORE_ADDRESS" \
  --core-http "${BARBERSHOP_TEST_CORE_HTTP:?}" "${realtime_args[@]}" --web-root "$work/web"; then
  echo "the gateway did not start:" >&2
  gateway_log "$work/gateway" | tail -20 >&2
  exit 1
fi

output=$build/web-test-output
rm -rf "$output"
mkdir -p "$output"
# The browser keeps the real clock (SHOP_CLOCK's libfaketime is for the services and the
# tests' own arithmetic); the tests pick days far enough ahead for either clock.
BARBERSHOP_WEB_URL="http://127.0.0.1:$GATEWAY_HTTP_PORT" \
BARBERSHOP_WEB_OUTPUT="$output" \
BARBERSHOP_REALTIME_PIDS="${pids[*]}" \
BARBERSHOP_REALTIME_PORTS="${ports[*]}" \
  node --test --test-concurrency=1 --test-reporter=spec web/tests/
