#include "json_routes.hpp"

#include "barbershop/common/text.hpp"

namespace barbershop::core::api {
namespace {

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> segments;
  if (path.empty() || path.front() != '/') return segments;
  path.remove_prefix(1);
  while (true) {
    const auto slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

/// Whether `path` fits `pattern`'s segments; its "{field}" values go to `fields`.
bool Fits(std::string_view pattern, const std::vector<std::string_view>& path,
          std::vector<std::pair<std::string, std::string>>* fields) {
  const auto want = Segments(pattern);
  if (want.size() != path.size()) return false;
  fields->clear();
  for (std::size_t i = 0; i < want.size(); ++i) {
    const auto segment = want[i];
    if (segment.size() > 2 && segment.front() == '{' && segment.back() == '}') {
      auto value = common::PercentDecode(path[i], common::PlusSign::kItself);
      if (!value || value->empty() || value->find('/') != std::string::npos) return false;
      fields->emplace_back(std::string(segment.substr(1, segment.size() - 2)), std::move(*value));
    } else if (segment != path[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

const std::vector<JsonRoute>& JsonRoutes() {
  static const std::vector<JsonRoute> routes = {
      // Accounts and sessions.
      {"POST", "/v1/accounts", "SignUp", 201},
      {"POST", "/v1/sessions", "Login"},
      {"POST", "/v1/sessions/refresh", "RefreshSession"},
      {"POST", "/v1/sessions/logout", "Logout"},
      // The caller's own profile, and other users' (admins).
      {"GET", "/v1/profile", "GetUserProfile"},
      {"PATCH", "/v1/profile", "UpdateProfile"},
      {"POST", "/v1/profile/password", "ChangePassword"},
      {"POST", "/v1/profile/delete", "DeleteAccount"},
      {"POST", "/v1/profile/calendar-link", "ResetCalendarLink", 201},
      // The token in the body: URLs under /v1/ carry no secrets, and are logged.
      {"POST", "/v1/calendar", "GetCalendarFeed"},
      {"PATCH", "/v1/users/{user_id}", "UpdateProfile"},
      {"PUT", "/v1/users/{user_id}/active", "SetAccountActive"},
      // Barbers: anyone may read them and their free slots.
      {"GET", "/v1/barbers", "ListBarbers"},
      {"POST", "/v1/barbers", "SaveBarber"},
      {"GET", "/v1/barbers/{barber_name}/slots", "GetAvailableSlots"},
      {"GET", "/v1/barbers/{barber_name}/schedule", "GetBarberSchedule"},
      {"PUT", "/v1/barbers/{barber_name}/services", "SaveService"},
      {"DELETE", "/v1/barbers/{barber_name}/services/{name}", "RemoveService"},
      {"GET", "/v1/barbers/{barber_name}/time-off", "ListTimeOff"},
      {"POST", "/v1/barbers/{barber_name}/time-off", "AddTimeOff", 201},
      {"DELETE", "/v1/time-off/{time_off_id}", "RemoveTimeOff"},
      // Appointments.
      {"POST", "/v1/appointments", "CreateAppointment", 201},
      {"GET", "/v1/appointments", "GetAppointments"},
      {"GET", "/v1/appointments/{appointment_id}", "GetAppointment"},
      {"GET", "/v1/appointments/{appointment_id}/history", "GetAppointmentHistory"},
      {"PATCH", "/v1/appointments/{appointment_id}", "ModifyAppointment"},
      {"POST", "/v1/appointments/{appointment_id}/cancel", "CancelAppointment"},
      {"POST", "/v1/appointments/{appointment_id}/confirm", "ConfirmAppointment"},
      {"POST", "/v1/appointments/{appointment_id}/complete", "CompleteAppointment"},
      {"POST", "/v1/appointments/{appointment_id}/no-show", "MarkNoShow"},
      // The waitlist.
      {"POST", "/v1/waitlist", "JoinWaitlist", 201},
      {"GET", "/v1/waitlist", "ListWaitlist"},
      {"DELETE", "/v1/waitlist/{entry_id}", "LeaveWaitlist"},
      {"POST", "/v1/holds/{hold_id}/claim", "ClaimHold", 201},
      {"POST", "/v1/holds/{hold_id}/pass", "PassHold"},
  };
  return routes;
}

RouteMatch MatchRoute(std::string_view method, std::string_view path) {
  RouteMatch match;
  const auto segments = Segments(path);
  std::vector<std::pair<std::string, std::string>> fields;
  for (const auto& route : JsonRoutes()) {
    if (!Fits(route.path, segments, &fields)) continue;
    if (route.method == method) {
      match.route = &route;
      match.fields = std::move(fields);
      match.allow.clear();
      return match;
    }
    if (match.allow.find(route.method) == std::string::npos) {
      match.allow += (match.allow.empty() ? "" : ", ") + std::string(route.method);
    }
  }
  return match;
}

}  // namespace barbershop::core::api
