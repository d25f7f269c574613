// The JSON API (/v1/ on the core's HTTP port): each route's success and error statuses,
// and each rule (overlap, permissions, limits) answering the same over JSON as over gRPC,
// since the same handlers serve both.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_server.hpp"

namespace barbershop::core::testing {
namespace {

using ::barbershop::testing::HttpAnswer;
using ::barbershop::testing::HttpCall;
using nlohmann::json;

/// A JSON call to `port`: the token as a bearer token when given, the body as JSON.
HttpAnswer Json(int port, const std::string& method, const std::string& target, const json& body = nullptr,
                const std::string& token = "") {
  std::vector<std::pair<std::string, std::string>> headers;
  if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
  std::string text;
  if (!body.is_null()) {
    headers.emplace_back("Content-Type", "application/json");
    text = body.dump();
  }
  return HttpCall(static_cast<std::uint16_t>(port), method, target, headers, text);
}

json Body(const HttpAnswer& answer) { return json::parse(answer.body, nullptr, false); }

/// The error code an answer carries ("" when it is not an error body).
std::string Code(const HttpAnswer& answer) {
  const auto body = Body(answer);
  return body.is_object() && body.contains("code") ? body["code"].get<std::string>() : "";
}

std::string Message(const HttpAnswer& answer) {
  const auto body = Body(answer);
  return body.is_object() && body.contains("message") ? body["message"].get<std::string>() : "";
}

class JsonApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    stub_ = TestCore::Get().NewStub();
    port_ = TestCore::Get().http_port();
    barber_ = NewBarber(*stub_);
    client_ = NewCustomer(*stub_);
  }

  /// Books `when` with barber_ for `who` over JSON.
  HttpAnswer Book(const TestUser& who, const std::string& when) {
    return Json(port_, "POST", "/v1/appointments", {{"barber_name", barber_.username}, {"date_time", when}}, who.token);
  }

  std::unique_ptr<UserService::Stub> stub_;
  int port_ = 0;
  TestUser barber_;
  TestUser client_;
};

TEST_F(JsonApiTest, SignUpLogInAndReadTheProfile) {
  const std::string name = "json_" + Unique();
  const json account{{"username", name}, {"email", name + "@example.com"}, {"password", "a-good-password"}};
  const auto created = Json(port_, "POST", "/v1/accounts", account);
  ASSERT_EQ(created.status, 201u) << created.body;
  EXPECT_TRUE(Body(created)["success"].get<bool>());
  EXPECT_EQ(created.headers.at("content-type"), "application/json");
  // The same e-mail again: ALREADY_EXISTS, 409.
  const auto again = Json(port_, "POST", "/v1/accounts", account);
  EXPECT_EQ(again.status, 409u);
  EXPECT_EQ(Code(again), "ALREADY_EXISTS");

  const auto wrong = Json(port_, "POST", "/v1/sessions", {{"email", name + "@example.com"}, {"password", "nope-nope"}});
  EXPECT_EQ(wrong.status, 401u);
  EXPECT_EQ(Code(wrong), "UNAUTHENTICATED");
  EXPECT_FALSE(Message(wrong).empty());

  const auto login =
      Json(port_, "POST", "/v1/sessions", {{"email", name + "@example.com"}, {"password", "a-good-password"}});
  ASSERT_EQ(login.status, 200u) << login.body;
  const auto session = Body(login);
  // The proto's own field names, every field present.
  for (const char* field : {"token", "user_id", "role", "expires_at", "refresh_token", "session_id"}) {
    EXPECT_TRUE(session.contains(field)) << field << " in " << login.body;
  }
  EXPECT_EQ(login.headers.at("cache-control"), "no-store");
  const std::string token = session["token"];

  const auto profile = Json(port_, "GET", "/v1/profile", nullptr, token);
  ASSERT_EQ(profile.status, 200u) << profile.body;
  EXPECT_EQ(Body(profile)["username"], name);
  EXPECT_EQ(Body(profile)["user_id"], session["user_id"]);

  const auto updated = Json(port_, "PATCH", "/v1/profile", {{"phone", "+37369123456"}}, token);
  ASSERT_EQ(updated.status, 200u) << updated.body;
  EXPECT_EQ(Body(updated)["phone"], "+37369123456");

  // Refresh, then log out: the access token is refused afterwards.
  const auto refreshed = Json(port_, "POST", "/v1/sessions/refresh", {{"refresh_token", session["refresh_token"]}});
  ASSERT_EQ(refreshed.status, 200u) << refreshed.body;
  const std::string next = Body(refreshed)["token"];
  EXPECT_EQ(Json(port_, "POST", "/v1/sessions/logout", nullptr, next).status, 200u);
  const auto after = Json(port_, "GET", "/v1/profile", nullptr, next);
  EXPECT_EQ(after.status, 401u);
  EXPECT_EQ(after.headers.at("www-authenticate"), "Bearer");
}

