#include "barbershop/common/tokens.hpp"

#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sodium.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace barbershop::common {
namespace {

constexpr const char* kAlgorithm = "ES256";
constexpr const char* kP256GroupName = "prime256v1";
constexpr std::size_t kP256ScalarBytes = 32;  // r and s of a signature, each
constexpr std::size_t kMaxKeyFileBytes = std::size_t{16} * 1024;

struct JwtDeleter {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;

struct FreeDeleter {
  void operator()(char* p) const { std::free(p); }
};

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct PkeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
struct SignatureDeleter {
  void operator()(ECDSA_SIG* signature) const { ECDSA_SIG_free(signature); }
};
struct BignumDeleter {
  void operator()(BIGNUM* number) const { BN_free(number); }
};
struct DigestDeleter {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

Error Unauthenticated(const char* why) { return MakeError(ErrorCode::kUnauthenticated, why); }
Error NotValid() { return Unauthenticated("the token is not valid"); }

bool IsBase64UrlChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

bool IsBase64UrlSegment(std::string_view segment, std::size_t max_bytes) {
  if (segment.empty() || segment.size() > max_bytes) return false;
  for (const char c : segment) {
    if (!IsBase64UrlChar(c)) return false;
  }
  return true;
}

/// The bytes of an unpadded base64url segment; nullopt when it is not one.
std::optional<std::string> DecodeBase64Url(std::string_view segment) {
  std::string out(segment.size() * 3 / 4 + 1, '\0');
  std::size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), segment.data(), segment.size(),
                        nullptr, &length, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return std::nullopt;
  }
  out.resize(length);
  return out;
}

/// A segment that is base64url of a JSON object; nullopt otherwise.
std::optional<nlohmann::json> JsonObjectSegment(std::string_view segment) {
  const auto text = DecodeBase64Url(segment);
  if (!text) return std::nullopt;
  auto json = nlohmann::json::parse(*text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return std::nullopt;
  return json;
}

/// The string member `name` of `object`, or nullptr when it is missing or not a string.
const std::string* StringMember(const nlohmann::json& object, const char* name) {
  const auto it = object.find(name);
  return it == object.end() || !it->is_string() ? nullptr : &it->get_ref<const std::string&>();
}

/// The integer member `name` of `object` (seconds since the epoch), or nullopt when it is
/// missing, not an integer, or beyond a 64-bit count.
std::optional<std::int64_t> IntegerMember(const nlohmann::json& object, const char* name) {
  const auto it = object.find(name);
  if (it == object.end()) return std::nullopt;
  if (it->is_number_unsigned()) {
    const auto value = it->get<std::uint64_t>();
    if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
    return static_cast<std::int64_t>(value);
  }
  if (!it->is_number_integer()) return std::nullopt;
  return it->get<std::int64_t>();
}

bool MemberIs(const nlohmann::json& object, const char* name, std::string_view expected) {
  const auto* value = StringMember(object, name);
  return value != nullptr && *value == expected;
}

/// Whether `signature`, as a JWS carries an ES256 one (r then s, 32 bytes each), signs
/// `signed_text` (the header and payload segments with their dot) under `key`.
bool SignatureIsValid(EVP_PKEY* key, std::string_view signed_text, std::string_view signature) {
  if (signature.size() != 2 * kP256ScalarBytes) return false;
  const auto* bytes = reinterpret_cast<const unsigned char*>(signature.data());
  std::unique_ptr<BIGNUM, BignumDeleter> r(BN_bin2bn(bytes, kP256ScalarBytes, nullptr));
  std::unique_ptr<BIGNUM, BignumDeleter> s(BN_bin2bn(bytes + kP256ScalarBytes, kP256ScalarBytes, nullptr));
  const std::unique_ptr<ECDSA_SIG, SignatureDeleter> parsed(ECDSA_SIG_new());
  if (!r || !s || !parsed || ECDSA_SIG_set0(parsed.get(), r.get(), s.get()) != 1) return false;
  static_cast<void>(r.release());  // the signature owns them now
  static_cast<void>(s.release());
  // OpenSSL verifies the DER form: a sequence of the two integers, at most 72 bytes.
  std::array<unsigned char, 80> der{};
  if (i2d_ECDSA_SIG(parsed.get(), nullptr) > static_cast<int>(der.size())) return false;
  unsigned char* end = der.data();
  const int der_length = i2d_ECDSA_SIG(parsed.get(), &end);
  const std::unique_ptr<EVP_MD_CTX, DigestDeleter> context(EVP_MD_CTX_new());
  return der_length > 0 && context && EVP_DigestVerifyInit(context.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
         EVP_DigestVerify(context.get(), der.data(), static_cast<std::size_t>(der_length),
                          reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size()) == 1;
}

/// A PEM key read: the key, or why `pem` is not an EC P-256 key of the kind wanted.
struct ParsedKey {
  PkeyPtr key;
  std::string problem;
};

ParsedKey ParseP256Key(const std::string& pem, bool private_key) {
  if (!private_key && pem.find("PRIVATE KEY") != std::string::npos) {
    return {nullptr,
            "holds a private key where a public key is expected (only the core keeps the private key; give the "
            "others its public half: openssl pkey -pubout)"};
  }
  const std::unique_ptr<BIO, BioDeleter> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return {nullptr, "cannot be read"};
  PkeyPtr key(private_key ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)
                          : PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!key) return {nullptr, private_key ? "is not a PEM private key" : "is not a PEM public key"};
  std::array<char, 64> group{};
  std::size_t length = 0;
  if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_EC ||
      EVP_PKEY_get_group_name(key.get(), group.data(), group.size(), &length) != 1 ||
      std::string_view(group.data(), length) != kP256GroupName) {
    return {nullptr,
            "is not an EC P-256 key (make one with: openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256)"};
  }
  return {std::move(key), {}};
}

std::string P256KeyProblem(const std::string& pem, bool private_key) { return ParseP256Key(pem, private_key).problem; }

Error KeyError(const std::string& what, const std::string& problem) {
  return MakeError(ErrorCode::kInvalidArgument, what + " " + problem);
}

}  // namespace

