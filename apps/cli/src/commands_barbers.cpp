// barbers, services, service-save, service-remove, barber-save, time-off, time-off-add,
// time-off-remove.

#include <algorithm>
#include <cctype>

#include "commands.hpp"
#include "hours.hpp"

namespace barbershop::cli {
namespace {

// AddTimeOff and RemoveTimeOff answer with the time off; its id goes first.
void PrintTimeOffChange(std::ostream& out, const TimeOffResponse& r) {
  out << r.time_off().time_off_id() << '\n' << r.message() << '\n';
}

// SaveService and RemoveService answer with the service.
void PrintServiceChange(std::ostream& out, const ServiceResponse& r) { out << r.message() << '\n'; }

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

int Commands::Barbers() {
  auto session = RequireSession();
  if (!session) return printer_.Fail(session.error());
  ListBarbersResponse response;
  if (auto failed = Client(*session).Call(&UserService::Stub::ListBarbers, ListBarbersRequest{}, &response)) {
    return printer_.Fail(*failed);
  }
  return printer_.Show(response, [&](std::ostream& out) { PrintBarbers(out, response); });
}

// One barber's price list, from ListBarbers: name, length, price.
int Commands::Services(const std::string& barber) {
  auto session = RequireSession();
  if (!session) return printer_.Fail(session.error());
  ListBarbersResponse response;
  if (auto failed = Client(*session).Call(&UserService::Stub::ListBarbers, ListBarbersRequest{}, &response)) {
    return printer_.Fail(*failed);
  }
  const auto it = std::find_if(response.barbers().begin(), response.barbers().end(),
                               [&](const Barber& b) { return Lower(b.name()) == Lower(barber); });
  if (it == response.barbers().end()) return printer_.Fail({kExitRefused, "no barber named '" + barber + "'"});
  return printer_.Show(*it, [&](std::ostream& out) { PrintServices(out, *it); });
}

int Commands::SaveService(const std::string& barber, const std::string& name, int minutes, std::int64_t price_cents) {
  SaveServiceRequest request;
  request.set_barber_name(barber);
  request.mutable_service()->set_name(name);
  request.mutable_service()->set_duration_minutes(minutes);
  request.mutable_service()->set_price_cents(price_cents);
  return Send(&UserService::Stub::SaveService, request, PrintServiceChange);
}

int Commands::RemoveService(const std::string& barber, const std::string& name) {
  RemoveServiceRequest request;
  request.set_barber_name(barber);
  request.set_name(name);
  return Send(&UserService::Stub::RemoveService, request, PrintServiceChange);
}

int Commands::SaveBarber(const std::string& user_id, const std::string& name, const std::string& hours,
                         bool auto_confirm, const BookingRules* rules) {
  SaveBarberRequest request;
  request.set_user_id(user_id);
  request.set_name(name);
  request.set_auto_confirm(auto_confirm);
  if (rules != nullptr) *request.mutable_rules() = *rules;
  if (auto bad = ParseHours(hours, request)) return printer_.Fail(*bad);
  return Send(&UserService::Stub::SaveBarber, request, [](std::ostream& out, const SaveBarberResponse& r) {
    const auto& in_force = r.barber().rules();
    out << r.message() << '\n'
        << FormatHours(r.barber()) << '\n'
        << "rules: slots every " << in_force.grid_minutes() << " min, " << in_force.buffer_minutes()
        << " min kept free after each, booked " << in_force.min_notice_minutes() << " min to "
        << in_force.horizon_days() << " days ahead, canceled or moved by clients up to "
        << in_force.cancel_notice_minutes() << " min before\n";
  });
}

int Commands::AddTimeOff(const std::string& barber, const std::string& from, const std::string& to,
                         const std::string& reason) {
  AddTimeOffRequest request;
  request.set_barber_name(barber);
  request.set_from(from);
  request.set_to(to);
  request.set_reason(reason);
  return Send(&UserService::Stub::AddTimeOff, request, PrintTimeOffChange);
}

int Commands::RemoveTimeOff(const std::string& time_off_id) {
  RemoveTimeOffRequest request;
  request.set_time_off_id(time_off_id);
  return Send(&UserService::Stub::RemoveTimeOff, request, PrintTimeOffChange);
}

int Commands::ListTimeOff(const std::string& barber, const std::string& from, const std::string& to) {
  ListTimeOffRequest request;
  request.set_barber_name(barber);
  request.set_from(from);
  request.set_to(to);
  return Send(&UserService::Stub::ListTimeOff, request, PrintTimeOff);
}

}  // namespace barbershop::cli
