#include "pg_rows.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <sstream>

namespace barbershop::core::storage {
common::TimePoint FromEpoch(const pqxx::field& seconds) {
  return common::TimePoint{std::chrono::seconds{seconds.as<long long>()}};
}

namespace {

std::string TextOrEmpty(const pqxx::field& field) { return field.is_null() ? std::string() : field.as<std::string>(); }

}  // namespace

long long Epoch(common::TimePoint t) { return t.time_since_epoch().count(); }

UserRows::UserRows(const pqxx::result& result)
    : id_(result.column_number("id")),
      username_(result.column_number("username")),
      email_(result.column_number("email")),
      password_hash_(result.column_number("password_hash")),
      role_(result.column_number("role")),
      phone_(result.column_number("phone")),
      active_(result.column_number("active")) {}

domain::User UserRows::operator()(const pqxx::row& row) const {
  return domain::User{row[id_].as<std::string>(),
                      row[username_].as<std::string>(),
                      row[email_].as<std::string>(),
                      row[password_hash_].as<std::string>(),
                      domain::ParseRole(row[role_].as<std::string>()).value_or(domain::Role::kCustomer),
                      TextOrEmpty(row[phone_]),
                      row[active_].as<bool>()};
}

BarberRows::BarberRows(const pqxx::result& result)
    : id_(result.column_number("barber_id")),
      name_(result.column_number("display_name")),
      auto_confirm_(result.column_number("auto_confirm")),
      hours_(result.column_number("hours")),
      services_(result.column_number("services")),
      buffer_(result.column_number("buffer_minutes")),
      min_notice_(result.column_number("min_notice_minutes")),
      horizon_(result.column_number("horizon_days")),
      grid_(result.column_number("grid_minutes")),
      cancel_notice_(result.column_number("cancel_notice_minutes")) {}

domain::Barber BarberRows::operator()(const pqxx::row& row) const {
  domain::Barber barber{
      row[id_].as<std::string>(), row[name_].as<std::string>(), row[auto_confirm_].as<bool>(), {}, {}, {}};
  const auto chosen = [&row](pqxx::row::size_type column) {
    return row[column].is_null() ? std::nullopt : std::optional<int>(row[column].as<int>());
  };
  barber.rules = {chosen(buffer_), chosen(min_notice_), chosen(horizon_), chosen(grid_), chosen(cancel_notice_)};
  // "weekday:opens:closes,..."
  std::stringstream hours(row[hours_].as<std::string>());
  std::string item;
  while (std::getline(hours, item, ',')) {
    domain::WorkingHours h{};
    if (std::sscanf(item.c_str(), "%u:%d:%d", &h.weekday, &h.opens_minute, &h.closes_minute) == 3) {
      barber.hours.push_back(h);
    }
  }
  for (const auto& s : nlohmann::json::parse(row[services_].c_str())) {
    barber.services.push_back(domain::BarberService{s.at("name").get<std::string>(),
                                                    std::chrono::minutes{s.at("minutes").get<int>()},
                                                    s.at("price").get<std::int64_t>()});
  }
  return barber;
}

AppointmentRows::AppointmentRows(const pqxx::result& result)
    : id_(result.column_number("id")),
      barber_id_(result.column_number("barber_id")),
      barber_name_(result.column_number("barber_name")),
      client_id_(result.column_number("client_id")),
      client_name_(result.column_number("client_name")),
      starts_at_(result.column_number("starts_at")),
      ends_at_(result.column_number("ends_at")),
      status_(result.column_number("status")),
      service_name_(result.column_number("service_name")),
      price_cents_(result.column_number("price_cents")),
      buffer_(result.column_number("buffer_minutes")) {}

domain::Appointment AppointmentRows::operator()(const pqxx::row& row) const {
  return domain::Appointment{
      row[id_].as<std::string>(),
      row[barber_id_].as<std::string>(),
      row[barber_name_].as<std::string>(),
      row[client_id_].as<std::string>(),
      row[client_name_].as<std::string>(),
      FromEpoch(row[starts_at_]),
      FromEpoch(row[ends_at_]),
      domain::ParseStatus(row[status_].as<std::string>()).value_or(domain::AppointmentStatus::kPending),
      TextOrEmpty(row[service_name_]),
      row[price_cents_].is_null() ? 0 : row[price_cents_].as<std::int64_t>(),
      std::chrono::minutes{row[buffer_].as<int>()}};
}

TimeOffRows::TimeOffRows(const pqxx::result& result)
    : id_(result.column_number("id")),
      barber_id_(result.column_number("barber_id")),
      barber_name_(result.column_number("barber_name")),
      starts_at_(result.column_number("starts_at")),
      ends_at_(result.column_number("ends_at")),
      reason_(result.column_number("reason")) {}

domain::TimeOff TimeOffRows::operator()(const pqxx::row& row) const {
  return domain::TimeOff{
      row[id_].as<std::string>(), row[barber_id_].as<std::string>(), row[barber_name_].as<std::string>(),
      domain::TimeRange{FromEpoch(row[starts_at_]), FromEpoch(row[ends_at_])}, row[reason_].as<std::string>()};
}

}  // namespace barbershop::core::storage
