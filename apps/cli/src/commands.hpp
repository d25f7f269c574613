#pragma once

// The commands of `barbershop`, one method each.  Their bodies live by area:
// commands_accounts.cpp, commands_appointments.cpp, commands_barbers.cpp; what they share
// in commands.cpp.

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include "client.hpp"
#include "failure.hpp"
#include "output.hpp"
#include "session.hpp"

namespace barbershop::cli {

/// Options that every command shares.
struct GlobalOptions {
  std::optional<std::string> server;  // --server, when given
  bool json = false;
};

/// The session a login or a refresh answered, on `server`.
Session SessionFrom(const std::string& server, const LoginResponse& response);

/// Each method runs one command and returns the process exit code.  Holds references
/// only; not thread-safe.
class Commands {
 public:
  Commands(const GlobalOptions& options, const SessionStore& sessions, const Printer& printer)
      : options_(options), sessions_(sessions), printer_(printer) {}

  // Accounts.
  int SignUp(const std::string& username, const std::string& email, const std::string& password);
  int Login(const std::string& email, const std::string& password);
  int Logout();
  int CalendarLink();
  int Profile();
  /// The fields given change; those not given stay.  `user_id` empty: your own profile.
  int UpdateProfile(const std::string& user_id, const std::optional<std::string>& username,
                    const std::optional<std::string>& email, const std::optional<std::string>& phone);
  int ChangePassword(const std::string& current_password, const std::string& new_password);
  int SetAccountActive(const std::string& user_id, bool active);
  /// Deletes your account and forgets the stored session.
  int DeleteAccount(const std::string& password);

  // Appointments.
  int Slots(const std::string& barber, const std::string& date, const std::string& service);
  int Book(const std::string& barber, const std::string& at, const std::string& service,
           const std::string& idempotency_key);
  int Move(const std::string& appointment_id, const std::string& to);
  int List(const std::string& user_id, const std::string& from, const std::string& to);
  int History(const std::string& appointment_id);
  int JoinWaitlist(const std::string& user_id, const std::string& barber, const std::string& date,
                   const std::string& from, const std::string& to, const std::string& service);
  int ListWaitlist(const std::string& user_id);
  int LeaveWaitlist(const std::string& entry_id);
  int ClaimHold(const std::string& hold_id);
  int PassHold(const std::string& hold_id);

  /// Cancel, confirm, complete and no-show: a change named by the appointment's id alone.
  template <typename Request>
  int ChangeById(grpc::Status (UserService::Stub::*method)(grpc::ClientContext*, const Request&, AppointmentResponse*),
                 const std::string& appointment_id) {
    Request request;
    request.set_appointment_id(appointment_id);
    return ChangeAppointment(method, request, false);
  }

  // Barbers: their chairs, price lists and time off.
  int Barbers();
  int Services(const std::string& barber);
  int SaveService(const std::string& barber, const std::string& name, int minutes, std::int64_t price_cents);
  int RemoveService(const std::string& barber, const std::string& name);
  /// With `rules` (nullptr: the chair's stay as they were).
  int SaveBarber(const std::string& user_id, const std::string& name, const std::string& hours, bool auto_confirm,
                 const BookingRules* rules);
  int AddTimeOff(const std::string& barber, const std::string& from, const std::string& to, const std::string& reason);
  int RemoveTimeOff(const std::string& time_off_id);
  int ListTimeOff(const std::string& barber, const std::string& from, const std::string& to);

 private:
  std::string ServerFor(const std::optional<Session>& session) const;

  // For signup and login, which need no session: a damaged file only loses its server.
  std::optional<Session> StoredSession() const;

  Expected<Session> RequireSession() const;

  /// A client on the session, which refreshes the session by itself when its access
  /// token is refused (and stores the new one).
  CoreClient Client(const Session& session) const;
  /// The new access token of `session` after a refresh, stored; nothing when the refresh
  /// was refused.
  std::optional<std::string> Refreshed(const Session& session) const;

  // A call on the stored session: sends `request` and prints the answer, with `as_text`
  // or as JSON.
  template <typename Request, typename Response, typename Print>
  int Send(grpc::Status (UserService::Stub::*method)(grpc::ClientContext*, const Request&, Response*),
           const Request& request, Print as_text, const std::string& idempotency_key = {}) {
    auto session = RequireSession();
    if (!session) return printer_.Fail(session.error());
    Response response;
    if (auto failed = Client(*session).Call(method, request, &response, idempotency_key)) {
      return printer_.Fail(*failed);
    }
    return printer_.Show(response, [&](std::ostream& out) { as_text(out, response); });
  }

  // Every change of an account answers with an AccountResponse: its message is printed.
  template <typename Request>
  int ChangeAccount(grpc::Status (UserService::Stub::*method)(grpc::ClientContext*, const Request&, AccountResponse*),
                    const Request& request) {
    return Send(method, request, [](std::ostream& out, const AccountResponse& r) { out << r.message() << '\n'; });
  }

  // Every change of an appointment answers with an AppointmentResponse.
  template <typename Request>
  int ChangeAppointment(grpc::Status (UserService::Stub::*method)(grpc::ClientContext*, const Request&,
                                                                  AppointmentResponse*),
                        const Request& request, bool print_id_first, const std::string& idempotency_key = {}) {
    return Send(
        method, request,
        [print_id_first](std::ostream& out, const AppointmentResponse& r) {
          if (print_id_first) out << r.appointment_id() << '\n';
          out << r.message() << '\n';
        },
        idempotency_key);
  }

  const GlobalOptions& options_;
  const SessionStore& sessions_;
  const Printer& printer_;
};

}  // namespace barbershop::cli
