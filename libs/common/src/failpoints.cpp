#include "barbershop/common/failpoints.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <csignal>
#include <mutex>
#include <string>
#include <vector>

namespace barbershop::common {
namespace {

struct Armed {
  std::string name;
  int nth = 1;
  std::string key;  ///< empty: every hit counts
  int hits = 0;
  std::string last_id;
};

std::mutex armed_mutex;
std::vector<Armed> armed;
std::atomic<bool> any_armed{false};

bool IsPointName(std::string_view name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_';
  });
}

Result<Armed> ParseEntry(std::string_view entry) {
  const auto bad = [&] {
    return MakeError(ErrorCode::kInvalidArgument,
                     "failpoint '" + std::string(entry.substr(0, 100)) + "' is not name, name=N or name=N:key");
  };
  Armed point;
  const auto equals = entry.find('=');
  point.name = std::string(entry.substr(0, equals));
  if (!IsPointName(point.name)) return bad();
  if (equals == std::string_view::npos) return point;
  auto rest = entry.substr(equals + 1);
  const auto colon = rest.find(':');
  const auto count = rest.substr(0, colon);
  const auto [end, error] = std::from_chars(count.data(), count.data() + count.size(), point.nth);
  if (error != std::errc() || end != count.data() + count.size() || point.nth < 1 || point.nth > 1'000'000) {
    return bad();
  }
  if (colon != std::string_view::npos) {
    point.key = std::string(rest.substr(colon + 1));
    if (point.key.empty()) return bad();
  }
  return point;
}

}  // namespace

Status ArmFailpoints(std::string_view spec) {
  std::vector<Armed> points;
  while (!spec.empty()) {
    const auto comma = spec.find(',');
    auto point = ParseEntry(spec.substr(0, comma));
    if (!point) return point.error();
    points.push_back(std::move(*point));
    spec = comma == std::string_view::npos ? std::string_view() : spec.substr(comma + 1);
  }
#if defined(NDEBUG)
  if (!points.empty()) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "this build has no failpoints (a release build compiles them out)");
  }
#endif
  const std::lock_guard lock(armed_mutex);
  for (const auto& point : points)
    spdlog::warn("failpoint armed: {}={}{}{}", point.name, point.nth, point.key.empty() ? "" : ":", point.key);
  any_armed.store(!points.empty(), std::memory_order_release);
  armed = std::move(points);
  return Ok{};
}

bool FailpointFires(std::string_view name, std::string_view id, std::initializer_list<std::string_view> keys) {
  if (!any_armed.load(std::memory_order_acquire)) return false;
  const std::lock_guard lock(armed_mutex);
  for (auto& point : armed) {
    if (point.name != name) continue;
    if (!point.key.empty() && std::find(keys.begin(), keys.end(), point.key) == keys.end()) continue;
    if (id.empty() || id != point.last_id) {
      ++point.hits;
      point.last_id = std::string(id);
    }
    if (point.hits == point.nth) return true;
  }
  return false;
}

void DieAtFailpoint(std::string_view name, std::string_view detail) {
  spdlog::warn("failpoint {} fired: dying {}", name, detail);
  spdlog::default_logger()->flush();
  std::raise(SIGKILL);
  std::abort();  // not reached: SIGKILL cannot be caught
}

}  // namespace barbershop::common
