#include "domain/profiles.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "domain/accounts.hpp"
#include "domain/sessions.hpp"
#include "domain/validation.hpp"
#include "shop_fixture.hpp"

namespace barbershop::core::domain {
namespace {

using namespace std::chrono_literals;
using common::ErrorCode;

constexpr const char* kPassword = kTestPassword;

class ProfilesTest : public ShopFixture {
 protected:
  static const common::PasswordHasher& Hasher() { return TestHasher(); }
  static const std::string& PasswordHash() { return TestPasswordHash(); }
  User Stored(const std::string& id) { return work_.accounts().FindUserById(id).value().value(); }
  common::Result<User> Update(const User& caller, const std::string& user_id, ProfileChange change) {
    return UpdateProfile(work_.accounts(), As(caller), user_id, std::move(change));
  }
  common::Result<Appointment> Book(const User& client, const std::string& at) {
    return BookingService(work_, Shop(), clock_, policy_).Create(As(client), "", at, "Ana");
  }
  Appointment Read(const std::string& id) { return work_.appointments().Find(id).value().value(); }
  /// The user as a caller in a new session of theirs.
  Caller LoggedIn(const User& user) {
    const auto session = StartSession(clock_.Now(), kDefaultRefreshLifetime);
    EXPECT_TRUE(work_.sessions().CreateSession(session.id, user.id, session.refresh.hash, clock_.Now(),
                                               session.refresh_expires_at));
    return Caller{user.id, user.role, session.id};
  }
  common::Status Open(const Caller& caller) {
    auto account = CheckSessionOpen(work_.sessions(), caller);
    if (!account) return account.error();
    return common::Ok{};
  }
  SessionEnding Ending(SessionEnd reason) { return EndingFor(reason, Shop(), clock_.Now()); }
  common::Status SetActive(const User& admin, const std::string& user_id, bool active) {
    return SetAccountActive(work_.accounts(), As(admin), user_id, active, Ending(SessionEnd::kDeactivated));
  }

