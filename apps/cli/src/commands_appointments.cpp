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

namespace {

/// One waitlist entry a line: id, barber, day, window, state, and the time held for it
/// with its hold id and until when.
void PrintEntry(std::ostream& out, const WaitlistEntry& e) {
  out << e.entry_id() << ' ' << e.barber_name() << ' ' << e.date() << ' ' << e.from() << '-' << e.to() << ' '
      << e.state();
  if (e.has_hold())
    out << " held " << e.hold().date_time() << " hold " << e.hold().hold_id() << " until " << e.hold().expires_at();
  out << '\n';
}

}  // namespace

int Commands::JoinWaitlist(const std::string& user_id, const std::string& barber, const std::string& date,
                           const std::string& from, const std::string& to, const std::string& service) {
  JoinWaitlistRequest request;
  request.set_user_id(user_id);
  request.set_barber_name(barber);
  request.set_date(date);
  request.set_from(from);
  request.set_to(to);
  request.set_service(service);
  return Send(&UserService::Stub::JoinWaitlist, request, [](std::ostream& out, const WaitlistEntryResponse& r) {
    PrintEntry(out, r.entry());
    out << r.message() << '\n';
  });
}

int Commands::ListWaitlist(const std::string& user_id) {
  ListWaitlistRequest request;
  request.set_user_id(user_id);
  return Send(&UserService::Stub::ListWaitlist, request, [](std::ostream& out, const ListWaitlistResponse& r) {
    for (const auto& entry : r.entries()) PrintEntry(out, entry);
  });
}

int Commands::LeaveWaitlist(const std::string& entry_id) {
  LeaveWaitlistRequest request;
  request.set_entry_id(entry_id);
  return Send(&UserService::Stub::LeaveWaitlist, request,
              [](std::ostream& out, const WaitlistEntryResponse& r) { out << r.message() << '\n'; });
}

int Commands::ClaimHold(const std::string& hold_id) {
  ClaimHoldRequest request;
  request.set_hold_id(hold_id);
  return ChangeAppointment(&UserService::Stub::ClaimHold, request, true);
}

int Commands::PassHold(const std::string& hold_id) {
  PassHoldRequest request;
  request.set_hold_id(hold_id);
  return Send(&UserService::Stub::PassHold, request,
              [](std::ostream& out, const WaitlistEntryResponse& r) { out << r.message() << '\n'; });
}

}  // namespace barbershop::cli