/// The public keys, each read once: a check uses the parsed key.
struct TokenVerifier::PublicKeys {
  std::map<std::string, PkeyPtr, std::less<>> by_id;
};

bool IsValidKeyId(std::string_view key_id) {
  if (key_id.empty() || key_id.size() > 64 || key_id.front() == '.') return false;
  for (const char c : key_id) {
    if (!IsBase64UrlChar(c) && c != '.') return false;
  }
  return true;
}

Result<std::string> ReadP256KeyFile(const std::filesystem::path& file, bool private_key) {
  const std::string what = std::string(private_key ? "the private key file " : "the public key file ") + file.string();
  std::error_code error;
  if (!std::filesystem::is_regular_file(file, error)) return KeyError(what, "does not exist or is not a file");
  const auto size = std::filesystem::file_size(file, error);
  if (error || size > kMaxKeyFileBytes) return KeyError(what, "cannot be read or is too large for a key");
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) return KeyError(what, "cannot be read");
  auto pem = text.str();
  if (const auto problem = P256KeyProblem(pem, private_key); !problem.empty()) return KeyError(what, problem);
  return pem;
}

Result<std::map<std::string, std::string>> ReadPublicKeyDirectory(const std::filesystem::path& directory) {
  const std::string what = "the public key folder " + directory.string();
  std::error_code error;
  if (!std::filesystem::is_directory(directory, error)) return KeyError(what, "does not exist or is not a folder");
  std::map<std::string, std::string> keys;
  for (const auto& entry : std::filesystem::directory_iterator(directory, error)) {
    const auto& path = entry.path();
    // A mounted ConfigMap or Secret also holds "..data" and dated folders: only *.pem
    // files (or links to them) are keys.
    if (path.extension() != ".pem" || !entry.is_regular_file(error)) continue;
    const auto key_id = path.stem().string();
    if (!IsValidKeyId(key_id)) {
      return KeyError(what, "holds " + path.filename().string() +
                                ", whose name is not a key id (letters, digits, '.', '_', '-'; at most 64)");
    }
    auto pem = ReadP256KeyFile(path, false);
    if (!pem) return pem.error();
    keys.emplace(key_id, std::move(*pem));
  }
  if (error) return KeyError(what, "cannot be listed: " + error.message());
  if (keys.empty()) return KeyError(what, "holds no public key (<kid>.pem files)");
  return keys;
}

Result<TokenSigner> TokenSigner::Create(std::string private_pem, std::string key_id, std::chrono::seconds lifetime,
                                        const Clock& clock) {
  if (!IsValidKeyId(key_id)) {
    return MakeError(ErrorCode::kInvalidArgument, "the signing key id '" + key_id +
                                                      "' is not a key id (letters, digits, '.', '_', '-'; at most 64)");
  }
  if (const auto problem = P256KeyProblem(private_pem, true); !problem.empty()) {
    return KeyError("the token signing key", problem);
  }
  if (lifetime <= std::chrono::seconds{0}) {
    return MakeError(ErrorCode::kInvalidArgument, "the token lifetime must be positive");
  }
  return TokenSigner(std::move(private_pem), std::move(key_id), lifetime, clock);
}

