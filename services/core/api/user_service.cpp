#include "user_service.hpp"

namespace barbershop::core::api {

UserServiceImpl::UserServiceImpl(ServiceContext context)
    : ctx_(context),
      calls_(ctx_.work, ctx_.hashing, ctx_.tokens, ctx_.metrics),
      lists_kept_(
          ctx_.metrics.GetCounter("barbershop_list_cache_hits_total", "GetAppointments answered from the list cache.")),
      lists_read_(ctx_.metrics.GetCounter(
          "barbershop_list_cache_misses_total",
          "GetAppointments of a caller's own list not kept, so read through the database workers.")),
      throttled_logins_(ctx_.metrics.GetCounter("barbershop_throttled_total", "Calls refused by a limit against abuse.",
                                                {{"limit", "login_failures"}})),
      throttled_signups_(ctx_.metrics.GetCounter("barbershop_throttled_total",
                                                 "Calls refused by a limit against abuse.",
                                                 {{"limit", "signups_per_address"}})) {
  calls_.Open();
}

}  // namespace barbershop::core::api
