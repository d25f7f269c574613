#include "events.hpp"

#include <nlohmann/json.hpp>

#include "barbershop/common/ids.hpp"
#include "barbershop/common/text.hpp"

namespace barbershop::core::domain {
namespace {

const char* ScheduleChangeName(ScheduleChange change) {
  switch (change) {
    case ScheduleChange::kTimeOffAdded:
      return "time_off_added";
    case ScheduleChange::kTimeOffRemoved:
      return "time_off_removed";
    case ScheduleChange::kHoursChanged:
      return "hours_changed";
    case ScheduleChange::kServicesChanged:
      return "services_changed";
    case ScheduleChange::kHoldEnded:
      return "hold_ended";
  }
  return "hours_changed";
}

}  // namespace

OutboxEvent MakeOutboxEvent(const EventDetails& details, const common::ShopTime& shop_time, TimePoint now) {
  const Appointment& a = details.appointment;
  const std::string event_id = common::NewTimeOrderedUuid();
  const std::string routing_key = std::string("appointment.") + EventTypeName(details.type);
  nlohmann::json payload = {
      {"event_id", event_id},
      {"type", routing_key},
      {"occurred_at", shop_time.Format(now)},
      {"appointment",
       {{"id", a.id},
        {"barber_id", a.barber_id},
        {"barber_name", a.barber_name},
        {"client_id", a.client_id},
        {"client_name", a.client_name},
        {"start", shop_time.Format(a.starts_at)},
        {"end", shop_time.Format(a.ends_at)},
        {"status", StatusName(a.status)}}},
  };
  if (!a.service_name.empty()) {
    payload["appointment"]["service"] = a.service_name;
    payload["appointment"]["price_cents"] = a.price_cents;
  }
  if (details.actor) {
    payload["actor"] = {{"user_id", details.actor->user_id}, {"role", RoleName(details.actor->role)}};
  } else {
    payload["actor"] = {{"user_id", ""}, {"role", "system"}};
  }
  if (details.previous != nullptr && details.previous->starts_at != a.starts_at) {
    payload["previous"] = {{"start", shop_time.Format(details.previous->starts_at)},
                           {"end", shop_time.Format(details.previous->ends_at)}};
  }
  if (details.last_minute) payload["last_minute"] = true;
  if (details.reminder_minutes) payload["reminder"] = {{"minutes_before", *details.reminder_minutes}};
  return OutboxEvent{event_id, routing_key, common::ToJsonText(payload)};
}

OutboxEvent MakeScheduleChangedEvent(const ScheduleChangeDetails& details, const common::ShopTime& shop_time,
                                     TimePoint now) {
  const std::string event_id = common::NewTimeOrderedUuid();
  nlohmann::json payload = {{"event_id", event_id},
                            {"type", kScheduleChangedKey},
                            {"occurred_at", shop_time.Format(now)},
                            {"barber", {{"id", details.barber_id}, {"name", details.barber_name}}},
                            {"change", ScheduleChangeName(details.change)}};
  if (details.time_off) {
    payload["from"] = shop_time.Format(details.time_off->from);
    payload["to"] = shop_time.Format(details.time_off->to);
  }
  return OutboxEvent{event_id, kScheduleChangedKey, common::ToJsonText(payload)};
}

}  // namespace barbershop::core::domain