Result<TokenSigner::Issued> TokenSigner::IssueToken(const std::string& subject, const std::string& role,
                                                    const std::string& session_id) const {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return MakeError(ErrorCode::kInternal, "cannot create a token");
  JwtPtr jwt(raw);
  const auto now = clock_->Now();
  const auto expires_at = now + lifetime_;
  const long seconds = now.time_since_epoch().count();
  if (jwt_add_grant(jwt.get(), "sub", subject.c_str()) != 0 || jwt_add_grant(jwt.get(), "role", role.c_str()) != 0 ||
      jwt_add_grant(jwt.get(), "sid", session_id.c_str()) != 0 || jwt_add_grant(jwt.get(), "iss", kTokenIssuer) != 0 ||
      jwt_add_grant(jwt.get(), "aud", kTokenAudience) != 0 || jwt_add_grant_int(jwt.get(), "iat", seconds) != 0 ||
      jwt_add_grant_int(jwt.get(), "nbf", seconds) != 0 ||
      jwt_add_grant_int(jwt.get(), "exp", expires_at.time_since_epoch().count()) != 0 ||
      jwt_add_header(jwt.get(), "kid", key_id_.c_str()) != 0 ||
      jwt_set_alg(jwt.get(), JWT_ALG_ES256, reinterpret_cast<const unsigned char*>(private_pem_.data()),
                  static_cast<int>(private_pem_.size())) != 0) {
    return MakeError(ErrorCode::kInternal, "cannot create a token");
  }
  std::unique_ptr<char, FreeDeleter> text(jwt_encode_str(jwt.get()));
  if (!text) return MakeError(ErrorCode::kInternal, "cannot sign a token");
  return Issued{std::string(text.get()), expires_at};
}

Result<std::string> TokenSigner::Issue(const std::string& subject, const std::string& role,
                                       const std::string& session_id) const {
  auto issued = IssueToken(subject, role, session_id);
  if (!issued) return issued.error();
  return std::move(issued->token);
}

Result<TokenVerifier> TokenVerifier::Create(const std::map<std::string, std::string>& public_pems, const Clock& clock,
                                            std::size_t remembered) {
  if (remembered == 0) return MakeError(ErrorCode::kInvalidArgument, "a verifier remembers at least one token");
  if (public_pems.empty()) return MakeError(ErrorCode::kInvalidArgument, "no public key to check tokens with");
  auto keys = std::make_shared<PublicKeys>();
  for (const auto& [key_id, pem] : public_pems) {
    if (!IsValidKeyId(key_id)) return KeyError("the public key id '" + key_id + "'", "is not a key id");
    auto parsed = ParseP256Key(pem, false);
    if (!parsed.key) return KeyError("the public key " + key_id, parsed.problem);
    keys->by_id.emplace(key_id, std::move(parsed.key));
  }
  return TokenVerifier(std::move(keys), clock, remembered);
}

bool TokenVerifier::HasKey(const std::string& key_id) const { return keys_->by_id.contains(key_id); }

Result<TokenVerifier> TokenVerifier::FromDirectory(const std::filesystem::path& directory, const Clock& clock) {
  auto keys = ReadPublicKeyDirectory(directory);
  if (!keys) return keys.error();
  return Create(*keys, clock);
}

bool HasTokenShape(std::string_view token) {
  const auto first_dot = token.find('.');
  if (first_dot == std::string_view::npos) return false;
  const auto second_dot = token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos) return false;
  return IsBase64UrlSegment(token.substr(0, first_dot), kMaxTokenHeaderBytes) &&
         IsBase64UrlSegment(token.substr(first_dot + 1, second_dot - first_dot - 1), kMaxTokenPayloadBytes) &&
         IsBase64UrlSegment(token.substr(second_dot + 1), kMaxTokenSignatureBytes);
}

