// `barbershop`: the command-line client of the core service.  It signs up, logs in (keeping
// the session in the user's config folder) and books, moves, confirms, cancels, closes
// and lists appointments over the core's gRPC API.
//
// Exit codes: 0 done, 1 the server refused or there is no session, 2 bad usage,
// 3 the server could not be reached (UNAVAILABLE or DEADLINE_EXCEEDED).

#include <fcntl.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "barbershop/common/grpc_codes.hpp"
#include "barbershop/common/result.hpp"
#include "user_service.grpc.pb.h"

#ifndef BARBERSHOP_VERSION
#define BARBERSHOP_VERSION "dev"
#endif

namespace barbershop::cli {
namespace {

namespace fs = std::filesystem;

constexpr std::chrono::seconds kCallTimeout{10};
constexpr const char* kDefaultServer = "127.0.0.1:50051";
constexpr const char* kServerEnv = "BARBERSHOP_SERVER";
constexpr const char* kNotLoggedIn = "not logged in; run 'barbershop login' first";

/// What the process returns; scripts rely on these.
enum ExitCode : int {
  kExitOk = 0,
  kExitRefused = 1,      // the server said no, or there is no session
  kExitUsage = 2,        // CLI11's parse errors
  kExitUnreachable = 3,  // UNAVAILABLE or DEADLINE_EXCEEDED
};

/// Why a command stops: the line to show the user and the exit code.
struct Failure {
  int exit_code;
  std::string message;
};

/// A value or a Failure.
template <typename T>
using Expected = barbershop::common::Result<T, Failure>;

// Server text must not break the one-line error contract.
std::string OneLine(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return text;
}

/// Turns a failed call into the line the user sees and the matching exit code.
Failure FromStatus(const grpc::Status& status, const std::string& server, bool used_session) {
  const std::string code = barbershop::common::GrpcCodeName(static_cast<int>(status.error_code()));
  std::string detail = OneLine(status.error_message());
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
      return {kExitUnreachable, "the server at " + server + " is unavailable" +
                                    (detail.empty() ? "" : ": " + detail) + " (" + code + ")"};
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return {kExitUnreachable, "the server at " + server + " did not answer within " +
                                    std::to_string(kCallTimeout.count()) + " seconds (" + code + ")"};
    default: break;
  }
  if (detail.empty()) detail = "the request failed";
  std::string message = detail + " (" + code + ")";
  if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED && used_session) {
    message += "; run 'barbershop login' again";
  }
  return {kExitRefused, std::move(message)};
}

/// What `login` leaves behind for the other commands.
struct Session {
  std::string server;
  std::string token;
  std::string user_id;
  std::string role;
  std::string expires_at;
};

/// The login session on disk: one JSON file, mode 0600, in the user's config folder.
/// Not safe against two processes writing at once; the last `login` wins.
class SessionStore {
 public:
  /// `$XDG_CONFIG_HOME/barbershop/session.json` (when that is an absolute path), else
  /// `$HOME/.config/barbershop/session.json`; empty when neither variable is usable.
  static fs::path DefaultPath() {
    const char* xdg = std::getenv("XDG_CONFIG_HOME");
    if (xdg != nullptr && xdg[0] == '/') return fs::path(xdg) / "barbershop" / "session.json";
    const char* home = std::getenv("HOME");
    if (home != nullptr && home[0] != '\0') return fs::path(home) / ".config" / "barbershop" / "session.json";
    return {};
  }

  explicit SessionStore(fs::path path) : path_(std::move(path)) {}

