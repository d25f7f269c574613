#include "price_list.hpp"

#include <algorithm>
#include <cctype>

#include "barbershop/common/shop_time.hpp"
#include "chairs.hpp"
#include "events.hpp"
#include "validation.hpp"

namespace barbershop::core::domain {

using common::ErrorCode;
using common::MakeError;
using common::Ok;

namespace {

bool SameNameIgnoringCase(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

common::Status ValidateService(const BarberService& service) {
  if (!IsDisplayName(service.name)) {
    return MakeError(ErrorCode::kInvalidArgument, "a service's name must be 1 to 64 printable characters");
  }
  const auto minutes = service.duration.count();
  if (minutes < 5 || minutes > common::kLongestService.count() || minutes % 5 != 0) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        "a service lasts 5 to " + std::to_string(common::kLongestService.count()) + " minutes, in steps of 5");
  }
  if (service.price_cents < 0 || service.price_cents > 100000000) {
    return MakeError(ErrorCode::kInvalidArgument, "a service's price must be 0 to 100000000 cents");
  }
  return Ok{};
}

const BarberService* FindService(const Barber& barber, const std::string& name) {
  // Folds the case of ASCII letters only: a name that differs from the stored one in the
  // case of other letters is not found (and the error lists the names offered).
  const auto it = std::find_if(barber.services.begin(), barber.services.end(),
                               [&](const BarberService& s) { return SameNameIgnoringCase(s.name, name); });
  return it == barber.services.end() ? nullptr : &*it;
}

common::Result<BarberService> PriceList::Save(const Caller& caller, const std::string& barber_name,
                                              BarberService service) {
  if (auto ok = ValidateService(service); !ok) return ok.error();
  auto chair = ChairFor(barbers_, caller, barber_name);
  if (!chair) return chair.error();
  if (auto ok = barbers_.SaveService(chair->id, service, Announce(*chair)); !ok) return ok.error();
  return service;
}

common::Result<BarberService> PriceList::Remove(const Caller& caller, const std::string& barber_name,
                                                const std::string& name) {
  if (name.empty() || name.size() > 64) return MakeError(ErrorCode::kInvalidArgument, "name is required");
  auto chair = ChairFor(barbers_, caller, barber_name);
  if (!chair) return chair.error();
  auto removed = barbers_.RemoveService(chair->id, name, Announce(*chair));
  if (!removed) return removed.error();
  if (!removed->has_value()) {
    return MakeError(ErrorCode::kNotFound, chair->name + " offers no service called '" + name + "'");
  }
  return std::move(**removed);
}

OutboxEvent PriceList::Announce(const Barber& chair) const {
  return MakeScheduleChangedEvent({ScheduleChange::kServicesChanged, chair.id, chair.name}, shop_time_, clock_.Now());
}

}  // namespace barbershop::core::domain
