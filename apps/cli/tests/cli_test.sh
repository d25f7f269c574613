#!/usr/bin/env bash
# End-to-end test of the `barbershop` CLI against a running core service with demo data.
#
#   cli_test.sh PATH_TO_BARBERSHOP
#
# Reads BARBERSHOP_TEST_CORE_ADDRESS (HOST:PORT of the core, started by the test runner).
# Books only barber Ion (other tests use Ana), at random slots 3 to 40 days ahead, so that
# repeated runs against the same database do not collide.
set -euo pipefail

bin=${1:?usage: cli_test.sh PATH_TO_BARBERSHOP}
addr=${BARBERSHOP_TEST_CORE_ADDRESS:-}
if [[ -z $addr ]]; then
  echo "cli_test: BARBERSHOP_TEST_CORE_ADDRESS is empty; the test runner must start a core service" >&2
  exit 1
fi
if [[ ! -x $bin ]]; then
  echo "cli_test: $bin is not an executable" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME=$work/home
export XDG_CONFIG_HOME=$work/config
mkdir -p "$HOME" "$XDG_CONFIG_HOME"
unset BARBERSHOP_SERVER

passed=0
last=""
rc=0
out=""
err=""

fail() {
  {
    echo "FAILED: $1"
    echo "  last command: $last"
    echo "  exit code: $rc"
    echo "  stdout: ${out//$'\n'/$'\n'          }"
    echo "  stderr: ${err//$'\n'/$'\n'          }"
    echo "$passed passed, 1 failed"
  } >&2
  exit 1
}

# check DESCRIPTION COMMAND...: counts a check that passes, stops at the first that fails.
check() {
  local what=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
    echo "ok $passed - $what"
  else
    fail "$what"
  fi
}

# as WHO ARGS...: runs the CLI with WHO's own config folder; sets rc, out and err.
as() {
  local who=$1
  shift
  last="[$who] barbershop $*"
  rc=0
  XDG_CONFIG_HOME="$work/config/$who" "$bin" "$@" >"$work/stdout" 2>"$work/stderr" || rc=$?
  out=$(<"$work/stdout")
  err=$(<"$work/stderr")
}

rc_is() { [[ $rc -eq $1 ]]; }
err_is_one_line() { [[ $(wc -l <"$work/stderr") -eq 1 ]]; }
err_mentions() { grep -qi -- "$1" <<<"$err"; }
is_id() { [[ $1 =~ ^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$ ]]; }
# `list` prints: id date_time barber_name status client_name.
listed_field() { awk -v id="$1" -v n="$2" '$1 == id { print $n }' <<<"$out"; }
status_in_list_is() { [[ $(listed_field "$1" 4) == "$2" ]]; }
starts_at_in_list_is() { [[ $(listed_field "$1" 2) == "$2"* ]]; }
barber_listed_first() { awk -v name="$1" '$1 == name { found = 1 } END { exit !found }' <<<"$out"; }
file_mode_is() { [[ -f $1 && $(stat -c %a "$1") == "$2" ]]; }

# A random half-hour start, 09:00 to 17:00, on a day 3 to 40 days ahead that is not a
# Sunday, as shop wall-clock time without an offset.
random_slot() {
  local day minute
  while :; do
    day=$(date -d "+$((3 + RANDOM % 38)) days" +%F)
    [[ $(date -d "$day" +%u) != 7 ]] && break
  done
  minute=$((9 * 60 + 30 * (RANDOM % 17)))
  printf '%sT%02d:%02d:00\n' "$day" $((minute / 60)) $((minute % 60))
}

# with_free_slot WHO ARGS...: runs `as WHO ARGS... SLOT` with fresh random slots while the
# answer is ALREADY_EXISTS (the slot is taken), a few times; sets slot.
with_free_slot() {
  for _ in 1 2 3 4 5 6 7 8; do
    slot=$(random_slot)
    as "$@" "$slot"
    if ! { rc_is 1 && err_mentions ALREADY_EXISTS; }; then return 0; fi
  done
}

