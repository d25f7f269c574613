#include "hub/routes.hpp"

#include <cctype>
#include <vector>

#include "barbershop/common/shop_time.hpp"
#include "barbershop/common/text.hpp"
#include "hub/availability.hpp"
#include "hub/stream_id.hpp"

namespace barbershop::realtime::hub {

using common::ErrorCode;
using common::MakeError;

namespace {

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const auto end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

bool IsIdText(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (const char c : id) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

common::Result<Route> CheckAvailabilityQuery(Route route) {
  if (!route.since.empty() || !route.before.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "an availability stream starts from the current slots: no since or before");
  }
  if (!common::IsCalendarDay(route.date)) {
    return MakeError(ErrorCode::kInvalidArgument, "date must be a calendar day like 2026-12-01");
  }
  if (route.service.size() > kMaxServiceNameBytes || !common::IsValidUtf8(route.service)) {
    return MakeError(ErrorCode::kInvalidArgument, "service must be a service's name, at most 64 bytes of UTF-8");
  }
  route.token.clear();  // anyone may watch: a token is neither needed nor kept
  return route;
}

}  // namespace

common::Result<Route> ParseRoute(std::string_view target) {
  const auto question = target.find('?');
  const auto path = target.substr(0, question);
  const auto query = question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);

  const auto segments = Split(path, '/');  // "", "websocket", kind, id, tail
  if (segments.size() != 5 || !segments[0].empty() || segments[1] != "websocket" || !IsIdText(segments[3])) {
    return MakeError(ErrorCode::kNotFound, "no such WebSocket path");
  }
  Route route{StreamKind::kChat, std::string(segments[3])};
  for (auto& c : route.id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (segments[2] == "barber" && segments[4] == "appointments") {
    route.kind = StreamKind::kBarberAppointments;
  } else if (segments[2] == "client" && segments[4] == "appointments") {
    route.kind = StreamKind::kClientAppointments;
  } else if (segments[2] == "appointment" && segments[4] == "chat") {
    route.kind = StreamKind::kChat;
  } else if (segments[2] == "barber" && segments[4] == "availability") {
    route.kind = StreamKind::kBarberAvailability;
  } else {
    return MakeError(ErrorCode::kNotFound, "no such WebSocket path");
  }

  auto pairs = common::ParseQuery(query);
  if (!pairs) return MakeError(ErrorCode::kInvalidArgument, "malformed query string");
  for (auto& [name, value] : *pairs) {
    if (name == "token") {
      route.token = std::move(value);
    } else if (name == "since") {
      route.since = std::move(value);
    } else if (name == "before") {
      route.before = std::move(value);
    } else if (name == "date") {
      route.date = std::move(value);
    } else if (name == "service") {
      route.service = std::move(value);
    }
  }
  if (route.kind == StreamKind::kBarberAvailability) return CheckAvailabilityQuery(std::move(route));
  if (!route.since.empty() && !StreamId::Parse(route.since)) {
    return MakeError(ErrorCode::kInvalidArgument, "since must be a message id such as 1700000000000-0");
  }
  if (!route.before.empty() && !StreamId::Parse(route.before)) {
    return MakeError(ErrorCode::kInvalidArgument, "before must be a message id such as 1700000000000-0");
  }
  if (!route.before.empty() && route.kind != StreamKind::kChat) {
    return MakeError(ErrorCode::kInvalidArgument, "before is for chat history only");
  }
  return route;
}

common::Status Authorize(const Route& route, const common::Claims& claims, const Parties* parties) {
  switch (route.kind) {
    case StreamKind::kBarberAppointments:
      if (claims.role == "barber" && claims.subject == route.id) return common::Ok{};
      return MakeError(ErrorCode::kPermissionDenied, "only that barber may open this schedule");
    case StreamKind::kClientAppointments:
      if (claims.role != "barber" && claims.subject == route.id) return common::Ok{};
      return MakeError(ErrorCode::kPermissionDenied, "only that client may open these appointments");
    case StreamKind::kChat:
      if (claims.role == "admin") return common::Ok{};
      if (parties != nullptr && (claims.subject == parties->barber_id || claims.subject == parties->client_id)) {
        return common::Ok{};
      }
      return MakeError(ErrorCode::kPermissionDenied, "only the appointment's barber and client may open its chat");
    case StreamKind::kBarberAvailability:
      return common::Ok{};
  }
  return MakeError(ErrorCode::kPermissionDenied, "not allowed");
}

common::Status ChatOpen(const Parties& parties, common::TimePoint now) {
  if (parties.ends_at == common::TimePoint{} || now <= parties.ends_at + kChatOpenAfterEnd) return common::Ok{};
  return MakeError(ErrorCode::kFailedPrecondition, "this appointment's chat closed a week after it ended");
}

std::string UserChannel(std::string_view user_id) { return "user:" + std::string(user_id); }
std::string ChatChannel(std::string_view appointment_id) { return "chat:" + std::string(appointment_id); }

std::string ChannelFor(const Route& route) {
  switch (route.kind) {
    case StreamKind::kChat:
      return ChatChannel(route.id);
    case StreamKind::kBarberAvailability:
      return AvailabilityChannel(route.id);
    case StreamKind::kBarberAppointments:
    case StreamKind::kClientAppointments:
      break;
  }
  return UserChannel(route.id);
}

unsigned HttpStatusFor(common::ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kPermissionDenied:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kAlreadyExists:
      return 409;
    case ErrorCode::kFailedPrecondition:
      return 412;
    case ErrorCode::kResourceExhausted:
      return 429;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

}  // namespace barbershop::realtime::hub
