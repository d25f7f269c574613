#include "domain/cached_repositories.hpp"
#include "domain/chairs.hpp"
#include "domain/price_list.hpp"
#include "domain/schedule.hpp"
#include "domain/time_off.hpp"
#include "proto_mapping.hpp"
#include "status_mapping.hpp"
#include "user_service.hpp"

// Barbers' chairs, price lists and time off.

namespace barbershop::core::api {
namespace {

// `bytes` as one slice.
grpc::ByteBuffer Bytes(const std::string& bytes) {
  grpc::Slice slice(bytes.data(), bytes.size());
  return grpc::ByteBuffer(&slice, 1);
}

// Reads `message` from a raw request, as gRPC reads a generated method's (without
// joining its slices first); false when the bytes are not one.
template <typename Message>
bool ParseRaw(const grpc::ByteBuffer& bytes, Message& message) {
  grpc::ByteBuffer shared(bytes);  // the same slices; reading consumes the buffer
  return grpc::SerializationTraits<Message>::Deserialize(&shared, &message).ok();
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

grpc::ServerUnaryReactor* UserServiceImpl::ListBarbers(grpc::CallbackServerContext* call,
                                                       const ListBarbersRequest* request,
                                                       ListBarbersResponse* response) {
  return calls_.Run(call, "ListBarbers", Access::kTokenIfGiven, {}, [this, response](Call& c) {
    auto barbers = c.work.barbers().ListBarbers();
    if (!barbers) return ToGrpcStatus(barbers.error());
    for (const auto& b : *barbers) ToProto(b, ctx_.policy.rules, response->add_barbers());
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* UserServiceImpl::SaveBarber(grpc::CallbackServerContext* call,
                                                      const SaveBarberRequest* request, SaveBarberResponse* response) {
  return calls_.Run(call, "SaveBarber", Access::kToken, {}, [this, request, response](Call& c) {
    auto hours = FromProto(request->hours());
    if (!hours) return ToGrpcStatus(hours.error());
    auto saved = domain::SaveChair(c.work.accounts(), c.work.barbers(), *c.caller, request->user_id(), request->name(),
                                   *hours, request->auto_confirm(),
                                   request->has_rules() ? std::optional(FromProto(request->rules())) : std::nullopt,
                                   ctx_.shop_time, ctx_.clock.Now());
    if (!saved) return ToGrpcStatus(saved.error());
    response->set_success(true);
    response->set_message("Barber saved: " + saved->name + ".");
    ToProto(*saved, ctx_.policy.rules, response->mutable_barber());
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* UserServiceImpl::SaveService(grpc::CallbackServerContext* call,
                                                       const SaveServiceRequest* request, ServiceResponse* response) {
  return calls_.Run(call, "SaveService", Access::kToken, {}, [this, request, response](Call& c) {
    const auto& in = request->service();
    domain::BarberService service{in.name(), std::chrono::minutes{in.duration_minutes()}, in.price_cents()};
    domain::PriceList prices(c.work.barbers(), ctx_.shop_time, ctx_.clock);
    return ServiceAnswer(prices.Save(*c.caller, request->barber_name(), std::move(service)), "saved", response);
  });
}

grpc::ServerUnaryReactor* UserServiceImpl::RemoveService(grpc::CallbackServerContext* call,
                                                         const RemoveServiceRequest* request,
                                                         ServiceResponse* response) {
  return calls_.Run(call, "RemoveService", Access::kToken, {}, [this, request, response](Call& c) {
    domain::PriceList prices(c.work.barbers(), ctx_.shop_time, ctx_.clock);
    return ServiceAnswer(prices.Remove(*c.caller, request->barber_name(), request->name()), "removed", response);
  });
}

grpc::ServerUnaryReactor* UserServiceImpl::AddTimeOff(grpc::CallbackServerContext* call,
                                                      const AddTimeOffRequest* request, TimeOffResponse* response) {
  return calls_.Run(call, "AddTimeOff", Access::kToken, {}, [this, request, response](Call& c) {
    domain::TimeOffBook book(c.work.barbers(), c.work.time_off(), ctx_.shop_time, ctx_.clock);
    return TimeOffAnswer(book.Add(*c.caller, request->barber_name(), request->from(), request->to(), request->reason()),
                         "added", ctx_.shop_time, response);
  });
}

grpc::ServerUnaryReactor* UserServiceImpl::RemoveTimeOff(grpc::CallbackServerContext* call,
                                                         const RemoveTimeOffRequest* request,
                                                         TimeOffResponse* response) {
  return calls_.Run(call, "RemoveTimeOff", Access::kToken, {}, [this, request, response](Call& c) {
    domain::TimeOffBook book(c.work.barbers(), c.work.time_off(), ctx_.shop_time, ctx_.clock);
    const auto removed = book.Remove(*c.caller, request->time_off_id());
    // The time it gave back, and before it as far as a buffer reaches, to the waitlist.
    if (removed) {
      OfferFreed(c.work, removed->barber_id, {removed->during.from - domain::kLongestBuffer, removed->during.to});
    }
    return TimeOffAnswer(removed, "removed", ctx_.shop_time, response);
  });
}

grpc::ServerUnaryReactor* UserServiceImpl::ListTimeOff(grpc::CallbackServerContext* call,
                                                       const ListTimeOffRequest* request,
                                                       ListTimeOffResponse* response) {
  return calls_.Run(call, "ListTimeOff", Access::kToken, {}, [this, request, response](Call& c) {
    auto list = domain::TimeOffBook(c.work.barbers(), c.work.time_off(), ctx_.shop_time, ctx_.clock)
                    .List(*c.caller, request->barber_name(), request->from(), request->to());
    if (!list) return ToGrpcStatus(list.error());
    for (const auto& off : *list) ToProto(off, ctx_.shop_time, response->add_time_off());
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* UserServiceImpl::GetBarberSchedule(grpc::CallbackServerContext* call,
                                                             const grpc::ByteBuffer* request,
                                                             grpc::ByteBuffer* response) {
  auto parsed = std::make_shared<GetBarberScheduleRequest>();
  const bool readable = ParseRaw(*request, *parsed);
  // Answered at once from what the list cache keeps, to someone not signed in or whose
  // session this copy knows to be open.
  const auto kept = [this, parsed, readable, response](const domain::Caller* caller) -> Outcome {
    if (!readable) return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "the request is not a schedule request");
    if (!ctx_.lists.enabled() || (caller != nullptr && !ctx_.lists.SessionOpen(*caller))) return std::nullopt;
    domain::KeptDays days(ctx_.lists);
    return ScheduleAnswer(days, caller, *parsed, response, true);
  };
  return calls_.Run(
      call, "GetBarberSchedule", Access::kTokenIfGiven, {},
      [this, parsed, response](Call& c) {
        domain::RepositoryDays days(c.work);
        return ScheduleAnswer(days, c.caller, *parsed, response, false);
      },
      kept);
}

Outcome UserServiceImpl::ScheduleAnswer(domain::DaySource& days, const domain::Caller* caller,
                                        const GetBarberScheduleRequest& request, grpc::ByteBuffer* response,
                                        bool from_memory) {
  const auto failed = [from_memory](const common::Error& error) -> Outcome {
    if (from_memory && domain::KeptDays::NotKept(error)) return std::nullopt;
    return ToGrpcStatus(error);
  };
  if (auto one = domain::CheckOneBarber(request.barber_name(), request.barber_id()); !one) return failed(one.error());
  domain::ScheduleReader reader(days, ctx_.shop_time, ctx_.clock);
  const auto range = reader.Days(request.from(), request.to());
  if (!range) return failed(range.error());
  const auto barber = days.FindBarber(request.barber_name(), request.barber_id());
  if (!barber) return failed(barber.error());
  // The answer kept for this barber, days and view; or one built from what is read after
  // the ticket, and kept unless the barber changed meanwhile.
  const domain::ListKey key{barber->id, domain::SeesDetails(caller, barber->id), *range};
  std::optional<domain::ListCache::Ticket> ticket;
  if (const auto answer = ctx_.lists.FindSchedule(key, ticket)) {
    *response = Bytes(*answer);
    return grpc::Status::OK;
  }
  auto schedule = reader.Read(caller, request.barber_name(), request.barber_id(), *range);
  if (!schedule) return failed(schedule.error());
  const auto span = [this](const domain::TimeRange& r, TimeSpan* to) {
    to->set_from(ctx_.shop_time.Format(r.from));
    to->set_to(ctx_.shop_time.Format(r.to));
  };
  BarberScheduleResponse message;
  message.set_barber_id(schedule->barber.id);
  message.set_barber_name(schedule->barber.name);
  span(schedule->range, message.mutable_range());
  for (const auto& r : schedule->open) span(r, message.add_working());
  for (const auto& r : schedule->busy) span(r, message.add_busy());
  for (const auto& r : schedule->free) span(r, message.add_free());
  message.set_detailed(schedule->detailed);
  for (const auto& a : schedule->appointments) ToProto(a, ctx_.shop_time, message.add_appointments());
  for (const auto& t : schedule->time_off) ToProto(t, ctx_.shop_time, message.add_time_off());
  std::string answer = message.SerializeAsString();
  *response = Bytes(answer);
  if (ticket && schedule->barber.id == key.party) ctx_.lists.StoreSchedule(key, *ticket, std::move(answer));
  return grpc::Status::OK;
}

}  // namespace barbershop::core::api