server=(--server "$addr")
password=cli-test-password
client=cli_$RANDOM$RANDOM
other=cli_$RANDOM$RANDOM

# The client signs up and logs in; the session lands in $XDG_CONFIG_HOME, private.
as client "${server[@]}" signup --username "$client" --email "$client@cli.test" --password "$password"
check "signup of a new user succeeds" rc_is 0
as client "${server[@]}" login --email "$client@cli.test" --password "$password"
check "login succeeds" rc_is 0
check "login stores the session with mode 0600" file_mode_is "$work/config/client/barbershop/session.json" 600
session_file=$work/config/client/barbershop/session.json
session_field() { sed -n "s/^ *\"$1\": \"\(.*\)\",\{0,1\}\$/\1/p" "$session_file"; }
check "login stores a refresh token" test "$(session_field refresh_token | wc -c)" -eq 44

# An access token the server refuses (as an expired one is) is refreshed by itself: the
# command goes through, and the session file holds the new tokens.
refresh_before=$(session_field refresh_token)
sed -i 's/"token": "[^"]*"/"token": "aaaa.bbbb.cccc"/' "$session_file"
as client "${server[@]}" barbers
check "a refused access token is refreshed and the command goes through" rc_is 0
check "the refreshed access token is stored" test "$(session_field token)" != aaaa.bbbb.cccc
check "the refresh token is replaced at each refresh" test "$(session_field refresh_token)" != "$refresh_before"
check "the refreshed session file stays private" file_mode_is "$session_file" 600

# Without --server the session's server is used.
as client barbers
check "barbers succeeds using the session's server" rc_is 0
check "barbers lists Ion as the first field of a line" barber_listed_first Ion

with_free_slot client book --barber Ion --at
check "book Ion succeeds" rc_is 0
id=$(head -n 1 <<<"$out")
booked_at=$slot
check "book prints the appointment id on the first line" is_id "$id"

as client list
check "list succeeds" rc_is 0
check "list shows the booking as pending" status_in_list_is "$id" pending
check "list shows the booked start" starts_at_in_list_is "$id" "${booked_at:0:16}"

as client --json list
check "list --json succeeds" rc_is 0
check "list --json prints the appointment as JSON" grep -q "\"appointment_id\": *\"$id\"" <<<"$out"
as client slots --barber Ion --date "${booked_at:0:10}"
check "slots succeeds" rc_is 0
check "slots prints one ISO 8601 start a line" grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:00[+-][0-9]{2}:[0-9]{2}$' <<<"$out"
check "slots leaves out the booked start" bash -c '! grep -q "^${1:0:16}" <<<"$2"' _ "$booked_at" "$out"
as client slots --barber Ion --date tomorrow
check "slots with a bad --date exits 1" rc_is 1
as client list --from 2020-01-01T00:00 --to 2020-01-02T00:00
check "list of a range without bookings succeeds" rc_is 0
check "list of a range without bookings prints nothing" test -z "$out"
as client list --from someday
check "list with a bad --from exits 1" rc_is 1
check "list with a bad --from names it" err_mentions from

# Another user's session comes from $HOME/.config when XDG_CONFIG_HOME is unset.
rc=0
last="[other] signup and login with HOME only"
{
  env -u XDG_CONFIG_HOME HOME="$work/other-home" "$bin" "${server[@]}" \
    signup --username "$other" --email "$other@cli.test" --password "$password" &&
    env -u XDG_CONFIG_HOME HOME="$work/other-home" "$bin" "${server[@]}" \
      login --email "$other@cli.test" --password "$password"
} >"$work/stdout" 2>"$work/stderr" || rc=$?
out=$(<"$work/stdout")
err=$(<"$work/stderr")
check "a second user signs up and logs in" rc_is 0
check "without XDG_CONFIG_HOME the session is in HOME/.config" \
  file_mode_is "$work/other-home/.config/barbershop/session.json" 600
as other "${server[@]}" login --email "$other@cli.test" --password "$password"
check "the second user logs in with XDG_CONFIG_HOME too" rc_is 0

