// Times as clients and the bus send them: ISO 8601 instants read in the shop's zone
// (Europe/Chisinau, with its daylight saving changes) and HH:MM clock times.  What is
// read must be written back as text that reads as the same instant.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "barbershop/common/shop_time.hpp"
#include "check.hpp"

namespace {

using barbershop::fuzz::NoThrow;
using barbershop::fuzz::Require;
namespace common = barbershop::common;

void Read(std::string_view text, const common::ShopTime& shop_time) {
  if (const auto instant = shop_time.Parse(text)) {
    const auto formatted = shop_time.Format(*instant);
    const auto again = shop_time.Parse(formatted);
    Require(again.has_value(), "a formatted instant reads back");
    Require(*again == *instant, "a formatted instant reads back as the same instant");
    const auto local = shop_time.ToLocal(*instant);
    Require(local.minute_of_day >= 0 && local.minute_of_day < 24 * 60, "the local time is within its day");
    Require(local.iso_weekday >= 1 && local.iso_weekday <= 7, "the weekday is Monday to Sunday");
  } else {
    Require(instant.error().code == common::ErrorCode::kInvalidArgument, "an unreadable time is invalid_argument");
  }
  if (const auto minutes = common::ParseClockMinutes(text)) {
    Require(*minutes >= 0 && *minutes <= 24 * 60, "a clock time is within a day");
    Require(common::FormatClockMinutes(*minutes) == text, "a clock time is written as it was read");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto shop_time = *common::ShopTime::ForZone("Europe/Chisinau");
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  NoThrow("reading a time", [&] { Read(text, shop_time); });
  return 0;
}
