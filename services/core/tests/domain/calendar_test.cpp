#include "domain/calendar.hpp"

#include <gtest/gtest.h>

#include "domain/bookings.hpp"
#include "shop_fixture.hpp"

namespace barbershop::core::domain {
namespace {

using common::ErrorCode;

/// The lines of an iCalendar text, unfolded (a line starting with a space continues the
/// one before it).
std::vector<std::string> Unfolded(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t at = 0;
  while (at < text.size()) {
    const auto end = text.find("\r\n", at);
    const auto line = text.substr(at, end - at);
    if (!line.empty() && line.front() == ' ' && !lines.empty()) {
      lines.back() += line.substr(1);
    } else {
      lines.push_back(line);
    }
    at = end == std::string::npos ? text.size() : end + 2;
  }
  return lines;
}

bool Has(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

/// Whether a BEGIN:<kind> is followed by the lines `body`.
bool HasBlock(const std::string& text, const std::string& kind, const std::string& body) {
  return text.find("BEGIN:" + kind + "\r\n" + body) != std::string::npos;
}

class CalendarTest : public ShopFixture {
 protected:
  CalendarTest() : ana_(AddBarber("ana", "Ana")), carol_(AddCustomer("carol")) {}

  CalendarEntry Entry(const std::string& id, const std::string& starts, int minutes, AppointmentStatus status,
                      int changes) {
    Appointment a;
    a.id = id;
    a.barber_id = ana_.id;
    a.barber_name = "Ana";
    a.client_id = carol_.id;
    a.client_name = "carol";
    a.starts_at = Shop().Parse(starts).value();
    a.ends_at = a.starts_at + std::chrono::minutes{minutes};
    a.status = status;
    return CalendarEntry{a, changes, clock_.Now()};
  }

  User ana_, carol_;
};

TEST_F(CalendarTest, EventsCarryUidSequenceStatusAndTheShopsWallClock) {
  const auto text = RenderCalendar(carol_,
                                   {Entry("a1", "2026-12-07T10:00", 30, AppointmentStatus::kConfirmed, 1),
                                    Entry("a2", "2026-12-08T11:00", 45, AppointmentStatus::kCanceled, 3),
                                    Entry("a3", "2026-12-09T12:00", 30, AppointmentStatus::kPending, 0)},
                                   Shop(), clock_.Now());
  const auto lines = Unfolded(text);
  EXPECT_EQ(lines.front(), "BEGIN:VCALENDAR");
  EXPECT_TRUE(Has(lines, "VERSION:2.0"));
  EXPECT_TRUE(Has(lines, "UID:a1@barbershop"));
  EXPECT_TRUE(Has(lines, "SEQUENCE:1"));
  EXPECT_TRUE(Has(lines, "DTSTART;TZID=Europe/Chisinau:20261207T100000"));
  EXPECT_TRUE(Has(lines, "DTEND;TZID=Europe/Chisinau:20261207T103000"));
  EXPECT_TRUE(Has(lines, "SUMMARY:Appointment with Ana"));
  EXPECT_TRUE(Has(lines, "STATUS:CONFIRMED"));
  EXPECT_TRUE(Has(lines, "SEQUENCE:3"));
  EXPECT_TRUE(Has(lines, "STATUS:CANCELLED"));
  EXPECT_TRUE(Has(lines, "STATUS:TENTATIVE"));
  EXPECT_TRUE(Has(lines, "DTSTAMP:20261201T060000Z"));  // the fake clock's 08:00 in Chisinau
  // Ana's own feed names the client.
  EXPECT_TRUE(Has(Unfolded(RenderCalendar(ana_, {Entry("a1", "2026-12-07T10:00", 30, AppointmentStatus::kPending, 0)},
                                          Shop(), clock_.Now())),
                  "SUMMARY:Appointment: carol"));
}

TEST_F(CalendarTest, TheTimeZoneGivesEachChangeOfOffsetAndAnAmbiguousTimeIsWrittenInUtc) {
  // 25 October 2026: 02:00-02:59 comes twice; 02:30 is booked at its first instant.
  const auto repeated = Entry("a1", "2026-10-25T02:30", 30, AppointmentStatus::kConfirmed, 0);
  const auto text = RenderCalendar(carol_, {repeated}, Shop(), clock_.Now());
  EXPECT_TRUE(HasBlock(text, "DAYLIGHT", "DTSTART:20260329T020000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0300\r\n"))
      << text;
  EXPECT_TRUE(HasBlock(text, "STANDARD", "DTSTART:20261025T030000\r\nTZOFFSETFROM:+0300\r\nTZOFFSETTO:+0200\r\n"))
      << text;
  const auto lines = Unfolded(text);
  EXPECT_TRUE(Has(lines, "TZID:Europe/Chisinau"));
  EXPECT_TRUE(Has(lines, "DTSTART:20261024T233000Z")) << text;
  EXPECT_TRUE(Has(lines, "DTEND:20261025T000000Z")) << text;  // 02:00 local, the second one: UTC too
}

TEST_F(CalendarTest, AZoneWithoutChangesHasOneStandardObservance) {
  const auto utc = common::ShopTime::ForZone("UTC").value();
  const auto text = RenderCalendar(carol_, {}, utc, clock_.Now());
  EXPECT_TRUE(HasBlock(text, "STANDARD", "DTSTART:19700101T000000\r\nTZOFFSETFROM:+0000\r\nTZOFFSETTO:+0000\r\n"))
      << text;
  EXPECT_EQ(text.find("BEGIN:DAYLIGHT"), std::string::npos);
}

TEST_F(CalendarTest, LinesAreFoldedAt75OctetsWithoutSplittingACharacterAndTextIsEscaped) {
  auto entry = Entry("a1", "2026-12-07T10:00", 30, AppointmentStatus::kConfirmed, 0);
  entry.appointment.service_name = "Tuns, barbă; și \\ spălat — ";
  for (int i = 0; i < 6; ++i) entry.appointment.service_name += "ăîșțâ ";
  const auto text = RenderCalendar(carol_, {entry}, Shop(), clock_.Now());
  std::size_t at = 0;
  while (at < text.size()) {
    const auto end = text.find("\r\n", at);
    ASSERT_NE(end, std::string::npos) << "every line ends in CRLF";
    const auto line = text.substr(at, end - at);
    EXPECT_LE(line.size(), 75u) << line;
    if (end + 2 < text.size()) {
      // A continuation never starts inside a UTF-8 character.
      EXPECT_NE(static_cast<unsigned char>(text[end + 2]) & 0xC0, 0x80);
    }
    at = end + 2;
  }
  EXPECT_TRUE(
      Has(Unfolded(text), "SUMMARY:Tuns\\, barbă\\; și \\\\ spălat — ăîșțâ ăîșțâ ăîșțâ ăîșțâ ăîșțâ ăîșțâ  with Ana"));
  EXPECT_TRUE(Has(Unfolded(text), "DESCRIPTION:Status: confirmed\\nBarber: Ana\\nClient: carol"));
}

TEST_F(CalendarTest, AResetLinkFindsNothingAndTheNewOneFindsTheFeed) {
  BookingService bookings(work_, Shop(), clock_, policy_);
  ASSERT_TRUE(bookings.Create(As(carol_), "", "2026-12-07T10:00", "Ana"));
  CalendarService calendars(work_, Shop(), clock_);
  const auto first = calendars.Reset(As(carol_));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->path, "/calendar/" + first->token + ".ics");
  const auto feed = calendars.Feed(first->token);
  ASSERT_TRUE(feed);
  EXPECT_NE(feed->find("SUMMARY:Appointment with Ana"), std::string::npos);
  const auto second = calendars.Reset(As(carol_));
  ASSERT_TRUE(second);
  EXPECT_NE(second->token, first->token);
  const auto old = calendars.Feed(first->token);
  ASSERT_FALSE(old);
  EXPECT_EQ(old.error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(calendars.Feed(second->token));
  EXPECT_EQ(calendars.Feed("short").error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace barbershop::core::domain
