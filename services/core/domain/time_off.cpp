#include "time_off.hpp"

#include <algorithm>

#include "bookings.hpp"
#include "chairs.hpp"
#include "events.hpp"
#include "validation.hpp"

namespace barbershop::core::domain {

using common::ErrorCode;
using common::MakeError;

namespace {

constexpr auto kLongestTimeOff = std::chrono::hours(24 * 366);

// Time off ids are the database's serial numbers.
common::Status ValidateTimeOffId(const std::string& id) {
  if (id.empty() || id.size() > 18 || !std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return MakeError(ErrorCode::kInvalidArgument, "time_off_id must be a number, as ListTimeOff gives it");
  }
  return common::Ok{};
}

}  // namespace

common::Result<TimeOff> TimeOffBook::Add(const Caller& caller, const std::string& barber_name, const std::string& from,
                                         const std::string& to, const std::string& reason) {
  if (from.empty() || to.empty()) return MakeError(ErrorCode::kInvalidArgument, "from and to are both required");
  const auto range = ParseRange(shop_time_, clock_.Now(), from, to);
  if (!range) return range.error();
  if (range->to <= clock_.Now()) return MakeError(ErrorCode::kInvalidArgument, "that time off has already ended");
  if (range->to - range->from > kLongestTimeOff) {
    return MakeError(ErrorCode::kInvalidArgument, "time off lasts at most 366 days at once");
  }
  if (reason.size() > 200 || !IsPrintable(reason)) {
    return MakeError(ErrorCode::kInvalidArgument, "reason must be at most 200 printable characters");
  }
  auto chair = ChairFor(barbers_, caller, barber_name);
  if (!chair) return chair.error();
  const auto event = MakeScheduleChangedEvent({ScheduleChange::kTimeOffAdded, chair->id, chair->name, *range},
                                              shop_time_, clock_.Now());
  return time_off_.AddTimeOff(*chair, *range, reason, event);
}

common::Result<TimeOff> TimeOffBook::Remove(const Caller& caller, const std::string& time_off_id) {
  if (auto ok = ValidateTimeOffId(time_off_id); !ok) return ok.error();
  auto found = time_off_.FindTimeOffById(time_off_id);
  if (!found) return found.error();
  if (!found->has_value()) return MakeError(ErrorCode::kNotFound, "no time off with id " + time_off_id);
  TimeOff off = std::move(**found);
  if (off.barber_id != caller.user_id && caller.role != Role::kAdmin) {
    return MakeError(ErrorCode::kPermissionDenied, "that time off is someone else's");
  }
  const auto event = MakeScheduleChangedEvent(
      {ScheduleChange::kTimeOffRemoved, off.barber_id, off.barber_name, off.during}, shop_time_, clock_.Now());
  if (auto ok = time_off_.DeleteTimeOff(off, event); !ok) return ok.error();
  return off;
}

common::Result<std::vector<TimeOff>> TimeOffBook::List(const Caller& caller, const std::string& barber_name,
                                                       const std::string& from, const std::string& to) {
  const auto range = ParseRange(shop_time_, clock_.Now(), from, to);
  if (!range) return range.error();
  auto chair = ChairFor(barbers_, caller, barber_name);
  if (!chair) return chair.error();
  return time_off_.ListTimeOff(chair->id, *range);
}

}  // namespace barbershop::core::domain
