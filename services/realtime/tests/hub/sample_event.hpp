#pragma once

// An appointment event as the core publishes it, for tests that read or handle one.

#include <nlohmann/json.hpp>

#include <string>

namespace barbershop::realtime::testing {

/// Event `event_id` of `type` about appointment a-1: barber b-1 (Ana) and client c-1
/// (Dan), on 2024-09-25 from 15:00 to 15:30 shop time, confirmed, by the barber.
inline nlohmann::json SampleAppointmentEvent(const std::string& type, const std::string& event_id = "e-1") {
  return nlohmann::json{{"event_id", event_id},
                        {"type", type},
                        {"occurred_at", "2024-09-24T12:00:00+03:00"},
                        {"appointment",
                         {{"id", "a-1"},
                          {"barber_id", "b-1"},
                          {"barber_name", "Ana"},
                          {"client_id", "c-1"},
                          {"client_name", "Dan"},
                          {"start", "2024-09-25T15:00:00+03:00"},
                          {"end", "2024-09-25T15:30:00+03:00"},
                          {"status", "confirmed"}}},
                        {"actor", {{"user_id", "b-1"}, {"role", "barber"}}}};
}

}  // namespace barbershop::realtime::testing
