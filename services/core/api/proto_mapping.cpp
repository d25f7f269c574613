#include "proto_mapping.hpp"

namespace barbershop::core::api {

void ToProto(const domain::Appointment& from, const common::ShopTime& shop_time, Appointment* to) {
  to->set_appointment_id(from.id);
  to->set_date_time(shop_time.Format(from.starts_at));
  to->set_end_time(shop_time.Format(from.ends_at));
  to->set_barber_name(from.barber_name);
  to->set_status(domain::StatusName(from.status));
  to->set_barber_id(from.barber_id);
  to->set_client_id(from.client_id);
  to->set_client_name(from.client_name);
  if (!from.service_name.empty()) {
    to->set_service(from.service_name);
    to->set_price_cents(from.price_cents);
  }
}

void ToProto(const domain::AppointmentChangeRecord& from, const common::ShopTime& shop_time, AppointmentChange* to) {
  to->set_at(shop_time.Format(from.at));
  to->set_change(from.change);
  to->set_actor_id(from.actor_id);
  to->set_actor_name(from.actor_name);
  to->set_actor_role(from.actor_role);
  to->set_from_status(from.from_status);
  to->set_to_status(from.to_status);
  if (from.from) {
    to->set_from_date_time(shop_time.Format(from.from->from));
    to->set_from_end_time(shop_time.Format(from.from->to));
  }
  to->set_to_date_time(shop_time.Format(from.to.from));
  to->set_to_end_time(shop_time.Format(from.to.to));
}

void ToProto(const domain::BarberService& from, BarberService* to) {
  to->set_name(from.name);
  to->set_duration_minutes(static_cast<int>(from.duration.count()));
  to->set_price_cents(from.price_cents);
}

void ToProto(const domain::TimeOff& from, const common::ShopTime& shop_time, TimeOff* to) {
  to->set_time_off_id(from.id);
  to->set_barber_name(from.barber_name);
  to->set_from(shop_time.Format(from.during.from));
  to->set_to(shop_time.Format(from.during.to));
  to->set_reason(from.reason);
}

void ToProto(const domain::Barber& from, const domain::BookingRules& shop, Barber* to) {
  to->set_barber_id(from.id);
  to->set_name(from.name);
  to->set_auto_confirm(from.auto_confirm);
  const auto rules = domain::RulesOf(from, shop);
  auto* out = to->mutable_rules();
  out->set_buffer_minutes(static_cast<int>(rules.buffer.count()));
  out->set_min_notice_minutes(static_cast<int>(rules.min_notice.count()));
  out->set_horizon_days(rules.horizon_days);
  out->set_grid_minutes(static_cast<int>(rules.grid.count()));
  out->set_cancel_notice_minutes(static_cast<int>(rules.cancel_notice.count()));
  for (const auto& h : from.hours) {
    auto* hours = to->add_hours();
    hours->set_weekday(static_cast<int>(h.weekday));
    hours->set_opens(common::FormatClockMinutes(h.opens_minute));
    hours->set_closes(common::FormatClockMinutes(h.closes_minute));
  }
  for (const auto& s : from.services) ToProto(s, to->add_services());
}

domain::RuleChoices FromProto(const BookingRules& in) {
  domain::RuleChoices rules;
  if (in.has_buffer_minutes()) rules.buffer_minutes = in.buffer_minutes();
  if (in.has_min_notice_minutes()) rules.min_notice_minutes = in.min_notice_minutes();
  if (in.has_horizon_days()) rules.horizon_days = in.horizon_days();
  if (in.has_grid_minutes()) rules.grid_minutes = in.grid_minutes();
  if (in.has_cancel_notice_minutes()) rules.cancel_notice_minutes = in.cancel_notice_minutes();
  return rules;
}

common::Result<std::vector<domain::WorkingHours>> FromProto(
    const google::protobuf::RepeatedPtrField<WorkingHours>& in) {
  std::vector<domain::WorkingHours> out;
  for (const auto& h : in) {
    auto opens = common::ParseClockMinutes(h.opens());
    if (!opens) return opens.error();
    auto closes = common::ParseClockMinutes(h.closes());
    if (!closes) return closes.error();
    out.push_back({static_cast<unsigned>(h.weekday()), *opens, *closes});
  }
  return out;
}

void ToProto(const domain::WaitlistEntry& from, const common::ShopTime& shop_time, WaitlistEntry* to) {
  const auto opens = shop_time.ToLocal(from.window.from);
  const auto closes = shop_time.ToLocal(from.window.to);
  const bool midnight = common::FormatCalendarDay(closes) != common::FormatCalendarDay(opens);
  to->set_entry_id(from.id);
  to->set_user_id(from.client_id);
  to->set_barber_name(from.barber_name);
  to->set_date(common::FormatCalendarDay(opens));
  to->set_from(common::FormatClockMinutes(opens.minute_of_day));
  to->set_to(midnight ? "24:00" : common::FormatClockMinutes(closes.minute_of_day));
  to->set_service(from.service_name);
  to->set_state(from.state);
  to->set_joined_at(shop_time.Format(from.joined_at));
  if (from.hold) {
    auto* hold = to->mutable_hold();
    hold->set_hold_id(from.hold->id);
    hold->set_date_time(shop_time.Format(from.hold->during.from));
    hold->set_end_time(shop_time.Format(from.hold->during.to));
    hold->set_expires_at(shop_time.Format(from.hold->expires_at));
  }
}

}  // namespace barbershop::core::api
