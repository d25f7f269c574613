#include "day_source.hpp"

#include <unordered_set>

#include "bookings.hpp"

namespace barbershop::core::domain {

common::Result<Barber> RepositoryDays::FindBarber(const std::string& barber_name, const std::string& barber_id) {
  return domain::FindBarber(barbers_, barber_name, barber_id);
}

common::Result<std::shared_ptr<const std::vector<Appointment>>> RepositoryDays::Booked(const std::string& barber_id,
                                                                                       const TimeRange& range) {
  auto listed = appointments_.ListForBarber(barber_id, range);
  if (!listed) return listed.error();
  return std::make_shared<const std::vector<Appointment>>(std::move(*listed));
}

common::Result<std::shared_ptr<const std::vector<Appointment>>> EveryBooked(DaySource& days,
                                                                            const std::string& barber_id,
                                                                            TimeRange range) {
  auto read = days.Booked(barber_id, range);
  if (!read || (*read)->size() <= kListLimit) return read;
  std::vector<Appointment> every;
  std::unordered_set<std::string> seen;
  auto page = std::move(*read);
  for (;;) {
    for (const auto& a : *page) {
      if (seen.insert(a.id).second) every.push_back(a);
    }
    // More follow: from the last start on (ids seen are skipped), unless every one of a
    // full page starts at once.
    if (page->size() <= kListLimit || every.back().starts_at == range.from) break;
    range.from = every.back().starts_at;
    auto next = days.Booked(barber_id, range);
    if (!next) return next.error();
    page = std::move(*next);
  }
  return std::make_shared<const std::vector<Appointment>>(std::move(every));
}

}  // namespace barbershop::core::domain
