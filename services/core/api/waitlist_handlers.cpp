#include <spdlog/spdlog.h>

#include "domain/waitlist.hpp"
#include "proto_mapping.hpp"
#include "status_mapping.hpp"
#include "user_service.hpp"

// The waitlist: joining, listing and leaving it, and claiming or passing a time held for
// the caller; and the offer of freed times to the line after a change.

namespace barbershop::core::api {

void UserServiceImpl::OfferFreed(domain::UnitOfWork& work, const std::string& barber_id,
                                 const domain::TimeRange& freed) const {
  domain::WaitlistService waitlist(work, ctx_.shop_time, ctx_.clock, ctx_.policy, ctx_.waitlist);
  if (auto offers = waitlist.OfferFreed(barber_id, freed); !offers) {
    spdlog::warn("cannot offer barber {}'s freed time to the waitlist: {}", barber_id, offers.error().message);
  }
}

grpc::ServerUnaryReactor* UserServiceImpl::JoinWaitlist(grpc::CallbackServerContext* call,
                                                        const JoinWaitlistRequest* request,
                                                        WaitlistEntryResponse* response) {
  return calls_.Run(call, "JoinWaitlist", Access::kToken, {}, [this, request, response](Call& c) {
    domain::WaitlistService waitlist(c.work, ctx_.shop_time, ctx_.clock, ctx_.policy, ctx_.waitlist);
    auto entry = waitlist.Join(*c.caller, request->user_id(), request->barber_name(), request->date(), request->from(),
                               request->to(), request->service());
    if (!entry) return ToGrpcStatus(entry.error());
    response->set_success(true);
    ToProto(*entry, ctx_.shop_time, response->mutable_entry());
    response->set_message(entry->hold ? "In line, and a time is held for you now: claim it or pass it."
                                      : "In line: you will be told when a time in your window frees up.");
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* UserServiceImpl::ListWaitlist(grpc::CallbackServerContext* call,
                                                        const ListWaitlistRequest* request,
                                                        ListWaitlistResponse* response) {
  return calls_.Run(call, "ListWaitlist", Access::kToken, {}, [this, request, response](Call& c) {
    domain::WaitlistService waitlist(c.work, ctx_.shop_time, ctx_.clock, ctx_.policy, ctx_.waitlist);
    auto entries = waitlist.List(*c.caller, request->user_id());
    if (!entries) return ToGrpcStatus(entries.error());
    for (const auto& entry : *entries) ToProto(entry, ctx_.shop_time, response->add_entries());
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* UserServiceImpl::LeaveWaitlist(grpc::CallbackServerContext* call,
                                                         const LeaveWaitlistRequest* request,
                                                         WaitlistEntryResponse* response) {
  return calls_.Run(call, "LeaveWaitlist", Access::kToken, {}, [this, request, response](Call& c) {
    domain::WaitlistService waitlist(c.work, ctx_.shop_time, ctx_.clock, ctx_.policy, ctx_.waitlist);
    auto entry = waitlist.Leave(*c.caller, request->entry_id());
    if (!entry) return ToGrpcStatus(entry.error());
    response->set_success(true);
    ToProto(*entry, ctx_.shop_time, response->mutable_entry());
    response->set_message("Out of line.");
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* UserServiceImpl::ClaimHold(grpc::CallbackServerContext* call, const ClaimHoldRequest* request,
                                                     AppointmentResponse* response) {
  return calls_.Run(call, "ClaimHold", Access::kToken, {}, [this, request, response](Call& c) {
    return AppointmentCall(
        c, "booked",
        [&](domain::BookingService&) {
          domain::WaitlistService waitlist(c.work, ctx_.shop_time, ctx_.clock, ctx_.policy, ctx_.waitlist);
          return waitlist.Claim(*c.caller, request->hold_id());
        },
        response);
  });
}

grpc::ServerUnaryReactor* UserServiceImpl::PassHold(grpc::CallbackServerContext* call, const PassHoldRequest* request,
                                                    WaitlistEntryResponse* response) {
  return calls_.Run(call, "PassHold", Access::kToken, {}, [this, request, response](Call& c) {
    domain::WaitlistService waitlist(c.work, ctx_.shop_time, ctx_.clock, ctx_.policy, ctx_.waitlist);
    auto entry = waitlist.Pass(*c.caller, request->hold_id());
    if (!entry) return ToGrpcStatus(entry.error());
    response->set_success(true);
    ToProto(*entry, ctx_.shop_time, response->mutable_entry());
    response->set_message("Passed: the time goes to the next in line, and you stay in line for another.");
    return grpc::Status::OK;
  });
}

}  // namespace barbershop::core::api
