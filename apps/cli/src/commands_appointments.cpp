// slots, book, move, list (cancel, confirm, complete and no-show are Commands::ChangeById).

#include "commands.hpp"

namespace barbershop::cli {

int Commands::Slots(const std::string& barber, const std::string& date, const std::string& service) {
  GetAvailableSlotsRequest request;
  request.set_barber_name(barber);
  request.set_date(date);
  request.set_service(service);
  return Send(&UserService::Stub::GetAvailableSlots, request,
              [](std::ostream& out, const GetAvailableSlotsResponse& response) {
                for (const std::string& start : response.slots()) out << start << '\n';
              });
}

int Commands::Book(const std::string& barber, const std::string& at, const std::string& service,
                   const std::string& idempotency_key) {
  CreateAppointmentRequest request;
  request.set_barber_name(barber);
  request.set_date_time(at);
  request.set_service(service);
  return ChangeAppointment(&UserService::Stub::CreateAppointment, request, true, idempotency_key);
}

int Commands::Move(const std::string& appointment_id, const std::string& to) {
  ModifyAppointmentRequest request;
  request.set_appointment_id(appointment_id);
  request.set_date_time(to);
  return ChangeAppointment(&UserService::Stub::ModifyAppointment, request, false);
}

int Commands::History(const std::string& appointment_id) {
  GetAppointmentHistoryRequest request;
  request.set_appointment_id(appointment_id);
  return Send(&UserService::Stub::GetAppointmentHistory, request,
              [](std::ostream& out, const AppointmentHistoryResponse& r) {
                for (const auto& c : r.changes()) {
                  out << c.at() << ' ' << c.change() << ' ' << (c.actor_name().empty() ? "-" : c.actor_name()) << " ("
                      << c.actor_role() << ") " << c.to_status() << ' ' << c.to_date_time() << '\n';
                }
              });
}

int Commands::List(const std::string& user_id, const std::string& from, const std::string& to) {
  GetAppointmentsRequest request;
  request.set_user_id(user_id);
  request.set_from(from);
  request.set_to(to);
  return Send(&UserService::Stub::GetAppointments, request, PrintAppointments);
}

}  // namespace barbershop::cli
