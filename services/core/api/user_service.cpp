#include "user_service.hpp"

#include <spdlog/spdlog.h>

#include "barbershop/common/contained.hpp"
#include "barbershop/common/grpc_codes.hpp"
#include "domain/accounts.hpp"
#include "domain/chairs.hpp"
#include "domain/price_list.hpp"
#include "domain/time_off.hpp"
#include "status_mapping.hpp"
#include "storage/pg_attempt_counter.hpp"
#include "storage/pg_repositories.hpp"

namespace barbershop::core::api {
namespace {

using common::ErrorCode;

void ToProto(const domain::Appointment& from, const common::ShopTime& shop_time, Appointment* to) {
  to->set_appointment_id(from.id);
  to->set_date_time(shop_time.Format(from.starts_at));
  to->set_end_time(shop_time.Format(from.ends_at));
  to->set_barber_name(from.barber_name);
  to->set_status(domain::StatusName(from.status));
  to->set_barber_id(from.barber_id);
  to->set_client_id(from.client_id);
  to->set_client_name(from.client_name);
  if (!from.service_name.empty()) {
    to->set_service(from.service_name);
    to->set_price_cents(from.price_cents);
  }
}

void ToProto(const domain::BarberService& from, BarberService* to) {
  to->set_name(from.name);
  to->set_duration_minutes(static_cast<int>(from.duration.count()));
  to->set_price_cents(from.price_cents);
}

void ToProto(const domain::TimeOff& from, const common::ShopTime& shop_time, TimeOff* to) {
  to->set_time_off_id(from.id);
  to->set_barber_name(from.barber_name);
  to->set_from(shop_time.Format(from.during.from));
  to->set_to(shop_time.Format(from.during.to));
  to->set_reason(from.reason);
}

void ToProto(const domain::Barber& from, Barber* to) {
  to->set_barber_id(from.id);
  to->set_name(from.name);
  to->set_auto_confirm(from.auto_confirm);
  for (const auto& h : from.hours) {
    auto* hours = to->add_hours();
    hours->set_weekday(static_cast<int>(h.weekday));
    hours->set_opens(common::FormatClockMinutes(h.opens_minute));
    hours->set_closes(common::FormatClockMinutes(h.closes_minute));
  }
  for (const auto& s : from.services) ToProto(s, to->add_services());
}

// Working hours as a request gives them: "HH:MM" text.
common::Result<std::vector<domain::WorkingHours>> FromProto(const google::protobuf::RepeatedPtrField<WorkingHours>& in) {
  std::vector<domain::WorkingHours> out;
  for (const auto& h : in) {
    auto opens = common::ParseClockMinutes(h.opens());
    if (!opens) return opens.error();
    auto closes = common::ParseClockMinutes(h.closes());
    if (!closes) return closes.error();
    out.push_back({static_cast<unsigned>(h.weekday()), *opens, *closes});
  }
  return out;
}

// The price list's answer: the service as saved or removed.
grpc::Status ServiceAnswer(const common::Result<domain::BarberService>& result, const char* verb,
                           ServiceResponse* response) {
  if (!result) return ToGrpcStatus(result.error());
  response->set_success(true);
  response->set_message(std::string("Service ") + verb + ": " + result->name + ".");
  ToProto(*result, response->mutable_service());
  return grpc::Status::OK;
}

// The call's metadata value under `key` (lower case), empty when absent.
std::string_view Metadata(const grpc::CallbackServerContext* call, const char* key) {
  const auto& metadata = call->client_metadata();
  const auto it = metadata.find(key);
  if (it == metadata.end()) return {};
  return {it->second.data(), it->second.size()};
}

// The address a call came from, without its port: "ipv4:10.1.2.3:5555" gives
// "10.1.2.3", "ipv6:[::1]:5555" gives "::1"; anything else is kept whole.
std::string PeerAddress(std::string_view peer) {
  for (const std::string_view scheme : {"ipv4:", "ipv6:"}) {
    if (peer.substr(0, scheme.size()) != scheme) continue;
    auto rest = peer.substr(scheme.size());
    if (!rest.empty() && rest.front() == '[') {
      const auto close = rest.find(']');
      return std::string(rest.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
    }
    return std::string(rest.substr(0, rest.rfind(':')));
  }
  return std::string(peer);
}

// The repositories and the booking rules on one call's connection.
struct Bookings {
  Bookings(storage::Database& db, const ServiceContext& ctx, common::Counter& cap_refusals)
      : accounts(db),
        appointments(db, &ctx.lists, &cap_refusals),
        rules(accounts, appointments, ctx.shop_time, ctx.clock, ctx.policy) {}
  storage::PgAccountRepository accounts;
  storage::PgAppointmentRepository appointments;
  domain::BookingService rules;
};

// AddTimeOff and RemoveTimeOff answer with the time off.
grpc::Status TimeOffAnswer(const common::Result<domain::TimeOff>& result, const char* verb,
                           const common::ShopTime& shop_time, TimeOffResponse* response) {
  if (!result) return ToGrpcStatus(result.error());
  response->set_success(true);
  response->set_message(std::string("Time off ") + verb + ": " + result->barber_name + ", " +
                        shop_time.Format(result->during.from) + " to " + shop_time.Format(result->during.to) + ".");
  ToProto(*result, shop_time, response->mutable_time_off());
  return grpc::Status::OK;
}

}  // namespace

grpc::ServerUnaryReactor* UserServiceImpl::Run(grpc::CallbackServerContext* call, const char* method, bool needs_token,
                                               std::string request_token, Body body, const Quick& quick) {
  const Started started = Begin(call, method);
  std::optional<domain::Caller> caller;
  if (needs_token) {
    std::string token = common::BearerToken(Metadata(call, "authorization"));
    if (token.empty()) token = std::move(request_token);
    auto claims = ctx_.tokens.Verify(token);
    const auto role = claims ? domain::ParseRole(claims->role) : std::nullopt;
    if (!claims || !role) {
      Finish(started, claims ? grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "the token is not valid")
                             : ToGrpcStatus(claims.error()));
      return started.reactor;
    }
    caller = domain::Caller{claims->subject, *role};
    if (quick) {
      bool answered = true;  // also when it threw: Step answered INTERNAL
      Step(started, [&] {
        auto outcome = quick(*caller);
        answered = outcome.has_value();
        return outcome;
      });
      if (answered) return started.reactor;
    }
  }
  OnDatabase(started, std::move(caller), std::move(body));
  return started.reactor;
}

void UserServiceImpl::OnDatabase(const Started& started, std::optional<domain::Caller> caller, Body body) {
  const bool queued =
      ctx_.executor.Submit([this, started, caller = std::move(caller), body = std::move(body)](storage::Database& db) {
        db.BeginWork();
        Call state{started, db, caller ? &*caller : nullptr};
        Step(started, [&] { return body(state); });
      });
  if (!queued) Finish(started, Busy());
}

void UserServiceImpl::OnHashing(const Started& started, HashingBody body) {
  const bool queued = ctx_.hashing.Submit([this, started, body = std::move(body)](std::size_t) { Step(started, body); });
  if (!queued) Finish(started, Busy());
}

void UserServiceImpl::Step(const Started& started, const std::function<Outcome()>& step) {
  Outcome outcome;
  if (!common::RunContained(started.method, &handler_failures_, [&] { outcome = step(); })) {
    outcome = grpc::Status(grpc::StatusCode::INTERNAL, "internal error");
  }
  if (outcome) Finish(started, *outcome);
}

UserServiceImpl::UserServiceImpl(ServiceContext context)
    : ctx_(context),
      lists_kept_(ctx_.metrics.GetCounter("barbershop_list_cache_hits_total",
                                          "GetAppointments answered from the list cache.")),
      lists_read_(ctx_.metrics.GetCounter("barbershop_list_cache_misses_total",
                                          "GetAppointments of a caller's own list read from the database.")),
      throttled_logins_(ctx_.metrics.GetCounter("barbershop_throttled_total", "Calls refused by a limit against abuse.",
                                                {{"limit", "login_failures"}})),
      throttled_signups_(ctx_.metrics.GetCounter("barbershop_throttled_total", "Calls refused by a limit against abuse.",
                                                 {{"limit", "signups_per_address"}})),
      throttled_bookings_(ctx_.metrics.GetCounter("barbershop_throttled_total", "Calls refused by a limit against abuse.",
                                                  {{"limit", "live_bookings"}})),
      handler_failures_(common::UnhandledErrors(ctx_.metrics, "grpc handler")) {
  ctx_.metrics.AddCallbackGauge("barbershop_grpc_calls_in_flight", "gRPC calls started and not yet answered.",
                                [this] { return static_cast<double>(in_flight_.load()); });
}

UserServiceImpl::Started UserServiceImpl::Begin(grpc::CallbackServerContext* call, const char* method) {
  ++in_flight_;
  return Started{call->DefaultReactor(), method, std::chrono::steady_clock::now()};
}

void UserServiceImpl::Finish(const Started& started, const grpc::Status& status) {
  Record(started.method, status, started.at);
  --in_flight_;
  started.reactor->Finish(status);
}

grpc::Status UserServiceImpl::Busy() {
  return grpc::Status(grpc::StatusCode::UNAVAILABLE, "the server is busy; try again shortly");
}

void UserServiceImpl::Record(const char* method, const grpc::Status& status,
                             std::chrono::steady_clock::time_point start) {
  const int code = static_cast<int>(status.error_code());
  MethodMetrics metrics{};
  {
    const std::lock_guard lock(metrics_mutex_);
    auto [it, added] = method_metrics_.try_emplace({method, code});
    if (added) {
      const common::Labels labels{{"method", method}, {"code", common::GrpcCodeName(code)}};
      it->second.calls = &ctx_.metrics.GetCounter("barbershop_grpc_calls_total",
                                                  "gRPC calls handled, by method and status code.", labels);
      it->second.latency = &ctx_.metrics.GetHistogram("barbershop_grpc_call_duration_seconds",
                                                      "gRPC call latency, by method and status code.", labels);
    }
    metrics = it->second;
  }
  metrics.calls->Inc();
  metrics.latency->Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

grpc::ServerUnaryReactor* UserServiceImpl::SignUp(grpc::CallbackServerContext* call, const SignUpRequest* request,
                                                  SignUpResponse* response) {
  // The address's sign-ups are counted first; then the password is hashed, on a hashing
  // thread, and only the insert takes a connection again.
  const Started started = Begin(call, "SignUp");
  const std::vector<std::pair<std::string, domain::AttemptLimit>> keys{
      {domain::SignUpAddressKey(PeerAddress(call->peer())), ctx_.limits.signups_per_address}};
  if (!ctx_.limits.signups_per_address.enabled()) {
    HashAndCreateAccount(started, request, response);
    return started.reactor;
  }
  OnDatabase(started, std::nullopt, [this, started, keys, request, response](Call& c) -> Outcome {
    auto refused = storage::PgAttemptCounter(c.db).Count(keys);
    if (!refused) return ToGrpcStatus(refused.error());
    if (refused->count() > 0) {
      throttled_signups_.Inc();
      return ToGrpcStatus(domain::TooManyAttempts("sign-ups from your address", *refused));
    }
    HashAndCreateAccount(started, request, response);
    return std::nullopt;
  });
  return started.reactor;
}

void UserServiceImpl::HashAndCreateAccount(const Started& started, const SignUpRequest* request,
                                           SignUpResponse* response) {
  OnHashing(started, [this, started, request, response]() -> Outcome {
    auto account = domain::PrepareAccount(ctx_.hasher, request->username(), request->email(), request->password());
    if (!account) return ToGrpcStatus(account.error());
    OnDatabase(started, std::nullopt, [account = std::move(*account), response](Call& c) -> Outcome {
      storage::PgAccountRepository accounts(c.db);
      auto user = accounts.CreateUser(account.username, account.email, account.password_hash,
                                      domain::Role::kCustomer);
      if (!user) return ToGrpcStatus(user.error());
      response->set_success(true);
      response->set_message("Welcome, " + user->username + "! Log in with " + user->email + ".");
      response->set_user_id(user->id);
      spdlog::info("signed up user {}", user->id);
      return grpc::Status::OK;
    });
    return std::nullopt;
  });
}

grpc::ServerUnaryReactor* UserServiceImpl::Login(grpc::CallbackServerContext* call, const LoginRequest* request,
                                                 LoginResponse* response) {
  // The account is looked up on a database worker, the password checked on a hashing thread.
  auto email = domain::LoginEmail(request->email(), request->password());
  if (!email) {
    const Started started = Begin(call, "Login");
    Finish(started, ToGrpcStatus(email.error()));
    return started.reactor;
  }
  // Failures are counted per e-mail and per address; past either limit, the login is
  // refused before the account is read or a password hashed.
  const std::vector<std::pair<std::string, domain::AttemptLimit>> keys{
      {domain::LoginEmailKey(*email), ctx_.limits.login_failures_per_email},
      {domain::LoginAddressKey(PeerAddress(call->peer())), ctx_.limits.login_failures_per_address}};
  return Run(call, "Login", false, {}, [this, request, response, keys, email = std::move(*email)](Call& c) -> Outcome {
    storage::PgAttemptCounter attempts(c.db);
    auto refused = attempts.RefusedFor(keys);
    if (!refused) return ToGrpcStatus(refused.error());
    if (refused->count() > 0) {
      throttled_logins_.Inc();
      return ToGrpcStatus(domain::TooManyAttempts("failed logins", *refused));
    }
    storage::PgAccountRepository accounts(c.db);
    auto user = accounts.FindUserByEmail(email);
    if (!user) return ToGrpcStatus(user.error());
    OnHashing(c.started, [this, started = c.started, keys, request, response,
                          user = std::move(*user)]() mutable -> Outcome {
      auto session = domain::CompleteLogin(ctx_.hasher, ctx_.tokens, std::move(user), request->password());
      if (!session && session.error().code == ErrorCode::kUnauthenticated) {
        OnDatabase(started, std::nullopt, [keys, failure = session.error()](Call& c) -> Outcome {
          if (auto counted = storage::PgAttemptCounter(c.db).Count(keys); !counted) return ToGrpcStatus(counted.error());
          return ToGrpcStatus(failure);
        });
        return std::nullopt;
      }
      if (!session) return ToGrpcStatus(session.error());
      response->set_token(session->token);
      response->set_message("Logged in as " + session->user.username + ".");
      response->set_user_id(session->user.id);
      response->set_role(domain::RoleName(session->user.role));
      response->set_expires_at(ctx_.shop_time.Format(session->expires_at));
      if (!ctx_.limits.login_failures_per_email.enabled()) return grpc::Status::OK;
      // A login that succeeds clears its e-mail's failures (not its address's: one good
      // account must not reset the count for guessing at others).
      OnDatabase(started, std::nullopt, [email_key = keys.front().first](Call& c) -> Outcome {
        (void)storage::PgAttemptCounter(c.db).Forget(email_key);  // logged inside when it fails
        return grpc::Status::OK;
      });
      return std::nullopt;
    });
    return std::nullopt;
  });
}

grpc::ServerUnaryReactor* UserServiceImpl::GetUserProfile(grpc::CallbackServerContext* call,
                                                          const GetUserProfileRequest* request,
                                                          UserProfile* response) {
  return Run(call, "GetUserProfile", true, request->token(), [this, response](Call& c) {
    Bookings bookings(c.db, ctx_, throttled_bookings_);
    auto& accounts = bookings.accounts;
    auto user = accounts.FindUserById(c.caller->user_id);
    if (!user) return ToGrpcStatus(user.error());
    if (!user->has_value()) return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "the account no longer exists");
    auto list = bookings.rules.List(*c.caller, c.caller->user_id);
    if (!list) return ToGrpcStatus(list.error());
    response->set_username((*user)->username);
    response->set_email((*user)->email);
    response->set_user_id((*user)->id);
    response->set_role(domain::RoleName((*user)->role));
    if ((*user)->role == domain::Role::kBarber) {
      auto barber = accounts.FindBarberById((*user)->id);
      if (barber && barber->has_value()) response->set_barber_name((*barber)->name);
    }
    for (const auto& a : list->appointments) ToProto(a, ctx_.shop_time, response->add_appointments());
    return grpc::Status::OK;
  });
}

grpc::Status UserServiceImpl::AppointmentCall(
    Call& c, const char* verb, const std::function<common::Result<domain::Appointment>(domain::BookingService&)>& op,
    AppointmentResponse* response) {
  Bookings bookings(c.db, ctx_, throttled_bookings_);
  auto result = op(bookings.rules);
  if (!result) return ToGrpcStatus(result.error());
  response->set_success(true);
  response->set_appointment_id(result->id);
  ToProto(*result, ctx_.shop_time, response->mutable_appointment());
  response->set_message(std::string("Appointment ") + verb + ": " + result->barber_name + ", " +
                        ctx_.shop_time.Format(result->starts_at) + " (" + domain::StatusName(result->status) + ").");
  return grpc::Status::OK;
}

grpc::ServerUnaryReactor* UserServiceImpl::CreateAppointment(grpc::CallbackServerContext* call,
                                                             const CreateAppointmentRequest* request,
                                                             AppointmentResponse* response) {
  std::string key(Metadata(call, "idempotency-key"));
  return Run(call, "CreateAppointment", true, {}, [this, request, response, key = std::move(key)](Call& c) {
    const auto book = [&] {
      return AppointmentCall(
          c, "booked",
          [&](domain::BookingService& s) {
            return s.Create(*c.caller, request->user_id(), request->date_time(), request->barber_name(), key,
                            request->service());
          },
          response);
    };
    auto status = book();
    // The connection broke after the booking was sent: it may have been made.  Under its
    // idempotency key, asking again answers with that booking if it was, and books it if not.
    if (!status.ok() && !key.empty() && c.db.ChangeInDoubt()) {
      c.db.BeginWork();
      status = book();
    }
    return status;
  });
}

grpc::ServerUnaryReactor* UserServiceImpl::ModifyAppointment(grpc::CallbackServerContext* call,
                                                             const ModifyAppointmentRequest* request,
                                                             AppointmentResponse* response) {
  return Run(call, "ModifyAppointment", true, {}, [this, request, response](Call& c) {
    return AppointmentCall(
        c, "moved",
        [&](domain::BookingService& s) {
          return s.Modify(*c.caller, request->appointment_id(), request->date_time());
        },
        response);
  });
}

grpc::ServerUnaryReactor* UserServiceImpl::CancelAppointment(grpc::CallbackServerContext* call,
                                                             const CancelAppointmentRequest* request,
                                                             AppointmentResponse* response) {
  return Run(call, "CancelAppointment", true, {}, [this, request, response](Call& c) {
    return AppointmentCall(
        c, "canceled", [&](domain::BookingService& s) { return s.Cancel(*c.caller, request->appointment_id()); },
        response);
  });
}

grpc::ServerUnaryReactor* UserServiceImpl::ConfirmAppointment(grpc::CallbackServerContext* call,
                                                              const ConfirmAppointmentRequest* request,
                                                              AppointmentResponse* response) {
  return Run(call, "ConfirmAppointment", true, {}, [this, request, response](Call& c) {
    return AppointmentCall(
        c, "confirmed", [&](domain::BookingService& s) { return s.Confirm(*c.caller, request->appointment_id()); },
        response);
  });
}

grpc::ServerUnaryReactor* UserServiceImpl::CompleteAppointment(grpc::CallbackServerContext* call,
                                                               const CompleteAppointmentRequest* request,
                                                               AppointmentResponse* response) {
  return CloseCall(call, "CompleteAppointment", request->appointment_id(), domain::AppointmentStatus::kCompleted,
                   response);
}

grpc::ServerUnaryReactor* UserServiceImpl::MarkNoShow(grpc::CallbackServerContext* call,
                                                      const MarkNoShowRequest* request, AppointmentResponse* response) {
  return CloseCall(call, "MarkNoShow", request->appointment_id(), domain::AppointmentStatus::kNoShow, response);
}

grpc::ServerUnaryReactor* UserServiceImpl::CloseCall(grpc::CallbackServerContext* call, const char* method,
                                                     const std::string& appointment_id,
                                                     domain::AppointmentStatus outcome, AppointmentResponse* response) {
  return Run(call, method, true, {}, [this, &appointment_id, outcome, response](Call& c) {
    return AppointmentCall(
        c, outcome == domain::AppointmentStatus::kCompleted ? "completed" : "marked a no-show",
        [&](domain::BookingService& s) { return s.Close(*c.caller, appointment_id, outcome); }, response);
  });
}

grpc::ServerUnaryReactor* UserServiceImpl::GetAvailableSlots(grpc::CallbackServerContext* call,
                                                             const GetAvailableSlotsRequest* request,
                                                             GetAvailableSlotsResponse* response) {
  return Run(call, "GetAvailableSlots", true, {}, [this, request, response](Call& c) {
    auto slots =
        Bookings(c.db, ctx_, throttled_bookings_).rules.Slots(*c.caller, request->barber_name(), request->date(), request->service());
    if (!slots) return ToGrpcStatus(slots.error());
    for (const auto start : *slots) response->add_slots(ctx_.shop_time.Format(start));
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* UserServiceImpl::GetAppointment(grpc::CallbackServerContext* call,
                                                          const GetAppointmentRequest* request,
                                                          AppointmentResponse* response) {
  return Run(call, "GetAppointment", true, {}, [this, request, response](Call& c) {
    return AppointmentCall(
        c, "found", [&](domain::BookingService& s) { return s.Get(*c.caller, request->appointment_id()); }, response);
  });
}

grpc::ServerUnaryReactor* UserServiceImpl::GetAppointments(grpc::CallbackServerContext* call,
                                                           const GetAppointmentsRequest* request,
                                                           AppointmentsResponse* response) {
  // A caller's own list may come from the cache, on the gRPC thread.  On a miss the
  // ticket taken here lets the database's answer be kept, unless the list changed meanwhile.
  struct Lookup {
    domain::ListKey key;
    std::optional<domain::ListCache::Ticket> ticket;
  };
  auto lookup = std::make_shared<Lookup>();
  const auto answer = [this, response](const domain::AppointmentList& list) {
    for (const auto& a : list.appointments) ToProto(a, ctx_.shop_time, response->add_appointments());
    response->set_more(list.more);
    return grpc::Status::OK;
  };
  const auto cached = [this, request, lookup, answer](const domain::Caller& caller) -> Outcome {
    if (!ctx_.lists.enabled()) return std::nullopt;
    auto key = domain::OwnListKey(caller, request->user_id(), request->from(), request->to(), ctx_.shop_time,
                                  ctx_.clock.Now());
    if (!key) return std::nullopt;
    if (const auto kept = ctx_.lists.Find(*key, lookup->ticket)) {
      lists_kept_.Inc();
      return answer(*kept);
    }
    lists_read_.Inc();
    lookup->key = std::move(*key);
    return std::nullopt;
  };
  return Run(
      call, "GetAppointments", true, {},
      [this, request, lookup, answer](Call& c) {
        Bookings bookings(c.db, ctx_, throttled_bookings_);
        auto list = lookup->ticket ? bookings.rules.ListOwn(lookup->key)
                                   : bookings.rules.List(*c.caller, request->user_id(), request->from(), request->to());
        if (!list) return ToGrpcStatus(list.error());
        if (lookup->ticket) ctx_.lists.Store(lookup->key, *lookup->ticket, *list);
        return answer(*list);
      },
      cached);
}

grpc::ServerUnaryReactor* UserServiceImpl::ListBarbers(grpc::CallbackServerContext* call,
                                                       const ListBarbersRequest* request,
                                                       ListBarbersResponse* response) {
  return Run(call, "ListBarbers", true, {}, [response](Call& c) {
    storage::PgAccountRepository accounts(c.db);
    auto barbers = accounts.ListBarbers();
    if (!barbers) return ToGrpcStatus(barbers.error());
    for (const auto& b : *barbers) ToProto(b, response->add_barbers());
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* UserServiceImpl::SaveBarber(grpc::CallbackServerContext* call,
                                                      const SaveBarberRequest* request, SaveBarberResponse* response) {
  return Run(call, "SaveBarber", true, {}, [this, request, response](Call& c) {
    auto hours = FromProto(request->hours());
    if (!hours) return ToGrpcStatus(hours.error());
    storage::PgAccountRepository accounts(c.db);
    auto saved = domain::SaveChair(accounts, *c.caller, request->user_id(), request->name(), *hours,
                                   request->auto_confirm());
    if (!saved) return ToGrpcStatus(saved.error());
    // A new name reaches the barber's appointments, and so their clients' lists.
    ctx_.lists.ForgetAll();
    response->set_success(true);
    response->set_message("Barber saved: " + saved->name + ".");
    ToProto(*saved, response->mutable_barber());
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* UserServiceImpl::SaveService(grpc::CallbackServerContext* call,
                                                       const SaveServiceRequest* request, ServiceResponse* response) {
  return Run(call, "SaveService", true, {}, [request, response](Call& c) {
    storage::PgAccountRepository accounts(c.db);
    const auto& in = request->service();
    domain::BarberService service{in.name(), std::chrono::minutes{in.duration_minutes()}, in.price_cents()};
    return ServiceAnswer(domain::PriceList(accounts).Save(*c.caller, request->barber_name(), std::move(service)),
                         "saved", response);
  });
}

grpc::ServerUnaryReactor* UserServiceImpl::RemoveService(grpc::CallbackServerContext* call,
                                                         const RemoveServiceRequest* request,
                                                         ServiceResponse* response) {
  return Run(call, "RemoveService", true, {}, [request, response](Call& c) {
    storage::PgAccountRepository accounts(c.db);
    return ServiceAnswer(domain::PriceList(accounts).Remove(*c.caller, request->barber_name(), request->name()),
                         "removed", response);
  });
}

grpc::ServerUnaryReactor* UserServiceImpl::AddTimeOff(grpc::CallbackServerContext* call,
                                                      const AddTimeOffRequest* request, TimeOffResponse* response) {
  return Run(call, "AddTimeOff", true, {}, [this, request, response](Call& c) {
    storage::PgAccountRepository accounts(c.db);
    domain::TimeOffBook book(accounts, ctx_.shop_time, ctx_.clock);
    return TimeOffAnswer(
        book.Add(*c.caller, request->barber_name(), request->from(), request->to(), request->reason()), "added",
        ctx_.shop_time, response);
  });
}

grpc::ServerUnaryReactor* UserServiceImpl::RemoveTimeOff(grpc::CallbackServerContext* call,
                                                         const RemoveTimeOffRequest* request,
                                                         TimeOffResponse* response) {
  return Run(call, "RemoveTimeOff", true, {}, [this, request, response](Call& c) {
    storage::PgAccountRepository accounts(c.db);
    domain::TimeOffBook book(accounts, ctx_.shop_time, ctx_.clock);
    return TimeOffAnswer(book.Remove(*c.caller, request->time_off_id()), "removed", ctx_.shop_time, response);
  });
}

grpc::ServerUnaryReactor* UserServiceImpl::ListTimeOff(grpc::CallbackServerContext* call,
                                                       const ListTimeOffRequest* request,
                                                       ListTimeOffResponse* response) {
  return Run(call, "ListTimeOff", true, {}, [this, request, response](Call& c) {
    storage::PgAccountRepository accounts(c.db);
    auto list = domain::TimeOffBook(accounts, ctx_.shop_time, ctx_.clock)
                    .List(*c.caller, request->barber_name(), request->from(), request->to());
    if (!list) return ToGrpcStatus(list.error());
    for (const auto& off : *list) ToProto(off, ctx_.shop_time, response->add_time_off());
    return grpc::Status::OK;
  });
}

}  // namespace barbershop::core::api
