#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "barbershop/common/ids.hpp"
#include "domain/bookings.hpp"
#include "shop_fixture.hpp"

namespace barbershop::core::domain {
namespace {

using namespace std::chrono_literals;
using common::ErrorCode;

// Ana's chair waits for her to confirm; Bob's confirms at once.  Monday 2026-12-07 is a
// working day, six days after the clock's Tuesday.
class BookingServiceTest : public ShopFixture {
 protected:
  BookingServiceTest()
      : ana_(AddBarber("ana", "Ana")),
        bob_(AddBarber("bob", "Bob", /*auto_confirm=*/true)),
        carol_(AddCustomer("carol")),
        dan_(AddCustomer("dan")),
        root_(AddAdmin("root")) {}

  common::Result<Appointment> Book(const User& caller, const std::string& at, const std::string& barber = "Ana",
                                   const std::string& for_user = {}, const std::string& key = {},
                                   const std::string& service = {}) {
    return service_.Create(As(caller), for_user, at, barber, key, service);
  }
  // A booking that must succeed.
  Appointment Booked(const User& caller, const std::string& at, const std::string& barber = "Ana") {
    auto made = Book(caller, at, barber);
    if (!made) {
      ADD_FAILURE() << "booking " << at << " failed: " << made.error().message;
      return {};
    }
    return *made;
  }
  const InMemoryStore& Store() { return work_.store(); }
  nlohmann::json LastEvent() { return nlohmann::json::parse(Store().outbox.back().event.payload_json); }
  Appointment Stored(const std::string& id) { return work_.appointments().Find(id).value().value(); }