as other book --barber Ion --at "$booked_at"
check "booking a taken slot exits 1" rc_is 1
check "booking a taken slot prints one stderr line" err_is_one_line
check "booking a taken slot says it is already booked" err_mentions already
as other cancel "$id"
check "another user cannot cancel the booking" rc_is 1
check "another user is told PERMISSION_DENIED" err_mentions PERMISSION_DENIED

# Ion confirms; the client then sees it confirmed.
as ion "${server[@]}" login --email ion@barbershop.test --password barbershop-demo
check "Ion logs in" rc_is 0
as ion confirm "$id"
check "Ion confirms the booking" rc_is 0
as client list
check "the client sees the booking confirmed" status_in_list_is "$id" confirmed
as ion complete "$id"
check "completing a booking that has not started exits 1" rc_is 1
check "completing a booking that has not started says so" err_mentions "not started"
as client no-show "$id"
check "only the barber marks a no-show" err_mentions PERMISSION_DENIED

# The client moves it: it needs the barber's confirmation again.
with_free_slot client move "$id" --to
check "the client moves the booking" rc_is 0
moved_at=$slot
as client list
check "a moved booking is pending again" status_in_list_is "$id" pending
check "a moved booking has the new start" starts_at_in_list_is "$id" "${moved_at:0:16}"

as client cancel "$id"
check "the client cancels the booking" rc_is 0
as client list
check "list shows the booking as canceled" status_in_list_is "$id" canceled
as client cancel "$id"
check "canceling it again fails" test "$rc" -ne 0
check "canceling it again prints one stderr line" err_is_one_line
as client history "$id"
check "history lists the booking's changes" test "$(wc -l <<<"$out")" -ge 4
check "history begins with the booking" grep -qE '^[^ ]+ created [^ ]+ \(customer\) pending ' <<<"$(head -n 1 <<<"$out")"
check "history ends with the cancellation" grep -qE ' canceled [^ ]+ \(customer\) canceled ' <<<"$(tail -n 1 <<<"$out")"
as client calendar-link
check "calendar-link prints the feed's path" grep -qE '/calendar/[A-Za-z0-9_-]{43}\.ics$' <<<"$out"
first_link=$out
as client calendar-link
check "a second calendar-link is a different link" test "$out" != "$first_link"

# A retried booking with the same idempotency key answers with the first one.
key=cli-key-$RANDOM$RANDOM
with_free_slot client book --barber Ion --idempotency-key "$key" --at
check "book with an idempotency key succeeds" rc_is 0
keyed_id=$(head -1 <<<"$out")
as client book --barber Ion --idempotency-key "$key" --at "$slot"
check "the same key again succeeds" rc_is 0
check "the same key again answers with the first booking" test "$(head -1 <<<"$out")" = "$keyed_id"
as client cancel "$keyed_id"
check "the keyed booking is canceled" rc_is 0

# Ion's price list, a booking for one of its services, and Ion changing the list.
as client services --barber ion
check "services succeeds" rc_is 0
check "services lists Ion's beard trim: length, price, name" grep -qE '^15min +12\.00 +Beard trim' <<<"$out"
with_free_slot client book --barber Ion --service "haircut and beard" --at
check "book with a service succeeds" rc_is 0
service_id=$(head -1 <<<"$out")
as client --json list
check "the booking keeps its service and price" \
  grep -qE '"service": *"Haircut and beard", *"price_cents": *"3500"' <<<"$out"
as client list
check "list shows the service last" grep -qE "^$service_id .* Haircut and beard *$" <<<"$out"
as client cancel "$service_id"
check "the booking with a service is canceled" rc_is 0
as client service-save --name Shave --minutes 20 --price-cents 900
check "a client cannot change a price list" rc_is 1
as ion service-save --name Shave --minutes 20 --price-cents 900
check "Ion adds a service" rc_is 0
as client services --barber Ion
check "the new service is listed" grep -qE '^20min +9\.00 +Shave' <<<"$out"
as ion service-save --name Shave --minutes 7 --price-cents 900
check "a length off the 5-minute steps exits 1" rc_is 1
as ion service-remove shave
check "Ion removes it" rc_is 0
as client services --barber Ion
check "the removed service is gone" bash -c '! grep -q Shave <<<"$1"' _ "$out"

