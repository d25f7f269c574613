#include "barbershop/common/failpoints.hpp"
#include "domain/cached_repositories.hpp"
#include "domain/schedule.hpp"
#include "proto_mapping.hpp"
#include "status_mapping.hpp"
#include "user_service.hpp"

// Booking, moving, confirming, cancelling and closing appointments; reading them and a
// barber's free slots.

namespace barbershop::core::api {

grpc::Status UserServiceImpl::AppointmentCall(
    Call& c, const char* verb, const std::function<common::Result<domain::Appointment>(domain::BookingService&)>& op,
    AppointmentResponse* response) {
  domain::BookingService bookings(c.work, ctx_.shop_time, ctx_.clock, ctx_.policy);
  auto result = op(bookings);
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
  return calls_.Run(
      call, "CreateAppointment", Access::kToken, {}, [this, request, response, key = std::move(key)](Call& c) {
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
        if (!status.ok() && !key.empty() && c.work.ChangeInDoubt()) {
          c.work.Restart();
          status = book();
        }
        if (status.ok() && BARBERSHOP_FAILPOINT("booking.after_commit", response->appointment_id())) {
          common::DieAtFailpoint("booking.after_commit", "booked " + response->appointment_id() + ", before answering");
        }
        return status;
      });
}

grpc::ServerUnaryReactor* UserServiceImpl::ModifyAppointment(grpc::CallbackServerContext* call,
                                                             const ModifyAppointmentRequest* request,
                                                             AppointmentResponse* response) {
  return calls_.Run(call, "ModifyAppointment", Access::kToken, {}, [this, request, response](Call& c) {
    return AppointmentCall(
        c, "moved",
        [&](domain::BookingService& s) -> common::Result<domain::Appointment> {
          // The time it leaves is offered to the waitlist once it has moved.
          domain::Appointment before;
          auto moved = s.Modify(*c.caller, request->appointment_id(), request->date_time(), &before);
          if (moved) OfferFreed(c.work, moved->barber_id, domain::FreedBy(before));
          return moved;
        },
        response);
  });
}

grpc::ServerUnaryReactor* UserServiceImpl::CancelAppointment(grpc::CallbackServerContext* call,
                                                             const CancelAppointmentRequest* request,
                                                             AppointmentResponse* response) {
  return calls_.Run(call, "CancelAppointment", Access::kToken, {}, [this, request, response](Call& c) {
    return AppointmentCall(
        c, "canceled",
        [&](domain::BookingService& s) {
          auto canceled = s.Cancel(*c.caller, request->appointment_id());
          if (canceled) OfferFreed(c.work, canceled->barber_id, domain::FreedBy(*canceled));
          return canceled;
        },
        response);
  });
}

grpc::ServerUnaryReactor* UserServiceImpl::ConfirmAppointment(grpc::CallbackServerContext* call,
                                                              const ConfirmAppointmentRequest* request,
                                                              AppointmentResponse* response) {
  return calls_.Run(call, "ConfirmAppointment", Access::kToken, {}, [this, request, response](Call& c) {
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
  return calls_.Run(call, method, Access::kToken, {}, [this, &appointment_id, outcome, response](Call& c) {
    return AppointmentCall(
        c, outcome == domain::AppointmentStatus::kCompleted ? "completed" : "marked a no-show",
        [&](domain::BookingService& s) { return s.Close(*c.caller, appointment_id, outcome); }, response);
  });
}

grpc::ServerUnaryReactor* UserServiceImpl::GetAvailableSlots(grpc::CallbackServerContext* call,
                                                             const GetAvailableSlotsRequest* request,
                                                             GetAvailableSlotsResponse* response) {
  const auto answer = [this, response](const std::vector<domain::TimePoint>& slots) {
    for (const auto start : slots) response->add_slots(ctx_.shop_time.Format(start));
    return grpc::Status::OK;
  };
  // "cache-control: no-cache": the caller was told the day changed (the real-time
  // service, by an event), and this copy's memory may not have heard of it yet.
  const bool from_store = Metadata(call, "cache-control") == "no-cache";
  // The barber's day as the list cache keeps it is answered at once, on the gRPC thread,
  // to someone not signed in or whose session this copy knows to be open.
  const auto kept = [this, request, answer, from_store](const domain::Caller* caller) -> Outcome {
    if (from_store || !ctx_.lists.enabled() || (caller != nullptr && !ctx_.lists.SessionOpen(*caller)) ||
        !domain::CheckOneBarber(request->barber_name(), request->barber_id())) {
      return std::nullopt;
    }
    domain::KeptDays days(ctx_.lists);
    auto slots = domain::FreeSlotsFrom(days, request->barber_name(), request->barber_id(), request->date(),
                                       request->service(), ctx_.policy, ctx_.shop_time, ctx_.clock.Now());
    if (!slots) return domain::KeptDays::NotKept(slots.error()) ? Outcome() : ToGrpcStatus(slots.error());
    return answer(*slots);
  };
  return calls_.Run(
      call, "GetAvailableSlots", Access::kTokenIfGiven, {},
      [this, request, answer, from_store](Call& c) {
        // The barber by name or by id: one of the two.
        if (!request->barber_name().empty() && !request->barber_id().empty()) {
          return ToGrpcStatus(domain::CheckOneBarber(request->barber_name(), request->barber_id()).error());
        }
        if (from_store) c.work.ReadFromStore();
        domain::BookingService bookings(c.work, ctx_.shop_time, ctx_.clock, ctx_.policy);
        auto slots = request->barber_id().empty()
                         ? bookings.Slots(request->barber_name(), request->date(), request->service())
                         : bookings.SlotsById(request->barber_id(), request->date(), request->service());
        if (!slots) return ToGrpcStatus(slots.error());
        return answer(*slots);
      },
      kept);
}

grpc::ServerUnaryReactor* UserServiceImpl::GetAppointment(grpc::CallbackServerContext* call,
                                                          const GetAppointmentRequest* request,
                                                          AppointmentResponse* response) {
  return calls_.Run(call, "GetAppointment", Access::kToken, {}, [this, request, response](Call& c) {
    return AppointmentCall(
        c, "found", [&](domain::BookingService& s) { return s.Get(*c.caller, request->appointment_id()); }, response);
  });
}

grpc::ServerUnaryReactor* UserServiceImpl::GetAppointmentHistory(grpc::CallbackServerContext* call,
                                                                 const GetAppointmentHistoryRequest* request,
                                                                 AppointmentHistoryResponse* response) {
  return calls_.Run(call, "GetAppointmentHistory", Access::kToken, {}, [this, request, response](Call& c) {
    domain::BookingService bookings(c.work, ctx_.shop_time, ctx_.clock, ctx_.policy);
    auto changes = bookings.History(*c.caller, request->appointment_id());
    if (!changes) return ToGrpcStatus(changes.error());
    for (const auto& change : *changes) ToProto(change, ctx_.shop_time, response->add_changes());
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* UserServiceImpl::GetAppointments(grpc::CallbackServerContext* call,
                                                           const GetAppointmentsRequest* request,
                                                           AppointmentsResponse* response) {
  const auto answer = [this, response](const domain::AppointmentList& list) {
    for (const auto& a : list.appointments) ToProto(a, ctx_.shop_time, response->add_appointments());
    response->set_more(list.more);
    return grpc::Status::OK;
  };
  // A caller's own list the cache keeps is answered at once, on the gRPC thread.
  const auto kept = [this, request, answer](const domain::Caller* caller) -> Outcome {
    if (!ctx_.lists.enabled() || !ctx_.lists.SessionOpen(*caller)) return std::nullopt;
    const auto key = domain::OwnListKey(*caller, request->user_id(), request->from(), request->to(), ctx_.shop_time,
                                        ctx_.clock.Now());
    if (!key) return std::nullopt;
    if (const auto listed = domain::CachedAppointments::Kept(ctx_.lists, *key)) {
      lists_kept_.Inc();
      return answer(domain::UpToLimit(*listed));
    }
    lists_read_.Inc();
    return std::nullopt;
  };
  return calls_.Run(
      call, "GetAppointments", Access::kToken, {},
      [this, request, answer](Call& c) {
        domain::BookingService bookings(c.work, ctx_.shop_time, ctx_.clock, ctx_.policy);
        auto list = bookings.List(*c.caller, request->user_id(), request->from(), request->to());
        if (!list) return ToGrpcStatus(list.error());
        return answer(*list);
      },
      kept);
}

}  // namespace barbershop::core::api
