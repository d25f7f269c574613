#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <utility>

#include "barbershop/common/clock.hpp"
#include "barbershop/common/metrics.hpp"
#include "barbershop/common/passwords.hpp"
#include "barbershop/common/shop_time.hpp"
#include "barbershop/common/tokens.hpp"
#include "barbershop/common/worker_pool.hpp"
#include "domain/bookings.hpp"
#include "domain/list_cache.hpp"
#include "domain/throttle.hpp"
#include "storage/database.hpp"
#include "user_service.grpc.pb.h"

namespace barbershop::core::api {

/// What the handlers share; owned by the application, outlives the service.
struct ServiceContext {
  storage::DbExecutor& executor;
  common::WorkerPool& hashing;  ///< Argon2id, off the database workers
  const common::PasswordHasher& hasher;
  const common::TokenService& tokens;
  const common::ShopTime& shop_time;
  const common::Clock& clock;
  const domain::BookingPolicy& policy;
  common::MetricsRegistry& metrics;
  domain::ListCache& lists;  ///< callers' own appointment lists, answered without the database
  const domain::AbuseLimits& limits;
};

/// The seed's UserService (plus ConfirmAppointment, GetAppointment, ListBarbers,
/// CompleteAppointment, MarkNoShow, GetAvailableSlots, SaveService, RemoveService,
/// AddTimeOff, RemoveTimeOff, ListTimeOff and SaveBarber) on
/// the callback API.  Each call is checked, then its blocking work runs in steps: SQL on
/// the database executor, Argon2id on the hashing threads.  No gRPC thread waits on
/// PostgreSQL, and no database connection waits on a password hash.
class UserServiceImpl final : public UserService::CallbackService {
 public:
  explicit UserServiceImpl(ServiceContext context);

  grpc::ServerUnaryReactor* SignUp(grpc::CallbackServerContext* call, const SignUpRequest* request,
                                   SignUpResponse* response) override;
  grpc::ServerUnaryReactor* Login(grpc::CallbackServerContext* call, const LoginRequest* request,
                                  LoginResponse* response) override;
  grpc::ServerUnaryReactor* GetUserProfile(grpc::CallbackServerContext* call, const GetUserProfileRequest* request,
                                           UserProfile* response) override;
  grpc::ServerUnaryReactor* CreateAppointment(grpc::CallbackServerContext* call,
                                              const CreateAppointmentRequest* request,
                                              AppointmentResponse* response) override;
  grpc::ServerUnaryReactor* ModifyAppointment(grpc::CallbackServerContext* call,
                                              const ModifyAppointmentRequest* request,
                                              AppointmentResponse* response) override;
  grpc::ServerUnaryReactor* CancelAppointment(grpc::CallbackServerContext* call,
                                              const CancelAppointmentRequest* request,
                                              AppointmentResponse* response) override;
  grpc::ServerUnaryReactor* GetAppointments(grpc::CallbackServerContext* call, const GetAppointmentsRequest* request,
                                            AppointmentsResponse* response) override;
  grpc::ServerUnaryReactor* ConfirmAppointment(grpc::CallbackServerContext* call,
                                               const ConfirmAppointmentRequest* request,
                                               AppointmentResponse* response) override;
  grpc::ServerUnaryReactor* GetAppointment(grpc::CallbackServerContext* call, const GetAppointmentRequest* request,
                                           AppointmentResponse* response) override;
  grpc::ServerUnaryReactor* ListBarbers(grpc::CallbackServerContext* call, const ListBarbersRequest* request,
                                        ListBarbersResponse* response) override;
  grpc::ServerUnaryReactor* CompleteAppointment(grpc::CallbackServerContext* call,
                                                const CompleteAppointmentRequest* request,
                                                AppointmentResponse* response) override;
  grpc::ServerUnaryReactor* MarkNoShow(grpc::CallbackServerContext* call, const MarkNoShowRequest* request,
                                       AppointmentResponse* response) override;
  grpc::ServerUnaryReactor* GetAvailableSlots(grpc::CallbackServerContext* call,
                                              const GetAvailableSlotsRequest* request,
                                              GetAvailableSlotsResponse* response) override;
  grpc::ServerUnaryReactor* SaveService(grpc::CallbackServerContext* call, const SaveServiceRequest* request,
                                        ServiceResponse* response) override;
  grpc::ServerUnaryReactor* RemoveService(grpc::CallbackServerContext* call, const RemoveServiceRequest* request,
                                          ServiceResponse* response) override;
  grpc::ServerUnaryReactor* AddTimeOff(grpc::CallbackServerContext* call, const AddTimeOffRequest* request,
                                       TimeOffResponse* response) override;
  grpc::ServerUnaryReactor* RemoveTimeOff(grpc::CallbackServerContext* call, const RemoveTimeOffRequest* request,
                                          TimeOffResponse* response) override;
  grpc::ServerUnaryReactor* ListTimeOff(grpc::CallbackServerContext* call, const ListTimeOffRequest* request,
                                        ListTimeOffResponse* response) override;
  grpc::ServerUnaryReactor* SaveBarber(grpc::CallbackServerContext* call, const SaveBarberRequest* request,
                                       SaveBarberResponse* response) override;

