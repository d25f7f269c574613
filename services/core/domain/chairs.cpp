#include "chairs.hpp"

namespace barbershop::core::domain {

using common::ErrorCode;
using common::MakeError;

common::Result<Barber> ChairFor(AccountRepository& accounts, const Caller& caller, const std::string& barber_name) {
  if (barber_name.empty()) {
    if (caller.role != Role::kBarber) {
      return MakeError(ErrorCode::kInvalidArgument, "barber_name is required unless you are a barber");
    }
    auto own = accounts.FindBarberById(caller.user_id);
    if (!own) return own.error();
    if (!own->has_value()) return MakeError(ErrorCode::kNotFound, "you have no chair in this shop");
    return std::move(**own);
  }
  if (barber_name.size() > 64) return MakeError(ErrorCode::kInvalidArgument, "barber_name is too long");
  auto parties = accounts.FindBookingParties(barber_name, caller.user_id);
  if (!parties) return parties.error();
  if (!parties->barber) return MakeError(ErrorCode::kNotFound, "no barber named '" + barber_name + "'");
  const std::string& name = parties->barber->name;
  if (parties->barber->id != caller.user_id && caller.role != Role::kAdmin) {
    return MakeError(ErrorCode::kPermissionDenied, "only " + name + " or an admin can manage " + name + "'s chair");
  }
  return std::move(*parties->barber);
}

}  // namespace barbershop::core::domain