# Ion takes a day off: bookings and slots leave it out until Ion removes it.
off_day=$(date -d "+$((41 + RANDOM % 20)) days" +%F)
[[ $(date -d "$off_day" +%u) == 7 ]] && off_day=$(date -d "$off_day +1 day" +%F)
as ion time-off-add --from "$off_day" --to "$(date -d "$off_day +1 day" +%F)" --reason "training day"
check "Ion adds time off" rc_is 0
off_id=$(head -1 <<<"$out")
as ion time-off --from "$off_day"
check "Ion's time off lists it with its reason" grep -qE "^$off_id .*training day" <<<"$out"
as client book --barber Ion --at "${off_day}T10:00"
check "a booking in the time off exits 1" rc_is 1
check "a booking in the time off says the barber is off" err_mentions "off at that time"
as client slots --barber Ion --date "$off_day"
check "slots on the day off prints nothing" test -z "$out"
as client time-off-remove "$off_id"
check "a client cannot remove a barber's time off" rc_is 1
as ion time-off-remove "$off_id"
check "Ion removes the time off" rc_is 0
as client slots --barber Ion --date "$off_day"
check "slots on that day are back" grep -q "${off_day}T10:00" <<<"$out"

# Ion changes working hours, and changes them back.
as ion barber-save --name Ion --hours "Mon-Fri 10:00-18:00, Sat 10:00-14:00"
check "Ion saves new working hours" rc_is 0
as client barbers
check "barbers shows Ion's new hours" grep -qE '^Ion .*Mon-Fri 10:00-18:00, Sat 10:00-14:00' <<<"$out"
as ion barber-save --name Ion --hours "Mon-Sun 9:00"
check "hours in another shape are a usage error" rc_is 2
as client barber-save --name Ion --hours "Mon-Sat 09:00-18:00"
check "a client cannot save a chair" rc_is 1
as ion barber-save --name Ion --hours "Mon-Sat 09:00-18:00"
check "Ion's hours are back" rc_is 0

# Ion sets a booking rule; an impossible one is refused by name, and the rules go back
# to the shop's.
as ion barber-save --name Ion --hours "Mon-Sat 09:00-18:00" --buffer-minutes 10
check "Ion saves a 10-minute buffer" rc_is 0
check "barber-save prints the rules in force" grep -q "^rules: slots every 30 min, 10 min kept free after each" <<<"$out"
as ion barber-save --name Ion --hours "Mon-Sat 09:00-18:00" --grid-minutes 7
check "a grid of 7 minutes exits 1" rc_is 1
check "a grid of 7 minutes is named" err_mentions "grid_minutes must be 5 to 240"
as ion barber-save --name Ion --hours "Mon-Sat 09:00-18:00" --buffer-minutes 0
check "Ion's rules are the shop's again" grep -q "^rules: slots every 30 min, 0 min kept free after each" <<<"$out"

# The client changes their profile: a new username shows on their appointments.
as client profile-update --phone "+44 20 7946-0958"
check "profile-update of the phone succeeds" rc_is 0
check "profile-update prints the phone as kept" grep -q "^phone: +442079460958$" <<<"$out"
as client profile-update --phone 12345
check "a bad phone exits 1" rc_is 1
check "a bad phone is named" err_mentions phone
as client profile-update
check "profile-update without a field exits 1" rc_is 1
check "profile-update without a field says nothing changes" err_mentions "nothing to change"
as client profile-update --username "$other"
check "a username taken exits 1" rc_is 1
check "a username taken says so" err_mentions "username is taken"
renamed=${client}_r
as client profile-update --username "$renamed"
check "profile-update of the username succeeds" rc_is 0
as client list
check "the new username shows on the client's appointments" test "$(listed_field "$id" 5)" = "$renamed"
as client profile
check "the profile keeps the phone" grep -q "^phone: +442079460958$" <<<"$out"

