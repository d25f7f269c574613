#include "hub/events.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <variant>

#include "barbershop/common/text.hpp"
#include "hub/availability.hpp"

namespace barbershop::realtime::hub {

using nlohmann::json;

namespace {

struct EventKind {
  std::string_view type;
  std::string_view message_type;
};

constexpr std::array<EventKind, 7> kKinds{{
    {"appointment.created", "appointment_created"},
    {"appointment.confirmed", "appointment_confirmation"},
    {"appointment.modified", "appointment_modified"},
    {"appointment.canceled", "appointment_cancellation"},
    {"appointment.completed", "appointment_completed"},
    {"appointment.no_show", "appointment_no_show"},
    {"appointment.reminder", "notification"},
}};

const EventKind* FindKind(std::string_view type) {
  for (const auto& kind : kKinds) {
    if (kind.type == type) return &kind;
  }
  return nullptr;
}

bool ReadString(const json& object, const char* field, std::string& out) {
  const auto it = object.find(field);
  if (it == object.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) return false;
  out = it->get<std::string>();
  return true;
}

struct LocalText {
  std::string date;   // 2024-09-25
  std::string clock;  // 15:00
  int days_from_epoch = 0;
};

LocalText ToLocalText(const common::ShopTime& shop_time, const std::string& iso) {
  const auto instant = shop_time.Parse(iso);
  if (!instant) return {iso, "", 0};
  const auto local = shop_time.ToLocal(*instant);
  const auto date = common::FormatCalendarDay(local);
  const auto days = std::chrono::sys_days{std::chrono::year{local.year} / std::chrono::month{local.month} /
                                          std::chrono::day{local.day}};
  return {date, common::FormatClockMinutes(local.minute_of_day), static_cast<int>(days.time_since_epoch().count())};
}

std::string StatusText(std::string_view type, bool for_barber, const AppointmentEvent& event, const LocalText& at) {
  const std::string when = at.date + " at " + at.clock;
  const std::string& client = event.client_name.empty() ? std::string("a client") : event.client_name;
  if (type == "appointment.created") {
    if (for_barber) {
      return "New booking: " + client + " on " + when + (event.service.empty() ? "" : ", " + event.service) + ".";
    }
    return "Your appointment with " + event.barber_name + " is booked for " + when +
           (event.status == "pending" ? " and awaits the barber's confirmation." : ".");
  }
  if (type == "appointment.confirmed") {
    return for_barber ? "Appointment with " + client + " on " + when + " is confirmed."
                      : "Your appointment is confirmed for " + when + ".";
  }
  if (type == "appointment.modified") {
    return for_barber ? "Appointment with " + client + " moved to " + when + "."
                      : "Your appointment has been moved to " + when + ".";
  }
  if (type == "appointment.canceled") {
    return for_barber ? "Appointment with " + client + " on " + when + " has been canceled."
                      : "Your appointment has been canceled.";
  }
  if (type == "appointment.completed") {
    return for_barber ? "Appointment with " + client + " on " + when + " is completed."
                      : "Your appointment on " + when + " is completed. Thank you!";
  }
  return for_barber ? client + " did not come to the appointment on " + when + "."
                    : "You missed your appointment on " + when + ".";
}

std::string ReminderText(bool for_barber, const AppointmentEvent& event, const LocalText& at,
                         const LocalText& occurred) {
  std::string day;
  if (at.days_from_epoch == occurred.days_from_epoch) {
    day = "today at " + at.clock;
  } else if (at.days_from_epoch == occurred.days_from_epoch + 1) {
    day = "tomorrow at " + at.clock;
  } else {
    day = "on " + at.date + " at " + at.clock;
  }
  if (for_barber) return "Reminder: appointment with " + event.client_name + " " + day;
  return "Reminder: Your appointment is " + day;
}

json BaseMessage(std::string_view message_type, const AppointmentEvent& event) {
  json message{{"type", message_type},
               {"appointment_id", event.appointment_id},
               {"barber_id", event.barber_id},
               {"barber_name", event.barber_name},
               {"client_id", event.client_id},
               {"client_name", event.client_name},
               {"status", event.status},
               {"appointment_date_time", event.start},
               {"end_date_time", event.end},
               {"event_id", event.event_id},
               {"occurred_at", event.occurred_at}};
  if (event.previous_start) message["previous_date_time"] = *event.previous_start;
  if (!event.service.empty()) message["service"] = event.service;
  return message;
}

json Notification(const AppointmentEvent& event, std::string text, std::string_view kind) {
  auto message = BaseMessage("notification", event);
  message["appointment_status"] = event.status;
  message["status"] = "unread";
  message["kind"] = kind;
  message["message"] = std::move(text);
  return message;
}

constexpr std::string_view kSessionEndedType = "session.ended";
constexpr std::string_view kScheduleChangedType = "barber.schedule_changed";
constexpr std::string_view kWaitlistOfferType = "barber.waitlist_offer";

/// An id safe to name a Redis key or channel with: letters, digits, '-' and '_'.
bool IsPlainId(std::string_view id) {
  if (id.empty() || id.size() > kMaxSessionIdBytes) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

ParsedEvent ParseSessionEnded(const json& parsed) {
  SessionEndedEvent event;
  for (const auto& [field, target] :
       std::initializer_list<std::pair<const char*, std::string*>>{{"event_id", &event.event_id},
                                                                   {"session_id", &event.session_id},
                                                                   {"user_id", &event.user_id},
                                                                   {"reason", &event.reason}}) {
    if (!ReadString(parsed, field, *target)) return PoisonReason{"missing_field", field};
  }
  if (!IsPlainId(event.session_id)) return PoisonReason{"bad_field", "session_id"};
  ReadString(parsed, "occurred_at", event.occurred_at);
  return event;
}

ParsedEvent ParseScheduleChanged(const json& parsed, const common::ShopTime& shop_time) {
  ScheduleChangedEvent event;
  if (!ReadString(parsed, "event_id", event.event_id)) return PoisonReason{"missing_field", "event_id"};
  if (!ReadString(parsed, "change", event.change)) return PoisonReason{"missing_field", "change"};
  const auto barber = parsed.find("barber");
  if (barber == parsed.end() || !barber->is_object() || !ReadString(*barber, "id", event.barber_id)) {
    return PoisonReason{"missing_field", "barber.id"};
  }
  if (!IsPlainId(event.barber_id)) return PoisonReason{"bad_field", "barber.id"};
  for (const auto& [field, target] : {std::pair{"from", &event.from}, std::pair{"to", &event.to}}) {
    std::string text;
    if (!ReadString(parsed, field, text)) continue;
    auto instant = shop_time.Parse(text);
    if (!instant) return PoisonReason{"bad_time", field};
    *target = *instant;
  }
  return event;
}

ParsedEvent ParseWaitlistOffer(const json& parsed, const common::ShopTime& shop_time) {
  WaitlistOfferEvent event;
  if (!ReadString(parsed, "event_id", event.event_id)) return PoisonReason{"missing_field", "event_id"};
  ReadString(parsed, "occurred_at", event.occurred_at);
  const auto hold = parsed.find("hold");
  if (hold == parsed.end() || !hold->is_object()) return PoisonReason{"missing_field", "hold"};
  for (const auto& [field, target] :
       std::initializer_list<std::pair<const char*, std::string*>>{{"id", &event.hold_id},
                                                                   {"entry_id", &event.entry_id},
                                                                   {"barber_id", &event.barber_id},
                                                                   {"client_id", &event.client_id},
                                                                   {"start", &event.start},
                                                                   {"end", &event.end},
                                                                   {"expires_at", &event.expires_at}}) {
    if (!ReadString(*hold, field, *target)) return PoisonReason{"missing_field", std::string("hold.") + field};
  }
  ReadString(*hold, "barber_name", event.barber_name);
  if (!IsPlainId(event.barber_id)) return PoisonReason{"bad_field", "hold.barber_id"};
  if (!IsPlainId(event.client_id)) return PoisonReason{"bad_field", "hold.client_id"};
  for (const auto& [field, text] : {std::pair{"hold.start", &event.start}, std::pair{"hold.end", &event.end},
                                    std::pair{"hold.expires_at", &event.expires_at}}) {
    if (!shop_time.Parse(*text)) return PoisonReason{"bad_time", field};
  }
  return event;
}

}  // namespace

ParsedEvent ParseEvent(std::string_view body, const common::ShopTime& shop_time) {
  const auto parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) return PoisonReason{"bad_json", "the body is not a JSON object"};
  std::string type;
  if (!ReadString(parsed, "type", type)) return PoisonReason{"missing_field", "type"};
  if (type == kSessionEndedType) return ParseSessionEnded(parsed);
  if (type == kScheduleChangedType) return ParseScheduleChanged(parsed, shop_time);
  if (type == kWaitlistOfferType) return ParseWaitlistOffer(parsed, shop_time);
  if (FindKind(type) == nullptr) return PoisonReason{"unknown_type", type.substr(0, 64)};
  AppointmentEvent event;
  event.type = std::move(type);
  if (!ReadString(parsed, "event_id", event.event_id)) return PoisonReason{"missing_field", "event_id"};
  ReadString(parsed, "occurred_at", event.occurred_at);
  const auto appointment = parsed.find("appointment");
  if (appointment == parsed.end() || !appointment->is_object()) return PoisonReason{"missing_field", "appointment"};
  for (const auto& [field, target] :
       std::initializer_list<std::pair<const char*, std::string*>>{{"id", &event.appointment_id},
                                                                   {"barber_id", &event.barber_id},
                                                                   {"client_id", &event.client_id},
                                                                   {"start", &event.start},
                                                                   {"status", &event.status}}) {
    if (!ReadString(*appointment, field, *target))
      return PoisonReason{"missing_field", std::string("appointment.") + field};
  }
  ReadString(*appointment, "barber_name", event.barber_name);
  ReadString(*appointment, "client_name", event.client_name);
  ReadString(*appointment, "end", event.end);
  ReadString(*appointment, "service", event.service);
  if (!shop_time.Parse(event.start)) return PoisonReason{"bad_time", "appointment.start"};
  if (const auto actor = parsed.find("actor"); actor != parsed.end() && actor->is_object()) {
    ReadString(*actor, "user_id", event.actor_user_id);
    ReadString(*actor, "role", event.actor_role);
  }
  if (const auto previous = parsed.find("previous"); previous != parsed.end() && previous->is_object()) {
    std::string start;
    if (ReadString(*previous, "start", start)) event.previous_start = start;
  }
  if (const auto reminder = parsed.find("reminder"); reminder != parsed.end() && reminder->is_object()) {
    if (const auto minutes = reminder->find("minutes_before");
        minutes != reminder->end() && minutes->is_number_integer()) {
      event.reminder_minutes_before = minutes->get<int>();
    }
  }
  if (const auto last_minute = parsed.find("last_minute"); last_minute != parsed.end() && last_minute->is_boolean()) {
    event.last_minute = last_minute->get<bool>();
  }
  return event;
}

std::vector<Delivery> BuildDeliveries(const AppointmentEvent& event, const common::ShopTime& shop_time) {
  const auto* kind = FindKind(event.type);
  if (kind == nullptr) return {};
  const auto at = ToLocalText(shop_time, event.start);
  std::vector<Delivery> deliveries;
  for (const bool for_barber : {true, false}) {
    const std::string& user = for_barber ? event.barber_id : event.client_id;
    if (event.type == "appointment.reminder") {
      const auto occurred = ToLocalText(shop_time, event.occurred_at.empty() ? event.start : event.occurred_at);
      auto message = Notification(event, ReminderText(for_barber, event, at, occurred), "reminder");
      if (event.reminder_minutes_before) message["minutes_before"] = *event.reminder_minutes_before;
      deliveries.push_back({user, common::ToJsonText(message)});
      continue;
    }
    auto message = BaseMessage(kind->message_type, event);
    message["message"] = StatusText(event.type, for_barber, event, at);
    if (event.last_minute) message["last_minute"] = true;
    deliveries.push_back({user, common::ToJsonText(message)});
    if (event.last_minute && user != event.actor_user_id) {
      std::string text =
          event.type == "appointment.canceled"
              ? "Last-minute change: the appointment on " + at.date + " at " + at.clock + " has been canceled."
              : "Last-minute change: " + StatusText(event.type, for_barber, event, at);
      auto urgent = Notification(event, std::move(text), "last_minute");
      urgent["urgent"] = true;
      deliveries.push_back({user, common::ToJsonText(urgent)});
    }
  }
  return deliveries;
}

Delivery OfferDelivery(const WaitlistOfferEvent& event, const common::ShopTime& shop_time) {
  const auto at = ToLocalText(shop_time, event.start);
  const auto until = ToLocalText(shop_time, event.expires_at);
  const std::string& barber = event.barber_name.empty() ? std::string("Your barber") : event.barber_name;
  json message{{"type", "notification"},
               {"kind", "waitlist_offer"},
               {"status", "unread"},
               {"hold_id", event.hold_id},
               {"entry_id", event.entry_id},
               {"barber_id", event.barber_id},
               {"barber_name", event.barber_name},
               {"client_id", event.client_id},
               {"appointment_date_time", event.start},
               {"end_date_time", event.end},
               {"expires_at", event.expires_at},
               {"event_id", event.event_id},
               {"occurred_at", event.occurred_at},
               {"message", barber + " has a time for you on " + at.date + " at " + at.clock + ", held for you until " +
                               until.clock + ": claim it or pass it on."}};
  return {event.client_id, common::ToJsonText(message)};
}

}  // namespace barbershop::realtime::hub
