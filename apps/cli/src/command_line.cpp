#include "command_line.hpp"

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <iostream>
#include <optional>
#include <string>

#include "commands.hpp"

#ifndef BARBERSHOP_VERSION
#define BARBERSHOP_VERSION "dev"
#endif

namespace barbershop::cli {
namespace {

/// Everything the subcommands take; filled in by CLI11.
struct Arguments {
  std::string username;
  std::string email;
  std::string password;
  std::string barber;
  std::string at;
  std::string appointment_id;
  std::string to;
  std::string user_id;
  std::string key;
  std::string service;
  std::string reason;
  std::string hours;
  std::string new_password;
  std::string from;
  std::string id;
  std::optional<std::string> new_username;
  std::optional<std::string> new_email;
  std::optional<std::string> new_phone;
  bool auto_confirm = false;
  BookingRules rules;
  bool rules_given = false;
  int minutes = 30;
  std::int64_t price_cents = 0;
};

using Action = std::function<int(Commands&)>;

// Declares the command line; the chosen subcommand's callback picks `action`.
void DefineCommandLine(CLI::App& app, std::string& server, GlobalOptions& options, Arguments& args, Action& action) {
  app.set_version_flag("--version", BARBERSHOP_VERSION);
  app.require_subcommand(1);
  app.fallthrough();  // global options may also follow the subcommand
  app.add_option("--server", server,
                 std::string("core service HOST:PORT (default ") + kDefaultServer + ", or $" + kServerEnv +
                     ", or the server of the stored session)");
  app.add_flag("--json", options.json, "print the server's answer as JSON");

  const auto pick = [&action](CLI::App* sub, const Action& chosen) {
    sub->callback([&action, chosen] { action = chosen; });
  };

  auto* signup = app.add_subcommand("signup", "create an account");
  signup->add_option("--username", args.username, "3-32 characters: a-z, 0-9, '_', '.', '-'")->required();
  signup->add_option("--email", args.email, "e-mail address, used to log in")->required();
  signup->add_option("--password", args.password, "8 to 128 characters")->required();
  pick(signup, [&args](Commands& c) { return c.SignUp(args.username, args.email, args.password); });

  auto* login = app.add_subcommand("login", "log in and remember the session in the config folder");
  login->add_option("--email", args.email)->required();
  login->add_option("--password", args.password)->required();
  pick(login, [&args](Commands& c) { return c.Login(args.email, args.password); });

  pick(app.add_subcommand("logout", "forget the stored session"), [](Commands& c) { return c.Logout(); });
  pick(app.add_subcommand("calendar-link",
                          "a new secret link to an iCalendar feed of your appointments, for a calendar app to "
                          "subscribe to; the link before it stops working"),
       [](Commands& c) { return c.CalendarLink(); });
  pick(app.add_subcommand("barbers", "list the barbers: name, id, working hours"),
       [](Commands& c) { return c.Barbers(); });

  auto* slots = app.add_subcommand("slots", "the times a barber can still be booked on a day, one a line");
  slots->add_option("--barber", args.barber, "the barber's name, as `barbershop barbers` shows it")->required();
  slots->add_option("--date", args.at, "the day, e.g. 2026-12-01 (the shop's calendar)")->required();
  slots->add_option("--service", args.service, "one of the barber's services: slots long enough for it");
  pick(slots, [&args](Commands& c) { return c.Slots(args.barber, args.at, args.service); });

  auto* services = app.add_subcommand("services", "a barber's services: length, price, name");
  services->add_option("--barber", args.barber, "the barber's name, as `barbershop barbers` shows it")->required();
  pick(services, [&args](Commands& c) { return c.Services(args.barber); });

  auto* save = app.add_subcommand("service-save", "add a service to your price list, or change the one so named");
  save->add_option("--name", args.service, "1 to 64 characters, e.g. \"Beard trim\"")->required();
  save->add_option("--minutes", args.minutes, "5 to 480, a multiple of 5")->required();
  save->add_option("--price-cents", args.price_cents, "in the shop currency's cents, e.g. 2500")->required();
  save->add_option("--barber", args.barber, "whose price list (an admin's choice; default: your own)");
  pick(save, [&args](Commands& c) { return c.SaveService(args.barber, args.service, args.minutes, args.price_cents); });

  auto* remove = app.add_subcommand("service-remove", "remove a service from your price list");
  remove->add_option("NAME", args.service)->required();
  remove->add_option("--barber", args.barber, "whose price list (an admin's choice; default: your own)");
  pick(remove, [&args](Commands& c) { return c.RemoveService(args.barber, args.service); });

  auto* chair = app.add_subcommand("barber-save",
                                   "set your name, working hours and auto-confirm as a barber, "
                                   "or (an admin) make a user a barber");
  chair->add_option("--name", args.barber, "the name clients book by")->required();
  chair->add_option("--hours", args.hours, "e.g. \"Mon-Fri 09:00-18:00, Sat 10:00-14:00\" (replaces all hours)")
      ->required();
  chair->add_flag("--auto-confirm", args.auto_confirm, "confirm bookings at once");
  chair->add_option("--user", args.user_id, "whose chair (an admin's choice; default: your own)");
  // Any rule given replaces the chair's rules: those not given follow the shop's.
  const auto rule = [&](const char* flag, void (BookingRules::*set)(std::int32_t), const char* help) {
    chair->add_option_function<std::int32_t>(
        flag,
        [&args, set](std::int32_t value) {
          (args.rules.*set)(value);
          args.rules_given = true;
        },
        help);
  };
  rule("--buffer-minutes", &BookingRules::set_buffer_minutes, "booking rule: time kept free after each appointment");
  rule("--min-notice-minutes", &BookingRules::set_min_notice_minutes, "booking rule: how long ahead to book at least");
  rule("--horizon-days", &BookingRules::set_horizon_days, "booking rule: how many days ahead bookings open");
  rule("--grid-minutes", &BookingRules::set_grid_minutes, "booking rule: how often slots start from each opening");
  rule("--cancel-notice-minutes", &BookingRules::set_cancel_notice_minutes,
       "booking rule: within this long of the start clients can no longer cancel or move");
  chair->footer("Booking rules not given stay as they were; once any is given, those left out follow the shop's.");
  pick(chair, [&args](Commands& c) {
    return c.SaveBarber(args.user_id, args.barber, args.hours, args.auto_confirm,
                        args.rules_given ? &args.rules : nullptr);
  });

  auto* off = app.add_subcommand("time-off-add", "take time off; prints its id on the first line");
  off->add_option("--from", args.at, "ISO 8601 or a day, e.g. 2026-12-24")->required();
  off->add_option("--to", args.to, "ISO 8601 or a day, exclusive, e.g. 2026-12-27")->required();
  off->add_option("--reason", args.reason, "at most 200 characters; only you and admins see it");
  off->add_option("--barber", args.barber, "whose chair (an admin's choice; default: your own)");
  pick(off, [&args](Commands& c) { return c.AddTimeOff(args.barber, args.at, args.to, args.reason); });

  auto* off_list = app.add_subcommand("time-off", "list your time off from today on: id, from, to, reason");
  off_list->add_option("--barber", args.barber, "whose chair (an admin's choice; default: your own)");
  off_list->add_option("--from", args.at, "ISO 8601 or a day (default: today)");
  off_list->add_option("--to", args.to, "ISO 8601 or a day (default: no end)");
  pick(off_list, [&args](Commands& c) { return c.ListTimeOff(args.barber, args.at, args.to); });

  auto* off_remove = app.add_subcommand("time-off-remove", "remove time off by its id");
  off_remove->add_option("TIME_OFF_ID", args.appointment_id)->required();
  pick(off_remove, [&args](Commands& c) { return c.RemoveTimeOff(args.appointment_id); });

  auto* book = app.add_subcommand("book", "book an appointment; prints its id on the first line");
  book->add_option("--barber", args.barber, "the barber's name, as `barbershop barbers` shows it")->required();
  book->add_option("--at", args.at, "ISO 8601 start, e.g. 2026-12-01T15:00 (shop time unless it has an offset)")
      ->required();
  book->add_option("--idempotency-key", args.key,
                   "the same key again (1 to 128 visible ASCII characters) answers with the booking it made, "
                   "so a retry after a lost answer books once");
  book->add_option("--service", args.service,
                   "one of the barber's services, as `barbershop services` shows it (default: 30 minutes)");
  pick(book, [&args](Commands& c) { return c.Book(args.barber, args.at, args.service, args.key); });

  auto* move = app.add_subcommand("move", "move an appointment to another time");
  move->add_option("APPOINTMENT_ID", args.appointment_id)->required();
  move->add_option("--to", args.to, "ISO 8601 new start")->required();
  pick(move, [&args](Commands& c) { return c.Move(args.appointment_id, args.to); });

  // Subcommands that take only an appointment id.
  auto by_id = [&](const char* name, const char* description, auto method) {
    auto* command = app.add_subcommand(name, description);
    command->add_option("APPOINTMENT_ID", args.appointment_id)->required();
    pick(command, [&args, method](Commands& c) { return c.ChangeById(method, args.appointment_id); });
  };
  by_id("cancel", "cancel an appointment", &UserService::Stub::CancelAppointment);
  by_id("confirm", "confirm a pending appointment (its barber)", &UserService::Stub::ConfirmAppointment);
  by_id("complete", "mark a confirmed appointment that has started completed (its barber)",
        &UserService::Stub::CompleteAppointment);
  by_id("no-show", "mark a confirmed appointment that has started a no-show (its barber)",
        &UserService::Stub::MarkNoShow);

  auto* history = app.add_subcommand(
      "history", "every change to an appointment, one a line: when, change, who (role), status and start after");
  history->add_option("APPOINTMENT_ID", args.appointment_id)->required();
  pick(history, [&args](Commands& c) { return c.History(args.appointment_id); });

  auto* join = app.add_subcommand(
      "waitlist-join", "wait in line for a time with a barber on a day; a freed time is held for you and told live");
  join->add_option("--barber", args.barber, "the barber's name, as `barbershop barbers` shows it")->required();
  join->add_option("--date", args.at, "the day, e.g. 2026-12-01 (the shop's calendar)")->required();
  join->add_option("--from", args.from, "the earliest start, HH:MM")->required();
  join->add_option("--to", args.to, "the latest end, HH:MM (24:00 for midnight)")->required();
  join->add_option("--service", args.service, "one of the barber's services (default: 30 minutes)");
  join->add_option("--user", args.user_id, "for whom (an admin's choice; default: you)");
  pick(join, [&args](Commands& c) {
    return c.JoinWaitlist(args.user_id, args.barber, args.at, args.from, args.to, args.service);
  });
  auto* waitlist = app.add_subcommand(
      "waitlist", "your waitlist entries: id, barber, day, window, state, and the time held for you (hold id, until)");
  waitlist->add_option("--user", args.user_id, "whose (an admin's choice; default: yours)");
  pick(waitlist, [&args](Commands& c) { return c.ListWaitlist(args.user_id); });
  auto* leave = app.add_subcommand("waitlist-leave", "leave the waitlist; a time held for you goes to the next");
  leave->add_option("ENTRY_ID", args.id)->required();
  pick(leave, [&args](Commands& c) { return c.LeaveWaitlist(args.id); });
  auto* claim = app.add_subcommand("claim", "book the time held for you on the waitlist");
  claim->add_option("HOLD_ID", args.id)->required();
  pick(claim, [&args](Commands& c) { return c.ClaimHold(args.id); });
  auto* pass = app.add_subcommand("pass", "give the time held for you to the next in line, and wait on");
  pass->add_option("HOLD_ID", args.id)->required();
  pick(pass, [&args](Commands& c) { return c.PassHold(args.id); });

  auto* list =
      app.add_subcommand("list", "list appointments from today on: id, date_time, barber, status, client, service");
  list->add_option("--user", args.user_id, "whose appointments (default: yours; a barber's lists their chair)");
  list->add_option("--from", args.at, "ISO 8601 or a day: those starting then or later (default: today)");
  list->add_option("--to", args.to, "ISO 8601 or a day: those starting before then (default: no end)");
  pick(list, [&args](Commands& c) { return c.List(args.user_id, args.at, args.to); });

  pick(app.add_subcommand("profile", "show your account and appointments"), [](Commands& c) { return c.Profile(); });

  auto* profile = app.add_subcommand("profile-update", "change your username, e-mail or phone (those given only)");
  profile->add_option("--username", args.new_username, "3-32 characters: a-z, 0-9, '_', '.', '-'");
  profile->add_option("--email", args.new_email, "e-mail address, used to log in");
  profile->add_option("--phone", args.new_phone, "e.g. \"+44 20 7946 0958\"; \"\" removes it");
  profile->add_option("--user", args.user_id, "whose profile (an admin's choice; default: your own)");
  pick(profile, [&args](Commands& c) {
    return c.UpdateProfile(args.user_id, args.new_username, args.new_email, args.new_phone);
  });

  auto* password = app.add_subcommand("password", "change your password");
  password->add_option("--current", args.password, "your password now")->required();
  password->add_option("--new", args.new_password, "8 to 128 characters, not the current one")->required();
  pick(password, [&args](Commands& c) { return c.ChangePassword(args.password, args.new_password); });

  // An admin's: an account by its user id.
  auto activation = [&](const char* name, const char* description, bool active) {
    auto* command = app.add_subcommand(name, description);
    command->add_option("USER_ID", args.user_id)->required();
    pick(command, [&args, active](Commands& c) { return c.SetAccountActive(args.user_id, active); });
  };
  activation("account-deactivate", "stop an account from logging in and refuse its sessions (an admin)", false);
  activation("account-activate", "let a deactivated account log in again (an admin)", true);

  auto* remove_account = app.add_subcommand(
      "account-delete", "delete your customer account: upcoming appointments are canceled; logs you out");
  remove_account->add_option("--password", args.password, "your password, to confirm")->required();
  pick(remove_account, [&args](Commands& c) { return c.DeleteAccount(args.password); });
}

}  // namespace

int Run(int argc, char** argv) {
  CLI::App app{"barbershop: book and manage barbershop appointments", "barbershop"};
  std::string server;
  GlobalOptions options;
  Arguments args;
  Action action;
  DefineCommandLine(app, server, options, args, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 has its own exit codes; ours promise 2 for any usage error.
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  if (app.get_option("--server")->count() > 0) options.server = server;
  const SessionStore sessions(SessionStore::DefaultPath());
  const Printer printer(options.json, std::cout, std::cerr);
  Commands commands(options, sessions, printer);
  return action ? action(commands) : kExitUsage;
}

}  // namespace barbershop::cli
