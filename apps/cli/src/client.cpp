#include "client.hpp"

#include <utility>

#include "output.hpp"

namespace barbershop::cli {

CoreClient::CoreClient(std::string server, std::string token)
    : server_(std::move(server)),
      token_(std::move(token)),
      stub_(UserService::NewStub(grpc::CreateChannel(server_, grpc::InsecureChannelCredentials()))) {}

void CoreClient::Prepare(grpc::ClientContext& context, const std::string& idempotency_key) const {
  context.set_deadline(std::chrono::system_clock::now() + kCallTimeout);
  if (!token_.empty()) context.AddMetadata("authorization", "Bearer " + token_);
  if (!idempotency_key.empty()) context.AddMetadata("idempotency-key", idempotency_key);
}

Failure CoreClient::Failed(const grpc::Status& status) const {
  return FromStatus(status, server_, !token_.empty(), kCallTimeout);
}

}  // namespace barbershop::cli