# The client changes their password: the old one no longer logs in.
as client password --current wrong-password --new "$password-2"
check "a wrong current password exits 1" rc_is 1
check "a wrong current password says so" err_mentions "current password"
as client password --current "$password" --new "$password"
check "an unchanged password exits 1" rc_is 1
as client password --current "$password"
check "password without --new is a usage error" rc_is 2
as client password --current "$password" --new "$password-2"
check "password succeeds" rc_is 0
as client login --email "$client@cli.test" --password "$password"
check "the old password no longer logs in" rc_is 1
as client login --email "$client@cli.test" --password "$password-2"
check "the new password logs in" rc_is 0

# An admin deactivates the other user, then reactivates them.
as other profile
other_id=$(awk '$1 == "user" && $2 == "id:" { print $3 }' <<<"$out")
check "the other user's profile shows their id" is_id "$other_id"
as other account-deactivate "$other_id"
check "a customer cannot deactivate an account" err_mentions PERMISSION_DENIED
as admin "${server[@]}" login --email admin@barbershop.test --password barbershop-demo
check "the admin logs in" rc_is 0
as admin account-deactivate "$other_id"
check "the admin deactivates the other user" rc_is 0
as other list
check "a deactivated user's session is refused" rc_is 1
check "a deactivated user is told the session has ended" err_mentions "session has ended"
as other login --email "$other@cli.test" --password "$password"
check "a deactivated user cannot log in" rc_is 1
check "a deactivated user's login says so" err_mentions deactivated
as admin account-activate "$other_id"
check "the admin reactivates the other user" rc_is 0
as other list
check "a reactivated user's old session stays ended" rc_is 1
as other login --email "$other@cli.test" --password "$password"
check "a reactivated user logs in again" rc_is 0
as other list
check "a reactivated user's new session works" rc_is 0

# A customer deletes their account; a barber cannot.
leaver=cli_$RANDOM$RANDOM
as leaver "${server[@]}" signup --username "$leaver" --email "$leaver@cli.test" --password "$password"
as leaver "${server[@]}" login --email "$leaver@cli.test" --password "$password"
check "a customer who will leave logs in" rc_is 0
with_free_slot leaver book --barber Ion --at
check "the leaving customer books" rc_is 0
leaver_booking=$(head -n 1 <<<"$out")
as leaver account-delete --password wrong-password
check "account-delete with a wrong password exits 1" rc_is 1
as leaver account-delete --password "$password"
check "account-delete succeeds" rc_is 0
check "account-delete says one appointment was canceled" grep -q "1 upcoming" <<<"$out"
check "account-delete forgets the session" test ! -e "$work/config/leaver/barbershop/session.json"
as ion list
check "the barber sees the booking canceled" status_in_list_is "$leaver_booking" canceled
check "the barber sees a former customer" grep -qE "^$leaver_booking .* former customer" <<<"$out"
as leaver "${server[@]}" login --email "$leaver@cli.test" --password "$password"
check "a deleted account cannot log in" rc_is 1
as ion account-delete --password barbershop-demo
check "a barber cannot delete their account" rc_is 1
check "a barber is told why" err_mentions barber

as client book --barber Ion
check "a missing option is a usage error (exit 2)" rc_is 2

cp "$session_file" "$work/session-before-logout.json"
as client logout
check "logout succeeds" rc_is 0
check "logout says so" test "$out" = "Logged out."
check "logout removes the session file" test ! -e "$work/config/client/barbershop/session.json"
# The server ended the session: its tokens, refresh token included, no longer work.
cp "$work/session-before-logout.json" "$session_file"
as client list
check "a logged-out session's tokens are refused" rc_is 1
check "a logged-out session is told to log in again" err_mentions "log in"
as client logout
check "logging out an ended session still logs this machine out" rc_is 0
check "logging out an ended session removes the file" test ! -e "$session_file"
as client list
check "a command without a session exits 1" rc_is 1
check "a command without a session says so" \
  test "$err" = "barbershop: not logged in; run 'barbershop login' first"

as ion --server 127.0.0.1:1 barbers
check "an unreachable server exits 3" rc_is 3
check "an unreachable server prints one stderr line" err_is_one_line

echo "$passed passed, 0 failed"