  /// The stored session, or no value inside when nobody is logged in.
  Expected<std::optional<Session>> Load() const {
    if (path_.empty()) return NoConfigFolder();
    std::error_code ec;
    if (!fs::exists(path_, ec)) {
      if (ec) return Failure{kExitRefused, "cannot read " + path_.string() + ": " + ec.message()};
      return std::optional<Session>{};
    }
    std::ifstream in(path_);
    if (!in) return Failure{kExitRefused, "cannot read " + path_.string() + ": " + std::strerror(errno)};
    std::stringstream text;
    text << in.rdbuf();
    const auto json = nlohmann::json::parse(text.str(), nullptr, false);
    const auto field = [&json](const char* key) {
      const auto it = json.find(key);
      return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    if (!json.is_object() || field("token").empty()) {
      return Failure{kExitRefused, "the session file " + path_.string() + " is damaged; run 'barbershop login' again"};
    }
    return std::optional<Session>{
        Session{field("server"), field("token"), field("user_id"), field("role"), field("expires_at")}};
  }

  /// Replaces the stored session atomically; the file is never readable by others.
  std::optional<Failure> Save(const Session& session) const {
    if (path_.empty()) return NoConfigFolder();
    const fs::path dir = path_.parent_path();
    std::error_code ec;
    if (!fs::exists(dir, ec)) {
      fs::create_directories(dir, ec);
      if (ec) return Failure{kExitRefused, "cannot create " + dir.string() + ": " + ec.message()};
      fs::permissions(dir, fs::perms::owner_all, ec);
    }
    const std::string text = nlohmann::json{{"server", session.server},
                                            {"token", session.token},
                                            {"user_id", session.user_id},
                                            {"role", session.role},
                                            {"expires_at", session.expires_at}}
                                 .dump(2) +
                             "\n";
    const fs::path temp = path_.string() + ".tmp";
    if (!WritePrivateFile(temp, text) || std::rename(temp.c_str(), path_.c_str()) != 0) {
      const std::string reason = std::strerror(errno);
      fs::remove(temp, ec);
      return Failure{kExitRefused, "cannot write " + path_.string() + ": " + reason};
    }
    return std::nullopt;
  }

  /// Forgets the session; true when there was one.
  Expected<bool> Remove() const {
    if (path_.empty()) return NoConfigFolder();
    std::error_code ec;
    const bool removed = fs::remove(path_, ec);
    if (ec) return Failure{kExitRefused, "cannot remove " + path_.string() + ": " + ec.message()};
    return removed;
  }

 private:
  static Failure NoConfigFolder() {
    return Failure{kExitRefused, "cannot find a config folder for the session; set HOME or XDG_CONFIG_HOME"};
  }

  static bool WritePrivateFile(const fs::path& path, const std::string& text) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return false;
    // A leftover file keeps its old mode through O_CREAT, so set it explicitly.
    bool ok = ::fchmod(fd, 0600) == 0;
    for (std::size_t done = 0; ok && done < text.size();) {
      const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      ok = n > 0;
      if (ok) done += static_cast<std::size_t>(n);
    }
    ok = ::fsync(fd) == 0 && ok;
    return ::close(fd) == 0 && ok;
  }

  fs::path path_;
};

/// One channel to the core service.  Every call has a 10-second deadline and carries the
/// bearer token when there is one.  Not thread-safe; one per command.
class CoreClient {
 public:
  CoreClient(std::string server, std::string token)
      : server_(std::move(server)),
        token_(std::move(token)),
        stub_(UserService::NewStub(grpc::CreateChannel(server_, grpc::InsecureChannelCredentials()))) {}

  template <typename Request, typename Response>
  std::optional<Failure> Call(grpc::Status (UserService::Stub::*method)(grpc::ClientContext*, const Request&,
                                                                         Response*),
                              const Request& request, Response* response, const std::string& idempotency_key = {}) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + kCallTimeout);
    if (!token_.empty()) context.AddMetadata("authorization", "Bearer " + token_);
    if (!idempotency_key.empty()) context.AddMetadata("idempotency-key", idempotency_key);
    const grpc::Status status = (stub_.get()->*method)(&context, request, response);
    if (status.ok()) return std::nullopt;
    return FromStatus(status, server_, !token_.empty());
  }

 private:
  std::string server_;
  std::string token_;
  std::unique_ptr<UserService::Stub> stub_;
};

using Row = std::vector<std::string>;

