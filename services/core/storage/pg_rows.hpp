#pragma once

#include <pqxx/pqxx>

#include <optional>
#include <string>
#include <vector>

#include "../domain/model.hpp"
#include "barbershop/common/result.hpp"

namespace barbershop::core::storage {

// SQLSTATEs the repositories answer.
inline constexpr const char* kExclusionViolation = "23P01";
inline constexpr const char* kUniqueViolation = "23505";
inline constexpr const char* kForeignKeyViolation = "23503";
inline constexpr const char* kDeadlockDetected = "40P01";
// Raised by migrations 006 and 008's triggers: a booking inside time off, time off over
// bookings, a client over the live-booking cap.
inline constexpr const char* kBarberIsOff = "BB001";
inline constexpr const char* kAppointmentsInTimeOff = "BB002";
inline constexpr const char* kTooManyLiveBookings = "BB003";
inline constexpr const char* kInsideBuffer = "BB004";
/// Migration 015: a time held for another customer on the waitlist; the holder's own hold
/// lapsed; a hold on a time booked meanwhile.
inline constexpr const char* kHeldForWaitlist = "BB005";
inline constexpr const char* kHoldLapsed = "BB006";
inline constexpr const char* kHoldTimeBooked = "BB007";

/// Seconds since the epoch, as the statements take and give times.
long long Epoch(common::TimePoint t);
common::TimePoint FromEpoch(const pqxx::field& seconds);

// Readers of the statements' rows (statements.cpp names their columns).  Each finds its
// columns by name once per result, then reads any of its rows.

class UserRows {
 public:
  explicit UserRows(const pqxx::result& result);
  domain::User operator()(const pqxx::row& row) const;

 private:
  pqxx::row::size_type id_, username_, email_, password_hash_, role_, phone_, active_;
};

class BarberRows {
 public:
  explicit BarberRows(const pqxx::result& result);
  domain::Barber operator()(const pqxx::row& row) const;

 private:
  pqxx::row::size_type id_, name_, auto_confirm_, hours_, services_, buffer_, min_notice_, horizon_, grid_,
      cancel_notice_;
};

class AppointmentRows {
 public:
  explicit AppointmentRows(const pqxx::result& result);
  domain::Appointment operator()(const pqxx::row& row) const;

 private:
  pqxx::row::size_type id_, barber_id_, barber_name_, client_id_, client_name_, starts_at_, ends_at_, status_,
      service_name_, price_cents_, buffer_;
};

class TimeOffRows {
 public:
  explicit TimeOffRows(const pqxx::result& result);
  domain::TimeOff operator()(const pqxx::row& row) const;

 private:
  pqxx::row::size_type id_, barber_id_, barber_name_, starts_at_, ends_at_, reason_;
};

/// Every row of `result`, read by `Rows`.
template <typename Rows>
auto ReadAll(const pqxx::result& result) {
  const Rows read(result);
  std::vector<decltype(read(result[0]))> out;
  out.reserve(result.size());
  for (const auto& row : result) out.push_back(read(row));
  return out;
}

/// The first row of `result` read by `Rows`, or nullopt when there is none.
template <typename Rows>
auto FirstOrNone(const pqxx::result& result) {
  using T = decltype(Rows(result)(result[0]));
  if (result.empty()) return std::optional<T>{};
  return std::optional<T>{Rows(result)(result[0])};
}

/// Runs `statement` again (up to three times in all) when PostgreSQL broke a deadlock by
/// aborting it: two bookings that overlap on both the barber's and the client's exclusion
/// constraint can each wait for the other, and running it again sees the other's commit
/// and gets a plain overlap answer.
template <typename F>
auto RetryingDeadlocks(F&& statement) {
  constexpr int kAttempts = 3;
  for (int attempt = 1;; ++attempt) {
    try {
      return statement();
    } catch (const pqxx::sql_error& e) {
      if (e.sqlstate() != kDeadlockDetected || attempt == kAttempts) throw;
    }
  }
}

}  // namespace barbershop::core::storage
