#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "barbershop/common/result.hpp"

namespace barbershop::common {

/// A server a service connects to (database, Redis, RabbitMQ, another service), the
/// value it was given and where that came from, for the one start-up log line.
struct UrlSetting {
  std::string what;  ///< "database URL", "RabbitMQ URL", "core service address"
  std::string value;
  std::string source;  ///< "flag --amqp-url" or "environment BARBERSHOP_AMQP_URL"
};

/// `url` with its password replaced by "***": the one in the user part
/// (`scheme://user:password@host`) and any `password=` parameter or keyword.
std::string MaskPassword(std::string_view url);

/// The URL options of a service.  None has a built-in default: an operator names each
/// server with a flag or, without the flag, with its environment variable, so that no
/// process reaches a server that someone else's settings point at (another stack on the
/// same machine).  Not thread-safe; used while parsing the command line.
class UrlOptions {
 public:
  explicit UrlOptions(CLI::App& cli) : cli_(cli) {}

  /// Adds `flag` (e.g. "--amqp-url"), read from `env` when the flag is absent, into
  /// `target`, which must outlive Resolve().  `help` says what a value looks like;
  /// `unset_hint` is added to the message when neither is given.
  void Add(const std::string& flag, const std::string& env, const std::string& what, std::string& target,
           const std::string& help, const std::string& unset_hint = "");

  /// After parsing: takes the environment variable of each flag not given, and returns
  /// every setting with its source, or a message naming what to set for the first that
  /// has no value (flag and variable).
  Result<std::vector<UrlSetting>> Resolve() const;

 private:
  struct Entry {
    CLI::Option* option;
    std::string flag;
    std::string env;
    std::string what;
    std::string* target;
    std::string unset_hint;
  };
  CLI::App& cli_;
  std::vector<Entry> entries_;
};

/// Logs each setting once, at info, with its password masked and its source:
/// "RabbitMQ URL: amqp://guest:***@127.0.0.1:5672/ (from environment BARBERSHOP_AMQP_URL)".
void LogUrlSettings(const std::vector<UrlSetting>& settings);

}  // namespace barbershop::common
