#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace barbershop::common {

/// `--token-public-keys` (env BARBERSHOP_TOKEN_PUBLIC_KEYS): the folder of the core's
/// public keys, one `<key id>.pem` each, that both services check tokens with
/// (TokenVerifier::FromDirectory).  Required.
inline CLI::Option* AddTokenPublicKeysOption(CLI::App& cli, std::string& folder) {
  return cli
      .add_option("--token-public-keys", folder,
                  "folder of the core's public keys that tokens are checked with, one <key id>.pem file each "
                  "(required)")
      ->envname("BARBERSHOP_TOKEN_PUBLIC_KEYS");
}

}  // namespace barbershop::common
