#include "store/core_slots.hpp"

#include <grpc/support/time.h>
#include <grpcpp/grpcpp.h>

#include "user_service.grpc.pb.h"

namespace barbershop::realtime::store {

using common::ErrorCode;
using common::MakeError;

namespace {

constexpr int kDeadlineSeconds = 3;

/// One request, kept until its answer.
struct Call {
  grpc::ClientContext context;
  GetAvailableSlotsRequest request;
  GetAvailableSlotsResponse response;
  hub::SlotSource::Answer answer;
};

common::Result<std::vector<std::string>> ToResult(const grpc::Status& status,
                                                  const GetAvailableSlotsResponse& response) {
  switch (status.error_code()) {
    case grpc::StatusCode::OK:
      return std::vector<std::string>(response.slots().begin(), response.slots().end());
    case grpc::StatusCode::NOT_FOUND:
      return MakeError(ErrorCode::kNotFound, status.error_message());
    case grpc::StatusCode::INVALID_ARGUMENT:
      return MakeError(ErrorCode::kInvalidArgument, status.error_message());
    default:
      return MakeError(ErrorCode::kUnavailable, "the core service cannot be reached");
  }
}

}  // namespace

struct CoreSlotSource::Impl {
  std::unique_ptr<UserService::Stub> stub;
};

CoreSlotSource::CoreSlotSource(const std::string& core_address) : impl_(std::make_unique<Impl>()) {
  impl_->stub = UserService::NewStub(grpc::CreateChannel(core_address, grpc::InsecureChannelCredentials()));
}

CoreSlotSource::~CoreSlotSource() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return in_flight_ == 0; });
}

void CoreSlotSource::FreeSlots(const hub::AvailabilityKey& key, Answer answer) {
  auto call = std::make_shared<Call>();
  call->request.set_barber_id(key.barber_id);
  call->request.set_date(key.date);
  call->request.set_service(key.service);
  call->answer = std::move(answer);
  // Asked because the slots may have changed: the core reads them from PostgreSQL, not
  // from a copy's memory, which may not have heard of the change yet.
  call->context.AddMetadata("cache-control", "no-cache");
  // Relative to the monotonic clock: a step of the wall clock neither cuts the call short
  // nor lets it hang.
  call->context.set_deadline(
      gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC), gpr_time_from_seconds(kDeadlineSeconds, GPR_TIMESPAN)));
  {
    const std::lock_guard lock(mutex_);
    ++in_flight_;
  }
  impl_->stub->async()->GetAvailableSlots(&call->context, &call->request, &call->response,
                                          [this, call](const grpc::Status& status) {
                                            call->answer(ToResult(status, call->response));
                                            const std::lock_guard lock(mutex_);
                                            if (--in_flight_ == 0) idle_.notify_all();
                                          });
}

}  // namespace barbershop::realtime::store
