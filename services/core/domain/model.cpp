#include "model.hpp"

namespace barbershop::core::domain {

const char* RoleName(Role role) {
  switch (role) {
    case Role::kCustomer:
      return "customer";
    case Role::kBarber:
      return "barber";
    case Role::kAdmin:
      return "admin";
  }
  return "customer";
}

const char* SessionEndName(SessionEnd reason) {
  switch (reason) {
    case SessionEnd::kLogout:
      return "logout";
    case SessionEnd::kPasswordChanged:
      return "password_changed";
    case SessionEnd::kDeactivated:
      return "deactivated";
    case SessionEnd::kAccountDeleted:
      return "account_deleted";
    case SessionEnd::kRefreshReused:
      break;
  }
  return "refresh_reused";
}

std::optional<Role> ParseRole(std::string_view name) {
  if (name == "customer") return Role::kCustomer;
  if (name == "barber") return Role::kBarber;
  if (name == "admin") return Role::kAdmin;
  return std::nullopt;
}

const char* StatusName(AppointmentStatus status) {
  switch (status) {
    case AppointmentStatus::kPending:
      return "pending";
    case AppointmentStatus::kConfirmed:
      return "confirmed";
    case AppointmentStatus::kCanceled:
      return "canceled";
    case AppointmentStatus::kCompleted:
      return "completed";
    case AppointmentStatus::kNoShow:
      return "no_show";
  }
  return "pending";
}

std::optional<AppointmentStatus> ParseStatus(std::string_view name) {
  for (auto s : {AppointmentStatus::kPending, AppointmentStatus::kConfirmed, AppointmentStatus::kCanceled,
                 AppointmentStatus::kCompleted, AppointmentStatus::kNoShow}) {
    if (name == StatusName(s)) return s;
  }
  return std::nullopt;
}

bool IsLive(AppointmentStatus status) {
  return status == AppointmentStatus::kPending || status == AppointmentStatus::kConfirmed;
}

const char* EventTypeName(EventType type) {
  switch (type) {
    case EventType::kCreated:
      return "created";
    case EventType::kConfirmed:
      return "confirmed";
    case EventType::kModified:
      return "modified";
    case EventType::kCanceled:
      return "canceled";
    case EventType::kCompleted:
      return "completed";
    case EventType::kNoShow:
      return "no_show";
    case EventType::kReminder:
      return "reminder";
  }
  return "created";
}

BookingRules RulesOf(const Barber& barber, const BookingRules& shop) {
  using std::chrono::minutes;
  const RuleChoices& own = barber.rules;
  BookingRules rules = shop;
  if (own.buffer_minutes) rules.buffer = minutes{*own.buffer_minutes};
  if (own.min_notice_minutes) rules.min_notice = minutes{*own.min_notice_minutes};
  if (own.horizon_days) rules.horizon_days = *own.horizon_days;
  if (own.grid_minutes) rules.grid = minutes{*own.grid_minutes};
  if (own.cancel_notice_minutes) rules.cancel_notice = minutes{*own.cancel_notice_minutes};
  return rules;
}

}  // namespace barbershop::core::domain