TEST_F(JsonApiTest, BarbersAndTheirFreeSlotsCanBeReadWithoutAnAccount) {
  const auto barbers = Json(port_, "GET", "/v1/barbers");
  ASSERT_EQ(barbers.status, 200u) << barbers.body;
  bool listed = false;
  const auto all = Body(barbers);
  for (const auto& b : all.at("barbers")) listed = listed || b.at("name") == barber_.username;
  EXPECT_TRUE(listed);

  const std::string day = Slot(3, 9, 0).substr(0, 10);
  const auto slots = Json(port_, "GET", "/v1/barbers/" + barber_.username + "/slots?date=" + day);
  ASSERT_EQ(slots.status, 200u) << slots.body;
  // The same as gRPC's answer, without a token on either.
  GetAvailableSlotsRequest request;
  request.set_barber_name(barber_.username);
  request.set_date(day);
  GetAvailableSlotsResponse grpc_slots;
  ASSERT_TRUE(stub_->GetAvailableSlots(Authed("").get(), request, &grpc_slots).ok());
  ASSERT_EQ(Body(slots)["slots"].size(), static_cast<std::size_t>(grpc_slots.slots_size()));
  EXPECT_EQ(grpc_slots.slots_size(), 18);  // 09:00 to 17:30 every 30 minutes
  EXPECT_EQ(Body(slots)["slots"][0], grpc_slots.slots(0));
  ListBarbersResponse grpc_barbers;
  EXPECT_TRUE(stub_->ListBarbers(Authed("").get(), ListBarbersRequest(), &grpc_barbers).ok());

  // A token that is given must be good, though: a client learns to refresh it.
  EXPECT_EQ(Json(port_, "GET", "/v1/barbers", nullptr, "not-a-token").status, 401u);
  EXPECT_EQ(stub_->ListBarbers(Authed("not-a-token").get(), ListBarbersRequest(), &grpc_barbers).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  // A bad day is the caller's mistake, over both.
  const auto bad = Json(port_, "GET", "/v1/barbers/" + barber_.username + "/slots?date=tomorrow");
  EXPECT_EQ(bad.status, 400u);
  EXPECT_NE(Message(bad).find("calendar day"), std::string::npos) << bad.body;
  const auto unknown = Json(port_, "GET", "/v1/barbers/nobody_" + Unique() + "/slots?date=" + day);
  EXPECT_EQ(unknown.status, 404u);
  // Writing still needs an account.
  const auto anonymous_booking =
      Json(port_, "POST", "/v1/appointments", {{"barber_name", barber_.username}, {"date_time", Slot(3, 10, 0)}});
  EXPECT_EQ(anonymous_booking.status, 401u);
}

TEST_F(JsonApiTest, AnAppointmentsWholeLifeOverJson) {
  const auto booked = Book(client_, Slot(2, 11, 0));
  ASSERT_EQ(booked.status, 201u) << booked.body;
  const std::string id = Body(booked)["appointment_id"];
  EXPECT_EQ(Body(booked)["appointment"]["status"], "pending");

  const auto read = Json(port_, "GET", "/v1/appointments/" + id, nullptr, client_.token);
  ASSERT_EQ(read.status, 200u) << read.body;
  EXPECT_EQ(Body(read)["appointment"]["barber_name"], barber_.username);
  const auto listed =
      Json(port_, "GET", "/v1/appointments?from=" + Slot(2, 0, 0).substr(0, 10), nullptr, client_.token);
  ASSERT_EQ(listed.status, 200u) << listed.body;
  ASSERT_EQ(Body(listed)["appointments"].size(), 1u);
  EXPECT_FALSE(Body(listed)["more"].get<bool>());

  // The client cannot confirm; the barber can.
  const auto not_theirs = Json(port_, "POST", "/v1/appointments/" + id + "/confirm", nullptr, client_.token);
  EXPECT_EQ(not_theirs.status, 403u);
  EXPECT_EQ(Code(not_theirs), "PERMISSION_DENIED");
  const auto confirmed = Json(port_, "POST", "/v1/appointments/" + id + "/confirm", nullptr, barber_.token);
  ASSERT_EQ(confirmed.status, 200u) << confirmed.body;
  EXPECT_EQ(Body(confirmed)["appointment"]["status"], "confirmed");

  const auto moved = Json(port_, "PATCH", "/v1/appointments/" + id, {{"date_time", Slot(2, 14, 0)}}, client_.token);
  ASSERT_EQ(moved.status, 200u) << moved.body;
  EXPECT_EQ(Body(moved)["appointment"]["date_time"].get<std::string>().substr(11, 5), "14:00");

  const auto canceled = Json(port_, "POST", "/v1/appointments/" + id + "/cancel", nullptr, client_.token);
  ASSERT_EQ(canceled.status, 200u) << canceled.body;
  // Canceling it again breaks a rule of its state: FAILED_PRECONDITION, 412.
  const auto twice = Json(port_, "POST", "/v1/appointments/" + id + "/cancel", nullptr, client_.token);
  EXPECT_EQ(twice.status, 412u);
  EXPECT_EQ(Code(twice), "FAILED_PRECONDITION");
  EXPECT_EQ(Json(port_, "POST", "/v1/appointments/" + id + "/complete", nullptr, barber_.token).status, 412u);
  EXPECT_EQ(Json(port_, "POST", "/v1/appointments/" + id + "/no-show", nullptr, barber_.token).status, 412u);
  // Its history: booked, confirmed, moved, canceled.
  const auto history = Json(port_, "GET", "/v1/appointments/" + id + "/history", nullptr, barber_.token);
  ASSERT_EQ(history.status, 200u) << history.body;
  const auto changes = nlohmann::json::parse(history.body)["changes"];
  ASSERT_EQ(changes.size(), 4u) << history.body;
  EXPECT_EQ(changes[0]["change"], "created");
  EXPECT_EQ(changes[2]["change"], "modified");
  EXPECT_EQ(changes[3]["to_status"], "canceled");
  EXPECT_EQ(Json(port_, "GET", "/v1/appointments/" + id + "/history", nullptr, "").status, 401u);

  const auto missing =
      Json(port_, "GET", "/v1/appointments/00000000-0000-4000-8000-000000000000", nullptr, client_.token);
  EXPECT_EQ(missing.status, 404u);
  EXPECT_EQ(Code(missing), "NOT_FOUND");
}

TEST_F(JsonApiTest, OverlapAndPermissionsAnswerAsOverGrpc) {
  const std::string when = Slot(4, 15, 0);
  ASSERT_EQ(Book(client_, when).status, 201u);
  const auto other = NewCustomer(*stub_);
  const auto json_overlap = Book(other, when);
  CreateAppointmentRequest request;
  request.set_barber_name(barber_.username);
  request.set_date_time(when);
  AppointmentResponse response;
  const auto grpc_overlap = stub_->CreateAppointment(Authed(other.token).get(), request, &response);
  EXPECT_EQ(json_overlap.status, 409u);
  EXPECT_EQ(Code(json_overlap), "ALREADY_EXISTS");
  EXPECT_EQ(grpc_overlap.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(Message(json_overlap), grpc_overlap.error_message());

  // A customer may not make someone a barber, over either.
  const json make_barber{{"user_id", other.id}, {"name", "x" + Unique()}};
  const auto json_denied = Json(port_, "POST", "/v1/barbers", make_barber, client_.token);
  SaveBarberRequest save;
  save.set_user_id(other.id);
  save.set_name(make_barber["name"]);
  SaveBarberResponse saved;
  const auto grpc_denied = stub_->SaveBarber(Authed(client_.token).get(), save, &saved);
  EXPECT_EQ(json_denied.status, 403u);
  EXPECT_EQ(grpc_denied.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Message(json_denied), grpc_denied.error_message());

  // An admin may.
  const auto admin = NewAdmin(*stub_);
  const auto made = Json(port_, "POST", "/v1/barbers", make_barber, admin.token);
  ASSERT_EQ(made.status, 200u) << made.body;
  EXPECT_EQ(Body(made)["barber"]["name"], make_barber["name"]);
}

TEST_F(JsonApiTest, ABarberRunsServicesAndTimeOffOverJson) {
  const std::string base = "/v1/barbers/" + barber_.username;
  const auto saved =
      Json(port_, "PUT", base + "/services",
           {{"service", {{"name", "Fade"}, {"duration_minutes", 45}, {"price_cents", 2500}}}}, barber_.token);
  ASSERT_EQ(saved.status, 200u) << saved.body;
  EXPECT_EQ(Body(saved)["service"]["price_cents"], "2500");  // int64 is a string in the JSON mapping
  EXPECT_EQ(
      Json(port_, "PUT", base + "/services", {{"service", {{"name", "Fade"}, {"duration_minutes", 45}}}}, client_.token)
          .status,
      403u);
  EXPECT_EQ(Json(port_, "GET", base + "/slots?date=" + Slot(3, 9, 0).substr(0, 10) + "&service=Fade").status, 200u);

  const auto off = Json(port_, "POST", base + "/time-off",
                        {{"from", Slot(5, 9, 0)}, {"to", Slot(5, 12, 0)}, {"reason", "dentist"}}, barber_.token);
  ASSERT_EQ(off.status, 201u) << off.body;
  const std::string off_id = Body(off)["time_off"]["time_off_id"];
  const auto listed =
      Json(port_, "GET", base + "/time-off?from=" + Slot(5, 0, 0).substr(0, 10), nullptr, barber_.token);
  ASSERT_EQ(listed.status, 200u) << listed.body;
  ASSERT_EQ(Body(listed)["time_off"].size(), 1u);
  EXPECT_EQ(Json(port_, "DELETE", "/v1/time-off/" + off_id, nullptr, barber_.token).status, 200u);
  // A service name with a space, escaped in the path.
  ASSERT_EQ(Json(port_, "PUT", base + "/services", {{"service", {{"name", "Beard trim"}, {"duration_minutes", 15}}}},
                 barber_.token)
                .status,
            200u);
  const auto removed = Json(port_, "DELETE", base + "/services/Beard%20trim", nullptr, barber_.token);
  ASSERT_EQ(removed.status, 200u) << removed.body;
  EXPECT_EQ(Body(removed)["service"]["name"], "Beard trim");
}

TEST_F(JsonApiTest, MalformedRequestsGetAClearErrorAndChangeNothing) {
  const auto count = [&] {
    return QueryScalar("SELECT count(*) FROM appointments WHERE barber_id = '" + barber_.id + "'");
  };
  const std::string before = count();
  const auto unknown_route = Json(port_, "GET", "/v1/nothing-here");
  EXPECT_EQ(unknown_route.status, 404u);
  EXPECT_NE(Message(unknown_route).find("no such route"), std::string::npos);
  const auto wrong_method = Json(port_, "DELETE", "/v1/barbers");
  EXPECT_EQ(wrong_method.status, 405u);
  EXPECT_EQ(wrong_method.headers.at("allow"), "GET, POST");

  // Not JSON, by its type or its text; a field the message does not have.
  const auto as_form =
      HttpCall(static_cast<std::uint16_t>(port_), "POST", "/v1/appointments",
               {{"Authorization", "Bearer " + client_.token}, {"Content-Type", "application/x-www-form-urlencoded"}},
               "barber_name=x");
  EXPECT_EQ(as_form.status, 415u);
  const auto broken = HttpCall(static_cast<std::uint16_t>(port_), "POST", "/v1/appointments",
                               {{"Authorization", "Bearer " + client_.token}, {"Content-Type", "application/json"}},
                               "{\"barber_name\": ");
  EXPECT_EQ(broken.status, 400u);
  EXPECT_EQ(Code(broken), "INVALID_ARGUMENT");
  const auto extra =
      Json(port_, "POST", "/v1/appointments",
           {{"barber_name", barber_.username}, {"date_time", Slot(2, 9, 0)}, {"barber", "x"}}, client_.token);
  EXPECT_EQ(extra.status, 400u);
  EXPECT_NE(Message(extra).find("barber"), std::string::npos) << extra.body;
  const auto wrong_type =
      Json(port_, "POST", "/v1/appointments", {{"barber_name", 42}, {"date_time", Slot(2, 9, 0)}}, client_.token);
  EXPECT_EQ(wrong_type.status, 400u);
  // Query parameters that are not fields, or not numbers where numbers go.
  EXPECT_EQ(Json(port_, "GET", "/v1/appointments?colour=red", nullptr, client_.token).status, 400u);
  EXPECT_EQ(Json(port_, "GET", "/v1/appointments?from=%zz", nullptr, client_.token).status, 400u);
  EXPECT_EQ(Json(port_, "GET", "/v1/barbers?x=1").status, 400u);
  // A token in the URL would be logged on its way: refused.
  EXPECT_EQ(Json(port_, "GET", "/v1/profile?token=" + client_.token).status, 400u);
  // A body over the limit: 413, unread.
  const auto huge =
      HttpCall(static_cast<std::uint16_t>(port_), "POST", "/v1/accounts", {{"Content-Type", "application/json"}},
               "{\"username\": \"" + std::string(std::size_t{70} * 1024, 'a') + "\"}");
  EXPECT_EQ(huge.status, 413u);
  EXPECT_EQ(Code(huge), "RESOURCE_EXHAUSTED");
  // A path field and a body field that disagree.
  const auto mismatch =
      Json(port_, "PUT", "/v1/barbers/" + barber_.username + "/services",
           {{"barber_name", "someone_else"}, {"service", {{"name", "X"}, {"duration_minutes", 15}}}}, barber_.token);
  EXPECT_EQ(mismatch.status, 400u);
  // A header that cannot be passed on.
  const auto garbled =
      HttpCall(static_cast<std::uint16_t>(port_), "GET", "/v1/profile", {{"Authorization", "Bearer caf\xc3\xa9"}});
  EXPECT_EQ(garbled.status, 400u);
  EXPECT_EQ(count(), before);
  // The server is still there.
  EXPECT_EQ(Json(port_, "GET", "/v1/barbers").status, 200u);
}

TEST(JsonApiLimitsTest, SignUpsPerAddressAnswer429OverJsonAsOverGrpcAndCountTheForwardedClient) {
  ScratchCore core([](app::CoreConfig& c) {
    c.signups_per_address = 1;
    c.trusted_proxies = "127.0.0.1";
  });
  const auto port = core.http_port();
  const auto account = [](const std::string& name) {
    return json{{"username", name}, {"email", name + "@example.com"}, {"password", "a-good-password"}};
  };
  const auto from = [&](const std::string& address, const std::string& name) {
    return HttpCall(static_cast<std::uint16_t>(port), "POST", "/v1/accounts",
                    {{"Content-Type", "application/json"}, {"X-Forwarded-For", address}}, account(name).dump());
  };
  // Behind the trusted gateway (127.0.0.1), each forwarded client has its own count.
  EXPECT_EQ(from("203.0.113.7", "a" + Unique()).status, 201u);
  const auto refused = from("203.0.113.7", "b" + Unique());
  EXPECT_EQ(refused.status, 429u);
  EXPECT_EQ(Code(refused), "RESOURCE_EXHAUSTED");
  EXPECT_EQ(from("203.0.113.8", "c" + Unique()).status, 201u);

  // gRPC from the same client, through the same trusted peer: the same count, the same answer.
  auto stub = core.NewStub();
  SignUpRequest request;
  request.set_username("d" + Unique());
  request.set_email(request.username() + "@example.com");
  request.set_password("a-good-password");
  SignUpResponse response;
  auto context = Authed("");
  context->AddMetadata("x-forwarded-for", "203.0.113.7");
  const auto grpc_refused = stub->SignUp(context.get(), request, &response);
  EXPECT_EQ(grpc_refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(grpc_refused.error_message(), Message(refused));
}

}  // namespace
}  // namespace barbershop::core::testing
