#include "barbershop/common/passwords.hpp"

#include <sodium.h>

#include <algorithm>
#include <stdexcept>
#include <thread>

namespace barbershop::common {

PasswordHasher::Turn::Turn(Slots& slots) : slots_(slots) {
  std::unique_lock lock(slots_.mutex);
  slots_.freed.wait(lock, [this] { return slots_.running < slots_.limit; });
  ++slots_.running;
  slots_.peak = std::max(slots_.peak, slots_.running);
}

PasswordHasher::Turn::~Turn() {
  {
    const std::lock_guard lock(slots_.mutex);
    --slots_.running;
  }
  slots_.freed.notify_one();
}

PasswordHasher::PasswordHasher(Cost cost, std::size_t max_concurrent) : slots_(std::make_shared<Slots>()) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
  slots_->limit = max_concurrent > 0 ? max_concurrent : std::max(1u, std::thread::hardware_concurrency());
  if (cost == Cost::kModerate) {
    ops_limit_ = crypto_pwhash_OPSLIMIT_MODERATE;
    mem_limit_ = crypto_pwhash_MEMLIMIT_MODERATE;
  } else {
    ops_limit_ = crypto_pwhash_OPSLIMIT_INTERACTIVE;
    mem_limit_ = crypto_pwhash_MEMLIMIT_INTERACTIVE;
  }
}

Result<std::string> PasswordHasher::Hash(const std::string& password) const {
  const Turn turn(*slots_);
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), ops_limit_, mem_limit_,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return MakeError(ErrorCode::kUnavailable, "the server is too busy to create an account; try again");
  }
  return std::string(out);
}

bool PasswordHasher::Verify(const std::string& password, const std::string& encoded) const {
  if (encoded.empty() || encoded.size() >= crypto_pwhash_STRBYTES) return false;
  const Turn turn(*slots_);
  return crypto_pwhash_str_verify(encoded.c_str(), password.data(), password.size()) == 0;
}

std::size_t PasswordHasher::running() const {
  const std::lock_guard lock(slots_->mutex);
  return slots_->running;
}

std::size_t PasswordHasher::peak_running() const {
  const std::lock_guard lock(slots_->mutex);
  return slots_->peak;
}

}  // namespace barbershop::common
