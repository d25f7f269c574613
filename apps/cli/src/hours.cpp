#include "hours.hpp"

#include <algorithm>
#include <sstream>
#include <string_view>
#include <vector>

namespace barbershop::cli {
namespace {

constexpr const char* kDays[] = {"?", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

}  // namespace

std::string FormatHours(const Barber& barber) {
  const auto day = [](int weekday) { return weekday >= 1 && weekday <= 7 ? kDays[weekday] : kDays[0]; };
  std::vector<WorkingHours> hours(barber.hours().begin(), barber.hours().end());
  std::stable_sort(hours.begin(), hours.end(),
                   [](const WorkingHours& a, const WorkingHours& b) { return a.weekday() < b.weekday(); });
  std::string text;
  for (std::size_t first = 0; first < hours.size();) {
    std::size_t last = first;
    while (last + 1 < hours.size() && hours[last + 1].weekday() == hours[last].weekday() + 1 &&
           hours[last + 1].opens() == hours[first].opens() && hours[last + 1].closes() == hours[first].closes()) {
      ++last;
    }
    if (!text.empty()) text += ", ";
    text += day(hours[first].weekday());
    if (last != first) text += std::string("-") + day(hours[last].weekday());
    text += " " + hours[first].opens() + "-" + hours[first].closes();
    first = last + 1;
  }
  return text.empty() ? "no working hours" : text;
}

std::optional<Failure> ParseHours(const std::string& text, SaveBarberRequest& request) {
  const auto weekday = [](std::string_view name) {
    for (int d = 1; d <= 7; ++d) {
      if (name == kDays[d]) return d;
    }
    return 0;
  };
  std::stringstream items(text);
  std::string item;
  while (std::getline(items, item, ',')) {
    std::stringstream words(item);
    std::string days, times, extra;
    words >> days >> times;
    const auto dash = days.find('-');
    const int first = weekday(days.substr(0, dash));
    const int last = dash == std::string::npos ? first : weekday(days.substr(dash + 1));
    const auto split = times.find('-');
    if (first == 0 || last < first || split == std::string::npos || (words >> extra)) {
      return Failure{kExitUsage, "--hours: expected e.g. \"Mon-Fri 09:00-18:00, Sat 10:00-14:00\", got '" + item + "'"};
    }
    for (int d = first; d <= last; ++d) {
      auto* hours = request.add_hours();
      hours->set_weekday(d);
      hours->set_opens(times.substr(0, split));
      hours->set_closes(times.substr(split + 1));
    }
  }
  return std::nullopt;
}

}  // namespace barbershop::cli
