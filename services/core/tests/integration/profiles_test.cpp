// A user's own account after sign-up: UpdateProfile, SetAccountActive, ChangePassword and
// DeleteAccount against the running service and its database.
#include <gtest/gtest.h>

#include "test_server.hpp"

namespace barbershop::core::testing {
namespace {

using grpc::StatusCode;

class ProfileTest : public ::testing::Test {
 protected:
  ProfileTest()
      : stub_(TestCore::Get().NewStub()),
        client_(NewCustomer(*stub_)),
        barber_(NewBarber(*stub_, /*auto_confirm=*/false, /*around_the_clock=*/true)),
        admin_(NewAdmin(*stub_)) {}

  grpc::Status Update(const TestUser& as, const UpdateProfileRequest& request, UserProfile* out = nullptr) {
    UserProfile ignored;
    return stub_->UpdateProfile(Authed(as.token).get(), request, out != nullptr ? out : &ignored);
  }
  grpc::Status SetActive(const TestUser& as, const std::string& user_id, bool active) {
    SetAccountActiveRequest request;
    request.set_user_id(user_id);
    request.set_active(active);
    AccountResponse response;
    return stub_->SetAccountActive(Authed(as.token).get(), request, &response);
  }
  grpc::Status ChangePassword(const TestUser& as, const std::string& current, const std::string& next) {
    ChangePasswordRequest request;
    request.set_current_password(current);
    request.set_new_password(next);
    AccountResponse response;
    return stub_->ChangePassword(Authed(as.token).get(), request, &response);
  }
  grpc::Status Delete(const TestUser& as, const std::string& password, AccountResponse* out = nullptr) {
    DeleteAccountRequest request;
    request.set_current_password(password);
    AccountResponse ignored;
    return stub_->DeleteAccount(Authed(as.token).get(), request, out != nullptr ? out : &ignored);
  }
  grpc::Status LoginAs(const std::string& email, const std::string& password) {
    LoginRequest request;
    request.set_email(email);
    request.set_password(password);
    LoginResponse response;
    grpc::ClientContext context;
    return stub_->Login(&context, request, &response);
  }
  grpc::Status Profile(const TestUser& as, UserProfile* out) {
    return stub_->GetUserProfile(Authed(as.token).get(), {}, out);
  }
  grpc::Status List(const TestUser& as, const std::string& user_id, AppointmentsResponse* out) {
    GetAppointmentsRequest request;
    request.set_user_id(user_id);
    return stub_->GetAppointments(Authed(as.token).get(), request, out);
  }
  /// A booking of the client with the barber, `weeks_ahead` weeks ahead on a Monday; its id.
  std::string Book(int weeks_ahead, int hour = 10, const std::string& key = "") {
    CreateAppointmentRequest request;
    request.set_barber_name(barber_.username);
    request.set_date_time(Slot(1, hour, 0, weeks_ahead));
    AppointmentResponse response;
    auto context = Authed(client_.token);
    if (!key.empty()) context->AddMetadata("idempotency-key", key);
    const auto status = stub_->CreateAppointment(context.get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.appointment_id();
  }
  std::string Column(const std::string& column, const std::string& table, const std::string& id) {
    return QueryScalar("SELECT " + column + " FROM " + table + " WHERE id = '" + id + "'");
  }

  std::unique_ptr<UserService::Stub> stub_;
  TestUser client_;
  TestUser barber_;
  TestUser admin_;
};

TEST_F(ProfileTest, AUserChangesTheFieldsGivenAndTheRestStays) {
  UpdateProfileRequest request;
  const std::string email = "moved_" + Unique() + "@example.com";
  request.set_email("  " + email + " ");
  request.set_phone("+373 69-123 456");
  UserProfile profile;
  const auto status = Update(client_, request, &profile);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(profile.username(), client_.username);
  EXPECT_EQ(profile.email(), email);
  EXPECT_EQ(profile.phone(), "+37369123456");
  EXPECT_EQ(profile.user_id(), client_.id);

  UserProfile read;
  ASSERT_TRUE(Profile(client_, &read).ok());
  EXPECT_EQ(read.email(), email);
  EXPECT_EQ(read.phone(), "+37369123456");
  EXPECT_TRUE(LoginAs(email, client_.password).ok());
  EXPECT_EQ(LoginAs(client_.email, client_.password).error_code(), StatusCode::UNAUTHENTICATED);

  // An empty phone removes it; the fields not set stay.
  UpdateProfileRequest clear;
  clear.set_phone("");
  ASSERT_TRUE(Update(client_, clear, &profile).ok());
  EXPECT_EQ(profile.phone(), "");
  EXPECT_EQ(profile.email(), email);
  EXPECT_EQ(QueryScalar("SELECT coalesce(phone, 'none') FROM users WHERE id = '" + client_.id + "'"), "none");
}

TEST_F(ProfileTest, BadInputIsRefusedWithItsFieldNamedAndChangesNothing) {
  const TestUser other = NewCustomer(*stub_);
  struct Case {
    std::function<void(UpdateProfileRequest&)> set;
    StatusCode code;
    std::string mentions;
  };
  const Case cases[] = {
      {[](UpdateProfileRequest&) {}, StatusCode::INVALID_ARGUMENT, "nothing to change"},
      {[](UpdateProfileRequest& r) { r.set_phone("069 123 456"); }, StatusCode::INVALID_ARGUMENT, "phone"},
      {[](UpdateProfileRequest& r) { r.set_phone("+12345"); }, StatusCode::INVALID_ARGUMENT, "phone"},
      {[](UpdateProfileRequest& r) {
         r.set_phone("+37369000000");
         r.set_username("Not Valid");
       },
       StatusCode::INVALID_ARGUMENT, "username"},
      {[](UpdateProfileRequest& r) { r.set_email("nowhere"); }, StatusCode::INVALID_ARGUMENT, "email"},
      {[&](UpdateProfileRequest& r) {
         r.set_phone("+37369000000");
         r.set_username(other.username);
       },
       StatusCode::ALREADY_EXISTS, "username"},
      {[&](UpdateProfileRequest& r) { r.set_email(other.email); }, StatusCode::ALREADY_EXISTS, "e-mail"},
      {[&](UpdateProfileRequest& r) {
         r.set_user_id("not-an-id");
         r.set_phone("+37369000000");
       },
       StatusCode::INVALID_ARGUMENT, "user_id"},
  };
  for (const auto& c : cases) {
    UpdateProfileRequest request;
    c.set(request);
    const auto status = Update(client_, request);
    EXPECT_EQ(status.error_code(), c.code) << request.ShortDebugString() << ": " << status.error_message();
    EXPECT_NE(status.error_message().find(c.mentions), std::string::npos) << status.error_message();
  }
  EXPECT_EQ(QueryScalar("SELECT username || ' ' || email || ' ' || coalesce(phone, 'none') FROM users WHERE id = '" +
                        client_.id + "'"),
            client_.username + " " + client_.email + " none");
}

TEST_F(ProfileTest, OnlyAnAdminChangesAnotherUsersProfile) {
  UpdateProfileRequest request;
  request.set_user_id(client_.id);
  request.set_phone("+37369111222");
  EXPECT_EQ(Update(barber_, request).error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Update(NewCustomer(*stub_), request).error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(QueryScalar("SELECT coalesce(phone, 'none') FROM users WHERE id = '" + client_.id + "'"), "none");
  UserProfile profile;
  ASSERT_TRUE(Update(admin_, request, &profile).ok());
  EXPECT_EQ(profile.user_id(), client_.id);
  EXPECT_EQ(profile.phone(), "+37369111222");
  request.set_user_id("3f2b9c1e-8d4a-4b6f-9e2d-1a7c5b3e9f01");
  EXPECT_EQ(Update(admin_, request).error_code(), StatusCode::NOT_FOUND);
}

TEST_F(ProfileTest, ANewUsernameShowsOnTheUsersExistingAppointments) {
  const std::string id = Book(2);
  AppointmentsResponse listed;
  ASSERT_TRUE(List(client_, "", &listed).ok());  // kept by the list cache
  ASSERT_TRUE(List(barber_, "", &listed).ok());
  UpdateProfileRequest request;
  const std::string renamed = "renamed_" + Unique();
  request.set_username(renamed);
  ASSERT_TRUE(Update(client_, request).ok());

  EXPECT_EQ(Column("client_name", "appointments", id), renamed);
  for (const TestUser* as : {&client_, &barber_}) {
    AppointmentsResponse list;
    ASSERT_TRUE(List(*as, "", &list).ok());
    bool seen = false;
    for (const auto& a : list.appointments()) {
      if (a.appointment_id() != id) continue;
      seen = true;
      EXPECT_EQ(a.client_name(), renamed);
    }
    EXPECT_TRUE(seen) << "the appointment is not in the list of " << as->username;
  }
}

TEST_F(ProfileTest, ADeactivatedAccountsTokensAndLoginAreRefusedUntilReactivated) {
  Book(3);
  AppointmentsResponse listed;
  ASSERT_TRUE(List(client_, "", &listed).ok());  // kept by the list cache: it must not answer either

  EXPECT_EQ(SetActive(client_, client_.id, false).error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(SetActive(barber_, client_.id, false).error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(SetActive(admin_, admin_.id, false).error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(SetActive(admin_, "3f2b9c1e-8d4a-4b6f-9e2d-1a7c5b3e9f01", false).error_code(), StatusCode::NOT_FOUND);
  EXPECT_EQ(SetActive(admin_, "someone", false).error_code(), StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(List(client_, "", &listed).ok());

  ASSERT_TRUE(SetActive(admin_, client_.id, false).ok());
  AppointmentsResponse refused;
  auto status = List(client_, "", &refused);
  EXPECT_EQ(status.error_code(), StatusCode::UNAUTHENTICATED) << status.error_message();
  EXPECT_NE(status.error_message().find("session has ended"), std::string::npos) << status.error_message();
  UserProfile profile;
  EXPECT_EQ(Profile(client_, &profile).error_code(), StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(ChangePassword(client_, client_.password, "another-good-password").error_code(),
            StatusCode::UNAUTHENTICATED);
  // The right password learns that the account is deactivated; a wrong one learns nothing.
  status = LoginAs(client_.email, client_.password);
  EXPECT_EQ(status.error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_NE(status.error_message().find("deactivated"), std::string::npos) << status.error_message();
  status = LoginAs(client_.email, "a-wrong-password");
  EXPECT_EQ(status.error_code(), StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(status.error_message().find("deactivated"), std::string::npos) << status.error_message();

  // Reactivated, the account logs in again; its ended sessions stay ended.
  ASSERT_TRUE(SetActive(admin_, client_.id, true).ok());
  EXPECT_EQ(List(client_, "", &listed).error_code(), StatusCode::UNAUTHENTICATED);
  client_.token = Login(*stub_, client_.email, client_.password);
  EXPECT_TRUE(List(client_, "", &listed).ok());
  EXPECT_TRUE(Profile(client_, &profile).ok());
}

TEST_F(ProfileTest, ChangePasswordNeedsTheCurrentOneAndANewOne) {
  const std::string next = "a-new-good-password";
  auto status = ChangePassword(client_, "a-wrong-password", next);
  EXPECT_EQ(status.error_code(), StatusCode::PERMISSION_DENIED) << status.error_message();
  EXPECT_NE(status.error_message().find("current password"), std::string::npos) << status.error_message();
  status = ChangePassword(client_, client_.password, client_.password);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT) << status.error_message();
  status = ChangePassword(client_, client_.password, "short");
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_NE(status.error_message().find("password"), std::string::npos) << status.error_message();
  EXPECT_TRUE(LoginAs(client_.email, client_.password).ok());

  const std::string hash_before = Column("password_hash", "users", client_.id);
  status = ChangePassword(client_, client_.password, next);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const std::string hash_after = Column("password_hash", "users", client_.id);
  EXPECT_NE(hash_after, hash_before);
  // The same Argon2id parameters as every other hash.
  EXPECT_EQ(hash_after.substr(0, hash_after.find('$', hash_after.find("$m=") + 1)),
            hash_before.substr(0, hash_before.find('$', hash_before.find("$m=") + 1)));
  EXPECT_EQ(LoginAs(client_.email, client_.password).error_code(), StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(LoginAs(client_.email, next).ok());
}

TEST_F(ProfileTest, DeletingAnAccountCancelsWhatIsAheadAndAnonymisesThePast) {
  const std::string ahead = Book(5);
  const std::string ahead_too = Book(6);
  const std::string done = StartedAppointment(barber_, client_, "completed", "3 days");
  const std::string begun = StartedAppointment(barber_, client_, "confirmed", "10 minutes");
  const std::string key = "delete-" + Unique();
  const std::string keyed = Book(7, 12, key);

  EXPECT_EQ(Delete(client_, "a-wrong-password").error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Column("status", "appointments", ahead), "pending");
  AccountResponse response;
  const auto status = Delete(client_, client_.password, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(response.success());
  EXPECT_NE(response.message().find("3 upcoming"), std::string::npos) << response.message();

  for (const auto& id : {ahead, ahead_too, keyed}) {
    EXPECT_EQ(Column("status", "appointments", id), "canceled");
    EXPECT_EQ(
        QueryScalar("SELECT string_agg(routing_key, ',' ORDER BY id) FROM outbox WHERE aggregate_id = '" + id + "'"),
        "appointment.created,appointment.canceled");
  }
  EXPECT_EQ(Column("status", "appointments", done), "completed");
  EXPECT_EQ(Column("status", "appointments", begun), "confirmed");
  for (const auto& id : {ahead, done, begun}) EXPECT_EQ(Column("client_name", "appointments", id), "former customer");
  EXPECT_EQ(QueryScalar("SELECT username || '|' || email || '|' || password_hash || '|' || active || '|' || "
                        "coalesce(phone, '') FROM users WHERE id = '" +
                        client_.id + "'"),
            "former customer|||false|");

  // The old token and the old password are refused; the e-mail and username are free.
  UserProfile profile;
  auto refused = Profile(client_, &profile);
  EXPECT_EQ(refused.error_code(), StatusCode::UNAUTHENTICATED);
  EXPECT_NE(refused.error_message().find("session has ended"), std::string::npos) << refused.error_message();
  EXPECT_EQ(LoginAs(client_.email, client_.password).error_code(), StatusCode::UNAUTHENTICATED);
  SignUpResponse signed_up;
  ASSERT_TRUE(SignUp(*stub_, client_, &signed_up).ok());
  EXPECT_NE(signed_up.user_id(), client_.id);
  // The new account books with the same idempotency key: a key books once per booker.
  const TestUser old_client = client_;
  client_.token = Login(*stub_, client_.email, client_.password, &client_.id);
  EXPECT_NE(client_.id, old_client.id);
  const std::string rebooked = Book(7, 12, key);
  EXPECT_NE(rebooked, keyed);
  EXPECT_EQ(Column("client_name", "appointments", rebooked), client_.username);
}

TEST_F(ProfileTest, OnlyACustomerDeletesTheirOwnAccount) {
  for (const TestUser* who : {&barber_, &admin_}) {
    const auto status = Delete(*who, who->password);
    EXPECT_EQ(status.error_code(), StatusCode::FAILED_PRECONDITION) << status.error_message();
    EXPECT_TRUE(LoginAs(who->email, who->password).ok());
  }
  DeleteAccountRequest request;
  AccountResponse response;
  EXPECT_EQ(stub_->DeleteAccount(Authed("").get(), request, &response).error_code(), StatusCode::UNAUTHENTICATED);
}

TEST(ProfileLimitsTest, WrongCurrentPasswordsCountAsFailedLoginsOfTheEmail) {
  ScratchCore core([](app::CoreConfig& c) {
    WithoutAddressLimits(c);
    c.login_failures_per_email = 3;
  });
  auto stub = core.NewStub();
  const TestUser user = NewCustomer(*stub);
  for (int i = 0; i < 3; ++i) {
    ChangePasswordRequest request;
    request.set_current_password("a-wrong-password");
    request.set_new_password("a-new-good-password");
    AccountResponse response;
    EXPECT_EQ(stub->ChangePassword(Authed(user.token).get(), request, &response).error_code(),
              StatusCode::PERMISSION_DENIED);
  }
  LoginRequest login;
  login.set_email(user.email);
  login.set_password(user.password);
  LoginResponse answer;
  grpc::ClientContext context;
  EXPECT_EQ(stub->Login(&context, login, &answer).error_code(), StatusCode::RESOURCE_EXHAUSTED);
  ChangePasswordRequest request;
  request.set_current_password(user.password);
  request.set_new_password("a-new-good-password");
  AccountResponse response;
  EXPECT_EQ(stub->ChangePassword(Authed(user.token).get(), request, &response).error_code(),
            StatusCode::RESOURCE_EXHAUSTED);
}

}  // namespace
}  // namespace barbershop::core::testing
