// signup, login, logout, profile.

#include "commands.hpp"

namespace barbershop::cli {

int Commands::SignUp(const std::string& username, const std::string& email, const std::string& password) {
  CoreClient client(ServerFor(StoredSession()), {});
  SignUpRequest request;
  request.set_username(username);
  request.set_email(email);
  request.set_password(password);
  SignUpResponse response;
  if (auto failed = client.Call(&UserService::Stub::SignUp, request, &response)) return printer_.Fail(*failed);
  return printer_.Show(response, [&](std::ostream& out) {
    out << response.message() << '\n';
    if (!response.user_id().empty()) out << "user id: " << response.user_id() << '\n';
  });
}

int Commands::Login(const std::string& email, const std::string& password) {
  const std::string server = ServerFor(StoredSession());
  CoreClient client(server, {});
  LoginRequest request;
  request.set_email(email);
  request.set_password(password);
  LoginResponse response;
  if (auto failed = client.Call(&UserService::Stub::Login, request, &response)) return printer_.Fail(*failed);
  if (response.token().empty()) return printer_.Fail({kExitRefused, "the server sent no token"});
  const Session session{server, response.token(), response.user_id(), response.role(), response.expires_at()};
  if (auto failed = sessions_.Save(session)) return printer_.Fail(*failed);
  return printer_.Show(response, [&](std::ostream& out) {
    out << (response.message().empty() ? "Logged in." : response.message()) << '\n';
    if (!response.role().empty()) out << "role: " << response.role() << '\n';
  });
}

int Commands::Logout() {
  auto removed = sessions_.Remove();
  if (!removed) return printer_.Fail(removed.error());
  return printer_.ShowMessage(*removed ? "Logged out." : "Not logged in; nothing to do.");
}

int Commands::Profile() {
  auto session = RequireSession();
  if (!session) return printer_.Fail(session.error());
  GetUserProfileRequest request;
  request.set_token(session->token);
  UserProfile response;
  if (auto failed = Client(*session).Call(&UserService::Stub::GetUserProfile, request, &response)) {
    return printer_.Fail(*failed);
  }
  return printer_.Show(response, [&](std::ostream& out) { PrintProfile(out, response); });
}

}  // namespace barbershop::cli