Result<Claims> TokenVerifier::Verify(const std::string& token) const {
  if (token.empty()) return Unauthenticated("a token is required: log in and send 'authorization: Bearer <token>'");
  // Nothing but the three segments goes further: not to the decoders, not into the
  // metadata of a call that passes the token on.
  if (!HasTokenShape(token)) return NotValid();
  std::optional<Claims> known;
  {
    const std::lock_guard lock(verified_->mutex);
    const auto it = verified_->claims.find(token);
    if (it != verified_->claims.end()) known = it->second;
  }
  if (!known) {
    auto decoded = Decode(token);
    if (!decoded) return decoded.error();
    known = std::move(*decoded);
    const std::lock_guard lock(verified_->mutex);
    if (verified_->claims.size() >= verified_->max_entries) verified_->claims.clear();
    verified_->claims.emplace(token, *known);
  }
  // The leeway is taken from now, not added to an expiry that may be the largest count.
  if (clock_->Now() - kTokenLeeway >= known->expires_at) {
    return Unauthenticated("the token has expired: log in again");
  }
  return std::move(*known);
}

Result<Claims> TokenVerifier::Decode(std::string_view token) const {
  // HasTokenShape passed: three segments.  The header is read first, and only ES256 with
  // a known key goes further (never HS256 with a public key as its secret, nor "none").
  const auto first_dot = token.find('.');
  const auto second_dot = token.find('.', first_dot + 1);
  const auto header = JsonObjectSegment(token.substr(0, first_dot));
  if (!header || !MemberIs(*header, "alg", kAlgorithm)) return NotValid();
  const auto* kid = StringMember(*header, "kid");
  const auto key = kid == nullptr ? keys_->by_id.end() : keys_->by_id.find(*kid);
  if (key == keys_->by_id.end()) return NotValid();
  const auto signature = DecodeBase64Url(token.substr(second_dot + 1));
  if (!signature || !SignatureIsValid(key->second.get(), token.substr(0, second_dot), *signature)) return NotValid();
  const auto payload = JsonObjectSegment(token.substr(first_dot + 1, second_dot - first_dot - 1));
  if (!payload) return NotValid();
  const auto* sub = StringMember(*payload, "sub");
  const auto* role = StringMember(*payload, "role");
  const auto* sid = StringMember(*payload, "sid");
  const auto exp = IntegerMember(*payload, "exp");
  const auto nbf = IntegerMember(*payload, "nbf");
  const auto iat = IntegerMember(*payload, "iat");
  if (sub == nullptr || sub->empty() || role == nullptr || sid == nullptr || sid->empty() || !exp || !nbf || !iat ||
      !MemberIs(*payload, "iss", kTokenIssuer) || !MemberIs(*payload, "aud", kTokenAudience)) {
    return NotValid();
  }
  const auto latest_start = (clock_->Now() + kTokenLeeway).time_since_epoch().count();
  if (*nbf > latest_start || *iat > latest_start) return Unauthenticated("the token is not valid yet");
  return Claims{*sub, *role, TimePoint{std::chrono::seconds{*exp}}, *sid};
}

Status CheckSignerAgainstVerifier(const TokenSigner& signer, const TokenVerifier& verifier) {
  if (!verifier.HasKey(signer.key_id())) {
    return MakeError(ErrorCode::kInvalidArgument, "the signing key id '" + signer.key_id() + "' has no public key (" +
                                                      signer.key_id() + ".pem) among the token public keys");
  }
  auto token = signer.Issue("key-check", "customer", "key-check");
  if (!token) return token.error();
  if (auto claims = verifier.Verify(*token); !claims) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        "the public key " + signer.key_id() + ".pem does not match the token signing key: " + claims.error().message);
  }
  return Ok{};
}

RefreshToken NewRefreshToken() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
  std::array<unsigned char, 32> random{};
  randombytes_buf(random.data(), random.size());
  std::array<char, kRefreshTokenLength + 1> text{};
  sodium_bin2base64(text.data(), text.size(), random.data(), random.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  RefreshToken token{std::string(text.data(), kRefreshTokenLength), {}};
  token.hash = RefreshTokenHash(token.text);
  return token;
}

std::string RefreshTokenHash(std::string_view text) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(text.data()), text.size());
  std::array<char, crypto_hash_sha256_BYTES * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return std::string(hex.data(), crypto_hash_sha256_BYTES * 2);
}

bool HasRefreshTokenShape(std::string_view text) {
  return text.size() == kRefreshTokenLength && IsBase64UrlSegment(text, kRefreshTokenLength);
}

std::string BearerToken(std::string_view authorization) {
  constexpr std::string_view kPrefix = "bearer ";
  if (authorization.size() <= kPrefix.size()) return {};
  for (std::size_t i = 0; i < kPrefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != kPrefix[i]) return {};
  }
  auto token = authorization.substr(kPrefix.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && (token.back() == ' ' || token.back() == '\r')) token.remove_suffix(1);
  return std::string(token);
}

}  // namespace barbershop::common