  User ana_ = AddBarber("ana", "Ana");
  User carol_ = AddCustomer("carol");
  User admin_ = AddAdmin("boss");
};

TEST(PhoneTest, SpacesAndDashesAreDroppedAndTheRestIsPlusAndSevenToFifteenDigits) {
  EXPECT_EQ(NormalizePhone("+44 20 7946-0958").value(), "+442079460958");
  EXPECT_EQ(NormalizePhone("+3736").error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(NormalizePhone("+1234567"));
  EXPECT_TRUE(NormalizePhone("+123456789012345"));
  for (const char* bad : {"", "+", "+123456", "+1234567890123456", "0720 123 456", "+44 (20) 7946 0958",
                          "+44 20 7946 0958 ext 2", "++442079460958"}) {
    const auto phone = NormalizePhone(bad);
    ASSERT_FALSE(phone) << bad;
    EXPECT_NE(phone.error().message.find("phone"), std::string::npos) << phone.error().message;
  }
}

TEST_F(ProfilesTest, AUserChangesTheFieldsGivenAndTheOthersStay) {
  ProfileChange change;
  change.email = "  Carol.New@Example.COM ";
  change.phone = "+373 69 123-456";
  const auto changed = Update(carol_, "", change);
  ASSERT_TRUE(changed) << changed.error().message;
  EXPECT_EQ(changed->username, "carol");
  EXPECT_EQ(changed->email, "carol.new@example.com");
  EXPECT_EQ(changed->phone, "+37369123456");
  EXPECT_EQ(Stored(carol_.id).email, "carol.new@example.com");

  ProfileChange rename;
  rename.username = "carol_b";
  ASSERT_TRUE(Update(carol_, carol_.id, rename));
  EXPECT_EQ(Stored(carol_.id).username, "carol_b");
  EXPECT_EQ(Stored(carol_.id).phone, "+37369123456");

  ProfileChange no_phone;
  no_phone.phone = "";
  ASSERT_TRUE(Update(carol_, "", no_phone));
  EXPECT_EQ(Stored(carol_.id).phone, "");
  EXPECT_EQ(Stored(carol_.id).email, "carol.new@example.com");
}

TEST_F(ProfilesTest, BadInputIsRefusedAndChangesNothing) {
  EXPECT_TRUE(Fails(Update(carol_, "", {}), ErrorCode::kInvalidArgument, "nothing to change"));
  ProfileChange change;
  change.username = "Carol!";
  change.phone = "+37369123456";
  EXPECT_TRUE(Fails(Update(carol_, "", change), ErrorCode::kInvalidArgument, "username"));
  change.username = "carol_ok";
  change.email = "carol-at-example.com";
  EXPECT_TRUE(Fails(Update(carol_, "", change), ErrorCode::kInvalidArgument, "email"));
  change.email.reset();
  change.phone = "069 123 456";
  EXPECT_TRUE(Fails(Update(carol_, "", change), ErrorCode::kInvalidArgument, "phone"));
  const User stored = Stored(carol_.id);
  EXPECT_EQ(stored.username, "carol");
  EXPECT_EQ(stored.email, "carol@example.com");
  EXPECT_EQ(stored.phone, "");
}

TEST_F(ProfilesTest, ATakenUsernameOrEmailIsNamed) {
  AddCustomer("dave");
  ProfileChange change;
  change.username = "dave";
  EXPECT_TRUE(Fails(Update(carol_, "", change), ErrorCode::kAlreadyExists, "username"));
  change.username.reset();
  change.email = "DAVE@example.com";
  EXPECT_TRUE(Fails(Update(carol_, "", change), ErrorCode::kAlreadyExists, "e-mail"));
  // One's own username and e-mail are not taken from oneself.
  change.username = "carol";
  change.email = "carol@example.com";
  EXPECT_TRUE(Update(carol_, "", change));
}

TEST_F(ProfilesTest, OnlyAnAdminChangesAnotherAccount) {
  const User dave = AddCustomer("dave");
  ProfileChange change;
  change.phone = "+37369000111";
  EXPECT_TRUE(Fails(Update(carol_, dave.id, change), ErrorCode::kPermissionDenied));
  EXPECT_TRUE(Fails(Update(ana_, dave.id, change), ErrorCode::kPermissionDenied));
  EXPECT_EQ(Stored(dave.id).phone, "");
  ASSERT_TRUE(Update(admin_, dave.id, change));
  EXPECT_EQ(Stored(dave.id).phone, "+37369000111");
  EXPECT_TRUE(Fails(Update(admin_, "3f2b9c1e-8d4a-4b6f-9e2d-1a7c5b3e9f01", change), ErrorCode::kNotFound));
  EXPECT_TRUE(Fails(Update(admin_, "dave", change), ErrorCode::kInvalidArgument, "user_id"));
}

TEST_F(ProfilesTest, ANewUsernameShowsOnTheClientsAppointments) {
  const auto booked = Book(carol_, "2026-12-07T10:00");
  ASSERT_TRUE(booked) << booked.error().message;
  ProfileChange change;
  change.username = "carol_b";
  ASSERT_TRUE(Update(carol_, "", change));
  EXPECT_EQ(Read(booked->id).client_name, "carol_b");
}

TEST_F(ProfilesTest, AnAdminDeactivatesAndReactivatesAnotherAccount) {
  const Caller carol = LoggedIn(carol_);
  const Caller carol_elsewhere = LoggedIn(carol_);
  const Caller admin = LoggedIn(admin_);
  EXPECT_TRUE(Open(carol));
  EXPECT_TRUE(Fails(SetActive(carol_, ana_.id, false), ErrorCode::kPermissionDenied));
  EXPECT_TRUE(Fails(SetActive(ana_, carol_.id, false), ErrorCode::kPermissionDenied));
  EXPECT_TRUE(Fails(SetActive(admin_, admin_.id, false), ErrorCode::kFailedPrecondition, "own"));
  EXPECT_TRUE(Open(admin));
  EXPECT_TRUE(Fails(SetActive(admin_, "3f2b9c1e-8d4a-4b6f-9e2d-1a7c5b3e9f01", false), ErrorCode::kNotFound));
  EXPECT_TRUE(work_.store().session_events.empty());

  // A deactivation ends every session of the account, each with its event.
  ASSERT_TRUE(SetActive(admin_, carol_.id, false));
  EXPECT_TRUE(Fails(Open(carol), ErrorCode::kUnauthenticated, "ended"));
  EXPECT_TRUE(Fails(Open(carol_elsewhere), ErrorCode::kUnauthenticated, "ended"));
  ASSERT_EQ(work_.store().session_events.size(), 2u);
  const auto event = nlohmann::json::parse(work_.store().session_events[0].event.payload_json);
  EXPECT_EQ(event["type"], "session.ended");
  EXPECT_EQ(event["user_id"], carol_.id);
  EXPECT_EQ(event["reason"], "deactivated");
  EXPECT_TRUE(Open(admin));
  // Reactivated, the account logs in again: the old sessions stay ended.
  ASSERT_TRUE(SetActive(admin_, carol_.id, true));
  EXPECT_TRUE(Fails(Open(carol), ErrorCode::kUnauthenticated, "ended"));
  EXPECT_TRUE(Open(LoggedIn(carol_)));
  EXPECT_EQ(work_.store().session_events.size(), 2u);
}

// The check hands the call its caller's account, read with the session: as it is now,
// not as it was at login.
TEST_F(ProfilesTest, TheSessionCheckGivesTheAccountAsItIsNow) {
  const Caller carol = LoggedIn(carol_);
  ProfileChange change;
  change.username = "carol_b";
  change.phone = "+15551234567";
  ASSERT_TRUE(Update(carol_, "", change));
  const auto account = CheckSessionOpen(work_.sessions(), carol);
  ASSERT_TRUE(account);
  EXPECT_EQ(account->id, carol_.id);
  EXPECT_EQ(account->username, "carol_b");
  EXPECT_EQ(account->phone, "+15551234567");
  EXPECT_EQ(account->role, Role::kCustomer);
  EXPECT_TRUE(account->active);
}

TEST_F(ProfilesTest, ASessionOfAnotherUserOrOfNoOneIsNotOpen) {
  const Caller carol = LoggedIn(carol_);
  EXPECT_TRUE(Fails(Open(Caller{ana_.id, Role::kBarber, carol.session_id}), ErrorCode::kUnauthenticated, "ended"));
  EXPECT_TRUE(Fails(Open(Caller{carol_.id, Role::kCustomer, "3f2b9c1e-8d4a-4b6f-9e2d-1a7c5b3e9f01"}),
                    ErrorCode::kUnauthenticated, "ended"));
  EXPECT_TRUE(Fails(Open(Caller{carol_.id, Role::kCustomer, "not-an-id"}), ErrorCode::kUnauthenticated, "ended"));
  EXPECT_TRUE(Fails(Open(As(carol_)), ErrorCode::kUnauthenticated, "ended"));
}

TEST_F(ProfilesTest, ADeactivatedAccountIsToldSoOnlyWithTheRightPassword) {
  const User erin = work_.accounts().CreateUser("erin", "erin@example.com", PasswordHash(), Role::kCustomer).value();
  ASSERT_TRUE(work_.accounts().SetActive(erin.id, false, Ending(SessionEnd::kDeactivated)).value());
  EXPECT_TRUE(Fails(CompleteLogin(Hasher(), Stored(erin.id), "a wrong password"), ErrorCode::kUnauthenticated,
                    "wrong e-mail or password"));
  EXPECT_TRUE(Fails(CompleteLogin(Hasher(), Stored(erin.id), kPassword), ErrorCode::kPermissionDenied, "deactivated"));
}

TEST_F(ProfilesTest, ANewPasswordFollowsTheSignUpRulesAndIsNotTheCurrentOne) {
  EXPECT_TRUE(Fails(CheckNewPassword(kPassword, "short"), ErrorCode::kInvalidArgument, "new password"));
  EXPECT_TRUE(Fails(CheckNewPassword(kPassword, kPassword), ErrorCode::kInvalidArgument, "current one"));
  EXPECT_TRUE(CheckNewPassword(kPassword, "another good password"));
  const User erin = work_.accounts().CreateUser("erin", "erin@example.com", PasswordHash(), Role::kCustomer).value();
  EXPECT_TRUE(CheckCurrentPassword(Hasher(), erin, kPassword));
  EXPECT_TRUE(Fails(CheckCurrentPassword(Hasher(), erin, "not the password"), ErrorCode::kPermissionDenied));
  EXPECT_TRUE(Fails(CheckCurrentPassword(Hasher(), erin, ""), ErrorCode::kPermissionDenied));
}

TEST_F(ProfilesTest, OnlyACustomerDeletesTheirAccount) {
  EXPECT_TRUE(MayDeleteAccount(carol_));
  EXPECT_TRUE(Fails(MayDeleteAccount(ana_), ErrorCode::kFailedPrecondition, "barber"));
  EXPECT_TRUE(Fails(MayDeleteAccount(admin_), ErrorCode::kFailedPrecondition, "admin"));
}

TEST_F(ProfilesTest, APasswordChangeEndsEveryOtherSessionOfTheUser) {
  const Caller here = LoggedIn(carol_);
  const Caller phone = LoggedIn(carol_);
  const Caller tablet = LoggedIn(carol_);
  const Caller ana = LoggedIn(ana_);
  const User carol = Stored(carol_.id);
  ASSERT_TRUE(work_.accounts()
                  .ReplacePasswordHash(carol.id, carol.password_hash, "new hash", here.session_id,
                                       Ending(SessionEnd::kPasswordChanged))
                  .value());
  EXPECT_TRUE(Open(here));
  EXPECT_TRUE(Fails(Open(phone), ErrorCode::kUnauthenticated, "ended"));
  EXPECT_TRUE(Fails(Open(tablet), ErrorCode::kUnauthenticated, "ended"));
  EXPECT_TRUE(Open(ana));
  ASSERT_EQ(work_.store().session_events.size(), 2u);
  for (const auto& ended : work_.store().session_events) {
    EXPECT_NE(ended.session_id, here.session_id);
    EXPECT_EQ(nlohmann::json::parse(ended.event.payload_json)["reason"], "password_changed");
  }
  // A change that finds another hash than it read changes nothing and ends nothing.
  EXPECT_FALSE(work_.accounts()
                   .ReplacePasswordHash(carol.id, carol.password_hash, "newer hash", here.session_id,
                                        Ending(SessionEnd::kPasswordChanged))
                   .value());
  EXPECT_EQ(work_.store().session_events.size(), 2u);
}

TEST_F(ProfilesTest, DeletionCancelsWhatIsAheadAndLeavesAFormerCustomerOnThePast) {
  const Caller carol = LoggedIn(carol_);
  const auto past = Book(carol_, "2026-12-07T10:00");
  const auto canceled_before = Book(carol_, "2026-12-07T11:00");
  ASSERT_TRUE(past && canceled_before);
  ASSERT_TRUE(BookingService(work_, Shop(), clock_, policy_).Cancel(As(carol_), canceled_before->id));
  clock_.Advance(7 * 24h);  // the first booking is now in the past
  const auto ahead = Book(carol_, "2026-12-14T10:00");
  const auto ahead_too = Book(carol_, "2026-12-15T10:00");
  ASSERT_TRUE(ahead && ahead_too);
  const std::size_t events_before = work_.store().outbox.size();

  const auto canceled = DeleteCustomerAccount(work_.accounts(), work_.appointments(), As(carol_), Shop(), clock_.Now());
  ASSERT_TRUE(canceled) << canceled.error().message;
  ASSERT_EQ(canceled->size(), 2u);
  EXPECT_EQ((*canceled)[0].status, AppointmentStatus::kPending);  // as they were
  EXPECT_EQ((*canceled)[0].id, ahead->id);

  for (const auto& id : {ahead->id, ahead_too->id}) {
    EXPECT_EQ(Read(id).status, AppointmentStatus::kCanceled);
    EXPECT_EQ(Read(id).client_name, kFormerCustomer);
  }
  const auto& outbox = work_.store().outbox;
  ASSERT_EQ(outbox.size(), events_before + 2);
  EXPECT_EQ(outbox[events_before].event.routing_key, "appointment.canceled");
  EXPECT_EQ(outbox[events_before + 1].event.routing_key, "appointment.canceled");
  EXPECT_EQ(Read(past->id).status, AppointmentStatus::kPending);
  EXPECT_EQ(Read(past->id).client_name, kFormerCustomer);
  EXPECT_EQ(Read(canceled_before->id).client_name, kFormerCustomer);

  EXPECT_TRUE(Fails(Open(carol), ErrorCode::kUnauthenticated, "ended"));
  ASSERT_EQ(work_.store().session_events.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(work_.store().session_events[0].event.payload_json)["reason"], "account_deleted");
  EXPECT_FALSE(work_.accounts().FindUserByEmail("carol@example.com").value());
  // The e-mail and the username are free again; the old account stays gone.
  EXPECT_TRUE(work_.accounts().CreateUser("carol", "carol@example.com", "hash", Role::kCustomer));
  EXPECT_FALSE(work_.accounts().SetActive(carol_.id, true, Ending(SessionEnd::kDeactivated)).value());
}

TEST_F(ProfilesTest, ADeletionThatFindsAnAppointmentChangedMeanwhileChangesNothing) {
  const Caller carol = LoggedIn(carol_);
  const auto ahead = Book(carol_, "2026-12-07T10:00");
  ASSERT_TRUE(ahead);
  Appointment stale = *ahead;
  stale.status = AppointmentStatus::kConfirmed;  // not what is stored
  Appointment after = stale;
  after.status = AppointmentStatus::kCanceled;
  const std::size_t events_before = work_.store().outbox.size();
  EXPECT_TRUE(Fails(work_.accounts().DeleteCustomer(carol_.id, {{stale, after, {"e", "appointment.canceled", "{}"}}},
                                                    clock_.Now(), Ending(SessionEnd::kAccountDeleted)),
                    ErrorCode::kFailedPrecondition));
  // Nor when an appointment ahead is left out of the cancellations.
  EXPECT_TRUE(Fails(work_.accounts().DeleteCustomer(carol_.id, {}, clock_.Now(), Ending(SessionEnd::kAccountDeleted)),
                    ErrorCode::kFailedPrecondition));
  EXPECT_EQ(Read(ahead->id).status, AppointmentStatus::kPending);
  EXPECT_EQ(Read(ahead->id).client_name, "carol");
  EXPECT_EQ(work_.store().outbox.size(), events_before);
  EXPECT_TRUE(Open(carol));
  EXPECT_TRUE(work_.store().session_events.empty());
}

}  // namespace
}  // namespace barbershop::core::domain