 private:
  /// A call as it arrived: its reactor, method name and start time.
  struct Started {
    grpc::ServerUnaryReactor* reactor;
    const char* method;
    std::chrono::steady_clock::time_point at;
  };
  /// Everything a handler body needs for one call.
  struct Call {
    const Started& started;
    storage::Database& db;
    const domain::Caller* caller;  ///< null for SignUp and Login
  };
  /// A step's result: the call's status, or nullopt when the step handed the call on to
  /// another step, which finishes it.
  using Outcome = std::optional<grpc::Status>;
  using Body = std::function<Outcome(Call&)>;
  using HashingBody = std::function<Outcome()>;
  /// Runs on the gRPC thread before the database: a status answers the call there.
  using Quick = std::function<Outcome(const domain::Caller&)>;

  /// Checks the token (unless `needs_token` is false), tries `quick` when given, then runs
  /// `body` on a database worker.
  grpc::ServerUnaryReactor* Run(grpc::CallbackServerContext* call, const char* method, bool needs_token,
                                std::string request_token, Body body, const Quick& quick = {});
  void OnDatabase(const Started& started, std::optional<domain::Caller> caller, Body body);
  void OnHashing(const Started& started, HashingBody body);
  /// Runs one step; finishes the call when the step gives a status (INTERNAL if it threw).
  void Step(const Started& started, const std::function<Outcome()>& step);
  /// Every call starts here and ends in Finish, exactly once.
  Started Begin(grpc::CallbackServerContext* call, const char* method);
  void Finish(const Started& started, const grpc::Status& status);
  static grpc::Status Busy();
  grpc::Status AppointmentCall(Call& call, const char* verb,
                               const std::function<common::Result<domain::Appointment>(domain::BookingService&)>& op,
                               AppointmentResponse* response);
  /// CompleteAppointment and MarkNoShow: the barber's verdict `outcome` on the appointment.
  grpc::ServerUnaryReactor* CloseCall(grpc::CallbackServerContext* call, const char* method,
                                      const std::string& appointment_id, domain::AppointmentStatus outcome,
                                      AppointmentResponse* response);
  void Record(const char* method, const grpc::Status& status, std::chrono::steady_clock::time_point start);
  /// SignUp's steps after its address was counted: hash the password, then insert.
  void HashAndCreateAccount(const Started& started, const SignUpRequest* request, SignUpResponse* response);

  /// A method's call counter and latency histogram for one status code.
  struct MethodMetrics {
    common::Counter* calls;
    common::Histogram* latency;
  };

  ServiceContext ctx_;
  common::Counter& lists_kept_;
  common::Counter& lists_read_;
  common::Counter& throttled_logins_;
  common::Counter& throttled_signups_;
  common::Counter& throttled_bookings_;  ///< refused by the live-booking cap
  common::Counter& handler_failures_;  ///< steps that threw (answered INTERNAL)
  std::atomic<int> in_flight_{0};
  std::mutex metrics_mutex_;
  std::map<std::pair<const char*, int>, MethodMetrics> method_metrics_;  ///< by method name literal and code
};

}  // namespace barbershop::core::api
