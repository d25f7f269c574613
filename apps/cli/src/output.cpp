#include "output.hpp"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <utility>

#include "barbershop/common/grpc_codes.hpp"
#include "hours.hpp"

namespace barbershop::cli {
namespace {

// Server text must not break the one-line error contract.
std::string OneLine(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return text;
}

// The service last: its name may have spaces.
Row AppointmentRow(const Appointment& a) {
  return {a.appointment_id(), a.date_time(), a.barber_name(), a.status(), a.client_name(), a.service()};
}

void PrintAppointmentTable(std::ostream& out, const google::protobuf::RepeatedPtrField<Appointment>& appointments,
                           std::string_view indent) {
  std::vector<Row> rows;
  for (const Appointment& a : appointments) rows.push_back(AppointmentRow(a));
  PrintTable(out, rows, indent);
}

}  // namespace

Failure FromStatus(const grpc::Status& status, const std::string& server, bool used_session,
                   std::chrono::seconds deadline) {
  const std::string code = barbershop::common::GrpcCodeName(static_cast<int>(status.error_code()));
  std::string detail = OneLine(status.error_message());
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
      return {kExitUnreachable, "the server at " + server + " is unavailable" + (detail.empty() ? "" : ": " + detail) +
                                    " (" + code + ")"};
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return {kExitUnreachable, "the server at " + server + " did not answer within " +
                                    std::to_string(deadline.count()) + " seconds (" + code + ")"};
    default:
      break;
  }
  if (detail.empty()) detail = "the request failed";
  std::string message = detail + " (" + code + ")";
  if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED && used_session) {
    message += "; run 'barbershop login' again";
  }
  return {kExitRefused, std::move(message)};
}

void PrintTable(std::ostream& out, const std::vector<Row>& rows, std::string_view indent) {
  std::vector<std::size_t> widths;
  for (const Row& row : rows) {
    widths.resize(std::max(widths.size(), row.size()), 0);
    for (std::size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], std::max<std::size_t>(row[i].size(), 1));
    }
  }
  for (const Row& row : rows) {
    out << indent;
    for (std::size_t i = 0; i < row.size(); ++i) {
      const std::string cell = row[i].empty() ? "-" : row[i];
      out << cell;
      if (i + 1 < row.size()) out << std::string(widths[i] - cell.size() + 2, ' ');
    }
    out << '\n';
  }
}

std::string FormatPrice(std::int64_t cents) {
  char text[32];
  std::snprintf(text, sizeof text, "%lld.%02lld", static_cast<long long>(cents / 100),
                static_cast<long long>(cents % 100));
  return text;
}

void PrintBarbers(std::ostream& out, const ListBarbersResponse& response) {
  std::vector<Row> rows;
  for (const Barber& b : response.barbers()) rows.push_back({b.name(), b.barber_id(), FormatHours(b)});
  PrintTable(out, rows);
}

void PrintServices(std::ostream& out, const Barber& barber) {
  std::vector<Row> rows;
  for (const BarberService& s : barber.services()) {
    rows.push_back({std::to_string(s.duration_minutes()) + "min", FormatPrice(s.price_cents()), s.name()});
  }
  if (rows.empty()) out << barber.name() << " offers no services; bookings take 30 minutes\n";
  PrintTable(out, rows);
}

void PrintTimeOff(std::ostream& out, const ListTimeOffResponse& response) {
  std::vector<Row> rows;
  for (const TimeOff& t : response.time_off()) rows.push_back({t.time_off_id(), t.from(), t.to(), t.reason()});
  PrintTable(out, rows);
}

void PrintAppointments(std::ostream& out, const AppointmentsResponse& response) {
  PrintAppointmentTable(out, response.appointments(), {});
  if (response.more()) {
    out << "... more follow; list again with --from " << response.appointments().rbegin()->date_time() << '\n';
  }
}

void PrintAccount(std::ostream& out, const UserProfile& profile) {
  out << "username: " << profile.username() << '\n'
      << "email: " << profile.email() << '\n'
      << "user id: " << profile.user_id() << '\n'
      << "role: " << profile.role() << '\n';
  if (!profile.phone().empty()) out << "phone: " << profile.phone() << '\n';
  if (!profile.barber_name().empty()) out << "barber name: " << profile.barber_name() << '\n';
}

void PrintProfile(std::ostream& out, const UserProfile& profile) {
  PrintAccount(out, profile);
  if (profile.appointments().empty()) {
    out << "appointments: none\n";
    return;
  }
  out << "appointments:\n";
  PrintAppointmentTable(out, profile.appointments(), "  ");
}

int Printer::Show(const google::protobuf::Message& answer, const std::function<void(std::ostream&)>& as_text) const {
  if (!json_) {
    as_text(out_);
    return kExitOk;
  }
  google::protobuf::util::JsonPrintOptions print;
  print.preserve_proto_field_names = true;
  print.always_print_primitive_fields = true;
  std::string json;
  const auto status = google::protobuf::util::MessageToJsonString(answer, &json, print);
  if (!status.ok()) return Fail({kExitRefused, "cannot print the answer as JSON: " + status.ToString()});
  out_ << json << '\n';
  return kExitOk;
}

int Printer::ShowMessage(const std::string& message) const {
  if (json_) {
    out_ << nlohmann::json{{"success", true}, {"message", message}}.dump() << '\n';
  } else {
    out_ << message << '\n';
  }
  return kExitOk;
}

int Printer::Fail(const Failure& failure) const {
  err_ << "barbershop: " << failure.message << '\n';
  return failure.exit_code;
}

}  // namespace barbershop::cli
