#include "calendar.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <cstdlib>

#include "barbershop/common/tokens.hpp"

namespace barbershop::core::domain {
namespace {

using std::chrono::seconds;

constexpr std::size_t kLineOctets = 75;

/// A TEXT value with its backslashes, semicolons, commas and line breaks escaped.
std::string EscapeText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\' || c == ';' || c == ',') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c != '\r') {
      out += c;
    }
  }
  return out;
}

/// Appends one content line, folded: no line longer than 75 octets, no UTF-8 character
/// split, each continuation starting with a space.
void AddLine(std::string& out, std::string_view line) {
  std::size_t room = kLineOctets;
  while (line.size() > room) {
    std::size_t cut = room;
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    out.append(line.substr(0, cut));
    out += "\r\n ";
    line.remove_prefix(cut);
    room = kLineOctets - 1;
  }
  out.append(line);
  out += "\r\n";
}

std::string Utc(TimePoint instant) { return date::format("%Y%m%dT%H%M%SZ", instant); }

std::string Floating(date::local_seconds local) { return date::format("%Y%m%dT%H%M%S", local); }

/// "+0200", "-0330": an offset from UTC as TZOFFSETFROM and TZOFFSETTO write it.
std::string Offset(seconds offset) {
  const auto total = offset.count();
  const auto minutes = std::abs(total) / 60;
  std::string out = total < 0 ? "-" : "+";
  const auto two = [&](long long n) {
    out += static_cast<char>('0' + n / 10);
    out += static_cast<char>('0' + n % 10);
  };
  two(minutes / 60);
  two(minutes % 60);
  return out;
}

/// DTSTART or DTEND: on the shop's wall clock when that reading is unique, in UTC when
/// the zone skips or repeats it.
std::string TimeProperty(const char* name, TimePoint instant, const date::time_zone& zone) {
  const auto local = zone.to_local(instant);
  if (zone.get_info(local).result != date::local_info::unique) return std::string(name) + ":" + Utc(instant);
  return std::string(name) + ";TZID=" + zone.name() + ":" + Floating(local);
}

/// The VTIMEZONE of `zone`: one observance for each period of a fixed offset that
/// overlaps [from, to].
void AddTimeZone(std::string& out, const date::time_zone& zone, TimePoint from, TimePoint to) {
  AddLine(out, "BEGIN:VTIMEZONE");
  AddLine(out, "TZID:" + zone.name());
  const auto epoch = date::sys_days{date::year{1970} / 1 / 1};
  TimePoint at = from;
  for (;;) {
    const auto period = zone.get_info(at);
    const bool changed = period.begin > epoch;
    const auto before = changed ? zone.get_info(period.begin - seconds{1}).offset : period.offset;
    const auto onset = changed ? date::local_seconds{(period.begin + before).time_since_epoch()}
                               : date::local_seconds{epoch.time_since_epoch()};
    const char* kind = period.save != std::chrono::minutes{0} ? "DAYLIGHT" : "STANDARD";
    AddLine(out, std::string("BEGIN:") + kind);
    AddLine(out, "DTSTART:" + Floating(onset));
    AddLine(out, "TZOFFSETFROM:" + Offset(before));
    AddLine(out, "TZOFFSETTO:" + Offset(period.offset));
    if (!period.abbrev.empty()) AddLine(out, "TZNAME:" + EscapeText(period.abbrev));
    AddLine(out, std::string("END:") + kind);
    if (period.end > to) break;
    at = period.end;
  }
  AddLine(out, "END:VTIMEZONE");
}

const char* EventStatus(AppointmentStatus status) {
  switch (status) {
    case AppointmentStatus::kPending:
      return "TENTATIVE";
    case AppointmentStatus::kCanceled:
      return "CANCELLED";
    case AppointmentStatus::kConfirmed:
    case AppointmentStatus::kCompleted:
    case AppointmentStatus::kNoShow:
      break;
  }
  return "CONFIRMED";
}

