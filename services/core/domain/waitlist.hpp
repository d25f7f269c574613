#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "barbershop/common/clock.hpp"
#include "barbershop/common/shop_time.hpp"
#include "bookings.hpp"
#include "unit_of_work.hpp"

namespace barbershop::core::domain {

// The waitlist.  A customer waits for a barber, a day and a window of time on it (the
// earliest start, the latest end), optionally for one of the barber's services.  When a
// time in a window is free (one frees up by a cancellation, a move or removed time off,
// or is free when the customer joins), it is offered to the first in line whose window
// it fits: a hold on it, theirs alone for WaitlistPolicy::hold, told to them live.  They
// claim it (it becomes their booking), pass it, or let it lapse; then it goes to the next
// in line.  The database keeps a held time and every other customer's booking apart
// (migration 015), as it keeps bookings apart.  A time an entry passed or let lapse is not
// offered to it again.

struct WaitlistPolicy {
  /// How long an offered time is held for its customer.
  std::chrono::seconds hold{600};
  /// The most entries a customer may have waiting at once.
  int max_entries = 5;
};

/// The routing key, and payload type, of the event that tells a customer a time is held
/// for them: {event_id, type, occurred_at, hold: {id, entry_id, barber_id, barber_name,
/// client_id, start, end, expires_at}}.  The real-time service turns it into a
/// notification and refreshes the barber's live availability on that day.
inline constexpr const char* kWaitlistOfferKey = "barber.waitlist_offer";

/// The event for the outbox that offers `hold` (of `barber_name`'s chair).
OutboxEvent MakeWaitlistOfferEvent(const WaitlistHold& hold, const std::string& barber_name,
                                   const common::ShopTime& shop_time, TimePoint now);

/// The first time in `entry`'s window among `slots` (starts, in time order) that lasts
/// its length, overlaps `freed` and none of the times the entry declined; nullopt when
/// there is none.  Plain function for unit tests.
std::optional<TimeRange> FirstFit(const WaitlistEntry& entry, const std::vector<TimePoint>& slots,
                                  const TimeRange& freed);

/// What an appointment canceled or moved away frees for the waitlist: its time and its
/// buffer, and before it as far as a buffer reaches (a slot whose buffer ran into it).
inline TimeRange FreedBy(const Appointment& appointment) {
  return {appointment.starts_at - kLongestBuffer, appointment.ends_at + appointment.buffer};
}

/// The waitlist calls, with the permission checks for each.  Lives for one call.
class WaitlistService {
 public:
  WaitlistService(UnitOfWork& work, const common::ShopTime& shop_time, const common::Clock& clock,
                  const BookingPolicy& booking, const WaitlistPolicy& policy)
      : work_(work), shop_time_(shop_time), clock_(clock), booking_(booking), policy_(policy) {}

  /// Puts `user_id` (the caller when empty; another only for an admin) in line for
  /// `barber_name` on `date` between `from` and `to` (HH:MM; 24:00 for midnight), for
  /// `service` (the default length when empty); a time already free in the window is
  /// offered at once.
  common::Result<WaitlistEntry> Join(const Caller& caller, const std::string& user_id, const std::string& barber_name,
                                     const std::string& date, const std::string& from, const std::string& to,
                                     const std::string& service);
  /// `user_id`'s entries (the caller's when empty; another's only for an admin), the
  /// latest joined first.
  common::Result<std::vector<WaitlistEntry>> List(const Caller& caller, const std::string& user_id);
  /// Takes the entry out of line; a time held for it goes to the next in line.
  common::Result<WaitlistEntry> Leave(const Caller& caller, const std::string& entry_id);
  /// Books the time held for the caller, as BookingService::Create would (with the hold's
  /// service), before the hold lapses.
  common::Result<Appointment> Claim(const Caller& caller, const std::string& hold_id);
  /// Gives up the time held for the caller: it goes to the next in line, and the entry
  /// waits on for another time.
  common::Result<WaitlistEntry> Pass(const Caller& caller, const std::string& hold_id);

  /// Offers `barber_id`'s free times that overlap `freed` to the line, first joined
  /// first; how many holds were made.  Called after a change that may have freed them.
  common::Result<int> OfferFreed(const std::string& barber_id, const TimeRange& freed);
  /// Marks the holds that expired as lapsed and offers their times on; how many lapsed.
  common::Result<int> Sweep(std::size_t limit);
  /// Offers the free times in the windows of customers waiting without a hold, line by
  /// line (at most `lines` barbers); how many holds were made.  What a change freed is
  /// offered even when the offer after it was never made: the copy stopped between the
  /// change's commit and its offers, or the database failed them.  A line that fails
  /// does not stop the others; the first failure is returned.
  common::Result<int> Recheck(std::size_t lines);

 private:
  common::Result<WaitlistEntry> OwnEntry(const Caller& caller, const std::string& entry_id);
  common::Result<WaitlistHold> OwnHold(const Caller& caller, const std::string& hold_id);
  /// After `hold` ended and its time was offered on: when no one holds it now, tells the
  /// barber's watchers it is free again (barber.schedule_changed, hold_ended).
  common::Status Released(const WaitlistHold& hold);

  UnitOfWork& work_;
  const common::ShopTime& shop_time_;
  const common::Clock& clock_;
  const BookingPolicy& booking_;
  const WaitlistPolicy& policy_;
};

}  // namespace barbershop::core::domain
