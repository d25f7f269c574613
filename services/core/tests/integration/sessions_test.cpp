// Login sessions against the running service and its database: the access and refresh
// tokens a login gives, RefreshSession's rotation and reuse detection, Logout, and the
// sessions that a password change and a deactivation end.
#include <gtest/gtest.h>

#include "barbershop/common/tokens.hpp"
#include "test_server.hpp"

namespace barbershop::core::testing {
namespace {

using grpc::StatusCode;

class SessionsTest : public ::testing::Test {
 protected:
  SessionsTest() : stub_(TestCore::Get().NewStub()), user_(NewCustomer(*stub_)), admin_(NewAdmin(*stub_)) {}

  LoginResponse LogIn(const std::string& password = "") {
    LoginRequest request;
    request.set_email(user_.email);
    request.set_password(password.empty() ? user_.password : password);
    LoginResponse response;
    grpc::ClientContext context;
    const auto status = stub_->Login(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }
  grpc::Status Refresh(const std::string& refresh_token, LoginResponse* out = nullptr) {
    RefreshSessionRequest request;
    request.set_refresh_token(refresh_token);
    LoginResponse ignored;
    grpc::ClientContext context;
    return stub_->RefreshSession(&context, request, out != nullptr ? out : &ignored);
  }
  grpc::Status Logout(const std::string& token) {
    AccountResponse response;
    return stub_->Logout(Authed(token).get(), {}, &response);
  }
  /// A call that needs a token and changes nothing.
  grpc::Status Profile(const std::string& token) {
    UserProfile profile;
    return stub_->GetUserProfile(Authed(token).get(), {}, &profile);
  }
  /// The reasons of the session.ended events in the outbox for this session, in order.
  static std::string EndEvents(const std::string& session_id) {
    return QueryScalar(
        "SELECT coalesce(string_agg(payload->>'reason', ',' ORDER BY id), '') FROM outbox WHERE aggregate_id = '" +
        session_id + "' AND routing_key = 'session.ended'");
  }
  static void ExpectEnded(const grpc::Status& status, const std::string& says) {
    EXPECT_EQ(status.error_code(), StatusCode::UNAUTHENTICATED) << status.error_message();
    EXPECT_NE(status.error_message().find(says), std::string::npos) << status.error_message();
  }

  std::unique_ptr<UserService::Stub> stub_;
  TestUser user_;
  TestUser admin_;
};

TEST_F(SessionsTest, ALoginGivesAShortLivedAccessTokenAndARefreshTokenKeptOnlyAsItsHash) {
  const auto login = LogIn();
  EXPECT_FALSE(login.token().empty());
  EXPECT_TRUE(common::HasRefreshTokenShape(login.refresh_token()));
  EXPECT_EQ(login.session_id().size(), 36u);
  EXPECT_FALSE(login.refresh_expires_at().empty());
  // The access token lives 15 minutes (the default), the refresh token 30 days.
  EXPECT_EQ(QueryScalar("SELECT round(extract(epoch FROM '" + login.expires_at() + "'::timestamptz - now()) / 60)"),
            "15");
  EXPECT_EQ(QueryScalar("SELECT round(extract(epoch FROM '" + login.refresh_expires_at() +
                        "'::timestamptz - now()) / 86400)"),
            "30");
  EXPECT_EQ(QueryScalar("SELECT count(*) FROM refresh_tokens WHERE session_id = '" + login.session_id() +
                        "' AND token_hash = '" + common::RefreshTokenHash(login.refresh_token()) + "'"),
            "1");
  EXPECT_EQ(QueryScalar("SELECT count(*) FROM refresh_tokens WHERE token_hash = '" + login.refresh_token() + "'"), "0");
  EXPECT_EQ(QueryScalar("SELECT user_id::text FROM sessions WHERE id = '" + login.session_id() + "'"), user_.id);
  EXPECT_TRUE(Profile(login.token()).ok());
}

TEST_F(SessionsTest, ARefreshRotatesTheRefreshTokenWithinTheSameSession) {
  const auto login = LogIn();
  LoginResponse first;
  ASSERT_TRUE(Refresh(login.refresh_token(), &first).ok());
  EXPECT_EQ(first.session_id(), login.session_id());
  EXPECT_EQ(first.user_id(), user_.id);
  EXPECT_EQ(first.role(), "customer");
  EXPECT_NE(first.refresh_token(), login.refresh_token());
  EXPECT_TRUE(Profile(first.token()).ok());
  LoginResponse second;
  ASSERT_TRUE(Refresh(first.refresh_token(), &second).ok());
  EXPECT_TRUE(Profile(second.token()).ok());
  EXPECT_TRUE(Profile(login.token()).ok()) << "an access token of the session works until it expires";
  EXPECT_EQ(EndEvents(login.session_id()), "");
}

TEST_F(SessionsTest, AReusedRefreshTokenEndsTheWholeSessionAndNoOther) {
  const auto stolen = LogIn();
  const auto other = LogIn();
  LoginResponse rotated;
  ASSERT_TRUE(Refresh(stolen.refresh_token(), &rotated).ok());
  // The old token again: one of its two holders is not the owner.
  ExpectEnded(Refresh(stolen.refresh_token()), "already used");
  ExpectEnded(Profile(rotated.token()), "session has ended");
  ExpectEnded(Profile(stolen.token()), "session has ended");
  ExpectEnded(Refresh(rotated.refresh_token()), "session has ended");
  EXPECT_EQ(EndEvents(stolen.session_id()), "refresh_reused");
  EXPECT_EQ(QueryScalar("SELECT end_reason FROM sessions WHERE id = '" + stolen.session_id() + "'"), "refresh_reused");
  // The user's other session goes on.
  EXPECT_TRUE(Profile(other.token()).ok());
  EXPECT_TRUE(Refresh(other.refresh_token()).ok());
}

TEST_F(SessionsTest, ARefreshTokenThatIsNotOneOrHasExpiredIsRefused) {
  ExpectEnded(Refresh(""), "not valid");
  ExpectEnded(Refresh("not a refresh token"), "not valid");
  ExpectEnded(Refresh(common::NewRefreshToken().text), "not valid");
  const auto login = LogIn();
  ExpectEnded(Refresh(login.token()), "not valid");  // an access token is not a refresh token
  QueryScalar("UPDATE refresh_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = '" +
              common::RefreshTokenHash(login.refresh_token()) + "' RETURNING 1");
  ExpectEnded(Refresh(login.refresh_token()), "expired");
  EXPECT_TRUE(Profile(login.token()).ok()) << "an expired refresh token ends nothing";
  EXPECT_EQ(EndEvents(login.session_id()), "");
}

TEST_F(SessionsTest, LogoutEndsThatSessionOnly) {
  const auto here = LogIn();
  const auto elsewhere = LogIn();
  ASSERT_TRUE(Logout(here.token()).ok());
  ExpectEnded(Profile(here.token()), "session has ended");
  ExpectEnded(Refresh(here.refresh_token()), "session has ended");
  ExpectEnded(Logout(here.token()), "session has ended");
  EXPECT_EQ(EndEvents(here.session_id()), "logout");
  const auto payload = QueryScalar("SELECT payload::text FROM outbox WHERE aggregate_id = '" + here.session_id() + "'");
  EXPECT_NE(payload.find("\"user_id\": \"" + user_.id + "\""), std::string::npos) << payload;
  EXPECT_NE(payload.find("\"type\": \"session.ended\""), std::string::npos) << payload;
  EXPECT_TRUE(Profile(elsewhere.token()).ok());
  EXPECT_EQ(EndEvents(elsewhere.session_id()), "");
}

TEST_F(SessionsTest, APasswordChangeEndsEveryOtherSessionOfTheUser) {
  const auto here = LogIn();
  const auto phone = LogIn();
  const auto tablet = LogIn();
  ChangePasswordRequest request;
  request.set_current_password(user_.password);
  request.set_new_password("a-new-good-password");
  AccountResponse response;
  ASSERT_TRUE(stub_->ChangePassword(Authed(here.token()).get(), request, &response).ok());
  EXPECT_TRUE(Profile(here.token()).ok());
  EXPECT_TRUE(Refresh(here.refresh_token()).ok());
  for (const auto* ended : {&phone, &tablet}) {
    ExpectEnded(Profile(ended->token()), "session has ended");
    ExpectEnded(Refresh(ended->refresh_token()), "session has ended");
    EXPECT_EQ(EndEvents(ended->session_id()), "password_changed");
  }
  EXPECT_EQ(EndEvents(here.session_id()), "");
  EXPECT_TRUE(Profile(LogIn("a-new-good-password").token()).ok());
}

TEST_F(SessionsTest, ADeactivationEndsEverySessionAndAReactivationNeedsANewLogin) {
  const auto one = LogIn();
  const auto two = LogIn();
  SetAccountActiveRequest request;
  request.set_user_id(user_.id);
  request.set_active(false);
  AccountResponse response;
  ASSERT_TRUE(stub_->SetAccountActive(Authed(admin_.token).get(), request, &response).ok());
  for (const auto* ended : {&one, &two}) {
    EXPECT_EQ(Profile(ended->token()).error_code(), StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(Refresh(ended->refresh_token()).error_code(), StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(EndEvents(ended->session_id()), "deactivated");
  }
  request.set_active(true);
  ASSERT_TRUE(stub_->SetAccountActive(Authed(admin_.token).get(), request, &response).ok());
  ExpectEnded(Profile(one.token()), "session has ended");
  EXPECT_TRUE(Profile(LogIn().token()).ok());
}

TEST_F(SessionsTest, ARefreshGivesTheRoleTheAccountHasNow) {
  const auto login = LogIn();
  QueryScalar("UPDATE users SET role = 'admin' WHERE id = '" + user_.id + "' RETURNING 1");
  LoginResponse refreshed;
  ASSERT_TRUE(Refresh(login.refresh_token(), &refreshed).ok());
  EXPECT_EQ(refreshed.role(), "admin");
}

}  // namespace
}  // namespace barbershop::core::testing
