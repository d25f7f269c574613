#pragma once

#include <memory>
#include <string>
#include <vector>

#include "unit_of_work.hpp"

namespace barbershop::core::domain {

/// What a barber's free slots and schedule are read from: a call's repositories
/// (RepositoryDays), or only what the list cache keeps (KeptDays, on the gRPC thread).
/// A source that does not have something answers kUnavailable; the repositories answer
/// as they do.
class DaySource {
 public:
  virtual ~DaySource() = default;
  /// As FindBarber: by name, or by id when the name is empty.
  virtual common::Result<Barber> FindBarber(const std::string& barber_name, const std::string& barber_id) = 0;
  virtual common::Result<std::vector<TimeOff>> TimeOffDuring(const std::string& barber_id, const TimeRange& range) = 0;
  /// AppointmentRepository::ListForBarber, shared rather than copied.
  virtual common::Result<std::shared_ptr<const std::vector<Appointment>>> Booked(const std::string& barber_id,
                                                                                 const TimeRange& range) = 0;
  virtual common::Result<std::vector<TimeRange>> Held(const std::string& barber_id, const TimeRange& range) = 0;
};

/// A barber's days from a unit of work's repositories.  Holds only references.
class RepositoryDays final : public DaySource {
 public:
  explicit RepositoryDays(UnitOfWork& work)
      : barbers_(work.barbers()),
        time_off_(work.time_off()),
        appointments_(work.appointments()),
        waitlist_(work.waitlist()) {}
  RepositoryDays(BarberRepository& barbers, TimeOffRepository& time_off, AppointmentRepository& appointments,
                 WaitlistRepository& waitlist)
      : barbers_(barbers), time_off_(time_off), appointments_(appointments), waitlist_(waitlist) {}

  common::Result<Barber> FindBarber(const std::string& barber_name, const std::string& barber_id) override;
  common::Result<std::vector<TimeOff>> TimeOffDuring(const std::string& barber_id, const TimeRange& range) override {
    return time_off_.ListTimeOff(barber_id, range);
  }
  common::Result<std::shared_ptr<const std::vector<Appointment>>> Booked(const std::string& barber_id,
                                                                         const TimeRange& range) override;
  common::Result<std::vector<TimeRange>> Held(const std::string& barber_id, const TimeRange& range) override {
    return waitlist_.Held(barber_id, range);
  }

 private:
  BarberRepository& barbers_;
  TimeOffRepository& time_off_;
  AppointmentRepository& appointments_;
  WaitlistRepository& waitlist_;
};

/// Every appointment of the barber's that starts in `range`, whatever its status, read a
/// page of up to kListLimit at a time (a list stops there, and cancelled bookings fill
/// pages too).  The one page is shared as read when there is no more.  A page is read
/// from the last start of the one before, so a full page whose rows all start at one
/// instant (over 500 bookings of one time, cancelled) ends the reading there.
common::Result<std::shared_ptr<const std::vector<Appointment>>> EveryBooked(DaySource& days,
                                                                            const std::string& barber_id,
                                                                            TimeRange range);

}  // namespace barbershop::core::domain