void AddEvent(std::string& out, const User& owner, const CalendarEntry& entry, const date::time_zone& zone) {
  const auto& a = entry.appointment;
  const std::string what = a.service_name.empty() ? "Appointment" : a.service_name;
  // The owner's own appointments as a client name the barber; a barber's name the client.
  const bool as_client = a.client_id == owner.id;
  const std::string summary = as_client ? what + " with " + a.barber_name : what + ": " + a.client_name;
  const std::string description =
      std::string("Status: ") + StatusName(a.status) + "\nBarber: " + a.barber_name + "\nClient: " + a.client_name;
  AddLine(out, "BEGIN:VEVENT");
  AddLine(out, "UID:" + a.id + "@barbershop");
  AddLine(out, "DTSTAMP:" + Utc(entry.revised_at));
  AddLine(out, "LAST-MODIFIED:" + Utc(entry.revised_at));
  AddLine(out, "SEQUENCE:" + std::to_string(entry.changes));
  AddLine(out, TimeProperty("DTSTART", a.starts_at, zone));
  AddLine(out, TimeProperty("DTEND", a.ends_at, zone));
  AddLine(out, "SUMMARY:" + EscapeText(summary));
  AddLine(out, "DESCRIPTION:" + EscapeText(description));
  AddLine(out, std::string("STATUS:") + EventStatus(a.status));
  AddLine(out, "TRANSP:OPAQUE");
  AddLine(out, "END:VEVENT");
}

}  // namespace

std::string RenderCalendar(const User& owner, const std::vector<CalendarEntry>& entries,
                           const common::ShopTime& shop_time, TimePoint now) {
  const auto* zone = date::locate_zone(shop_time.zone_name());
  TimePoint first = now;
  TimePoint last = now;
  for (const auto& entry : entries) {
    first = std::min(first, entry.appointment.starts_at);
    last = std::max(last, entry.appointment.ends_at);
  }
  const auto year = std::chrono::hours{24 * 366};
  std::string out;
  AddLine(out, "BEGIN:VCALENDAR");
  AddLine(out, "VERSION:2.0");
  AddLine(out, "PRODID:-//Barbershop//Appointments//EN");
  AddLine(out, "CALSCALE:GREGORIAN");
  const std::string name = EscapeText("Barbershop: " + owner.username);
  AddLine(out, "NAME:" + name);
  AddLine(out, "X-WR-CALNAME:" + name);
  AddLine(out, "X-WR-TIMEZONE:" + zone->name());
  // How often subscribers should fetch it again (RFC 7986, and the older name).
  AddLine(out, "REFRESH-INTERVAL;VALUE=DURATION:PT15M");
  AddLine(out, "X-PUBLISHED-TTL:PT15M");
  AddTimeZone(out, *zone, first - year, last + year);
  for (const auto& entry : entries) AddEvent(out, owner, entry, *zone);
  AddLine(out, "END:VCALENDAR");
  return out;
}

common::Result<CalendarLink> CalendarService::Reset(const Caller& caller) {
  auto token = common::NewRefreshToken();
  if (auto saved = work_.calendars().SetCalendarLink(caller.user_id, token.hash, clock_.Now()); !saved) {
    return saved.error();
  }
  std::string path = "/calendar/" + token.text + ".ics";
  return CalendarLink{std::move(token.text), std::move(path)};
}

common::Result<std::string> CalendarService::Feed(std::string_view token) {
  const auto gone = [] {
    return common::MakeError(common::ErrorCode::kNotFound,
                             "no calendar at this link: it was reset, or never made (make a new one)");
  };
  if (!common::HasRefreshTokenShape(token)) return gone();
  auto owner = work_.calendars().FindCalendarOwner(common::RefreshTokenHash(token));
  if (!owner) return owner.error();
  if (!*owner || !(*owner)->active) return gone();
  const auto now = clock_.Now();
  auto entries = work_.calendars().CalendarEntries((*owner)->id, now - kCalendarPast);
  if (!entries) return entries.error();
  return RenderCalendar(**owner, *entries, shop_time_, now);
}

}  // namespace barbershop::core::domain
