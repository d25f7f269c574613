#pragma once

#include <vector>

#include "barbershop/common/result.hpp"
#include "barbershop/common/shop_time.hpp"
#include "domain/model.hpp"
#include "domain/repositories.hpp"
#include "user_service.pb.h"

namespace barbershop::core::api {

// The domain's values as the proto's messages, and back.  Times are ISO 8601 in the
// shop's zone.

void ToProto(const domain::Appointment& from, const common::ShopTime& shop_time, Appointment* to);
void ToProto(const domain::AppointmentChangeRecord& from, const common::ShopTime& shop_time, AppointmentChange* to);
void ToProto(const domain::BarberService& from, BarberService* to);
void ToProto(const domain::TimeOff& from, const common::ShopTime& shop_time, TimeOff* to);
/// The barber with the booking rules in force: theirs, and `shop`'s for the rest.
void ToProto(const domain::Barber& from, const domain::BookingRules& shop, Barber* to);
domain::RuleChoices FromProto(const BookingRules& in);
/// A waitlist entry with its window as the shop's day and clock times ("24:00" for a
/// window that ends at midnight), and its hold now, if any.
void ToProto(const domain::WaitlistEntry& from, const common::ShopTime& shop_time, WaitlistEntry* to);

/// Working hours as a request gives them: "HH:MM" text.
common::Result<std::vector<domain::WorkingHours>> FromProto(const google::protobuf::RepeatedPtrField<WorkingHours>& in);

}  // namespace barbershop::core::api
