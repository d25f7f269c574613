// signup, login, logout, profile, profile-update, password, account-activate,
// account-deactivate, account-delete, calendar-link.

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
  if (auto failed = sessions_.Save(SessionFrom(server, response))) return printer_.Fail(*failed);
  return printer_.Show(response, [&](std::ostream& out) {
    out << (response.message().empty() ? "Logged in." : response.message()) << '\n';
    if (!response.role().empty()) out << "role: " << response.role() << '\n';
  });
}

int Commands::Logout() {
  // The server ends the session first (its tokens stop working, its sockets close); the
  // file goes in any case, so that this machine is logged out even when the server
  // cannot be reached.
  const auto session = StoredSession();
  std::optional<Failure> ending;
  if (session) {
    AccountResponse response;
    ending = Client(*session).Call(&UserService::Stub::Logout, LogoutRequest{}, &response);
  }
  auto removed = sessions_.Remove();
  if (!removed) return printer_.Fail(removed.error());
  if (!*removed) return printer_.ShowMessage("Not logged in; nothing to do.");
  if (ending && ending->exit_code == kExitUnreachable) {
    return printer_.Fail(
        {ending->exit_code, "logged out here, but the server could not end the session: " + ending->message});
  }
  // Refused (the session had ended already, say): this machine is logged out all the same.
  return printer_.ShowMessage(ending ? "Logged out here; the server said: " + ending->message : "Logged out.");
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

int Commands::UpdateProfile(const std::string& user_id, const std::optional<std::string>& username,
                            const std::optional<std::string>& email, const std::optional<std::string>& phone) {
  UpdateProfileRequest request;
  request.set_user_id(user_id);
  if (username) request.set_username(*username);
  if (email) request.set_email(*email);
  if (phone) request.set_phone(*phone);
  return Send(&UserService::Stub::UpdateProfile, request, [](std::ostream& out, const UserProfile& profile) {
    out << "Profile saved.\n";
    PrintAccount(out, profile);
  });
}

int Commands::ChangePassword(const std::string& current_password, const std::string& new_password) {
  ChangePasswordRequest request;
  request.set_current_password(current_password);
  request.set_new_password(new_password);
  return ChangeAccount(&UserService::Stub::ChangePassword, request);
}

int Commands::SetAccountActive(const std::string& user_id, bool active) {
  SetAccountActiveRequest request;
  request.set_user_id(user_id);
  request.set_active(active);
  return ChangeAccount(&UserService::Stub::SetAccountActive, request);
}

int Commands::DeleteAccount(const std::string& password) {
  DeleteAccountRequest request;
  request.set_current_password(password);
  const int code = ChangeAccount(&UserService::Stub::DeleteAccount, request);
  if (code != kExitOk) return code;
  // The session's token is refused from now on: it is of no use any more.
  if (auto removed = sessions_.Remove(); !removed) return printer_.Fail(removed.error());
  return code;
}

int Commands::CalendarLink() {
  return Send(&UserService::Stub::ResetCalendarLink, ResetCalendarLinkRequest{},
              [](std::ostream& out, const CalendarLinkResponse& r) {
                out << "calendar link (on the gateway's address; the one before it no longer works): " << r.path()
                    << '\n';
              });
}

}  // namespace barbershop::cli
