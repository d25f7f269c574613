#include "domain/calendar.hpp"
#include "status_mapping.hpp"
#include "user_service.hpp"

// Calendar links: a new secret link for the caller, and the iCalendar feed a link names.

namespace barbershop::core::api {

grpc::ServerUnaryReactor* UserServiceImpl::ResetCalendarLink(grpc::CallbackServerContext* call,
                                                             const ResetCalendarLinkRequest* /*request*/,
                                                             CalendarLinkResponse* response) {
  return calls_.Run(call, "ResetCalendarLink", Access::kToken, {}, [this, response](Call& c) {
    domain::CalendarService calendars(c.work, ctx_.shop_time, ctx_.clock);
    auto link = calendars.Reset(*c.caller);
    if (!link) return ToGrpcStatus(link.error());
    response->set_token(std::move(link->token));
    response->set_path(std::move(link->path));
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* UserServiceImpl::GetCalendarFeed(grpc::CallbackServerContext* call,
                                                           const GetCalendarFeedRequest* request,
                                                           CalendarFeedResponse* response) {
  // The link's token is the credential: calendar applications send no other.
  return calls_.Run(call, "GetCalendarFeed", Access::kNoToken, {}, [this, request, response](Call& c) {
    domain::CalendarService calendars(c.work, ctx_.shop_time, ctx_.clock);
    auto feed = calendars.Feed(request->token());
    if (!feed) return ToGrpcStatus(feed.error());
    response->set_calendar(std::move(*feed));
    return grpc::Status::OK;
  });
}

}  // namespace barbershop::core::api
