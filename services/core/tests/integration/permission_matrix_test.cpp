// Who may call what: every RPC of the core service called by six callers (nobody, the
// appointment's client, another customer, the appointment's barber, another barber, an
// admin), each cell the status code a shop wants.  A customer never touches another's
// appointment, a barber only their own chair's, an admin anything.  Every method of the
// service has a row (checked against the proto's descriptor), and each cell acts on state
// made for it alone, so that one caller's cancellation cannot spoil the next cell.
#include <google/protobuf/descriptor.h>
#include <gtest/gtest.h>

#include <array>
#include <functional>
#include <ostream>
#include <set>

#include "test_server.hpp"

namespace barbershop::core::testing {
namespace {

using grpc::StatusCode;

/// The callers, in the order of a row's cells.
enum Who { kNobody, kClient, kOtherCustomer, kBarber, kOtherBarber, kAdmin };
constexpr std::array<Who, 6> kCallers{kNobody, kClient, kOtherCustomer, kBarber, kOtherBarber, kAdmin};
constexpr const char* kCallerNames[] = {"anonymous",  "the client",     "another customer",
                                        "the barber", "another barber", "an admin"};

std::string CodeName(StatusCode code) {
  switch (code) {
    case StatusCode::OK:
      return "OK";
    case StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    default:
      return "status " + std::to_string(static_cast<int>(code));
  }
}

/// One row's people: the client and the barber of the appointments the cells make,
/// another customer, another barber and an admin; and fresh state for one cell at a time.
/// The barber works around the clock and confirms bookings by hand (they start pending).
class Shop {
 public:
  Shop()
      : stub_(TestCore::Get().NewStub()),
        client_(NewCustomer(*stub_)),
        other_customer_(NewCustomer(*stub_)),
        barber_(NewBarber(*stub_, /*auto_confirm=*/false, /*around_the_clock=*/true)),
        other_barber_(NewBarber(*stub_, /*auto_confirm=*/false, /*around_the_clock=*/true)),
        admin_(NewAdmin(*stub_)) {}

  UserService::Stub& stub() { return *stub_; }
  const TestUser& client() const { return client_; }
  const TestUser& barber() const { return barber_; }

  /// A context carrying `who`'s token (none for nobody).
  std::unique_ptr<grpc::ClientContext> As(Who who) const {
    switch (who) {
      case kNobody:
        return Authed("");
      case kClient:
        return Authed(client_.token);
      case kOtherCustomer:
        return Authed(other_customer_.token);
      case kBarber:
        return Authed(barber_.token);
      case kOtherBarber:
        return Authed(other_barber_.token);
      case kAdmin:
        return Authed(admin_.token);
    }
    return Authed("");
  }

  /// A start ("2026-12-07T10:30", shop time) that no other cell of this shop uses:
  /// 08:00 to 19:30 on the coming days, half an hour apart.
  std::string FreshSlot() { return SlotNumber(next_slot_++, 0); }

  /// A free half hour, [from, to).
  std::pair<std::string, std::string> FreshStretch() {
    const int n = next_slot_++;
    return {SlotNumber(n, 0), SlotNumber(n, 30)};
  }

  /// A pending appointment of the client with the barber, booked by the client; its id.
  std::string Booked() {
    CreateAppointmentRequest request;
    request.set_barber_name(barber_.username);
    request.set_date_time(FreshSlot());
    AppointmentResponse response;
    const auto status = stub_->CreateAppointment(Authed(client_.token).get(), request, &response);
    EXPECT_TRUE(status.ok()) << "booking for the cell: " << status.error_message();
    return response.appointment_id();
  }

  /// A confirmed appointment of the client with the barber that has begun; its id.
  std::string Started() {
    // Each one ended before the next began: the client's and the barber's live
    // appointments may not overlap.
    const int n = next_started_++;
    return StartedAppointment(barber_, client_, "confirmed", std::to_string(10 + 30 * n) + " minutes");
  }

