#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <utility>

#include "barbershop/common/clock.hpp"
#include "barbershop/common/metrics.hpp"
#include "barbershop/common/passwords.hpp"
#include "barbershop/common/shop_time.hpp"
#include "barbershop/common/tokens.hpp"
#include "domain/bookings.hpp"
#include "storage/database.hpp"
#include "user_service.grpc.pb.h"

namespace barbershop::core::api {

/// What the handlers share; owned by the application, outlives the service.
struct ServiceContext {
  storage::DbExecutor& executor;
  const common::PasswordHasher& hasher;
  const common::TokenService& tokens;
  const common::ShopTime& shop_time;
  const common::Clock& clock;
  const domain::BookingPolicy& policy;
  common::MetricsRegistry& metrics;
};

/// The seed's UserService (plus ConfirmAppointment, GetAppointment and ListBarbers) on
/// the callback API.  Each call is checked, then its blocking work runs on the database
/// executor; no gRPC thread waits on PostgreSQL.
class UserServiceImpl final : public UserService::CallbackService {
 public:
  explicit UserServiceImpl(ServiceContext context) : ctx_(context) {}

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

 private:
  /// Everything a handler body needs for one call.
  struct Call {
    storage::Database& db;
    const domain::Caller* caller;  ///< null for SignUp and Login
  };
  using Body = std::function<grpc::Status(Call&)>;

  grpc::ServerUnaryReactor* Run(grpc::CallbackServerContext* call, const char* method, bool needs_token,
                                std::string request_token, Body body);
  grpc::Status AppointmentCall(Call& call, const char* verb,
                               const std::function<common::Result<domain::Appointment>(domain::BookingService&)>& op,
                               AppointmentResponse* response);
  void Record(const char* method, const grpc::Status& status, std::chrono::steady_clock::time_point start);

  /// A method's call counter and latency histogram for one status code.
  struct MethodMetrics {
    common::Counter* calls;
    common::Histogram* latency;
  };

  ServiceContext ctx_;
  std::mutex metrics_mutex_;
  std::map<std::pair<const char*, int>, MethodMetrics> method_metrics_;  ///< by method name literal and code
};

}  // namespace barbershop::core::api
