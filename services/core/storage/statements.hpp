#pragma once

#include <pqxx/pqxx>

#include <string>

namespace barbershop::core::storage {

/// Registers every named statement of the core service on a new connection, each
/// planned once for all the values it is called with.
void PrepareStatements(pqxx::connection& connection);

/// The one way an event enters the outbox: an INSERT of the rows `rows` selects, each
/// (event id, aggregate id, routing key, JSON payload); the aggregate is the appointment,
/// the session or the barber the event is about.  A statement that changes one writes its
/// event in the same statement (a CTE), so both commit together; a change made of several
/// statements writes it in the same transaction (kInsertEvent).
std::string OutboxInsert(const std::string& rows);

namespace stmt {
/// One event (event id, aggregate id, routing key, JSON payload), inside the transaction
/// of the change it announces.
inline constexpr const char* kInsertEvent = "insert_event";
inline constexpr const char* kInsertUser = "insert_user";
inline constexpr const char* kUserByEmail = "user_by_email";
inline constexpr const char* kUserById = "user_by_id";
inline constexpr const char* kUpdateProfile = "update_profile";
inline constexpr const char* kSetActive = "set_active";
inline constexpr const char* kReplacePasswordHash = "replace_password_hash";
inline constexpr const char* kLockClient = "lock_client";
inline constexpr const char* kInsertSession = "insert_session";
inline constexpr const char* kSessionState = "session_state";
inline constexpr const char* kRefreshTokenForUse = "refresh_token_for_use";
inline constexpr const char* kUseRefreshToken = "use_refresh_token";
inline constexpr const char* kPruneRefreshTokens = "prune_refresh_tokens";
inline constexpr const char* kOpenSessionsOf = "open_sessions_of";
inline constexpr const char* kEndSession = "end_session";
inline constexpr const char* kLiveAfter = "live_after";
inline constexpr const char* kScrubCustomer = "scrub_customer";
inline constexpr const char* kMakeBarber = "make_barber";
inline constexpr const char* kSetCalendarLink = "set_calendar_link";
inline constexpr const char* kCalendarOwner = "calendar_owner";
inline constexpr const char* kCalendarEntries = "calendar_entries";
inline constexpr const char* kWaitingEntriesOf = "waiting_entries_of";
inline constexpr const char* kInsertWaitlistEntry = "insert_waitlist_entry";
inline constexpr const char* kWaitlistEntryById = "waitlist_entry_by_id";
inline constexpr const char* kWaitlistEntriesOf = "waitlist_entries_of";
inline constexpr const char* kHoldById = "hold_by_id";
inline constexpr const char* kWaitlistLine = "waitlist_line";
inline constexpr const char* kHeldTimes = "held_times";
inline constexpr const char* kInsertHold = "insert_hold";
inline constexpr const char* kEndHold = "end_hold";
inline constexpr const char* kLeaveWaitlist = "leave_waitlist";
inline constexpr const char* kLeaveEveryWaitlist = "leave_every_waitlist";
inline constexpr const char* kWithdrawHold = "withdraw_hold";
inline constexpr const char* kLapseHolds = "lapse_holds";
inline constexpr const char* kWaitingLines = "waiting_lines";
inline constexpr const char* kSaveChair = "save_chair";
inline constexpr const char* kSaveRules = "save_rules";
inline constexpr const char* kAppointmentHistory = "appointment_history";
inline constexpr const char* kClearWorkingHours = "clear_working_hours";
inline constexpr const char* kAddWorkingHours = "add_working_hours";
inline constexpr const char* kBarberById = "barber_by_id";
inline constexpr const char* kBarberByName = "barber_by_name";
inline constexpr const char* kListBarbers = "list_barbers";
inline constexpr const char* kInsertAppointment = "insert_appointment";
inline constexpr const char* kUpdateAppointment = "update_appointment";
inline constexpr const char* kAppointmentById = "appointment_by_id";
inline constexpr const char* kAppointmentByIdempotencyKey = "appointment_by_idempotency_key";
inline constexpr const char* kAppointmentsOfClient = "appointments_of_client";
inline constexpr const char* kAppointmentsOfBarber = "appointments_of_barber";
inline constexpr const char* kBarberIsOff = "barber_is_off";
inline constexpr const char* kSaveService = "save_service";
inline constexpr const char* kRemoveService = "remove_service";
inline constexpr const char* kAddTimeOff = "add_time_off";
inline constexpr const char* kTimeOffById = "time_off_by_id";
inline constexpr const char* kDeleteTimeOff = "delete_time_off";
inline constexpr const char* kTimeOffListOfBarber = "time_off_list_of_barber";
}  // namespace stmt

}  // namespace barbershop::core::storage
