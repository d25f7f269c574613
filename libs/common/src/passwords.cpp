#include "barbershop/common/passwords.hpp"

#include <sodium.h>

#include <stdexcept>

namespace barbershop::common {

PasswordHasher::PasswordHasher(Cost cost) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
  if (cost == Cost::kModerate) {
    ops_limit_ = crypto_pwhash_OPSLIMIT_MODERATE;
    mem_limit_ = crypto_pwhash_MEMLIMIT_MODERATE;
  } else {
    ops_limit_ = crypto_pwhash_OPSLIMIT_INTERACTIVE;
    mem_limit_ = crypto_pwhash_MEMLIMIT_INTERACTIVE;
  }
}

Result<std::string> PasswordHasher::Hash(const std::string& password) const {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), ops_limit_, mem_limit_,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return MakeError(ErrorCode::kUnavailable, "the server is too busy to create an account; try again");
  }
  return std::string(out);
}

bool PasswordHasher::Verify(const std::string& password, const std::string& encoded) const {
  if (encoded.empty() || encoded.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(encoded.c_str(), password.data(), password.size()) == 0;
}

}  // namespace barbershop::common
