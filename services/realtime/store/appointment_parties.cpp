#include "store/appointment_parties.hpp"

#include <grpc/support/time.h>
#include <grpcpp/grpcpp.h>

#include "user_service.grpc.pb.h"

namespace barbershop::realtime::store {

using common::ErrorCode;
using common::MakeError;

struct GrpcAppointmentParties::Impl {
  std::unique_ptr<UserService::Stub> stub;
};

GrpcAppointmentParties::GrpcAppointmentParties(const std::string& core_address, std::chrono::seconds cache_for,
                                               const common::ShopTime& shop_time)
    : impl_(std::make_unique<Impl>()), cache_for_(cache_for), shop_time_(shop_time) {
  impl_->stub = UserService::NewStub(grpc::CreateChannel(core_address, grpc::InsecureChannelCredentials()));
}

GrpcAppointmentParties::~GrpcAppointmentParties() = default;

void GrpcAppointmentParties::Remember(const std::string& appointment_id, const hub::Parties& parties) {
  std::lock_guard lock(mutex_);
  if (cache_.size() > 100000) cache_.clear();
  cache_[appointment_id] = {parties, std::chrono::steady_clock::now() + cache_for_};
}

common::Result<hub::Parties> GrpcAppointmentParties::Lookup(const std::string& token,
                                                            const std::string& appointment_id) {
  {
    std::lock_guard lock(mutex_);
    const auto it = cache_.find(appointment_id);
    if (it != cache_.end() && it->second.second > std::chrono::steady_clock::now()) return it->second.first;
  }
  grpc::ClientContext context;
  // Relative to the monotonic clock: a step of the wall clock neither cuts the call short
  // nor lets it hang.
  context.set_deadline(gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC), gpr_time_from_seconds(3, GPR_TIMESPAN)));
  context.AddMetadata("authorization", "Bearer " + token);
  GetAppointmentRequest request;
  request.set_appointment_id(appointment_id);
  AppointmentResponse response;
  const auto status = impl_->stub->GetAppointment(&context, request, &response);
  switch (status.error_code()) {
    case grpc::StatusCode::OK:
      break;
    case grpc::StatusCode::PERMISSION_DENIED:
      return MakeError(ErrorCode::kPermissionDenied, "only the appointment's barber and client may open its chat");
    case grpc::StatusCode::NOT_FOUND:
    case grpc::StatusCode::INVALID_ARGUMENT:
      return MakeError(ErrorCode::kNotFound, "no such appointment");
    case grpc::StatusCode::UNAUTHENTICATED:
      return MakeError(ErrorCode::kUnauthenticated, "the token was refused");
    default:
      return MakeError(ErrorCode::kUnavailable, "the core service cannot be reached");
  }
  hub::Parties parties{response.appointment().barber_id(), response.appointment().client_id(),
                       shop_time_.Parse(response.appointment().end_time()).value_or(common::TimePoint{})};
  Remember(appointment_id, parties);
  return parties;
}

}  // namespace barbershop::realtime::store
