#include <gtest/gtest.h>

#include <stdexcept>

#include "domain/list_cache.hpp"

namespace barbershop::core::domain {
namespace {

using namespace std::chrono_literals;

class ListCacheTest : public ::testing::Test {
 protected:
  ListCacheTest() : clock_(At("2026-12-01T08:00")), cache_(60s, 100, clock_) { cache_.SetOnline(true); }

  static TimePoint At(const char* text) { return Shop().Parse(text).value(); }
  static const common::ShopTime& Shop() {
    static const auto shop = common::ShopTime::ForZone("Europe/Chisinau").value();
    return shop;
  }
  static ListKey Key(const std::string& party, bool chair = false) {
    return ListKey{party, chair, TimeRange{At("2026-12-01T00:00"), kEndOfTime}};
  }
  // A list of `count` appointments of barber "b" and `client`.
  static std::vector<Appointment> ListOf(std::size_t count, const std::string& client = "c") {
    std::vector<Appointment> list;
    for (std::size_t i = 0; i < count; ++i) {
      list.push_back(Appointment{"a" + std::to_string(i), "b", "Ana", client, "carol", At("2026-12-02T10:00"),
                                 At("2026-12-02T10:30"), AppointmentStatus::kPending, "", 0});
    }
    return list;
  }
  // Misses, then keeps `list` with the miss's ticket.
  void Fill(const ListKey& key, const std::vector<Appointment>& list) {
    std::optional<ListCache::Ticket> ticket;
    ASSERT_EQ(cache_.Find(key, ticket), nullptr);
    ASSERT_TRUE(ticket);
    cache_.Store(key, *ticket, list);
  }
  std::size_t Kept(const ListKey& key) {
    std::optional<ListCache::Ticket> ticket;
    const auto kept = cache_.Find(key, ticket);
    return kept ? kept->size() : 0;
  }

