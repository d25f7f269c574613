// An event body from the bus, handled as the event handler handles it
// (bus/event_handler.cpp): parsed, then an appointment event turned into the messages
// stored for and sent to the barber's and the client's sockets, an ended login session
// checked for the id that names its Redis key.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "check.hpp"
#include "hub/availability.hpp"
#include "hub/events.hpp"
#include "hub/routes.hpp"

namespace {

using barbershop::fuzz::NoThrow;
using barbershop::fuzz::Require;
using barbershop::fuzz::RequireJsonObject;
namespace common = barbershop::common;
namespace hub = barbershop::realtime::hub;

void Handle(std::string_view body, const common::ShopTime& shop_time) {
  auto parsed = hub::ParseEvent(body, shop_time);
  if (const auto* poison = std::get_if<hub::PoisonReason>(&parsed)) {
    Require(poison->code == "bad_json" || poison->code == "missing_field" || poison->code == "unknown_type" ||
                poison->code == "bad_time" || poison->code == "bad_field",
            "a poison message says why with a known code");
    return;
  }
  if (const auto* ended = std::get_if<hub::SessionEndedEvent>(&parsed)) {
    Require(!ended->event_id.empty() && !ended->user_id.empty() && !ended->reason.empty(),
            "an ended session names its event, user and reason");
    Require(!ended->session_id.empty() && ended->session_id.size() <= hub::kMaxSessionIdBytes &&
                ended->session_id.find_first_of(" :*\r\n") == std::string::npos,
            "an ended session's id is short and plain (it names a Redis key)");
    return;
  }
  if (const auto* changed = std::get_if<hub::ScheduleChangedEvent>(&parsed)) {
    Require(!changed->event_id.empty() && !changed->change.empty(), "a schedule change names its event and change");
    Require(!changed->barber_id.empty() && changed->barber_id.size() <= hub::kMaxSessionIdBytes &&
                changed->barber_id.find_first_of(" :*\r\n") == std::string::npos,
            "a schedule change's barber id is short and plain (it names a Redis channel)");
    const auto notice = RequireJsonObject(hub::AvailabilityNoticeFor(*changed, shop_time), "a notice is JSON");
    Require(notice.value("barber_id", "") == changed->barber_id, "the notice names the barber");
    return;
  }
  const auto& event = std::get<hub::AppointmentEvent>(parsed);
  if (const auto notice = hub::AvailabilityNoticeFor(event, shop_time)) {
    Require(RequireJsonObject(*notice, "a notice is JSON").value("barber_id", "") == event.barber_id,
            "the notice names the barber");
  }
  Require(!event.event_id.empty() && !event.barber_id.empty() && !event.client_id.empty(),
          "a parsed event names itself and both parties");
  Require(shop_time.Parse(event.start).has_value(), "a parsed event starts at a readable instant");
  const auto deliveries = hub::BuildDeliveries(event, shop_time);
  Require(deliveries.size() >= 2 && deliveries.size() <= 4, "every event reaches both parties");
  for (const auto& delivery : deliveries) {
    Require(delivery.user_id == event.barber_id || delivery.user_id == event.client_id, "only the parties hear of it");
    const auto message = RequireJsonObject(delivery.body, "a socket message is a JSON object");
    Require(!message.value("type", "").empty() && message.value("appointment_id", "") == event.appointment_id,
            "a socket message has a type and names its appointment");
    Require(!hub::UserChannel(delivery.user_id).empty(), "the user's channel has a name");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto shop_time = *common::ShopTime::ForZone("Europe/Chisinau");
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  NoThrow("handling an event", [&] { Handle(body, shop_time); });
  return 0;
}