  /// The client's waitlist entry for a free half hour of the barber's, which is offered
  /// to them at once: the entry's id and the hold's.
  std::pair<std::string, std::string> Waiting() {
    const auto [from, to] = FreshStretch();
    JoinWaitlistRequest request;
    request.set_barber_name(barber_.username);
    request.set_date(from.substr(0, 10));
    request.set_from(from.substr(11, 5));
    request.set_to(to.substr(0, 10) == from.substr(0, 10) ? to.substr(11, 5) : "24:00");
    WaitlistEntryResponse response;
    const auto status = stub_->JoinWaitlist(Authed(client_.token).get(), request, &response);
    EXPECT_TRUE(status.ok()) << "waitlist entry for the cell: " << status.error_message();
    EXPECT_TRUE(response.entry().has_hold()) << "the free half hour was not offered at once";
    return {response.entry().entry_id(), response.entry().hold().hold_id()};
  }

  /// A service on the barber's price list, saved by the barber; its name.
  std::string Offered() {
    SaveServiceRequest request;
    request.set_barber_name(barber_.username);
    request.mutable_service()->set_name("Cut " + Unique());
    request.mutable_service()->set_duration_minutes(30);
    request.mutable_service()->set_price_cents(2000);
    ServiceResponse response;
    const auto status = stub_->SaveService(Authed(barber_.token).get(), request, &response);
    EXPECT_TRUE(status.ok()) << "service for the cell: " << status.error_message();
    return request.service().name();
  }

  /// Half an hour of the barber's time off, added by the barber; its id.
  std::string Away() {
    const auto [from, to] = FreshStretch();
    AddTimeOffRequest request;
    request.set_barber_name(barber_.username);
    request.set_from(from);
    request.set_to(to);
    TimeOffResponse response;
    const auto status = stub_->AddTimeOff(Authed(barber_.token).get(), request, &response);
    EXPECT_TRUE(status.ok()) << "time off for the cell: " << status.error_message();
    return response.time_off().time_off_id();
  }

  /// A new client, for a cell that turns the client into something else.
  void RenewClient() { client_ = NewCustomer(*stub_); }

  /// `who`'s password now (the client's for nobody), and a new one they change it to.
  std::string PasswordOf(Who who) { return Person(who).password; }
  void PasswordChanged(Who who, const std::string& password) { Person(who).password = password; }

 private:
  TestUser& Person(Who who) {
    switch (who) {
      case kNobody:
      case kClient:
        return client_;
      case kOtherCustomer:
        return other_customer_;
      case kBarber:
        return barber_;
      case kOtherBarber:
        return other_barber_;
      case kAdmin:
        return admin_;
    }
    return client_;
  }

  // Slot n: weekday 1 + n % 7, then 08:00, 08:30, ... 19:30, then a week later.
  static std::string SlotNumber(int n, int plus_minutes) {
    const int half_hour = (n / 7) % 24;
    const int minute = 8 * 60 + half_hour * 30 + plus_minutes;
    return Slot(static_cast<unsigned>(1 + n % 7), minute / 60, minute % 60, 1 + n / (7 * 24));
  }

