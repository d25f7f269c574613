#include "domain/chairs.hpp"

#include <gtest/gtest.h>

#include "barbershop/common/ids.hpp"
#include "domain/price_list.hpp"
#include "shop_fixture.hpp"

namespace barbershop::core::domain {
namespace {

using namespace std::chrono_literals;
using common::ErrorCode;

const std::vector<WorkingHours> kWeekdays = {{1, 9 * 60, 18 * 60}, {2, 9 * 60, 18 * 60}, {3, 9 * 60, 18 * 60}};

class ChairsTest : public ShopFixture {
 protected:
  ChairsTest()
      : ana_(AddBarber("ana", "Ana")),
        bob_(AddBarber("bob", "Bob")),
        carol_(AddCustomer("carol")),
        root_(AddAdmin("root")) {}

  common::Result<Barber> Chair(const User& caller, const std::string& barber_name) {
    return ChairFor(work_.barbers(), As(caller), barber_name);
  }
  common::Result<Barber> Save(const User& caller, const std::string& user_id, const std::string& name,
                              const std::vector<WorkingHours>& hours = kWeekdays, bool auto_confirm = false,
                              const std::optional<RuleChoices>& rules = std::nullopt) {
    return SaveChair(work_.accounts(), work_.barbers(), As(caller), user_id, name, hours, auto_confirm, rules, Shop(),
                     clock_.Now());
  }
  Role RoleOf(const User& user) { return work_.accounts().FindUserById(user.id).value()->role; }
  Barber Stored(const User& barber) { return work_.barbers().FindBarberById(barber.id).value().value(); }

