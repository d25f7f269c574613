#include "day_source.hpp"

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

}  // namespace barbershop::core::domain
