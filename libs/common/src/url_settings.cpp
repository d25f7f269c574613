#include "barbershop/common/url_settings.hpp"

#include <spdlog/spdlog.h>

#include <cstdlib>

namespace barbershop::common {

namespace {

constexpr std::string_view kMask = "***";

// Masks the value of every `password=` (a URL's query parameter or a libpq keyword),
// up to the next '&' or space.
std::string MaskPasswordParameters(std::string text) {
  constexpr std::string_view kKey = "password=";
  for (auto at = text.find(kKey); at != std::string::npos; at = text.find(kKey, at + 1)) {
    if (at > 0 && text[at - 1] != '?' && text[at - 1] != '&' && text[at - 1] != ' ') continue;
    const auto begin = at + kKey.size();
    const auto end = text.find_first_of("& ", begin);
    text.replace(begin, (end == std::string::npos ? text.size() : end) - begin, kMask);
  }
  return text;
}

}  // namespace

std::string MaskPassword(std::string_view url) {
  std::string text(url);
  const auto scheme = text.find("://");
  if (scheme != std::string::npos) {
    const auto authority = scheme + 3;
    const auto authority_end = text.find_first_of("/?#", authority);
    // The last '@' of the authority ends the user part: a password may contain '@'.
    const auto at = text.rfind('@', authority_end == std::string::npos ? std::string::npos : authority_end - 1);
    if (at != std::string::npos && at >= authority) {
      const auto colon = text.find(':', authority);
      if (colon != std::string::npos && colon < at) text.replace(colon + 1, at - colon - 1, kMask);
    }
  }
  return MaskPasswordParameters(std::move(text));
}

void UrlOptions::Add(const std::string& flag, const std::string& env, const std::string& what, std::string& target,
                     const std::string& help, const std::string& unset_hint) {
  // The variable is read in Resolve, not by CLI11, so that the log can say which it was.
  auto* option = cli_.add_option(flag, target, help + " (required; or set " + env + ")");
  entries_.push_back(Entry{option, flag, env, what, &target, unset_hint});
}

Result<std::vector<UrlSetting>> UrlOptions::Resolve() const {
  std::vector<UrlSetting> settings;
  for (const auto& entry : entries_) {
    std::string source = "flag " + entry.flag;
    if (entry.option->count() == 0) {
      const char* value = std::getenv(entry.env.c_str());
      *entry.target = value != nullptr ? value : "";
      source = "environment " + entry.env;
    }
    if (entry.target->empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "no " + entry.what + ": set " + entry.flag + " or " + entry.env + entry.unset_hint);
    }
    settings.push_back(UrlSetting{entry.what, *entry.target, std::move(source)});
  }
  return settings;
}

void LogUrlSettings(const std::vector<UrlSetting>& settings) {
  for (const auto& setting : settings) {
    spdlog::info("{}: {} (from {})", setting.what, MaskPassword(setting.value), setting.source);
  }
}

}  // namespace barbershop::common