// Columns separated by two spaces and padded to line up; the last one is not padded.
// Empty cells print as "-" so that every line has the same fields for `awk`.
void PrintTable(std::ostream& out, const std::vector<Row>& rows, std::string_view indent = {}) {
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

constexpr const char* kDays[] = {"?", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

// "Mon-Sat 09:00-18:00", or "Mon-Fri 09:00-18:00, Sat 10:00-14:00" when days differ.
std::string FormatHours(const Barber& barber) {
  const auto day = [](int weekday) { return weekday >= 1 && weekday <= 7 ? kDays[weekday] : kDays[0]; };
  std::vector<WorkingHours> hours(barber.hours().begin(), barber.hours().end());
  std::stable_sort(hours.begin(), hours.end(),
                   [](const WorkingHours& a, const WorkingHours& b) { return a.weekday() < b.weekday(); });
  std::string text;
  for (std::size_t first = 0; first < hours.size();) {
    std::size_t last = first;
    while (last + 1 < hours.size() && hours[last + 1].weekday() == hours[last].weekday() + 1 &&
           hours[last + 1].opens() == hours[first].opens() && hours[last + 1].closes() == hours[first].closes()) {
      ++last;
    }
    if (!text.empty()) text += ", ";
    text += day(hours[first].weekday());
    if (last != first) text += std::string("-") + day(hours[last].weekday());
    text += " " + hours[first].opens() + "-" + hours[first].closes();
    first = last + 1;
  }
  return text.empty() ? "no working hours" : text;
}

// Reads hours as FormatHours writes them ("Mon-Fri 09:00-18:00, Sat 10:00-14:00") into
// `request`; the server checks the times themselves.
std::optional<Failure> ParseHours(const std::string& text, SaveBarberRequest& request) {
  const auto weekday = [](std::string_view name) {
    for (int d = 1; d <= 7; ++d) {
      if (name == kDays[d]) return d;
    }
    return 0;
  };
  std::stringstream items(text);
  std::string item;
  while (std::getline(items, item, ',')) {
    std::stringstream words(item);
    std::string days, times, extra;
    words >> days >> times;
    const auto dash = days.find('-');
    const int first = weekday(days.substr(0, dash));
    const int last = dash == std::string::npos ? first : weekday(days.substr(dash + 1));
    const auto split = times.find('-');
    if (first == 0 || last < first || split == std::string::npos || (words >> extra)) {
      return Failure{kExitUsage, "--hours: expected e.g. \"Mon-Fri 09:00-18:00, Sat 10:00-14:00\", got '" + item + "'"};
    }
    for (int d = first; d <= last; ++d) {
      auto* hours = request.add_hours();
      hours->set_weekday(d);
      hours->set_opens(times.substr(0, split));
      hours->set_closes(times.substr(split + 1));
    }
  }
  return std::nullopt;
}

// Cents as "25.00", in the shop's currency.
std::string FormatPrice(std::int64_t cents) {
  char text[32];
  std::snprintf(text, sizeof text, "%lld.%02lld", static_cast<long long>(cents / 100),
                static_cast<long long>(cents % 100));
  return text;
}

// The service last: its name may have spaces.
Row AppointmentRow(const Appointment& a) {
  return {a.appointment_id(), a.date_time(), a.barber_name(), a.status(), a.client_name(), a.service()};
}

/// Options that every command shares.
struct GlobalOptions {
  std::string server;
  bool server_given = false;
  bool json = false;
};

/// The commands, one method each; each returns the process exit code.  Holds references
/// only; not thread-safe.
class Commands {
 public:
  Commands(const GlobalOptions& options, const SessionStore& sessions, std::ostream& out, std::ostream& err)
      : options_(options), sessions_(sessions), out_(out), err_(err) {}

  int SignUp(const std::string& username, const std::string& email, const std::string& password) {
    CoreClient client(ServerFor(StoredSession()), {});
    SignUpRequest request;
    request.set_username(username);
    request.set_email(email);
    request.set_password(password);
    SignUpResponse response;
    if (auto failed = client.Call(&UserService::Stub::SignUp, request, &response)) return Fail(*failed);
    return Show(response, [&] {
      out_ << response.message() << '\n';
      if (!response.user_id().empty()) out_ << "user id: " << response.user_id() << '\n';
    });
  }

  int Login(const std::string& email, const std::string& password) {
    const std::string server = ServerFor(StoredSession());
    CoreClient client(server, {});
    LoginRequest request;
    request.set_email(email);
    request.set_password(password);
    LoginResponse response;
    if (auto failed = client.Call(&UserService::Stub::Login, request, &response)) return Fail(*failed);
    if (response.token().empty()) return Fail({kExitRefused, "the server sent no token"});
    const Session session{server, response.token(), response.user_id(), response.role(), response.expires_at()};
    if (auto failed = sessions_.Save(session)) return Fail(*failed);
    return Show(response, [&] {
      out_ << (response.message().empty() ? "Logged in." : response.message()) << '\n';
      if (!response.role().empty()) out_ << "role: " << response.role() << '\n';
    });
  }

  int Logout() {
    auto removed = sessions_.Remove();
    if (!removed) return Fail(removed.error());
    const std::string message = *removed ? "Logged out." : "Not logged in; nothing to do.";
    if (options_.json) {
      out_ << nlohmann::json{{"success", true}, {"message", message}}.dump() << '\n';
    } else {
      out_ << message << '\n';
    }
    return kExitOk;
  }

  int Barbers() {
    auto session = RequireSession();
    if (!session) return Fail(session.error());
    ListBarbersResponse response;
    if (auto failed = Client(*session).Call(&UserService::Stub::ListBarbers, ListBarbersRequest{}, &response)) {
      return Fail(*failed);
    }
    return Show(response, [&] {
      std::vector<Row> rows;
      for (const Barber& b : response.barbers()) rows.push_back({b.name(), b.barber_id(), FormatHours(b)});
      PrintTable(out_, rows);
    });
  }

  // One barber's price list, from ListBarbers: name, length, price.
  int Services(const std::string& barber) {
    auto session = RequireSession();
    if (!session) return Fail(session.error());
    ListBarbersResponse response;
    if (auto failed = Client(*session).Call(&UserService::Stub::ListBarbers, ListBarbersRequest{}, &response)) {
      return Fail(*failed);
    }
    const auto lower = [](std::string text) {
      for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return text;
    };
    const auto it = std::find_if(response.barbers().begin(), response.barbers().end(),
                                 [&](const Barber& b) { return lower(b.name()) == lower(barber); });
    if (it == response.barbers().end()) return Fail({kExitRefused, "no barber named '" + barber + "'"});
    return Show(*it, [&] {
      std::vector<Row> rows;
      for (const BarberService& s : it->services()) {
        rows.push_back({std::to_string(s.duration_minutes()) + "min", FormatPrice(s.price_cents()), s.name()});
      }
      if (rows.empty()) out_ << it->name() << " offers no services; bookings take 30 minutes\n";
      PrintTable(out_, rows);
    });
  }

  int SaveService(const std::string& barber, const std::string& name, int minutes, std::int64_t price_cents) {
    SaveServiceRequest request;
    request.set_barber_name(barber);
    request.mutable_service()->set_name(name);
    request.mutable_service()->set_duration_minutes(minutes);
    request.mutable_service()->set_price_cents(price_cents);
    return ChangeService(&UserService::Stub::SaveService, request);
  }

  int RemoveService(const std::string& barber, const std::string& name) {
    RemoveServiceRequest request;
    request.set_barber_name(barber);
    request.set_name(name);
    return ChangeService(&UserService::Stub::RemoveService, request);
  }

  int SaveBarber(const std::string& user_id, const std::string& name, const std::string& hours, bool auto_confirm) {
    SaveBarberRequest request;
    request.set_user_id(user_id);
    request.set_name(name);
    request.set_auto_confirm(auto_confirm);
    if (auto bad = ParseHours(hours, request)) return Fail(*bad);
    return Send(&UserService::Stub::SaveBarber, request, [&](const SaveBarberResponse& r) {
      out_ << r.message() << '\n' << FormatHours(r.barber()) << '\n';
    });
  }

  int AddTimeOff(const std::string& barber, const std::string& from, const std::string& to,
                 const std::string& reason) {
    AddTimeOffRequest request;
    request.set_barber_name(barber);
    request.set_from(from);
    request.set_to(to);
    request.set_reason(reason);
    return ChangeTimeOff(&UserService::Stub::AddTimeOff, request);
  }

  int RemoveTimeOff(const std::string& time_off_id) {
    RemoveTimeOffRequest request;
    request.set_time_off_id(time_off_id);
    return ChangeTimeOff(&UserService::Stub::RemoveTimeOff, request);
  }

  int ListTimeOff(const std::string& barber, const std::string& from, const std::string& to) {
    ListTimeOffRequest request;
    request.set_barber_name(barber);
    request.set_from(from);
    request.set_to(to);
    return Send(&UserService::Stub::ListTimeOff, request, [&](const ListTimeOffResponse& response) {
      std::vector<Row> rows;
      for (const TimeOff& t : response.time_off()) rows.push_back({t.time_off_id(), t.from(), t.to(), t.reason()});
      PrintTable(out_, rows);
    });
  }

  int Slots(const std::string& barber, const std::string& date, const std::string& service) {
    GetAvailableSlotsRequest request;
    request.set_barber_name(barber);
    request.set_date(date);
    request.set_service(service);
    return Send(&UserService::Stub::GetAvailableSlots, request, [&](const GetAvailableSlotsResponse& response) {
      for (const std::string& start : response.slots()) out_ << start << '\n';
    });
  }

  int Book(const std::string& barber, const std::string& at, const std::string& service,
           const std::string& idempotency_key) {
    CreateAppointmentRequest request;
    request.set_barber_name(barber);
    request.set_date_time(at);
    request.set_service(service);
    return ChangeAppointment(&UserService::Stub::CreateAppointment, request, true, idempotency_key);
  }

  int Move(const std::string& appointment_id, const std::string& to) {
    ModifyAppointmentRequest request;
    request.set_appointment_id(appointment_id);
    request.set_date_time(to);
    return ChangeAppointment(&UserService::Stub::ModifyAppointment, request, false);
  }

  // Cancel, confirm, complete and no-show: a change named by the appointment's id alone.
  template <typename Request>
  int ChangeById(grpc::Status (UserService::Stub::*method)(grpc::ClientContext*, const Request&,
                                                            AppointmentResponse*),
                 const std::string& appointment_id) {
    Request request;
    request.set_appointment_id(appointment_id);
    return ChangeAppointment(method, request, false);
  }

  int List(const std::string& user_id, const std::string& from, const std::string& to) {
    GetAppointmentsRequest request;
    request.set_user_id(user_id);
    request.set_from(from);
    request.set_to(to);
    return Send(&UserService::Stub::GetAppointments, request, [&](const AppointmentsResponse& response) {
      std::vector<Row> rows;
      for (const Appointment& a : response.appointments()) rows.push_back(AppointmentRow(a));
      PrintTable(out_, rows);
      if (response.more()) {
        out_ << "... more follow; list again with --from " << response.appointments().rbegin()->date_time() << '\n';
      }
    });
  }

  int Profile() {
    auto session = RequireSession();
    if (!session) return Fail(session.error());
    GetUserProfileRequest request;
    request.set_token(session->token);
    UserProfile response;
    if (auto failed = Client(*session).Call(&UserService::Stub::GetUserProfile, request, &response)) {
      return Fail(*failed);
    }
    return Show(response, [&] {
      out_ << "username: " << response.username() << '\n'
           << "email: " << response.email() << '\n'
           << "user id: " << response.user_id() << '\n'
           << "role: " << response.role() << '\n';
      if (!response.barber_name().empty()) out_ << "barber name: " << response.barber_name() << '\n';
      if (response.appointments().empty()) {
        out_ << "appointments: none\n";
        return;
      }
      out_ << "appointments:\n";
      std::vector<Row> rows;
      for (const Appointment& a : response.appointments()) rows.push_back(AppointmentRow(a));
      PrintTable(out_, rows, "  ");
    });
  }

 private:
  // An explicit --server, then $BARBERSHOP_SERVER, then the session's, then the default.
  std::string ServerFor(const std::optional<Session>& session) const {
    if (options_.server_given) return options_.server;
    const char* env = std::getenv(kServerEnv);
    if (env != nullptr && env[0] != '\0') return env;
    if (session && !session->server.empty()) return session->server;
    return kDefaultServer;
  }

  // For signup and login, which need no session: a damaged file only loses its server.
  std::optional<Session> StoredSession() const {
    auto stored = sessions_.Load();
    return stored ? *stored : std::nullopt;
  }

  Expected<Session> RequireSession() const {
    auto stored = sessions_.Load();
    if (!stored) return stored.error();
    if (!stored->has_value()) return Failure{kExitRefused, kNotLoggedIn};
    return std::move(**stored);
  }

  CoreClient Client(const Session& session) const {
    return CoreClient(ServerFor(session), session.token);
  }

  // A call on the stored session: sends `request` and prints the answer, with `as_text`
  // or as JSON.
  template <typename Request, typename Response, typename Print>
  int Send(grpc::Status (UserService::Stub::*method)(grpc::ClientContext*, const Request&, Response*),
           const Request& request, Print as_text, const std::string& idempotency_key = {}) {
    auto session = RequireSession();
    if (!session) return Fail(session.error());
    Response response;
    if (auto failed = Client(*session).Call(method, request, &response, idempotency_key)) return Fail(*failed);
    return Show(response, [&] { as_text(response); });
  }

  // Every change of an appointment answers with an AppointmentResponse.
  template <typename Request>
  int ChangeAppointment(grpc::Status (UserService::Stub::*method)(grpc::ClientContext*, const Request&,
                                                                   AppointmentResponse*),
                        const Request& request, bool print_id_first, const std::string& idempotency_key = {}) {
    return Send(
        method, request,
        [&](const AppointmentResponse& r) {
          if (print_id_first) out_ << r.appointment_id() << '\n';
          out_ << r.message() << '\n';
        },
        idempotency_key);
  }

  // AddTimeOff and RemoveTimeOff answer with the time off; its id goes first.
  template <typename Request>
  int ChangeTimeOff(grpc::Status (UserService::Stub::*method)(grpc::ClientContext*, const Request&, TimeOffResponse*),
                    const Request& request) {
    return Send(method, request, [&](const TimeOffResponse& r) {
      out_ << r.time_off().time_off_id() << '\n' << r.message() << '\n';
    });
  }

  // SaveService and RemoveService answer with the service.
  template <typename Request>
  int ChangeService(grpc::Status (UserService::Stub::*method)(grpc::ClientContext*, const Request&, ServiceResponse*),
                    const Request& request) {
    return Send(method, request, [&](const ServiceResponse& r) { out_ << r.message() << '\n'; });
  }

  int Show(const google::protobuf::Message& message, const std::function<void()>& as_text) {
    if (!options_.json) {
      as_text();
      return kExitOk;
    }
    google::protobuf::util::JsonPrintOptions print;
    print.preserve_proto_field_names = true;
    print.always_print_primitive_fields = true;
    std::string json;
    const auto status = google::protobuf::util::MessageToJsonString(message, &json, print);
    if (!status.ok()) return Fail({kExitRefused, "cannot print the answer as JSON: " + status.ToString()});
    out_ << json << '\n';
    return kExitOk;
  }

  int Fail(const Failure& failure) const {
    err_ << "barbershop: " << failure.message << '\n';
    return failure.exit_code;
  }

  const GlobalOptions& options_;
  const SessionStore& sessions_;
  std::ostream& out_;
  std::ostream& err_;
};

/// Everything the subcommands take; filled in by CLI11.
struct Arguments {
  std::string username;
  std::string email;
  std::string password;
  std::string barber;
  std::string at;
  std::string appointment_id;
  std::string to;
  std::string user_id;
  std::string key;
  std::string service;
  std::string reason;
  std::string hours;
  bool auto_confirm = false;
  int minutes = 30;
  std::int64_t price_cents = 0;
};

using Action = std::function<int(Commands&)>;

// Declares the command line; the chosen subcommand's callback picks `action`.
void DefineCommandLine(CLI::App& app, GlobalOptions& options, Arguments& args, Action& action) {
  app.set_version_flag("--version", BARBERSHOP_VERSION);
  app.require_subcommand(1);
  app.fallthrough();  // global options may also follow the subcommand
  app.add_option("--server", options.server,
                 std::string("core service HOST:PORT (default ") + kDefaultServer + ", or $" + kServerEnv +
                     ", or the server of the stored session)");
  app.add_flag("--json", options.json, "print the server's answer as JSON");

  const auto pick = [&action](CLI::App* sub, Action chosen) { sub->callback([&action, chosen] { action = chosen; }); };

  auto* signup = app.add_subcommand("signup", "create an account");
  signup->add_option("--username", args.username, "3-32 characters: a-z, 0-9, '_', '.', '-'")->required();
  signup->add_option("--email", args.email, "e-mail address, used to log in")->required();
  signup->add_option("--password", args.password, "8 to 128 characters")->required();
  pick(signup, [&args](Commands& c) { return c.SignUp(args.username, args.email, args.password); });

  auto* login = app.add_subcommand("login", "log in and remember the session in the config folder");
  login->add_option("--email", args.email)->required();
  login->add_option("--password", args.password)->required();
  pick(login, [&args](Commands& c) { return c.Login(args.email, args.password); });

  pick(app.add_subcommand("logout", "forget the stored session"), [](Commands& c) { return c.Logout(); });
  pick(app.add_subcommand("barbers", "list the barbers: name, id, working hours"),
       [](Commands& c) { return c.Barbers(); });

  auto* slots = app.add_subcommand("slots", "the times a barber can still be booked on a day, one a line");
  slots->add_option("--barber", args.barber, "the barber's name, as `barbershop barbers` shows it")->required();
  slots->add_option("--date", args.at, "the day, e.g. 2026-12-01 (the shop's calendar)")->required();
  slots->add_option("--service", args.service, "one of the barber's services: slots long enough for it");
  pick(slots, [&args](Commands& c) { return c.Slots(args.barber, args.at, args.service); });

  auto* services = app.add_subcommand("services", "a barber's services: length, price, name");
  services->add_option("--barber", args.barber, "the barber's name, as `barbershop barbers` shows it")->required();
  pick(services, [&args](Commands& c) { return c.Services(args.barber); });

  auto* save = app.add_subcommand("service-save", "add a service to your price list, or change the one so named");
  save->add_option("--name", args.service, "1 to 64 characters, e.g. \"Beard trim\"")->required();
  save->add_option("--minutes", args.minutes, "5 to 480, a multiple of 5")->required();
  save->add_option("--price-cents", args.price_cents, "in the shop currency's cents, e.g. 2500")->required();
  save->add_option("--barber", args.barber, "whose price list (an admin's choice; default: your own)");
  pick(save, [&args](Commands& c) { return c.SaveService(args.barber, args.service, args.minutes, args.price_cents); });

  auto* remove = app.add_subcommand("service-remove", "remove a service from your price list");
  remove->add_option("NAME", args.service)->required();
  remove->add_option("--barber", args.barber, "whose price list (an admin's choice; default: your own)");
  pick(remove, [&args](Commands& c) { return c.RemoveService(args.barber, args.service); });

  auto* chair = app.add_subcommand("barber-save", "set your name, working hours and auto-confirm as a barber, "
                                                  "or (an admin) make a user a barber");
  chair->add_option("--name", args.barber, "the name clients book by")->required();
  chair->add_option("--hours", args.hours, "e.g. \"Mon-Fri 09:00-18:00, Sat 10:00-14:00\" (replaces all hours)")
      ->required();
  chair->add_flag("--auto-confirm", args.auto_confirm, "confirm bookings at once");
  chair->add_option("--user", args.user_id, "whose chair (an admin's choice; default: your own)");
  pick(chair, [&args](Commands& c) { return c.SaveBarber(args.user_id, args.barber, args.hours, args.auto_confirm); });

  auto* off = app.add_subcommand("time-off-add", "take time off; prints its id on the first line");
  off->add_option("--from", args.at, "ISO 8601 or a day, e.g. 2026-12-24")->required();
  off->add_option("--to", args.to, "ISO 8601 or a day, exclusive, e.g. 2026-12-27")->required();
  off->add_option("--reason", args.reason, "at most 200 characters; only you and admins see it");
  off->add_option("--barber", args.barber, "whose chair (an admin's choice; default: your own)");
  pick(off, [&args](Commands& c) { return c.AddTimeOff(args.barber, args.at, args.to, args.reason); });

  auto* off_list = app.add_subcommand("time-off", "list your time off from today on: id, from, to, reason");
  off_list->add_option("--barber", args.barber, "whose chair (an admin's choice; default: your own)");
  off_list->add_option("--from", args.at, "ISO 8601 or a day (default: today)");
  off_list->add_option("--to", args.to, "ISO 8601 or a day (default: no end)");
  pick(off_list, [&args](Commands& c) { return c.ListTimeOff(args.barber, args.at, args.to); });

  auto* off_remove = app.add_subcommand("time-off-remove", "remove time off by its id");
  off_remove->add_option("TIME_OFF_ID", args.appointment_id)->required();
  pick(off_remove, [&args](Commands& c) { return c.RemoveTimeOff(args.appointment_id); });

  auto* book = app.add_subcommand("book", "book an appointment; prints its id on the first line");
  book->add_option("--barber", args.barber, "the barber's name, as `barbershop barbers` shows it")->required();
  book->add_option("--at", args.at, "ISO 8601 start, e.g. 2026-12-01T15:00 (shop time unless it has an offset)")
      ->required();
  book->add_option("--idempotency-key", args.key,
                   "the same key again (1 to 128 visible ASCII characters) answers with the booking it made, "
                   "so a retry after a lost answer books once");
  book->add_option("--service", args.service,
                   "one of the barber's services, as `barbershop services` shows it (default: 30 minutes)");
  pick(book, [&args](Commands& c) { return c.Book(args.barber, args.at, args.service, args.key); });

  auto* move = app.add_subcommand("move", "move an appointment to another time");
  move->add_option("APPOINTMENT_ID", args.appointment_id)->required();
  move->add_option("--to", args.to, "ISO 8601 new start")->required();
  pick(move, [&args](Commands& c) { return c.Move(args.appointment_id, args.to); });

  // Subcommands that take only an appointment id.
  auto by_id = [&](const char* name, const char* description, auto method) {
    auto* command = app.add_subcommand(name, description);
    command->add_option("APPOINTMENT_ID", args.appointment_id)->required();
    pick(command, [&args, method](Commands& c) { return c.ChangeById(method, args.appointment_id); });
  };
  by_id("cancel", "cancel an appointment", &UserService::Stub::CancelAppointment);
  by_id("confirm", "confirm a pending appointment (its barber)", &UserService::Stub::ConfirmAppointment);
  by_id("complete", "mark a confirmed appointment that has started completed (its barber)",
        &UserService::Stub::CompleteAppointment);
  by_id("no-show", "mark a confirmed appointment that has started a no-show (its barber)",
        &UserService::Stub::MarkNoShow);

  auto* list = app.add_subcommand("list", "list appointments from today on: id, date_time, barber, status, client, service");
  list->add_option("--user", args.user_id, "whose appointments (default: yours; a barber's lists their chair)");
  list->add_option("--from", args.at, "ISO 8601 or a day: those starting then or later (default: today)");
  list->add_option("--to", args.to, "ISO 8601 or a day: those starting before then (default: no end)");
  pick(list, [&args](Commands& c) { return c.List(args.user_id, args.at, args.to); });

  pick(app.add_subcommand("profile", "show your account and appointments"), [](Commands& c) { return c.Profile(); });
}

int Run(int argc, char** argv) {
  CLI::App app{"barbershop: book and manage barbershop appointments", "barbershop"};
  GlobalOptions options;
  Arguments args;
  Action action;
  DefineCommandLine(app, options, args, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 has its own exit codes; ours promise 2 for any usage error.
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  options.server_given = app.get_option("--server")->count() > 0;
  const SessionStore sessions(SessionStore::DefaultPath());
  Commands commands(options, sessions, std::cout, std::cerr);
  return action ? action(commands) : kExitUsage;
}

}  // namespace
}  // namespace barbershop::cli

int main(int argc, char** argv) {
  try {
    return barbershop::cli::Run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "barbershop: " << e.what() << '\n';
  } catch (...) {
    std::cerr << "barbershop: unexpected error\n";
  }
  return barbershop::cli::kExitRefused;
}