  User ana_, bob_, carol_, dan_, root_;
  BookingService service_{work_, Shop(), clock_, policy_};
};

TEST_F(BookingServiceTest, AFreeSlotIsBookedPendingAndTheOutboxSaysWhoBookedWhat) {
  const auto made = Book(carol_, "2026-12-07T10:00");
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_EQ(made->status, AppointmentStatus::kPending);
  EXPECT_EQ(made->barber_id, ana_.id);
  EXPECT_EQ(made->barber_name, "Ana");
  EXPECT_EQ(made->client_id, carol_.id);
  EXPECT_EQ(made->client_name, "carol");
  EXPECT_EQ(made->starts_at, At("2026-12-07T10:00"));
  EXPECT_EQ(made->ends_at, At("2026-12-07T10:30"));  // the shop's default length
  EXPECT_EQ(Stored(made->id).status, AppointmentStatus::kPending);

  ASSERT_EQ(Store().outbox.size(), 1u);
  EXPECT_EQ(Store().outbox[0].aggregate_id, made->id);
  EXPECT_EQ(Store().outbox[0].event.routing_key, "appointment.created");
  const auto event = LastEvent();
  EXPECT_EQ(event["type"], "appointment.created");
  EXPECT_EQ(event["appointment"]["barber_id"], ana_.id);
  EXPECT_EQ(event["appointment"]["client_id"], carol_.id);
  EXPECT_EQ(event["appointment"]["status"], "pending");
  EXPECT_EQ(event["appointment"]["start"], "2026-12-07T10:00:00+02:00");
  EXPECT_EQ(event["actor"]["user_id"], carol_.id);
  EXPECT_EQ(event["actor"]["role"], "customer");
}

TEST_F(BookingServiceTest, ABarberWhoAutoConfirmsGetsConfirmedBookings) {
  const auto made = Book(carol_, "2026-12-07T10:00", "Bob");
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_EQ(made->status, AppointmentStatus::kConfirmed);
  EXPECT_EQ(LastEvent()["appointment"]["status"], "confirmed");
}

TEST_F(BookingServiceTest, TheBarberIsFoundByNameIgnoringCase) {
  const auto made = Book(carol_, "2026-12-07T10:00", "aNA");
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_EQ(made->barber_id, ana_.id);
}

TEST_F(BookingServiceTest, ASlotTheBarberHasBookedIsRefused) {
  policy_.rules.grid = 15min;  // starts between the half hours, to overlap
  Booked(carol_, "2026-12-07T10:00");
  EXPECT_TRUE(Fails(Book(dan_, "2026-12-07T10:15"), ErrorCode::kAlreadyExists, "that slot is already booked"));
  EXPECT_TRUE(Fails(Book(dan_, "2026-12-07T09:45"), ErrorCode::kAlreadyExists, "that slot is already booked"));
  EXPECT_TRUE(Book(dan_, "2026-12-07T10:30"));  // ends meet: no overlap
  EXPECT_EQ(Store().appointments.size(), 2u);
  EXPECT_EQ(Store().outbox.size(), 2u);
}

TEST_F(BookingServiceTest, AClientCannotBeInTwoChairsAtOnce) {
  policy_.rules.grid = 15min;
  Booked(carol_, "2026-12-07T10:00", "Ana");
  EXPECT_TRUE(Fails(Book(carol_, "2026-12-07T10:15", "Bob"), ErrorCode::kAlreadyExists,
                    "the client already has an appointment at that time"));
  EXPECT_EQ(Store().appointments.size(), 1u);
}

TEST_F(BookingServiceTest, ACanceledBookingFreesItsSlot) {
  const auto first = Booked(carol_, "2026-12-07T10:00");
  ASSERT_TRUE(service_.Cancel(As(carol_), first.id));
  EXPECT_TRUE(Book(dan_, "2026-12-07T10:00"));
}

TEST_F(BookingServiceTest, ACustomerCannotBookForSomeoneElse) {
  EXPECT_TRUE(Fails(Book(carol_, "2026-12-07T10:00", "Ana", dan_.id), ErrorCode::kPermissionDenied,
                    "you can only book appointments for yourself"));
  // Nor can a barber book a client into a chair.
  EXPECT_TRUE(Fails(Book(bob_, "2026-12-07T10:00", "Ana", dan_.id), ErrorCode::kPermissionDenied));
  EXPECT_TRUE(Store().appointments.empty());
  EXPECT_TRUE(Store().outbox.empty());
}

TEST_F(BookingServiceTest, AnAdminMayBookForAnyone) {
  const auto made = Book(root_, "2026-12-07T10:00", "Ana", carol_.id);
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_EQ(made->client_id, carol_.id);
  EXPECT_EQ(LastEvent()["actor"]["role"], "admin");
}

TEST_F(BookingServiceTest, AnUnknownBarberOrClientIsNotFound) {
  EXPECT_TRUE(Fails(Book(carol_, "2026-12-07T10:00", "Zed"), ErrorCode::kNotFound, "no barber named 'Zed'"));
  const std::string nobody = common::NewUuid();
  EXPECT_TRUE(Fails(Book(root_, "2026-12-07T10:00", "Ana", nobody), ErrorCode::kNotFound, "no user with id " + nobody));
  EXPECT_TRUE(Store().appointments.empty());
}

TEST_F(BookingServiceTest, ABarberCannotBookTheirOwnChair) {
  EXPECT_TRUE(Fails(Book(ana_, "2026-12-07T10:00", "Ana"), ErrorCode::kInvalidArgument,
                    "a barber cannot book their own chair"));
  EXPECT_TRUE(Book(ana_, "2026-12-07T10:00", "Bob"));  // another barber's chair is fine
}

TEST_F(BookingServiceTest, OnlyFutureTimesWithinHoursAndHorizonCanBeBooked) {
  EXPECT_TRUE(Fails(Book(carol_, "2026-12-06T10:00"), ErrorCode::kFailedPrecondition,
                    "Ana does not work at 2026-12-06T10:00:00+02:00"));  // a Sunday
  EXPECT_TRUE(Fails(Book(carol_, "2026-12-07T17:45"), ErrorCode::kFailedPrecondition, "Mon 09:00-18:00"));
  EXPECT_TRUE(Fails(Book(carol_, "2026-12-01T07:30"), ErrorCode::kInvalidArgument, "that time is in the past"));
  EXPECT_TRUE(Fails(Book(carol_, "2026-12-01T08:00"), ErrorCode::kInvalidArgument, "that time is in the past"));
  EXPECT_TRUE(Fails(Book(carol_, "2028-01-04T10:00"), ErrorCode::kFailedPrecondition,
                    "too far ahead: bookings open at most 366 days ahead"));
  EXPECT_TRUE(Fails(Book(carol_, "not a time"), ErrorCode::kInvalidArgument));
  EXPECT_TRUE(Store().appointments.empty());
}

TEST_F(BookingServiceTest, AServiceGivesTheBookingItsLengthAndPrice) {
  ASSERT_TRUE(work_.barbers().SaveService(ana_.id, {"Beard trim", 45min, 2500}, std::nullopt));
  const auto made = Book(carol_, "2026-12-07T10:00", "Ana", {}, {}, "beard TRIM");
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_EQ(made->ends_at, At("2026-12-07T10:45"));
  EXPECT_EQ(made->service_name, "Beard trim");
  EXPECT_EQ(made->price_cents, 2500);
  EXPECT_EQ(LastEvent()["appointment"]["price_cents"], 2500);
  // Its length counts against the hours too: 17:30 + 45 minutes is past closing.
  EXPECT_TRUE(Fails(Book(dan_, "2026-12-07T17:30", "Ana", {}, {}, "Beard trim"), ErrorCode::kFailedPrecondition));
  EXPECT_TRUE(Book(dan_, "2026-12-07T17:30"));
}

TEST_F(BookingServiceTest, AnUnknownServiceIsNotFoundNamingThoseOffered) {
  EXPECT_TRUE(Fails(Book(carol_, "2026-12-07T10:00", "Ana", {}, {}, "Shave"), ErrorCode::kNotFound,
                    "Ana offers no service called 'Shave'; offered: none"));
  ASSERT_TRUE(work_.barbers().SaveService(ana_.id, {"Cut", 30min, 2000}, std::nullopt));
  ASSERT_TRUE(work_.barbers().SaveService(ana_.id, {"Beard", 15min, 1000}, std::nullopt));
  EXPECT_TRUE(
      Fails(Book(carol_, "2026-12-07T10:00", "Ana", {}, {}, "Shave"), ErrorCode::kNotFound, "offered: Beard, Cut"));
  EXPECT_TRUE(Store().appointments.empty());
}

TEST_F(BookingServiceTest, ARetryWithTheSameKeyAnswersWithTheFirstBookingAndBooksNothingMore) {
  const auto first = Book(carol_, "2026-12-07T10:00", "Ana", {}, "key-1");
  ASSERT_TRUE(first) << first.error().message;
  const auto retry = Book(carol_, "2026-12-07T10:00", "Ana", {}, "key-1");
  ASSERT_TRUE(retry) << retry.error().message;
  EXPECT_EQ(retry->id, first->id);
  // Even once the booking's time has passed.
  clock_.Set(At("2026-12-07T11:00"));
  const auto late = Book(carol_, "2026-12-07T10:00", "Ana", {}, "key-1");
  ASSERT_TRUE(late) << late.error().message;
  EXPECT_EQ(late->id, first->id);
  EXPECT_EQ(Store().appointments.size(), 1u);
  EXPECT_EQ(Store().outbox.size(), 1u);
}

TEST_F(BookingServiceTest, ADifferentBookingUnderTheSameKeyIsRefused) {
  ASSERT_TRUE(Book(carol_, "2026-12-07T10:00", "Ana", {}, "key-1"));
  EXPECT_TRUE(Fails(Book(carol_, "2026-12-07T11:00", "Ana", {}, "key-1"), ErrorCode::kInvalidArgument,
                    "that idempotency-key already booked a different appointment (Ana, 2026-12-07T10:00:00+02:00)"));
  EXPECT_TRUE(Fails(Book(carol_, "2026-12-07T10:00", "Bob", {}, "key-1"), ErrorCode::kInvalidArgument));
  EXPECT_EQ(Store().appointments.size(), 1u);
  // A key is the booker's own: another customer's booking under it is theirs.
  EXPECT_TRUE(Book(dan_, "2026-12-07T11:00", "Ana", {}, "key-1"));
}

TEST_F(BookingServiceTest, ACustomerMayHoldOnlySoManyUpcomingBookings) {
  policy_.max_live_bookings = 2;
  const auto first = Booked(carol_, "2026-12-07T10:00");
  Booked(carol_, "2026-12-08T10:00");
  EXPECT_TRUE(Fails(Book(carol_, "2026-12-09T10:00"), ErrorCode::kFailedPrecondition,
                    "you already hold 2 upcoming appointments"));
  ASSERT_TRUE(service_.Cancel(As(carol_), first.id));
  EXPECT_TRUE(Book(carol_, "2026-12-09T10:00"));  // a canceled booking holds no place
  // One that has started no longer counts.
  clock_.Set(At("2026-12-08T10:10"));
  EXPECT_TRUE(Book(carol_, "2026-12-10T10:00"));
}

TEST_F(BookingServiceTest, TheBookingCapHoldsCustomersOnly) {
  policy_.max_live_bookings = 1;
  Booked(carol_, "2026-12-07T10:00");
  EXPECT_TRUE(Book(root_, "2026-12-08T10:00", "Ana", carol_.id));  // an admin booking for her
  Booked(ana_, "2026-12-07T10:00", "Bob");
  EXPECT_TRUE(Book(ana_, "2026-12-08T10:00", "Bob"));  // a barber booking for themselves
}

class BookedTest : public BookingServiceTest {
 protected:
  BookedTest() : booked_(Booked(carol_, "2026-12-07T10:00")) {}
  Appointment booked_;
};

TEST_F(BookedTest, AClientsMoveGoesBackToPending) {
  ASSERT_TRUE(service_.Confirm(As(ana_), booked_.id));
  const auto moved = service_.Modify(As(carol_), booked_.id, "2026-12-07T11:00");
  ASSERT_TRUE(moved) << moved.error().message;
  EXPECT_EQ(moved->status, AppointmentStatus::kPending);
  EXPECT_EQ(moved->starts_at, At("2026-12-07T11:00"));
  EXPECT_EQ(moved->ends_at, At("2026-12-07T11:30"));
  const auto stored = Stored(booked_.id);
  EXPECT_EQ(stored.status, AppointmentStatus::kPending);
  EXPECT_EQ(stored.starts_at, At("2026-12-07T11:00"));
  EXPECT_EQ(Store().outbox.back().event.routing_key, "appointment.modified");
  EXPECT_EQ(LastEvent()["previous"]["start"], "2026-12-07T10:00:00+02:00");
  EXPECT_FALSE(LastEvent().contains("last_minute"));
}

TEST_F(BookedTest, AClientsMoveStaysConfirmedWhenTheBarberAutoConfirms) {
  const auto at_bob = Booked(dan_, "2026-12-07T10:00", "Bob");
  ASSERT_EQ(at_bob.status, AppointmentStatus::kConfirmed);
  const auto moved = service_.Modify(As(dan_), at_bob.id, "2026-12-07T11:00");
  ASSERT_TRUE(moved) << moved.error().message;
  EXPECT_EQ(moved->status, AppointmentStatus::kConfirmed);
}

TEST_F(BookedTest, ABarbersMoveKeepsTheStatus) {
  ASSERT_TRUE(service_.Confirm(As(ana_), booked_.id));
  const auto moved = service_.Modify(As(ana_), booked_.id, "2026-12-07T11:00");
  ASSERT_TRUE(moved) << moved.error().message;
  EXPECT_EQ(moved->status, AppointmentStatus::kConfirmed);
}

TEST_F(BookedTest, AMoveIsHeldToTheSameRulesAsABooking) {
  policy_.rules.grid = 15min;
  Booked(dan_, "2026-12-07T11:00");
  EXPECT_TRUE(Fails(service_.Modify(As(carol_), booked_.id, "2026-12-07T11:15"), ErrorCode::kAlreadyExists,
                    "that slot is already booked"));
  EXPECT_TRUE(Fails(service_.Modify(As(carol_), booked_.id, "2026-12-06T11:00"), ErrorCode::kFailedPrecondition,
                    "does not work"));
  EXPECT_TRUE(
      Fails(service_.Modify(As(carol_), booked_.id, "2026-12-01T07:00"), ErrorCode::kInvalidArgument, "in the past"));
  ASSERT_TRUE(work_.time_off().AddTimeOff(*work_.barbers().FindBarberById(ana_.id).value(),
                                          {At("2026-12-07T14:00"), At("2026-12-07T16:00")}, "dentist", {}));
  EXPECT_TRUE(Fails(service_.Modify(As(carol_), booked_.id, "2026-12-07T15:00"), ErrorCode::kFailedPrecondition,
                    "Ana is off at that time"));
  EXPECT_TRUE(Fails(service_.Modify(As(dan_), booked_.id, "2026-12-07T12:00"), ErrorCode::kPermissionDenied,
                    "that appointment belongs to someone else"));
  EXPECT_EQ(Stored(booked_.id).starts_at, At("2026-12-07T10:00"));
  EXPECT_EQ(Store().outbox.size(), 3u);  // the two bookings and the time off only
}

TEST_F(BookedTest, ACustomerCannotMoveAnAppointmentThatHasStarted) {
  clock_.Set(At("2026-12-07T10:05"));
  EXPECT_TRUE(Fails(service_.Modify(As(carol_), booked_.id, "2026-12-07T15:00"), ErrorCode::kFailedPrecondition,
                    "the appointment has already started"));
  EXPECT_TRUE(service_.Modify(As(ana_), booked_.id, "2026-12-07T15:00"));
}

TEST_F(BookedTest, OnlyALiveAppointmentCanBeMoved) {
  ASSERT_TRUE(service_.Cancel(As(carol_), booked_.id));
  EXPECT_TRUE(Fails(service_.Modify(As(carol_), booked_.id, "2026-12-07T15:00"), ErrorCode::kFailedPrecondition,
                    "a canceled appointment cannot be moved"));
}

TEST_F(BookedTest, AChangeBasedOnAStaleReadIsRefused) {
  // Read by one call, then changed by another before the first writes.
  const Appointment stale = booked_;
  ASSERT_TRUE(service_.Modify(As(ana_), booked_.id, "2026-12-07T11:00"));
  Appointment after = stale;
  after.status = AppointmentStatus::kCanceled;
  const OutboxEvent event{common::NewUuid(), "appointment.canceled", "{}"};
  EXPECT_TRUE(Fails(work_.appointments().Update(stale, after, event), ErrorCode::kFailedPrecondition,
                    "changed by someone else"));
  EXPECT_EQ(Stored(booked_.id).status, AppointmentStatus::kPending);
}

TEST_F(BookedTest, AClientCancelsBeforeTheStartButNotAfter) {
  const auto other = Booked(carol_, "2026-12-08T10:00");
  const auto canceled = service_.Cancel(As(carol_), booked_.id);
  ASSERT_TRUE(canceled) << canceled.error().message;
  EXPECT_EQ(canceled->status, AppointmentStatus::kCanceled);
  EXPECT_EQ(Stored(booked_.id).status, AppointmentStatus::kCanceled);
  EXPECT_EQ(Store().outbox.back().event.routing_key, "appointment.canceled");
  EXPECT_TRUE(Fails(service_.Cancel(As(carol_), booked_.id), ErrorCode::kFailedPrecondition,
                    "a canceled appointment cannot be canceled"));

  clock_.Set(At("2026-12-08T10:05"));
  EXPECT_TRUE(Fails(service_.Cancel(As(carol_), other.id), ErrorCode::kFailedPrecondition,
                    "the appointment has already started"));
  EXPECT_TRUE(service_.Cancel(As(ana_), other.id));  // the barber may
}

TEST_F(BookedTest, OnlyTheAppointmentsPartiesMayCancelIt) {
  EXPECT_TRUE(Fails(service_.Cancel(As(dan_), booked_.id), ErrorCode::kPermissionDenied));
  EXPECT_TRUE(Fails(service_.Cancel(As(bob_), booked_.id), ErrorCode::kPermissionDenied));
  EXPECT_TRUE(service_.Cancel(As(root_), booked_.id));
}

TEST_F(BookedTest, ABarbersCancellationCloseToTheStartIsFlaggedLastMinute) {
  const auto later = Booked(carol_, "2026-12-07T15:00");
  clock_.Set(At("2026-12-07T08:30"));  // 90 minutes before the first, within the 120-minute window
  ASSERT_TRUE(service_.Cancel(As(ana_), booked_.id));
  EXPECT_EQ(LastEvent()["last_minute"], true);
  ASSERT_TRUE(service_.Cancel(As(ana_), later.id));  // six and a half hours ahead
  EXPECT_FALSE(LastEvent().contains("last_minute"));
}

TEST_F(BookedTest, ABarbersMoveCloseToTheStartIsFlaggedButAClientsIsNot) {
  const auto dans = Booked(dan_, "2026-12-07T11:00");
  clock_.Set(At("2026-12-07T09:00"));
  ASSERT_TRUE(service_.Modify(As(ana_), booked_.id, "2026-12-07T12:00"));
  EXPECT_EQ(LastEvent()["last_minute"], true);
  ASSERT_TRUE(service_.Cancel(As(dan_), dans.id));
  EXPECT_FALSE(LastEvent().contains("last_minute"));
}

TEST_F(BookedTest, OnlyTheBarberOrAnAdminConfirmsAPendingAppointment) {
  EXPECT_TRUE(Fails(service_.Confirm(As(carol_), booked_.id), ErrorCode::kPermissionDenied,
                    "only the appointment's barber can confirm it"));
  EXPECT_TRUE(Fails(service_.Confirm(As(bob_), booked_.id), ErrorCode::kPermissionDenied));
  const auto confirmed = service_.Confirm(As(ana_), booked_.id);
  ASSERT_TRUE(confirmed) << confirmed.error().message;
  EXPECT_EQ(Stored(booked_.id).status, AppointmentStatus::kConfirmed);
  EXPECT_EQ(Store().outbox.back().event.routing_key, "appointment.confirmed");
  EXPECT_TRUE(Fails(service_.Confirm(As(ana_), booked_.id), ErrorCode::kFailedPrecondition,
                    "only a pending appointment can be confirmed; this one is confirmed"));

  const auto dans = Booked(dan_, "2026-12-07T11:00");
  EXPECT_TRUE(service_.Confirm(As(root_), dans.id));
}

TEST_F(BookedTest, OnlyAConfirmedAppointmentThatHasStartedCloses) {
  EXPECT_TRUE(Fails(service_.Close(As(ana_), booked_.id, AppointmentStatus::kCompleted), ErrorCode::kFailedPrecondition,
                    "only a confirmed appointment can be completed; this one is pending"));
  ASSERT_TRUE(service_.Confirm(As(ana_), booked_.id));
  EXPECT_TRUE(Fails(service_.Close(As(ana_), booked_.id, AppointmentStatus::kCompleted), ErrorCode::kFailedPrecondition,
                    "the appointment has not started yet"));
  clock_.Set(At("2026-12-07T10:00"));
  EXPECT_TRUE(Fails(service_.Close(As(carol_), booked_.id, AppointmentStatus::kCompleted), ErrorCode::kPermissionDenied,
                    "only the appointment's barber can mark it completed"));
  EXPECT_TRUE(Fails(service_.Close(As(ana_), booked_.id, AppointmentStatus::kCanceled), ErrorCode::kInvalidArgument));
  const auto completed = service_.Close(As(ana_), booked_.id, AppointmentStatus::kCompleted);
  ASSERT_TRUE(completed) << completed.error().message;
  EXPECT_EQ(Stored(booked_.id).status, AppointmentStatus::kCompleted);
  EXPECT_EQ(Store().outbox.back().event.routing_key, "appointment.completed");
  EXPECT_TRUE(Fails(service_.Close(As(ana_), booked_.id, AppointmentStatus::kNoShow), ErrorCode::kFailedPrecondition,
                    "this one is completed"));
}

TEST_F(BookedTest, ANoShowIsMarkedByTheBarberOrAnAdmin) {
  const auto at_bob = Booked(dan_, "2026-12-07T10:00", "Bob");  // confirmed at once
  clock_.Set(At("2026-12-07T10:20"));
  EXPECT_TRUE(Fails(service_.Close(As(dan_), at_bob.id, AppointmentStatus::kNoShow), ErrorCode::kPermissionDenied,
                    "a no-show"));
  ASSERT_TRUE(service_.Close(As(root_), at_bob.id, AppointmentStatus::kNoShow));
  EXPECT_EQ(Stored(at_bob.id).status, AppointmentStatus::kNoShow);
  EXPECT_EQ(Store().outbox.back().event.routing_key, "appointment.no_show");
}

TEST_F(BookedTest, AnAppointmentIsSeenOnlyByItsParties) {
  EXPECT_TRUE(service_.Get(As(carol_), booked_.id));
  EXPECT_TRUE(service_.Get(As(ana_), booked_.id));
  EXPECT_TRUE(service_.Get(As(root_), booked_.id));
  EXPECT_TRUE(Fails(service_.Get(As(dan_), booked_.id), ErrorCode::kPermissionDenied,
                    "that appointment belongs to someone else"));
  EXPECT_TRUE(Fails(service_.Get(As(bob_), booked_.id), ErrorCode::kPermissionDenied));
  EXPECT_TRUE(Fails(service_.Get(As(carol_), common::NewUuid()), ErrorCode::kNotFound, "no appointment with id"));
  EXPECT_TRUE(Fails(service_.Get(As(carol_), "42"), ErrorCode::kInvalidArgument));
}

TEST_F(BookedTest, ACustomerListsOnlyTheirOwnAppointments) {
  EXPECT_TRUE(Fails(service_.List(As(dan_), carol_.id), ErrorCode::kPermissionDenied,
                    "you can only list your own appointments"));
  EXPECT_TRUE(Fails(service_.List(As(ana_), carol_.id), ErrorCode::kPermissionDenied));
  const auto by_admin = service_.List(As(root_), carol_.id);
  ASSERT_TRUE(by_admin) << by_admin.error().message;
  ASSERT_EQ(by_admin->appointments.size(), 1u);
  EXPECT_EQ(by_admin->appointments[0].id, booked_.id);
  EXPECT_TRUE(Fails(service_.List(As(root_), common::NewUuid()), ErrorCode::kNotFound));
  const auto dans = service_.List(As(dan_), "");
  ASSERT_TRUE(dans);
  EXPECT_TRUE(dans->appointments.empty());
}

TEST_F(BookedTest, ABarbersListIsTheirChairInTimeOrderFromTheStartOfToday) {
  Booked(dan_, "2026-12-07T09:00");
  Booked(carol_, "2026-12-07T12:00", "Bob");  // another chair
  for (const auto& list : {service_.List(As(ana_), ""), service_.List(As(root_), ana_.id)}) {
    ASSERT_TRUE(list) << list.error().message;
    ASSERT_EQ(list->appointments.size(), 2u);
    EXPECT_EQ(list->appointments[0].starts_at, At("2026-12-07T09:00"));
    EXPECT_EQ(list->appointments[1].id, booked_.id);
    EXPECT_FALSE(list->more);
  }
  clock_.Set(At("2026-12-07T23:00"));  // the same day: still listed
  EXPECT_EQ(service_.List(As(ana_), "")->appointments.size(), 2u);
  clock_.Set(At("2026-12-08T00:00"));
  EXPECT_TRUE(service_.List(As(ana_), "")->appointments.empty());
  const auto asked = service_.List(As(ana_), "", "2026-12-07", "2026-12-07T09:30");
  ASSERT_TRUE(asked) << asked.error().message;
  ASSERT_EQ(asked->appointments.size(), 1u);
  EXPECT_TRUE(Fails(service_.List(As(ana_), "", "2026-12-08", "2026-12-07"), ErrorCode::kInvalidArgument,
                    "from must be before to"));
}

TEST_F(BookingServiceTest, AListGivesTheEarliestFiveHundredAndSaysMoreFollow) {
  // Stored directly: as many bookings through the service would take a year of Mondays.
  const auto first = At("2026-12-07T09:00");
  for (std::size_t i = kListLimit + 5; i-- > 0;) {
    const auto start = first + std::chrono::minutes(30 * i);
    work_.store().appointments.push_back({Appointment{common::NewUuid(), ana_.id, "Ana", carol_.id, "carol", start,
                                                      start + 30min, AppointmentStatus::kPending, "", 0},
                                          "", ""});
  }
  const auto list = service_.List(As(carol_), "");
  ASSERT_TRUE(list) << list.error().message;
  ASSERT_EQ(list->appointments.size(), kListLimit);
  EXPECT_TRUE(list->more);
  EXPECT_EQ(list->appointments.front().starts_at, first);
  EXPECT_EQ(list->appointments.back().starts_at, first + std::chrono::minutes(30 * (kListLimit - 1)));
}

TEST_F(BookingServiceTest, SlotsLeaveOutWhatIsBookedTimeOffAndThePast) {
  const auto starts = [&](const std::string& service = {}) {
    std::vector<std::string> out;
    const auto slots = service_.Slots("Ana", "2026-12-07", service);
    EXPECT_TRUE(slots) << slots.error().message;
    if (slots) {
      for (const auto& t : *slots) out.push_back(Shop().Format(t).substr(11, 5));
    }
    return out;
  };
  EXPECT_EQ(starts().size(), 18u);  // 09:00 to 17:30
  Booked(dan_, "2026-12-07T10:00");
  const auto canceled = Booked(carol_, "2026-12-07T11:00");
  ASSERT_TRUE(service_.Cancel(As(carol_), canceled.id));
  ASSERT_TRUE(work_.time_off().AddTimeOff(*work_.barbers().FindBarberById(ana_.id).value(),
                                          {At("2026-12-07T13:00"), At("2026-12-07T14:00")}, "", {}));
  clock_.Set(At("2026-12-07T09:10"));
  EXPECT_EQ(starts(), (std::vector<std::string>{"09:30", "10:30", "11:00", "11:30", "12:00", "12:30", "14:00", "14:30",
                                                "15:00", "15:30", "16:00", "16:30", "17:00", "17:30"}));
  ASSERT_TRUE(work_.barbers().SaveService(ana_.id, {"Long", 60min, 0}, std::nullopt));
  EXPECT_EQ(starts("Long"), (std::vector<std::string>{"10:30", "11:00", "11:30", "12:00", "14:00", "14:30", "15:00",
                                                      "15:30", "16:00", "16:30", "17:00"}));
  EXPECT_TRUE(Fails(service_.Slots("Zed", "2026-12-07"), ErrorCode::kNotFound));
  EXPECT_TRUE(
      Fails(service_.Slots("Ana", "2026-12-07T10:00"), ErrorCode::kInvalidArgument, "date must be a calendar day"));
  EXPECT_TRUE(Fails(service_.Slots("Ana", "2026-12-07", "Shave"), ErrorCode::kNotFound, "offered: Long"));
}

TEST_F(BookingServiceTest, SlotsLeaveOutABookingBehindMoreThanAListOfCancelledOnes) {
  // Stored directly: the evening before, more cancelled bookings than one list holds (a
  // customer booking and cancelling again and again), all in the hours a late booking's
  // reach is read from.  The live booking at 10:00 comes after them.
  const auto evening = At("2026-12-06T13:00");
  for (std::size_t i = 0; i < kListLimit + 5; ++i) {
    const auto start = evening + std::chrono::minutes(i);
    work_.store().appointments.push_back({Appointment{common::NewUuid(), ana_.id, "Ana", carol_.id, "carol", start,
                                                      start + 30min, AppointmentStatus::kCanceled, "", 0},
                                          "", ""});
  }
  Booked(dan_, "2026-12-07T10:00");
  const auto slots = service_.Slots("Ana", "2026-12-07");
  ASSERT_TRUE(slots) << slots.error().message;
  EXPECT_EQ(slots->size(), 17u);
  EXPECT_EQ(std::count(slots->begin(), slots->end(), At("2026-12-07T10:00")), 0);
}

TEST_F(BookingServiceTest, SlotsByBarberIdAreTheSlotsByName) {
  Booked(carol_, "2026-12-07T10:00");
  ASSERT_TRUE(work_.barbers().SaveService(ana_.id, {"Long", 60min, 0}, std::nullopt));
  for (const std::string service : {"", "long"}) {
    const auto by_name = service_.Slots("Ana", "2026-12-07", service);
    const auto by_id = service_.SlotsById(ana_.id, "2026-12-07", service);
    ASSERT_TRUE(by_name) << by_name.error().message;
    ASSERT_TRUE(by_id) << by_id.error().message;
    EXPECT_EQ(*by_id, *by_name) << service;
    EXPECT_EQ(by_id->size(), service.empty() ? 17u : 15u);
  }
  EXPECT_TRUE(Fails(service_.SlotsById("Ana", "2026-12-07"), ErrorCode::kInvalidArgument, "barber_id"));
  EXPECT_TRUE(Fails(service_.SlotsById("", "2026-12-07"), ErrorCode::kInvalidArgument, "barber_id"));
  const std::string unknown = common::NewUuid();
  EXPECT_TRUE(Fails(service_.SlotsById(unknown, "2026-12-07"), ErrorCode::kNotFound, "no barber with id " + unknown));
  EXPECT_TRUE(Fails(service_.SlotsById(carol_.id, "2026-12-07"), ErrorCode::kNotFound));  // a client has no chair
  EXPECT_TRUE(Fails(service_.SlotsById(ana_.id, "2026-12-07T10:00"), ErrorCode::kInvalidArgument,
                    "date must be a calendar day"));
  EXPECT_TRUE(Fails(service_.SlotsById(ana_.id, "2026-12-07", "Shave"), ErrorCode::kNotFound, "offered: Long"));
}

// Ana keeps 15 minutes after each appointment, books on a 15-minute grid, at least an
// hour ahead and at most 30 days ahead, and her customers cannot cancel or move within
// 24 hours of the start.  Bob keeps the shop's rules.
class BookingRulesTest : public BookingServiceTest {
 protected:
  BookingRulesTest() {
    const RuleChoices rules{15, 60, 30, 15, 24 * 60};
    std::vector<WorkingHours> hours;
    for (unsigned day = 1; day <= 6; ++day) hours.push_back({day, 9 * 60, 18 * 60});
    EXPECT_TRUE(work_.barbers().SaveBarber(ana_.id, "Ana", false, hours, rules, std::nullopt));
  }
  std::vector<std::string> Slots(const std::string& barber, const std::string& day) {
    std::vector<std::string> out;
    const auto slots = service_.Slots(barber, day);
    for (const auto t : slots.value()) out.push_back(Shop().Format(t).substr(11, 5));
    return out;
  }
};

TEST_F(BookingRulesTest, EachRuleRefusesWhatTheSlotsLeaveOutAndNamesTheRule) {
  EXPECT_TRUE(Fails(Book(carol_, "2026-12-07T10:10"), ErrorCode::kFailedPrecondition,
                    "off the grid: Ana's appointments start every 15 minutes from 09:00"));
  EXPECT_TRUE(Fails(Book(carol_, "2026-12-01T08:45"), ErrorCode::kFailedPrecondition,
                    "too soon: Ana takes bookings at least 1 hour ahead"));
  EXPECT_TRUE(Fails(Book(carol_, "2027-01-04T10:00"), ErrorCode::kFailedPrecondition,
                    "too far ahead: bookings open at most 30 days ahead"));
  ASSERT_TRUE(Book(carol_, "2026-12-07T10:00"));
  // 10:30 to 10:45 is Ana's buffer: neither a booking there nor one whose own buffer
  // would run into 10:00.
  EXPECT_TRUE(Fails(Book(dan_, "2026-12-07T10:30"), ErrorCode::kFailedPrecondition,
                    "inside the buffer: Ana keeps time free after each appointment"));
  EXPECT_TRUE(Fails(Book(dan_, "2026-12-07T09:30"), ErrorCode::kFailedPrecondition, "inside the buffer"));
  // Overlap stays what it was.
  EXPECT_TRUE(Fails(Book(dan_, "2026-12-07T10:15"), ErrorCode::kAlreadyExists, "that slot is already booked"));
  EXPECT_TRUE(Book(dan_, "2026-12-07T10:45"));
  EXPECT_EQ(Store().appointments.size(), 2U);
  // Bob keeps the shop's rules: half hours, no buffer.
  EXPECT_TRUE(Book(carol_, "2026-12-07T12:00", "Bob"));
  EXPECT_TRUE(Book(dan_, "2026-12-07T12:30", "Bob"));
  EXPECT_TRUE(Fails(Book(dan_, "2026-12-07T13:15", "Bob"), ErrorCode::kFailedPrecondition, "every 30 minutes"));
}

TEST_F(BookingRulesTest, TheSlotsOfferWhatTheRulesAllowAndNothingElse) {
  ASSERT_TRUE(Book(carol_, "2026-12-07T10:00"));
  const auto slots = Slots("Ana", "2026-12-07");
  EXPECT_EQ(std::vector<std::string>(slots.begin(), slots.begin() + 5),
            (std::vector<std::string>{"09:00", "09:15", "10:45", "11:00", "11:15"}));
  for (const auto& slot : slots) {
    auto made = Book(dan_, "2026-12-07T" + slot);
    EXPECT_TRUE(made) << slot << ": " << made.error().message;
    if (made) {
      ASSERT_TRUE(service_.Cancel(As(dan_), made->id));
    }
  }
  // An hour's notice on the day itself.
  clock_.Set(At("2026-12-07T09:10"));
  EXPECT_EQ(Slots("Ana", "2026-12-07").front(), "10:45");
  EXPECT_TRUE(Slots("Ana", "2027-01-08").empty());  // 31 days ahead
}

TEST_F(BookingRulesTest, ACustomerCannotCancelOrMoveWithinTheNoticeTheBarberStillCan) {
  const auto made = Booked(carol_, "2026-12-07T10:00");
  const auto other = Booked(dan_, "2026-12-07T12:00");
  clock_.Set(At("2026-12-06T10:30"));  // 23.5 hours before
  EXPECT_TRUE(Fails(service_.Cancel(As(carol_), made.id), ErrorCode::kFailedPrecondition,
                    "too late to cancel: an appointment can be canceled up to 1 day before it starts; ask Ana"));
  EXPECT_TRUE(Fails(service_.Modify(As(carol_), made.id, "2026-12-08T10:00"), ErrorCode::kFailedPrecondition,
                    "too late to cancel: an appointment can be moved up to 1 day before it starts"));
  EXPECT_EQ(Stored(made.id).status, AppointmentStatus::kPending);
  EXPECT_TRUE(service_.Modify(As(ana_), made.id, "2026-12-07T11:00"));
  EXPECT_TRUE(service_.Cancel(As(ana_), made.id));
  EXPECT_TRUE(service_.Cancel(As(root_), other.id));
}

TEST_F(BookingRulesTest, AMoveFollowsTheRulesAndTakesTheBuffer) {
  const auto made = Booked(carol_, "2026-12-07T10:00");
  ASSERT_TRUE(Book(dan_, "2026-12-07T12:00"));
  EXPECT_TRUE(
      Fails(service_.Modify(As(carol_), made.id, "2026-12-07T11:50"), ErrorCode::kFailedPrecondition, "off the grid"));
  EXPECT_TRUE(Fails(service_.Modify(As(carol_), made.id, "2026-12-07T11:30"), ErrorCode::kFailedPrecondition,
                    "inside the buffer"));
  const auto moved = service_.Modify(As(carol_), made.id, "2026-12-07T12:45");
  ASSERT_TRUE(moved) << moved.error().message;
  EXPECT_EQ(Stored(made.id).buffer, 15min);
}

TEST_F(BookingServiceTest, ABookingMadeBeforeTheClocksChangeKeepsItsWallClockTime) {
  clock_.Set(At("2026-03-20T08:00"));
  const auto made = Booked(carol_, "2026-03-30T10:00");  // the Monday after the clocks go forward
  EXPECT_EQ(Shop().Format(made.starts_at), "2026-03-30T10:00:00+03:00");
  clock_.Set(At("2026-03-29T12:00"));  // the change has happened
  EXPECT_EQ(Shop().Format(Stored(made.id).starts_at), "2026-03-30T10:00:00+03:00");
  const auto listed = service_.List(As(carol_), "", "2026-03-30", "2026-03-31").value();
  ASSERT_EQ(listed.appointments.size(), 1U);
  EXPECT_EQ(Shop().Format(listed.appointments[0].starts_at), "2026-03-30T10:00:00+03:00");
}

TEST_F(BookingServiceTest, TheHistoryShowsEveryChangeToItsPartiesAndAdminsOnly) {
  const auto made = Booked(carol_, "2026-12-07T10:00");
  ASSERT_TRUE(service_.Confirm(As(ana_), made.id));
  clock_.Set(At("2026-12-02T09:00"));
  ASSERT_TRUE(service_.Modify(As(carol_), made.id, "2026-12-07T11:00"));
  ASSERT_TRUE(service_.Cancel(As(root_), made.id));
  const auto history = service_.History(As(carol_), made.id);
  ASSERT_TRUE(history) << history.error().message;
  ASSERT_EQ(history->size(), 4U);
  const auto& moved = (*history)[2];
  EXPECT_EQ(moved.change, "modified");
  EXPECT_EQ(moved.actor_id, carol_.id);
  EXPECT_EQ(moved.actor_name, "carol");
  EXPECT_EQ(moved.actor_role, "customer");
  EXPECT_EQ(moved.at, At("2026-12-02T09:00"));
  EXPECT_EQ(moved.from_status, "confirmed");
  EXPECT_EQ(moved.to_status, "pending");
  ASSERT_TRUE(moved.from);
  EXPECT_EQ(moved.from->from, At("2026-12-07T10:00"));
  EXPECT_EQ(moved.to.from, At("2026-12-07T11:00"));
  EXPECT_EQ((*history)[0].change, "created");
  EXPECT_FALSE((*history)[0].from);
  EXPECT_EQ((*history)[1].actor_role, "barber");
  EXPECT_EQ((*history)[3].actor_role, "admin");
  EXPECT_TRUE(service_.History(As(ana_), made.id));
  EXPECT_TRUE(service_.History(As(root_), made.id));
  EXPECT_TRUE(Fails(service_.History(As(dan_), made.id), ErrorCode::kPermissionDenied));
  EXPECT_TRUE(Fails(service_.History(As(bob_), made.id), ErrorCode::kPermissionDenied));
  EXPECT_TRUE(Fails(service_.History(As(carol_), "not an id"), ErrorCode::kInvalidArgument));
  EXPECT_TRUE(Fails(service_.History(As(carol_), common::NewUuid()), ErrorCode::kNotFound));
}

}  // namespace
}  // namespace barbershop::core::domain