  std::unique_ptr<UserService::Stub> stub_;
  TestUser client_;
  TestUser other_customer_;
  TestUser barber_;
  TestUser other_barber_;
  TestUser admin_;
  int next_slot_ = 0;
  int next_started_ = 0;
};

/// Calls `method` as `who`.
template <typename Request, typename Response>
grpc::Status Call(Shop& shop, Who who,
                  grpc::Status (UserService::Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                  const Request& request) {
  Response response;
  return (shop.stub().*method)(shop.As(who).get(), request, &response);
}

/// Calls an RPC that takes only an appointment's id, as `who`.
template <typename Request>
grpc::Status OnAppointment(Shop& shop, Who who,
                           grpc::Status (UserService::Stub::*method)(grpc::ClientContext*, const Request&,
                                                                     AppointmentResponse*),
                           const std::string& appointment_id) {
  Request request;
  request.set_appointment_id(appointment_id);
  return Call(shop, who, method, request);
}

/// The barber's own chair, as it is: the SaveBarber that changes nothing.
SaveBarberRequest SameChair(const TestUser& barber) {
  SaveBarberRequest request;
  request.set_user_id(barber.id);
  request.set_name(barber.username);
  for (int day = 1; day <= 7; ++day) {
    auto* hours = request.add_hours();
    hours->set_weekday(day);
    hours->set_opens("00:00");
    hours->set_closes("24:00");
  }
  return request;
}

struct Row {
  const char* name;    ///< the test's name: the method, and what it acts on where one method has two rows
  const char* method;  ///< as the proto names it
  /// The status each caller gets, in the order of kCallers.
  std::array<StatusCode, 6> expected;
  /// Makes the cell's state in `shop`, then calls the method as `who`.
  std::function<grpc::Status(Shop& shop, Who who)> call;
};

void PrintTo(const Row& row, std::ostream* out) { *out << row.name; }

constexpr auto OK = StatusCode::OK;
constexpr auto UNAUTH = StatusCode::UNAUTHENTICATED;
constexpr auto DENIED = StatusCode::PERMISSION_DENIED;
constexpr auto REFUSED = StatusCode::FAILED_PRECONDITION;

const std::vector<Row>& Rows() {
  // clang-format off
  static const std::vector<Row> kRows{
      //                                                  nobody  client  other   barber  other   admin
      //                                                                  customer        barber
      {"SignUp", "SignUp",                               {OK,     OK,     OK,     OK,     OK,     OK},
       [](Shop& shop, Who who) {
         // Anyone may open an account, signed in or not.
         SignUpRequest request;
         request.set_username("matrix_" + Unique());
         request.set_email(request.username() + "@example.com");
         request.set_password("a-good-password");
         return Call(shop, who, &UserService::Stub::SignUp, request);
       }},
      {"Login", "Login",                                 {OK,     OK,     OK,     OK,     OK,     OK},
       [](Shop& shop, Who who) {
         // The password decides, whatever token comes along.
         LoginRequest request;
         request.set_email(shop.client().email);
         request.set_password(shop.client().password);
         return Call(shop, who, &UserService::Stub::Login, request);
       }},
      {"GetUserProfile", "GetUserProfile",               {UNAUTH, OK,     OK,     OK,     OK,     OK},
       [](Shop& shop, Who who) { return Call(shop, who, &UserService::Stub::GetUserProfile, {}); }},
      {"CreateAppointment_ForTheClient", "CreateAppointment",
                                                         {UNAUTH, OK,     DENIED, DENIED, DENIED, OK},
       [](Shop& shop, Who who) {
         CreateAppointmentRequest request;
         request.set_user_id(shop.client().id);
         request.set_barber_name(shop.barber().username);
         request.set_date_time(shop.FreshSlot());
         return Call(shop, who, &UserService::Stub::CreateAppointment, request);
       }},
      {"ModifyAppointment", "ModifyAppointment",         {UNAUTH, OK,     DENIED, OK,     DENIED, OK},
       [](Shop& shop, Who who) {
         ModifyAppointmentRequest request;
         request.set_appointment_id(shop.Booked());
         request.set_date_time(shop.FreshSlot());
         return Call(shop, who, &UserService::Stub::ModifyAppointment, request);
       }},
      {"CancelAppointment", "CancelAppointment",         {UNAUTH, OK,     DENIED, OK,     DENIED, OK},
       [](Shop& shop, Who who) {
         return OnAppointment(shop, who, &UserService::Stub::CancelAppointment, shop.Booked());
       }},
      {"GetAppointments_OfTheClient", "GetAppointments", {UNAUTH, OK,     DENIED, DENIED, DENIED, OK},
       [](Shop& shop, Who who) {
         shop.Booked();
         GetAppointmentsRequest request;
         request.set_user_id(shop.client().id);
         return Call(shop, who, &UserService::Stub::GetAppointments, request);
       }},
      {"GetAppointments_OfTheBarber", "GetAppointments", {UNAUTH, DENIED, DENIED, OK,     DENIED, OK},
       [](Shop& shop, Who who) {
         shop.Booked();
         GetAppointmentsRequest request;
         request.set_user_id(shop.barber().id);
         return Call(shop, who, &UserService::Stub::GetAppointments, request);
       }},
      {"ConfirmAppointment", "ConfirmAppointment",       {UNAUTH, DENIED, DENIED, OK,     DENIED, OK},
       [](Shop& shop, Who who) {
         return OnAppointment(shop, who, &UserService::Stub::ConfirmAppointment, shop.Booked());
       }},
      {"GetAppointment", "GetAppointment",               {UNAUTH, OK,     DENIED, OK,     DENIED, OK},
       [](Shop& shop, Who who) {
         return OnAppointment(shop, who, &UserService::Stub::GetAppointment, shop.Booked());
       }},
      {"GetAppointmentHistory", "GetAppointmentHistory", {UNAUTH, OK,     DENIED, OK,     DENIED, OK},
       [](Shop& shop, Who who) {
         GetAppointmentHistoryRequest request;
         request.set_appointment_id(shop.Booked());
         return Call(shop, who, &UserService::Stub::GetAppointmentHistory, request);
       }},
      // A barber's schedule: anyone may read it (only busy and free but for the barber
      // and admins, which the schedule's own test shows).
      {"GetBarberSchedule", "GetBarberSchedule",         {OK,     OK,     OK,     OK,     OK,     OK},
       [](Shop& shop, Who who) {
         GetBarberScheduleRequest request;
         request.set_barber_name(shop.barber().username);
         return Call(shop, who, &UserService::Stub::GetBarberSchedule, request);
       }},
      // Barbers and free slots are readable without an account: a shop's booking page
      // shows them before anyone signs up.
      {"ListBarbers", "ListBarbers",                     {OK,     OK,     OK,     OK,     OK,     OK},
       [](Shop& shop, Who who) { return Call(shop, who, &UserService::Stub::ListBarbers, {}); }},
      {"CompleteAppointment", "CompleteAppointment",     {UNAUTH, DENIED, DENIED, OK,     DENIED, OK},
       [](Shop& shop, Who who) {
         return OnAppointment(shop, who, &UserService::Stub::CompleteAppointment, shop.Started());
       }},
      {"MarkNoShow", "MarkNoShow",                       {UNAUTH, DENIED, DENIED, OK,     DENIED, OK},
       [](Shop& shop, Who who) {
         return OnAppointment(shop, who, &UserService::Stub::MarkNoShow, shop.Started());
       }},
      {"GetAvailableSlots", "GetAvailableSlots",         {OK,     OK,     OK,     OK,     OK,     OK},
       [](Shop& shop, Who who) {
         GetAvailableSlotsRequest request;
         request.set_barber_name(shop.barber().username);
         request.set_date(shop.FreshSlot().substr(0, 10));
         return Call(shop, who, &UserService::Stub::GetAvailableSlots, request);
       }},
      {"SaveService", "SaveService",                     {UNAUTH, DENIED, DENIED, OK,     DENIED, OK},
       [](Shop& shop, Who who) {
         SaveServiceRequest request;
         request.set_barber_name(shop.barber().username);
         request.mutable_service()->set_name("Shave " + Unique());
         request.mutable_service()->set_duration_minutes(15);
         request.mutable_service()->set_price_cents(1000);
         return Call(shop, who, &UserService::Stub::SaveService, request);
       }},
      {"RemoveService", "RemoveService",                 {UNAUTH, DENIED, DENIED, OK,     DENIED, OK},
       [](Shop& shop, Who who) {
         RemoveServiceRequest request;
         request.set_barber_name(shop.barber().username);
         request.set_name(shop.Offered());
         return Call(shop, who, &UserService::Stub::RemoveService, request);
       }},
      {"AddTimeOff", "AddTimeOff",                       {UNAUTH, DENIED, DENIED, OK,     DENIED, OK},
       [](Shop& shop, Who who) {
         const auto [from, to] = shop.FreshStretch();
         AddTimeOffRequest request;
         request.set_barber_name(shop.barber().username);
         request.set_from(from);
         request.set_to(to);
         return Call(shop, who, &UserService::Stub::AddTimeOff, request);
       }},
      {"RemoveTimeOff", "RemoveTimeOff",                 {UNAUTH, DENIED, DENIED, OK,     DENIED, OK},
       [](Shop& shop, Who who) {
         RemoveTimeOffRequest request;
         request.set_time_off_id(shop.Away());
         return Call(shop, who, &UserService::Stub::RemoveTimeOff, request);
       }},
      {"ListTimeOff", "ListTimeOff",                     {UNAUTH, DENIED, DENIED, OK,     DENIED, OK},
       [](Shop& shop, Who who) {
         shop.Away();
         ListTimeOffRequest request;
         request.set_barber_name(shop.barber().username);
         return Call(shop, who, &UserService::Stub::ListTimeOff, request);
       }},
      {"SaveBarber_TheirChairAsItIs", "SaveBarber",      {UNAUTH, DENIED, DENIED, OK,     DENIED, OK},
       [](Shop& shop, Who who) { return Call(shop, who, &UserService::Stub::SaveBarber, SameChair(shop.barber())); }},
      {"SaveBarber_MakeTheClientABarber", "SaveBarber",  {UNAUTH, DENIED, DENIED, DENIED, DENIED, OK},
       [](Shop& shop, Who who) {
         // A client of their own each time: the one cell that may promote them must not
         // change who the next cell's client is.
         shop.RenewClient();
         SaveBarberRequest request;
         request.set_user_id(shop.client().id);
         request.set_name("chair_" + Unique());
         return Call(shop, who, &UserService::Stub::SaveBarber, request);
       }},
      {"UpdateProfile_TheirOwn", "UpdateProfile",        {UNAUTH, OK,     OK,     OK,     OK,     OK},
       [](Shop& shop, Who who) {
         UpdateProfileRequest request;
         request.set_phone("+37369" + std::to_string(100000 + static_cast<int>(who)));
         return Call(shop, who, &UserService::Stub::UpdateProfile, request);
       }},
      {"UpdateProfile_OfTheClient", "UpdateProfile",     {UNAUTH, OK,     DENIED, DENIED, DENIED, OK},
       [](Shop& shop, Who who) {
         UpdateProfileRequest request;
         request.set_user_id(shop.client().id);
         request.set_phone("+37369" + std::to_string(200000 + static_cast<int>(who)));
         return Call(shop, who, &UserService::Stub::UpdateProfile, request);
       }},
      {"SetAccountActive_TheClient", "SetAccountActive", {UNAUTH, DENIED, DENIED, DENIED, DENIED, OK},
       [](Shop& shop, Who who) {
         // Active as they are: the client keeps acting in the next cells.
         SetAccountActiveRequest request;
         request.set_user_id(shop.client().id);
         request.set_active(true);
         return Call(shop, who, &UserService::Stub::SetAccountActive, request);
       }},
      {"ChangePassword_TheirOwn", "ChangePassword",      {UNAUTH, OK,     OK,     OK,     OK,     OK},
       [](Shop& shop, Who who) {
         ChangePasswordRequest request;
         request.set_current_password(shop.PasswordOf(who));
         request.set_new_password(shop.PasswordOf(who) + "-changed");
         auto status = Call(shop, who, &UserService::Stub::ChangePassword, request);
         if (status.ok()) shop.PasswordChanged(who, request.new_password());
         return status;
       }},
      {"DeleteAccount_TheirOwn", "DeleteAccount",        {UNAUTH, OK,     OK,     REFUSED, REFUSED, REFUSED},
       [](Shop& shop, Who who) {
         DeleteAccountRequest request;
         request.set_current_password(shop.PasswordOf(who));
         return Call(shop, who, &UserService::Stub::DeleteAccount, request);
       }},
      {"RefreshSession", "RefreshSession",               {OK,     OK,     OK,     OK,     OK,     OK},
       [](Shop& shop, Who who) {
         // The refresh token decides, whatever access token comes along.
         LoginRequest login;
         login.set_email(shop.client().email);
         login.set_password(shop.client().password);
         LoginResponse session;
         grpc::ClientContext context;
         if (auto status = shop.stub().Login(&context, login, &session); !status.ok()) return status;
         RefreshSessionRequest request;
         request.set_refresh_token(session.refresh_token());
         return Call(shop, who, &UserService::Stub::RefreshSession, request);
       }},
      {"Logout_TheirOwn", "Logout",                      {UNAUTH, OK,     OK,     OK,     OK,     OK},
       [](Shop& shop, Who who) { return Call(shop, who, &UserService::Stub::Logout, {}); }},
      // The waitlist: a customer's own entries and holds; an admin may join, list and
      // leave for a customer, but only the customer claims or passes a time held for them.
      {"JoinWaitlist_ForTheClient", "JoinWaitlist",      {UNAUTH, OK,     DENIED, DENIED, DENIED, OK},
       [](Shop& shop, Who who) {
         const auto [from, to] = shop.FreshStretch();
         JoinWaitlistRequest request;
         request.set_user_id(shop.client().id);
         request.set_barber_name(shop.barber().username);
         request.set_date(from.substr(0, 10));
         request.set_from(from.substr(11, 5));
         request.set_to(to.substr(0, 10) == from.substr(0, 10) ? to.substr(11, 5) : "24:00");
         return Call(shop, who, &UserService::Stub::JoinWaitlist, request);
       }},
      {"ListWaitlist_TheClients", "ListWaitlist",        {UNAUTH, OK,     DENIED, DENIED, DENIED, OK},
       [](Shop& shop, Who who) {
         ListWaitlistRequest request;
         request.set_user_id(shop.client().id);
         return Call(shop, who, &UserService::Stub::ListWaitlist, request);
       }},
      {"LeaveWaitlist_TheClients", "LeaveWaitlist",      {UNAUTH, OK,     DENIED, DENIED, DENIED, OK},
       [](Shop& shop, Who who) {
         LeaveWaitlistRequest request;
         request.set_entry_id(shop.Waiting().first);
         return Call(shop, who, &UserService::Stub::LeaveWaitlist, request);
       }},
      {"ClaimHold_TheClients", "ClaimHold",              {UNAUTH, OK,     DENIED, DENIED, DENIED, DENIED},
       [](Shop& shop, Who who) {
         ClaimHoldRequest request;
         request.set_hold_id(shop.Waiting().second);
         return Call(shop, who, &UserService::Stub::ClaimHold, request);
       }},
      {"PassHold_TheClients", "PassHold",                {UNAUTH, OK,     DENIED, DENIED, DENIED, DENIED},
       [](Shop& shop, Who who) {
         PassHoldRequest request;
         request.set_hold_id(shop.Waiting().second);
         return Call(shop, who, &UserService::Stub::PassHold, request);
       }},
      {"ResetCalendarLink_TheirOwn", "ResetCalendarLink", {UNAUTH, OK,     OK,     OK,     OK,     OK},
       [](Shop& shop, Who who) { return Call(shop, who, &UserService::Stub::ResetCalendarLink, {}); }},
      // A calendar link's token is its only credential: whoever holds the client's link
      // reads the client's feed, with or without a session of their own.
      {"GetCalendarFeed_TheClientsLink", "GetCalendarFeed", {OK,   OK,     OK,     OK,     OK,     OK},
       [](Shop& shop, Who who) {
         CalendarLinkResponse link;
         if (auto status = shop.stub().ResetCalendarLink(shop.As(kClient).get(), {}, &link); !status.ok()) {
           return status;
         }
         GetCalendarFeedRequest request;
         request.set_token(link.token());
         return Call(shop, who, &UserService::Stub::GetCalendarFeed, request);
       }},
  };
  // clang-format on
  return kRows;
}

class PermissionMatrixTest : public ::testing::TestWithParam<Row> {};

TEST_P(PermissionMatrixTest, EachCallerGetsTheStatusOfItsCell) {
  const Row& row = GetParam();
  Shop shop;
  ASSERT_FALSE(HasFailure()) << "the row's users could not be made";
  for (const Who who : kCallers) {
    const auto status = row.call(shop, who);
    const auto expected = row.expected[who];
    const std::string variant = row.name == std::string(row.method) ? "" : std::string(" (") + row.name + ")";
    EXPECT_EQ(CodeName(status.error_code()), CodeName(expected))
        << row.method << variant << " by " << kCallerNames[who] << ": expected " << CodeName(expected) << ", got "
        << CodeName(status.error_code()) << " (" << status.error_message() << ")";
  }
}

INSTANTIATE_TEST_SUITE_P(UserService, PermissionMatrixTest, ::testing::ValuesIn(Rows()),
                         [](const ::testing::TestParamInfo<Row>& test) { return std::string(test.param.name); });

TEST(PermissionMatrixCoverageTest, EveryMethodOfTheProtoHasARowAndEveryRowAMethod) {
  const google::protobuf::FileDescriptor* file = SignUpRequest::descriptor()->file();
  std::set<std::string> with_rows;
  for (const auto& row : Rows()) with_rows.insert(row.method);
  std::set<std::string> methods;
  for (int s = 0; s < file->service_count(); ++s) {
    const auto* service = file->service(s);
    EXPECT_EQ(service->full_name(), UserService::service_full_name())
        << file->name() << " has a service without rows in this matrix: " << service->full_name();
    for (int m = 0; m < service->method_count(); ++m) {
      const std::string method = service->method(m)->name();
      methods.insert(method);
      EXPECT_EQ(with_rows.count(method), 1u)
          << service->full_name() << "." << method << " has no row in the permission matrix: add one";
    }
  }
  EXPECT_GE(methods.size(), 19u) << "the descriptor did not list the service's methods";
  for (const auto& method : with_rows) {
    EXPECT_EQ(methods.count(method), 1u) << "a row names " << method << ", which the service does not have";
  }
}

}  // namespace
}  // namespace barbershop::core::testing
