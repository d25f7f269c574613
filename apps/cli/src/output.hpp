#pragma once

// How the CLI shows what it got: the text tables and lines of each answer, the answer as
// JSON with --json, and a failure as one line on stderr with its exit code.

#include <grpcpp/support/status.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "failure.hpp"
#include "user_service.pb.h"

namespace barbershop::cli {

/// Turns a failed call to `server` into the line the user sees and the matching exit code:
/// 3 for UNAVAILABLE and DEADLINE_EXCEEDED (which names `deadline`), 1 for the rest.  The
/// server's text is kept to one line; `used_session` adds the hint to log in again to an
/// UNAUTHENTICATED answer.
Failure FromStatus(const grpc::Status& status, const std::string& server, bool used_session,
                   std::chrono::seconds deadline);

using Row = std::vector<std::string>;

/// Columns separated by two spaces and padded to line up; the last one is not padded.
/// Empty cells print as "-" so that every line has the same fields for `awk`.  Widths are
/// counted in bytes.
void PrintTable(std::ostream& out, const std::vector<Row>& rows, std::string_view indent = {});

/// Cents as "25.00", in the shop's currency.
std::string FormatPrice(std::int64_t cents);

/// Each answer as text.
void PrintBarbers(std::ostream& out, const ListBarbersResponse& response);
void PrintServices(std::ostream& out, const Barber& barber);
void PrintTimeOff(std::ostream& out, const ListTimeOffResponse& response);
void PrintAppointments(std::ostream& out, const AppointmentsResponse& response);
/// A profile's account: username, e-mail, id, role, phone and barber name where set.
void PrintAccount(std::ostream& out, const UserProfile& profile);
/// The account, then the profile's appointments.
void PrintProfile(std::ostream& out, const UserProfile& profile);

/// Where a command's answer goes (`out`, as text or JSON) and its failure (one line on
/// `err`).  Holds references only; not thread-safe.
class Printer {
 public:
  Printer(bool json, std::ostream& out, std::ostream& err) : json_(json), out_(out), err_(err) {}

  /// Prints `answer` with `as_text`, or as JSON with the proto's field names and every
  /// field, defaults included; the exit code.
  int Show(const google::protobuf::Message& answer, const std::function<void(std::ostream&)>& as_text) const;

  /// An answer that is only a message, for commands that get none from the server.
  int ShowMessage(const std::string& message) const;

  /// "barbershop: <message>" on stderr; the failure's exit code.
  int Fail(const Failure& failure) const;

 private:
  bool json_;
  std::ostream& out_;
  std::ostream& err_;
};

}  // namespace barbershop::cli
