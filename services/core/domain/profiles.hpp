#pragma once

#include <string>
#include <vector>

#include "barbershop/common/passwords.hpp"
#include "barbershop/common/shop_time.hpp"
#include "repositories.hpp"

namespace barbershop::core::domain {

// A user's own account after sign-up: their profile, their password, deactivation by an
// admin and deletion.  The rules and who may do what; the service runs the steps (the
// password checks on the hashing threads, the rest on the database workers).

/// Changes the profile of `user_id` (the caller's own when empty; another's for an admin
/// only): the fields `change` sets, checked as at sign-up (the phone as NormalizePhone
/// reads it, or empty to remove it).  kInvalidArgument when it sets none.
common::Result<User> UpdateProfile(AccountRepository& accounts, const Caller& caller, const std::string& user_id,
                                   ProfileChange change);

/// An admin deactivates (`active` false) or reactivates another account.  A deactivation
/// ends the account's sessions, as `ending` says.
common::Status SetAccountActive(AccountRepository& accounts, const Caller& caller, const std::string& user_id,
                                bool active, const SessionEnding& ending);

/// The checks of a new password before anything is hashed: as at sign-up, and not the
/// current one.  No database.
common::Status CheckNewPassword(const std::string& current_password, const std::string& new_password);

/// Whether `password` is the account's current one (Argon2id; on a hashing thread).
/// kPermissionDenied when it is not.  No database.
common::Status CheckCurrentPassword(const common::PasswordHasher& hasher, const User& user,
                                    const std::string& password);

/// Only a customer deletes their own account: a barber's chair and an admin's duties
/// outlive them (kFailedPrecondition).
common::Status MayDeleteAccount(const User& user);

/// Deletes `caller`'s account (a customer's, checked before): cancels each of their
/// live appointments that starts after `now`, each with its appointment.canceled event,
/// scrubs the account and ends its sessions, in one transaction
/// (AccountRepository::DeleteCustomer).  The appointments it canceled, as they were.
common::Result<std::vector<Appointment>> DeleteCustomerAccount(AccountRepository& accounts,
                                                               AppointmentRepository& appointments,
                                                               const Caller& caller, const common::ShopTime& shop_time,
                                                               TimePoint now);

/// The name a deleted customer's appointments keep.
inline constexpr const char* kFormerCustomer = "former customer";

}  // namespace barbershop::core::domain