  User ana_, bob_, carol_, root_;
};

TEST_F(ChairsTest, ABarbersChairIsTheirOwnByDefaultOrByName) {
  const auto own = Chair(ana_, "");
  ASSERT_TRUE(own) << own.error().message;
  EXPECT_EQ(own->id, ana_.id);
  const auto named = Chair(ana_, "ANA");
  ASSERT_TRUE(named) << named.error().message;
  EXPECT_EQ(named->id, ana_.id);
}

TEST_F(ChairsTest, ABarberCannotManageAnotherBarbersChair) {
  EXPECT_TRUE(Fails(Chair(ana_, "Bob"), ErrorCode::kPermissionDenied, "only Bob or an admin can manage Bob's chair"));
  EXPECT_TRUE(Fails(Chair(carol_, "Bob"), ErrorCode::kPermissionDenied));
}

TEST_F(ChairsTest, AnAdminManagesAnyChairByName) {
  const auto chair = Chair(root_, "bob");
  ASSERT_TRUE(chair) << chair.error().message;
  EXPECT_EQ(chair->id, bob_.id);
  EXPECT_TRUE(Fails(Chair(root_, ""), ErrorCode::kInvalidArgument, "barber_name is required unless you are a barber"));
  EXPECT_TRUE(Fails(Chair(carol_, ""), ErrorCode::kInvalidArgument));
  EXPECT_TRUE(Fails(Chair(root_, "Zed"), ErrorCode::kNotFound, "no barber named 'Zed'"));
  EXPECT_TRUE(Fails(Chair(root_, std::string(65, 'a')), ErrorCode::kInvalidArgument));
}

TEST_F(ChairsTest, ABarberAccountWithoutAChairHasNone) {
  const User chairless = work_.accounts().CreateUser("eve", "eve@example.com", "hash", Role::kBarber).value();
  EXPECT_TRUE(Fails(Chair(chairless, ""), ErrorCode::kNotFound, "you have no chair in this shop"));
}

TEST_F(ChairsTest, AChairNeedsADisplayNameAndHoursThatMakeSense) {
  EXPECT_TRUE(ValidateChair("Ana Maria", kWeekdays));
  EXPECT_TRUE(ValidateChair("Ana", {}));  // no hours yet: not bookable, but a chair
  EXPECT_TRUE(ValidateChair("Ana", {{1, 9 * 60, 12 * 60}, {1, 12 * 60, 18 * 60}}));  // a break of no length
  for (const auto& bad : {std::string(), std::string("   "), std::string(65, 'a'), std::string("An\x01")}) {
    EXPECT_TRUE(Fails(ValidateChair(bad, kWeekdays), ErrorCode::kInvalidArgument, "a barber's name")) << bad;
  }
  for (const auto& bad : {WorkingHours{0, 540, 600}, WorkingHours{8, 540, 600}, WorkingHours{1, 600, 600},
                          WorkingHours{1, 660, 600}, WorkingHours{1, -1, 600}, WorkingHours{1, 540, 1441}}) {
    EXPECT_TRUE(Fails(ValidateChair("Ana", {bad}), ErrorCode::kInvalidArgument, "within a day"))
        << bad.weekday << " " << bad.opens_minute << "-" << bad.closes_minute;
  }
  EXPECT_TRUE(Fails(ValidateChair("Ana", {{2, 13 * 60, 18 * 60}, {2, 9 * 60, 14 * 60}}), ErrorCode::kInvalidArgument,
                    "working hours overlap on weekday 2"));
  std::vector<WorkingHours> many;
  for (int i = 0; i < 29; ++i) many.push_back({static_cast<unsigned>(i % 7 + 1), (i / 7) * 60, (i / 7) * 60 + 30});
  EXPECT_TRUE(Fails(ValidateChair("Ana", many), ErrorCode::kInvalidArgument, "at most 28"));
  many.pop_back();
  EXPECT_TRUE(ValidateChair("Ana", many));
}

TEST_F(ChairsTest, AnAdminMakesACustomerABarber) {
  const auto saved = Save(root_, carol_.id, "Carol", kWeekdays, /*auto_confirm=*/true);
  ASSERT_TRUE(saved) << saved.error().message;
  EXPECT_EQ(saved->id, carol_.id);
  EXPECT_EQ(saved->name, "Carol");
  EXPECT_TRUE(saved->auto_confirm);
  EXPECT_EQ(saved->hours.size(), 3u);
  EXPECT_EQ(RoleOf(carol_), Role::kBarber);
}

TEST_F(ChairsTest, ABarberChangesTheirOwnChairAndTheNewNameShowsOnTheirBookings) {
  BookingService bookings(work_, Shop(), clock_, policy_);
  const auto booked = bookings.Create(As(carol_), "", "2026-12-07T10:00", "Ana");
  ASSERT_TRUE(booked) << booked.error().message;
  const auto saved = Save(ana_, "", "Ana Maria", {{1, 8 * 60, 12 * 60}});
  ASSERT_TRUE(saved) << saved.error().message;
  EXPECT_EQ(Stored(ana_).name, "Ana Maria");
  ASSERT_EQ(Stored(ana_).hours.size(), 1u);  // the earlier hours are replaced
  EXPECT_EQ(Stored(ana_).hours[0].opens_minute, 8 * 60);
  EXPECT_EQ(work_.appointments().Find(booked->id).value()->barber_name, "Ana Maria");
  EXPECT_TRUE(bookings.Create(As(carol_), "", "2026-12-07T08:00", "ana maria"));
}

TEST_F(ChairsTest, OnlyAnAdminMakesSomeoneABarberAndABarberChangesOnlyTheirOwnChair) {
  EXPECT_TRUE(Fails(Save(ana_, bob_.id, "Robert"), ErrorCode::kPermissionDenied));
  EXPECT_TRUE(Fails(Save(carol_, "", "Carol"), ErrorCode::kPermissionDenied,
                    "only an admin makes someone a barber; a barber changes their own chair"));
  EXPECT_EQ(Stored(bob_).name, "Bob");
  EXPECT_EQ(RoleOf(carol_), Role::kCustomer);
}

TEST_F(ChairsTest, AnAdminCannotBecomeABarber) {
  const User other_admin = AddAdmin("boss");
  EXPECT_TRUE(
      Fails(Save(root_, "", "Root"), ErrorCode::kFailedPrecondition, "an admin account cannot also be a barber"));
  EXPECT_TRUE(Fails(Save(root_, other_admin.id, "Boss"), ErrorCode::kFailedPrecondition));
  EXPECT_EQ(RoleOf(root_), Role::kAdmin);
  EXPECT_FALSE(work_.barbers().FindBarberById(root_.id).value().has_value());
}

TEST_F(ChairsTest, ABarbersNameIsUniqueIgnoringCase) {
  EXPECT_TRUE(Fails(Save(ana_, "", "bob"), ErrorCode::kAlreadyExists, "another barber is already called 'bob'"));
  EXPECT_EQ(Stored(ana_).name, "Ana");
  EXPECT_TRUE(Save(ana_, "", "ANA"));  // their own name in other letters is still theirs
}

TEST_F(ChairsTest, ABadChairOrUnknownUserChangesNothing) {
  EXPECT_TRUE(Fails(Save(root_, carol_.id, "Carol", {{1, 18 * 60, 9 * 60}}), ErrorCode::kInvalidArgument));
  EXPECT_TRUE(Fails(Save(root_, carol_.id, ""), ErrorCode::kInvalidArgument));
  EXPECT_EQ(RoleOf(carol_), Role::kCustomer);
  const std::string nobody = common::NewUuid();
  EXPECT_TRUE(Fails(Save(root_, nobody, "Ghost"), ErrorCode::kNotFound, "no user with id " + nobody));
  EXPECT_TRUE(Fails(Save(root_, "carol", "Carol"), ErrorCode::kInvalidArgument, "user_id must be an id"));
}

TEST_F(ChairsTest, ASavedChairStoresAnHoursChangedEventAndARefusedSaveNone) {
  EXPECT_TRUE(Fails(Save(ana_, "", "Ana", {{1, 600, 540}}), ErrorCode::kInvalidArgument));
  EXPECT_TRUE(Fails(Save(ana_, bob_.id, "Bob"), ErrorCode::kPermissionDenied));
  EXPECT_TRUE(Fails(Save(ana_, "", "BOB"), ErrorCode::kAlreadyExists));
  EXPECT_TRUE(ScheduleChanges().empty());
  ASSERT_TRUE(Save(ana_, "", "Ana Maria", kWeekdays, true));
  EXPECT_EQ(ScheduleChanges(), std::vector<nlohmann::json>{ScheduleChangeNow(ana_, "Ana Maria", "hours_changed")});
  ASSERT_TRUE(Save(root_, carol_.id, "Carol"));  // a new chair
  const auto changes = ScheduleChanges();
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[1], ScheduleChangeNow(carol_, "Carol", "hours_changed"));
}

class PriceListChangesTest : public ChairsTest {
 protected:
  std::vector<BarberService> ServicesOf(const User& barber) { return Stored(barber).services; }
  PriceList prices_{work_.barbers(), Shop(), clock_};
};

TEST_F(PriceListChangesTest, ABarberAddsChangesAndRemovesTheirServices) {
  ASSERT_TRUE(prices_.Save(As(ana_), "", {"Cut", 30min, 2000}));
  ASSERT_TRUE(prices_.Save(As(ana_), "", {"Beard", 15min, 1000}));
  ASSERT_EQ(ServicesOf(ana_).size(), 2u);
  EXPECT_EQ(ServicesOf(ana_)[0].name, "Beard");

  const auto changed = prices_.Save(As(ana_), "Ana", {"CUT", 45min, 2500});  // the same service, by name
  ASSERT_TRUE(changed) << changed.error().message;
  ASSERT_EQ(ServicesOf(ana_).size(), 2u);
  EXPECT_EQ(ServicesOf(ana_)[1].name, "CUT");
  EXPECT_EQ(ServicesOf(ana_)[1].duration, 45min);

  const auto removed = prices_.Remove(As(ana_), "", "cut");
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_EQ(removed->price_cents, 2500);
  ASSERT_EQ(ServicesOf(ana_).size(), 1u);
  EXPECT_TRUE(Fails(prices_.Remove(As(ana_), "", "cut"), ErrorCode::kNotFound, "Ana offers no service called 'cut'"));
  EXPECT_TRUE(ServicesOf(bob_).empty());
}

TEST_F(PriceListChangesTest, OnlyTheBarberOrAnAdminChangesAPriceList) {
  EXPECT_TRUE(Fails(prices_.Save(As(bob_), "Ana", {"Cut", 30min, 2000}), ErrorCode::kPermissionDenied));
  EXPECT_TRUE(Fails(prices_.Save(As(carol_), "Ana", {"Cut", 30min, 2000}), ErrorCode::kPermissionDenied));
  EXPECT_TRUE(Fails(prices_.Save(As(root_), "", {"Cut", 30min, 2000}), ErrorCode::kInvalidArgument));
  EXPECT_TRUE(ServicesOf(ana_).empty());
  ASSERT_TRUE(prices_.Save(As(root_), "Ana", {"Cut", 30min, 2000}));
  EXPECT_TRUE(Fails(prices_.Remove(As(bob_), "Ana", "Cut"), ErrorCode::kPermissionDenied));
  EXPECT_EQ(ServicesOf(ana_).size(), 1u);
  EXPECT_TRUE(prices_.Remove(As(root_), "Ana", "Cut"));
}

TEST_F(PriceListChangesTest, AServiceNeedsANameALengthInStepsOfFiveAndAPrice) {
  for (const auto& bad : {BarberService{"", 30min, 0}, BarberService{"   ", 30min, 0}, BarberService{"Cut", 0min, 0},
                          BarberService{"Cut", 7min, 0}, BarberService{"Cut", 485min, 0},
                          BarberService{"Cut", 30min, -1}, BarberService{"Cut", 30min, 100000001}}) {
    EXPECT_TRUE(Fails(prices_.Save(As(ana_), "", bad), ErrorCode::kInvalidArgument)) << bad.name;
  }
  EXPECT_TRUE(ServicesOf(ana_).empty());
  EXPECT_TRUE(prices_.Save(As(ana_), "", {"Cut", 480min, 100000000}));
  EXPECT_TRUE(prices_.Save(As(ana_), "", {"Free look", 5min, 0}));
  EXPECT_TRUE(Fails(prices_.Remove(As(ana_), "", ""), ErrorCode::kInvalidArgument, "name is required"));
}

TEST_F(PriceListChangesTest, EachPriceListChangeStoresAServicesChangedEvent) {
  EXPECT_TRUE(Fails(prices_.Save(As(ana_), "", {"Cut", 7min, 0}), ErrorCode::kInvalidArgument));
  EXPECT_TRUE(Fails(prices_.Save(As(bob_), "Ana", {"Cut", 30min, 2000}), ErrorCode::kPermissionDenied));
  EXPECT_TRUE(Fails(prices_.Remove(As(ana_), "", "Cut"), ErrorCode::kNotFound));
  EXPECT_TRUE(ScheduleChanges().empty());
  ASSERT_TRUE(prices_.Save(As(root_), "Ana", {"Cut", 30min, 2000}));
  ASSERT_TRUE(prices_.Remove(As(ana_), "", "cut"));
  const auto changed = ScheduleChangeNow(ana_, "Ana", "services_changed");
  EXPECT_EQ(ScheduleChanges(), (std::vector<nlohmann::json>{changed, changed}));
}

TEST_F(ChairsTest, BookingRulesAreSavedWithTheChairCheckedAndKeptWhenNotGiven) {
  const auto saved = Save(ana_, "", "Ana", kWeekdays, false, RuleChoices{10, 60, 60, 15, 120});
  ASSERT_TRUE(saved) << saved.error().message;
  EXPECT_EQ(saved->rules.buffer_minutes, 10);
  EXPECT_EQ(saved->rules.grid_minutes, 15);
  // Saving hours without rules keeps them.
  ASSERT_TRUE(Save(ana_, "", "Ana", kWeekdays));
  EXPECT_EQ(work_.barbers().FindBarberById(ana_.id).value()->rules.cancel_notice_minutes, 120);
  // Rules given with fields unset return those to the shop's.
  ASSERT_TRUE(Save(ana_, "", "Ana", kWeekdays, false, RuleChoices{.grid_minutes = 20}));
  const auto now = work_.barbers().FindBarberById(ana_.id).value()->rules;
  EXPECT_FALSE(now.buffer_minutes);
  EXPECT_EQ(now.grid_minutes, 20);
  const BookingRules shop;
  EXPECT_EQ(RulesOf(*work_.barbers().FindBarberById(ana_.id).value(), shop).grid, 20min);
  EXPECT_EQ(RulesOf(*work_.barbers().FindBarberById(ana_.id).value(), shop).horizon_days, 366);

  const std::vector<std::pair<RuleChoices, std::string>> bad{
      {{.buffer_minutes = -5}, "buffer_minutes must be 0 to 240"},
      {{.buffer_minutes = 7}, "a multiple of 5"},
      {{.buffer_minutes = 245}, "buffer_minutes"},
      {{.min_notice_minutes = 43201}, "min_notice_minutes must be 0 to 43200"},
      {{.horizon_days = 0}, "horizon_days must be 1 to 730"},
      {{.grid_minutes = 0}, "grid_minutes must be 5 to 240"},
      {{.grid_minutes = 241}, "grid_minutes"},
      {{.cancel_notice_minutes = 10081}, "cancel_notice_minutes must be 0 to 10080"}};
  for (const auto& [rules, says] : bad) {
    EXPECT_TRUE(Fails(Save(ana_, "", "Ana", kWeekdays, false, rules), common::ErrorCode::kInvalidArgument, says));
  }
  EXPECT_EQ(work_.barbers().FindBarberById(ana_.id).value()->rules.grid_minutes, 20);
}

}  // namespace
}  // namespace barbershop::core::domain
