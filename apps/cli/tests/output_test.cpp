#include "output.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace barbershop::cli {
namespace {

Appointment MakeAppointment(const std::string& id, const std::string& at, const std::string& barber,
                            const std::string& status, const std::string& client, const std::string& service) {
  Appointment a;
  a.set_appointment_id(id);
  a.set_date_time(at);
  a.set_barber_name(barber);
  a.set_status(status);
  a.set_client_name(client);
  a.set_service(service);
  return a;
}

void AddHours(Barber& barber, int weekday, const std::string& opens, const std::string& closes) {
  auto* hours = barber.add_hours();
  hours->set_weekday(weekday);
  hours->set_opens(opens);
  hours->set_closes(closes);
}

template <typename Print, typename Answer>
std::string Text(Print print, const Answer& answer) {
  std::ostringstream out;
  print(out, answer);
  return out.str();
}

TEST(AppointmentTableTest, ColumnsLineUpAndEmptyCellsPrintADash) {
  AppointmentsResponse response;
  *response.add_appointments() =
      MakeAppointment("a1", "2026-12-01T15:00:00+02:00", "Ion", "pending", "maria", "Beard trim");
  *response.add_appointments() = MakeAppointment("appt-22", "2026-12-02T09:30:00+02:00", "Ana", "confirmed", "", "");
  EXPECT_EQ(Text(PrintAppointments, response),
            "a1       2026-12-01T15:00:00+02:00  Ion  pending    maria  Beard trim\n"
            "appt-22  2026-12-02T09:30:00+02:00  Ana  confirmed  -      -\n");
}

TEST(AppointmentTableTest, MoreToComeSaysWhereToContinue) {
  AppointmentsResponse response;
  *response.add_appointments() = MakeAppointment("a1", "2026-12-01T15:00:00+02:00", "Ion", "pending", "maria", "");
  *response.add_appointments() = MakeAppointment("a2", "2026-12-03T10:00:00+02:00", "Ion", "pending", "maria", "");
  response.set_more(true);
  const std::string text = Text(PrintAppointments, response);
  EXPECT_NE(text.find("\n... more follow; list again with --from 2026-12-03T10:00:00+02:00\n"), std::string::npos)
      << text;
}

TEST(AppointmentTableTest, AnEmptyListPrintsNothing) {
  EXPECT_EQ(Text(PrintAppointments, AppointmentsResponse{}), "");
  EXPECT_EQ(Text(PrintTimeOff, ListTimeOffResponse{}), "");
  EXPECT_EQ(Text(PrintBarbers, ListBarbersResponse{}), "");
}

TEST(ProfileTest, WithoutAppointmentsSaysNone) {
  UserProfile profile;
  profile.set_username("maria");
  profile.set_email("maria@example.com");
  profile.set_user_id("u1");
  profile.set_role("customer");
  EXPECT_EQ(Text(PrintProfile, profile),
            "username: maria\nemail: maria@example.com\nuser id: u1\nrole: customer\nappointments: none\n");
}

TEST(ProfileTest, ABarbersAppointmentsAreAnIndentedTable) {
  UserProfile profile;
  profile.set_username("ion");
  profile.set_email("ion@example.com");
  profile.set_user_id("u2");
  profile.set_role("barber");
  profile.set_barber_name("Ion");
  *profile.add_appointments() = MakeAppointment("a1", "2026-12-01T15:00:00+02:00", "Ion", "confirmed", "maria", "");
  EXPECT_EQ(Text(PrintProfile, profile),
            "username: ion\nemail: ion@example.com\nuser id: u2\nrole: barber\nbarber name: Ion\n"
            "appointments:\n"
            "  a1  2026-12-01T15:00:00+02:00  Ion  confirmed  maria  -\n");
}

TEST(ProfileTest, AnAccountAloneShowsItsPhoneAndNoAppointments) {
  UserProfile profile;
  profile.set_username("maria");
  profile.set_email("maria@example.com");
  profile.set_user_id("u1");
  profile.set_role("customer");
  profile.set_phone("+37369123456");
  EXPECT_EQ(Text(PrintAccount, profile),
            "username: maria\nemail: maria@example.com\nuser id: u1\nrole: customer\nphone: +37369123456\n");
}

TEST(BarberTest, ABarberLineHasNameIdAndGroupedHours) {
  ListBarbersResponse response;
  Barber& ana = *response.add_barbers();
  ana.set_name("Ana");
  ana.set_barber_id("b-1");
  for (int day = 1; day <= 5; ++day) AddHours(ana, day, "09:00", "18:00");
  AddHours(ana, 6, "10:00", "14:00");
  Barber& ion = *response.add_barbers();
  ion.set_name("Ion");
  ion.set_barber_id("b-22");
  EXPECT_EQ(Text(PrintBarbers, response),
            "Ana  b-1   Mon-Fri 09:00-18:00, Sat 10:00-14:00\n"
            "Ion  b-22  no working hours\n");
}

TEST(BarberTest, ServicesShowLengthPriceAndName) {
  Barber barber;
  barber.set_name("Ana");
  auto* haircut = barber.add_services();
  haircut->set_name("Haircut");
  haircut->set_duration_minutes(30);
  haircut->set_price_cents(2500);
  auto* beard = barber.add_services();
  beard->set_name("Beard trim and wash");
  beard->set_duration_minutes(120);
  beard->set_price_cents(5);
  EXPECT_EQ(Text(PrintServices, barber),
            "30min   25.00  Haircut\n"
            "120min  0.05   Beard trim and wash\n");
}

TEST(BarberTest, NoServicesSaysHowLongABookingTakes) {
  Barber barber;
  barber.set_name("Ion");
  EXPECT_EQ(Text(PrintServices, barber), "Ion offers no services; bookings take 30 minutes\n");
}

TEST(TimeOffTableTest, AnEmptyReasonPrintsADash) {
  ListTimeOffResponse response;
  TimeOff& off = *response.add_time_off();
  off.set_time_off_id("t1");
  off.set_from("2026-12-24T00:00:00+02:00");
  off.set_to("2026-12-27T00:00:00+02:00");
  EXPECT_EQ(Text(PrintTimeOff, response), "t1  2026-12-24T00:00:00+02:00  2026-12-27T00:00:00+02:00  -\n");
}

TEST(TextTest, Utf8NamesComeOutByteForByte) {
  AppointmentsResponse response;
  *response.add_appointments() =
      MakeAppointment("a1", "2026-12-01T15:00:00+02:00", "Ștefan", "pending", "Андрей", "Tuns și barbă");
  const std::string text = Text(PrintAppointments, response);
  EXPECT_EQ(text, "a1  2026-12-01T15:00:00+02:00  Ștefan  pending  Андрей  Tuns și barbă\n");
}

TEST(TextTest, ColumnWidthsCountBytesNotCharacters) {
  // "Ștefan" is 6 characters in 7 bytes: "Ion" is padded to 7 bytes, so on a terminal the
  // column after a non-ASCII name sits one place further left.
  std::ostringstream out;
  PrintTable(out, {{"Ștefan", "x"}, {"Ion", "y"}});
  EXPECT_EQ(out.str(), "Ștefan  x\nIon      y\n");
}

TEST(TextTest, TableCellsAreWrittenAsTheServerSentThem) {
  // Only error lines are cleaned of line breaks; text answers are printed as they came.
  std::ostringstream out;
  PrintTable(out, {{"a\x1b[31m", "b\nc"}});
  EXPECT_EQ(out.str(), "a\x1b[31m  b\nc\n");
}

TEST(PriceTest, CentsAlwaysHaveTwoDigits) {
  EXPECT_EQ(FormatPrice(0), "0.00");
  EXPECT_EQ(FormatPrice(7), "0.07");
  EXPECT_EQ(FormatPrice(2500), "25.00");
  EXPECT_EQ(FormatPrice(100000000), "1000000.00");
}

class PrinterTest : public ::testing::Test {
 protected:
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(PrinterTest, TextModePrintsWithTheGivenFunction) {
  const Printer printer(false, out_, err_);
  AppointmentsResponse response;
  EXPECT_EQ(printer.Show(response, [](std::ostream& out) { out << "as text\n"; }), kExitOk);
  EXPECT_EQ(out_.str(), "as text\n");
  EXPECT_EQ(err_.str(), "");
}

TEST_F(PrinterTest, JsonModeKeepsProtoFieldNamesAndDefaults) {
  const Printer printer(true, out_, err_);
  AppointmentsResponse response;
  Appointment& a = *response.add_appointments() =
      MakeAppointment("a1", "2026-12-01T15:00:00+02:00", "Ion", "pending", "maria", "");
  a.set_price_cents(2500);
  bool printed_text = false;
  EXPECT_EQ(printer.Show(response, [&](std::ostream&) { printed_text = true; }), kExitOk);
  EXPECT_FALSE(printed_text);
  const std::string line = out_.str();
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line: " << line;
  const auto json = nlohmann::json::parse(line);
  EXPECT_EQ(json.at("more"), false);
  const auto& first = json.at("appointments").at(0);
  EXPECT_EQ(first.at("appointment_id"), "a1");
  EXPECT_EQ(first.at("barber_name"), "Ion");
  EXPECT_EQ(first.at("service"), "");
  EXPECT_EQ(first.at("price_cents"), "2500");  // proto3 JSON writes int64 as a string
}

TEST_F(PrinterTest, JsonModeOfAnEmptyListIsAnEmptyArray) {
  const Printer printer(true, out_, err_);
  EXPECT_EQ(printer.Show(AppointmentsResponse{}, [](std::ostream&) {}), kExitOk);
  const auto json = nlohmann::json::parse(out_.str());
  EXPECT_EQ(json.at("appointments"), nlohmann::json::array());
  EXPECT_EQ(json.at("more"), false);
}

TEST_F(PrinterTest, JsonModeKeepsUtf8AndEscapesControlCharacters) {
  const Printer printer(true, out_, err_);
  Barber barber;
  barber.set_name("Ștefan\x1b[2J\n");
  EXPECT_EQ(printer.Show(barber, [](std::ostream&) {}), kExitOk);
  const std::string line = out_.str();
  EXPECT_EQ(line.find('\x1b'), std::string::npos) << line;
  EXPECT_EQ(line.find('\n'), line.size() - 1) << line;
  EXPECT_EQ(nlohmann::json::parse(line).at("name"), "Ștefan\x1b[2J\n");
}

TEST_F(PrinterTest, AMessageOnlyAnswer) {
  EXPECT_EQ(Printer(false, out_, err_).ShowMessage("Logged out."), kExitOk);
  EXPECT_EQ(out_.str(), "Logged out.\n");
  out_.str("");
  EXPECT_EQ(Printer(true, out_, err_).ShowMessage("Logged out."), kExitOk);
  EXPECT_EQ(nlohmann::json::parse(out_.str()), (nlohmann::json{{"success", true}, {"message", "Logged out."}}));
}

TEST_F(PrinterTest, AFailureIsOneLineOnStderrWithItsExitCode) {
  for (const bool json : {false, true}) {
    out_.str("");
    err_.str("");
    EXPECT_EQ(Printer(json, out_, err_).Fail({kExitUnreachable, "it broke"}), kExitUnreachable);
    EXPECT_EQ(out_.str(), "");
    EXPECT_EQ(err_.str(), "barbershop: it broke\n");
  }
}

}  // namespace
}  // namespace barbershop::cli