  common::FakeClock clock_;
  ListCache cache_;
};

TEST_F(ListCacheTest, AClosedPartysListsAreNeitherAnsweredNorKeptUntilReopened) {
  Fill(Key("c"), ListOf(2));
  Fill(Key("b", true), ListOf(1));
  cache_.Close("c");
  EXPECT_EQ(Kept(Key("c")), 0u);
  std::optional<ListCache::Ticket> ticket;
  EXPECT_EQ(cache_.Find(Key("c"), ticket), nullptr);
  EXPECT_FALSE(ticket);                 // nothing to keep: a read for it is not stored
  EXPECT_EQ(Kept(Key("b", true)), 1u);  // other parties keep theirs

  // Closed parties stay closed through the feed going away and coming back; the feed's
  // list of them replaces the earlier one.
  cache_.SetOnline(false);
  cache_.SetOnline(true);
  EXPECT_EQ(cache_.Find(Key("c"), ticket), nullptr);
  EXPECT_FALSE(ticket);
  cache_.SetClosed({"d"});
  Fill(Key("c"), ListOf(2));
  EXPECT_EQ(Kept(Key("c")), 2u);
  EXPECT_EQ(cache_.Find(Key("d"), ticket), nullptr);
  EXPECT_FALSE(ticket);

  cache_.Reopen("d");
  Fill(Key("d"), ListOf(1, "d"));
  EXPECT_EQ(Kept(Key("d")), 1u);
}

TEST_F(ListCacheTest, AnAnswerIsKeptForItsPartyRangeAndKind) {
  Fill(Key("c"), ListOf(3));
  std::optional<ListCache::Ticket> ticket;
  const auto kept = cache_.Find(Key("c"), ticket);
  ASSERT_NE(kept, nullptr);
  EXPECT_EQ(kept->size(), 3u);
  EXPECT_FALSE(ticket);                 // a hit needs no ticket
  EXPECT_EQ(Kept(Key("c", true)), 0u);  // the same user's chair is another list
  auto later = Key("c");
  later.range.from = At("2026-12-02T00:00");
  EXPECT_EQ(Kept(later), 0u);
  EXPECT_EQ(Kept(Key("other")), 0u);
}

TEST_F(ListCacheTest, AChangeForgetsOnlyThatPartysLists) {
  Fill(Key("c"), ListOf(1));
  Fill(Key("d"), ListOf(2, "d"));
  cache_.Forget("c");
  EXPECT_EQ(Kept(Key("c")), 0u);
  EXPECT_EQ(Kept(Key("d")), 2u);
  cache_.ForgetAll();
  EXPECT_EQ(Kept(Key("d")), 0u);
}

TEST_F(ListCacheTest, AnAnswerReadBeforeAChangeIsNotKept) {
  std::optional<ListCache::Ticket> ticket;
  ASSERT_EQ(cache_.Find(Key("c"), ticket), nullptr);
  cache_.Forget("c");  // the change commits while the database read is under way
  cache_.Store(Key("c"), *ticket, ListOf(1));
  EXPECT_EQ(Kept(Key("c")), 0u);

  ASSERT_EQ(cache_.Find(Key("c"), ticket), nullptr);
  cache_.ForgetAll();
  cache_.Store(Key("c"), *ticket, ListOf(1));
  EXPECT_EQ(Kept(Key("c")), 0u);
}

// From the moment a change is being written until it ends, its parties are answered from
// the database only: the store tells others of the change as it commits, before the
// writer has forgotten anything.
TEST_F(ListCacheTest, NothingOfAPartyIsAnsweredOrKeptWhileItsChangeIsWritten) {
  Fill(Key("b", true), ListOf(1));
  Fill(Key("c"), ListOf(1));
  Fill(Key("d"), ListOf(2, "d"));
  std::optional<ListCache::Ticket> before;  // a read of "e" that began before its change
  ASSERT_EQ(cache_.Find(Key("e"), before), nullptr);
  ASSERT_TRUE(before);
  {
    ListCache::Change change(cache_, {"b", "c"}, true);
    std::optional<ListCache::Ticket> ticket;
    EXPECT_EQ(cache_.Find(Key("b", true), ticket), nullptr);
    EXPECT_FALSE(ticket);  // and so nothing read now is kept
    EXPECT_EQ(cache_.Find(Key("c"), ticket), nullptr);
    EXPECT_FALSE(ticket);
    EXPECT_EQ(Kept(Key("d")), 2u);  // another party is answered as before
    change.Made();
  }
  EXPECT_EQ(Kept(Key("b", true)), 0u);  // forgotten when it ended
  EXPECT_EQ(Kept(Key("c")), 0u);
  Fill(Key("c"), ListOf(3));
  EXPECT_EQ(Kept(Key("c")), 3u);

  // A change refused forgets nothing; a read that began before it is not kept.
  {
    ListCache::Change change(cache_, {"c", "e"}, true);
    EXPECT_EQ(Kept(Key("c")), 0u);
    cache_.Store(Key("e"), *before, ListOf(1));
  }
  EXPECT_EQ(Kept(Key("c")), 3u);
  EXPECT_EQ(Kept(Key("e")), 0u);

  // Starting over (ForgetAll, going offline and back) does not end a change.
  {
    ListCache::Change change(cache_, {"c"}, false);
    cache_.ForgetAll();
    cache_.SetOnline(false);
    cache_.SetOnline(true);
    std::optional<ListCache::Ticket> ticket;
    EXPECT_EQ(cache_.Find(Key("c"), ticket), nullptr);
    EXPECT_FALSE(ticket);
    change.Made();
  }
  Fill(Key("c"), ListOf(1));
  EXPECT_EQ(Kept(Key("c")), 1u);

  // A party not remembered when its change began (a client's first booking) is not
  // remembered, answered or kept until it ends, ForgetAll or not.
  {
    ListCache::Change change(cache_, {"b", "f"}, true);
    std::optional<ListCache::Ticket> ticket;
    EXPECT_EQ(cache_.Find(Key("f"), ticket), nullptr);
    EXPECT_FALSE(ticket);
    cache_.ForgetAll();
    EXPECT_EQ(cache_.Find(Key("f"), ticket), nullptr);
    EXPECT_FALSE(ticket);
    change.Made();
  }
  Fill(Key("f"), ListOf(2, "f"));
  EXPECT_EQ(Kept(Key("f")), 2u);
}

// Parties count toward the cache's bound once something of theirs is read: a shop's
// stream of one-off customers booking does not make it start over.
TEST_F(ListCacheTest, ChangesAloneRememberNoParty) {
  ListCache small(60s, 3, clock_);
  small.SetOnline(true);
  std::optional<ListCache::Ticket> ticket;
  ASSERT_EQ(small.Find(Key("b", true), ticket), nullptr);
  small.Store(Key("b", true), *ticket, ListOf(1));
  for (int i = 0; i < 10; ++i) {
    const std::string client = "client" + std::to_string(i);
    ListCache::Change change(small, {"b", client}, true);
  }  // refused: nothing of "b" is forgotten
  const auto kept = small.Find(Key("b", true), ticket);
  ASSERT_NE(kept, nullptr);
  EXPECT_EQ(kept->size(), 1u);
}

TEST_F(ListCacheTest, AChangeNamesAtMostTwoParties) {
  EXPECT_THROW(ListCache::Change(cache_, {"a", "b", "c"}, true), std::invalid_argument);
}

TEST_F(ListCacheTest, AnswersExpire) {
  Fill(Key("c"), ListOf(1));
  clock_.Advance(59s);
  EXPECT_EQ(Kept(Key("c")), 1u);
  clock_.Advance(1s);
  EXPECT_EQ(Kept(Key("c")), 0u);
}

TEST_F(ListCacheTest, OfflineAnswersNothingAndComesBackEmpty) {
  Fill(Key("c"), ListOf(1));
  std::optional<ListCache::Ticket> before;
  ASSERT_EQ(cache_.Find(Key("d"), before), nullptr);
  cache_.SetOnline(false);
  EXPECT_EQ(Kept(Key("c")), 0u);
  std::optional<ListCache::Ticket> ticket;
  EXPECT_EQ(cache_.Find(Key("c"), ticket), nullptr);
  EXPECT_FALSE(ticket);  // nothing read now may be kept
  cache_.SetOnline(true);
  cache_.Store(Key("d"), *before, ListOf(1, "d"));  // read before going offline
  EXPECT_EQ(Kept(Key("d")), 0u);
  EXPECT_EQ(Kept(Key("c")), 0u);
  Fill(Key("c"), ListOf(1));
  EXPECT_EQ(Kept(Key("c")), 1u);
}

TEST_F(ListCacheTest, StartsOverPastItsSize) {
  Fill(Key("c"), ListOf(60));
  Fill(Key("d"), ListOf(30, "d"));
  EXPECT_EQ(Kept(Key("c")), 60u);
  Fill(Key("e"), ListOf(20, "e"));  // 110 > 100: everything goes
  EXPECT_EQ(Kept(Key("c")), 0u);
  EXPECT_EQ(Kept(Key("d")), 0u);
  EXPECT_EQ(Kept(Key("e")), 0u);
}

TEST_F(ListCacheTest, ABarbersDayIsKeptWithTheirPartyAndCountsToTheSize) {
  Barber ana{"b", "Ana", false, {{1, 9 * 60, 18 * 60}}, {}, {}};
  std::optional<ListCache::Ticket> ticket;
  ASSERT_EQ(cache_.FindBarber("b", ticket), nullptr);
  cache_.StoreBarber(*ticket, ana);
  cache_.NameBarber("Ana", "b");
  const std::vector<TimeOff> off(40, TimeOff{"1", "b", "Ana", Key("b").range, ""});
  ASSERT_EQ(cache_.FindTimeOff(Key("b", true), ticket), nullptr);
  cache_.StoreTimeOff(Key("b", true), *ticket, off);
  ASSERT_NE(cache_.FindBarber("b", ticket), nullptr);
  EXPECT_EQ(cache_.FindTimeOff(Key("b", true), ticket)->size(), 40u);
  EXPECT_EQ(cache_.FindHeld(Key("b", true), ticket), nullptr);  // a kind of its own
  EXPECT_EQ(cache_.BarberNamed("ANA"), "b");
  EXPECT_EQ(cache_.barber_facts_answered(), 2u);

  // A change to the barber's party forgets all of it; the name stays a hint.
  cache_.Forget("b");
  EXPECT_EQ(cache_.FindBarber("b", ticket), nullptr);
  EXPECT_EQ(cache_.FindTimeOff(Key("b", true), ticket), nullptr);
  EXPECT_EQ(cache_.BarberNamed("ana"), "b");

  // Time off counts toward the size: 40 + 70 > 100 starts over, hints and all.
  cache_.StoreTimeOff(Key("b", true), *ticket, off);
  Fill(Key("c"), ListOf(70));
  EXPECT_EQ(cache_.FindTimeOff(Key("b", true), ticket), nullptr);
  EXPECT_EQ(cache_.BarberNamed("Ana"), std::nullopt);

  // A barber kept expires as lists do.
  ASSERT_EQ(cache_.FindBarber("b", ticket), nullptr);
  cache_.StoreBarber(*ticket, ana);
  clock_.Advance(60s);
  EXPECT_EQ(cache_.FindBarber("b", ticket), nullptr);
}

TEST_F(ListCacheTest, ASessionIsOpenFromMemoryOnlyWhileNothingSaysOtherwise) {
  const Caller carol{"c", Role::kCustomer, "s1"};
  EXPECT_TRUE(cache_.SessionOpen(carol));
  EXPECT_FALSE(cache_.SessionOpen(Caller{"c", Role::kCustomer, ""}));  // no session: the database says
  cache_.EndSession("s1");
  EXPECT_FALSE(cache_.SessionOpen(carol));
  EXPECT_TRUE(cache_.SessionOpen(Caller{"c", Role::kCustomer, "s2"}));
  cache_.Close("c");
  EXPECT_FALSE(cache_.SessionOpen(Caller{"c", Role::kCustomer, "s2"}));
  cache_.Reopen("c");

  // The feed's list on connecting replaces what was heard; offline, nothing is open.
  cache_.SetEndedSessions({"s2"});
  EXPECT_TRUE(cache_.SessionOpen(carol));
  EXPECT_FALSE(cache_.SessionOpen(Caller{"c", Role::kCustomer, "s2"}));
  cache_.SetOnline(false);
  EXPECT_FALSE(cache_.SessionOpen(carol));
  cache_.SetOnline(true);

  // An end heard of longer ago than a token lives is let go once many more are heard.
  for (int i = 0; i < 100; ++i) cache_.EndSession("old" + std::to_string(i));
  clock_.Advance(16min);
  cache_.EndSession("new");
  EXPECT_TRUE(cache_.SessionOpen(Caller{"c", Role::kCustomer, "old1"}));
  EXPECT_FALSE(cache_.SessionOpen(Caller{"c", Role::kCustomer, "new"}));
}

TEST_F(ListCacheTest, ZeroSecondsTurnsItOff) {
  ListCache off(0s, 100, clock_);
  off.SetOnline(true);
  std::optional<ListCache::Ticket> ticket;
  EXPECT_FALSE(off.enabled());
  EXPECT_EQ(off.Find(Key("c"), ticket), nullptr);
  EXPECT_FALSE(ticket);
}

TEST(OwnListKeyTest, OnlyTheCallersOwnListWithAGoodRange) {
  const std::string b1 = "7b0c7a52-0d3e-4a57-9a8e-3f1f3c1f0b01";
  const std::string c1 = "7b0c7a52-0d3e-4a57-9a8e-3f1f3c1f0c01";
  const std::string a1 = "7b0c7a52-0d3e-4a57-9a8e-3f1f3c1f0a01";
  const auto shop = common::ShopTime::ForZone("Europe/Chisinau").value();
  const auto now = shop.Parse("2026-12-01T08:00").value();
  const Caller barber{b1, Role::kBarber};
  const auto own = OwnListKey(barber, "", "", "", shop, now);
  ASSERT_TRUE(own);
  EXPECT_EQ(own->party, b1);
  EXPECT_TRUE(own->chair);
  EXPECT_EQ(own->range.from, shop.Parse("2026-12-01T00:00").value());
  EXPECT_EQ(own->range.to, kEndOfTime);
  EXPECT_TRUE(OwnListKey(barber, b1, "2026-12-03", "2026-12-04", shop, now));
  EXPECT_FALSE(OwnListKey(barber, "someone-else", "", "", shop, now));
  EXPECT_FALSE(OwnListKey(barber, "", "not a day", "", shop, now));
  EXPECT_FALSE(OwnListKey(Caller{"not-an-id", Role::kCustomer}, "", "", "", shop, now));
  EXPECT_FALSE(OwnListKey(Caller{c1, Role::kCustomer}, "", "", "", shop, now)->chair);
  EXPECT_FALSE(OwnListKey(Caller{a1, Role::kAdmin}, "", "", "", shop, now)->chair);
}

}  // namespace
}  // namespace barbershop::core::domain
