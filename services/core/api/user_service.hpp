#pragma once

#include "barbershop/common/clock.hpp"
#include "barbershop/common/metrics.hpp"
#include "barbershop/common/passwords.hpp"
#include "barbershop/common/shop_time.hpp"
#include "barbershop/common/tokens.hpp"
#include "barbershop/common/trusted_proxies.hpp"
#include "barbershop/common/worker_pool.hpp"
#include "call_runner.hpp"
#include "domain/bookings.hpp"
#include "domain/list_cache.hpp"
#include "domain/throttle.hpp"
#include "domain/unit_of_work.hpp"
#include "domain/waitlist.hpp"
#include "user_service.grpc.pb.h"

namespace barbershop::core::api {

/// What the handlers share; owned by the application, outlives the service.
struct ServiceContext {
  domain::WorkQueue& work;      ///< repositories on database workers
  common::WorkerPool& hashing;  ///< Argon2id, off the database workers
  const common::PasswordHasher& hasher;
  const common::TokenSigner& signer;      ///< issues access tokens
  std::chrono::seconds refresh_lifetime;  ///< of each refresh token
  const common::TokenVerifier& tokens;
  const common::ShopTime& shop_time;
  const common::Clock& clock;
  const domain::BookingPolicy& policy;
  common::MetricsRegistry& metrics;
  domain::ListCache& lists;  ///< what the work queue's repositories keep; own lists are answered from it at once
  const domain::AbuseLimits& limits;
  /// Whose X-Forwarded-For names the client that the per-address limits count.
  const common::TrustedProxies& proxies;
  const domain::WaitlistPolicy& waitlist;
};

/// The seed's UserService (plus ConfirmAppointment, GetAppointment, ListBarbers,
/// CompleteAppointment, MarkNoShow, GetAvailableSlots, SaveService, RemoveService,
/// AddTimeOff, RemoveTimeOff, ListTimeOff, GetAppointmentHistory, GetBarberSchedule, SaveBarber, UpdateProfile,
/// SetAccountActive, ChangePassword, DeleteAccount, RefreshSession, Logout, ResetCalendarLink and GetCalendarFeed) on
/// the callback API.  Each handler reads as the callback examples do: validate, work, finish; the CallRunner runs its
/// steps.  The handlers are in account_handlers.cpp, profile_handlers.cpp, appointment_handlers.cpp,
/// barber_handlers.cpp and calendar_handlers.cpp.
class UserServiceImpl final
    : public UserService::WithRawCallbackMethod_GetBarberSchedule<UserService::CallbackService> {
 public:
  explicit UserServiceImpl(ServiceContext context);

  grpc::ServerUnaryReactor* SignUp(grpc::CallbackServerContext* call, const SignUpRequest* request,
                                   SignUpResponse* response) override;
  grpc::ServerUnaryReactor* Login(grpc::CallbackServerContext* call, const LoginRequest* request,
                                  LoginResponse* response) override;
  grpc::ServerUnaryReactor* GetUserProfile(grpc::CallbackServerContext* call, const GetUserProfileRequest* request,
                                           UserProfile* response) override;
  grpc::ServerUnaryReactor* CreateAppointment(grpc::CallbackServerContext* call,
                                              const CreateAppointmentRequest* request,
                                              AppointmentResponse* response) override;
  grpc::ServerUnaryReactor* ModifyAppointment(grpc::CallbackServerContext* call,
                                              const ModifyAppointmentRequest* request,
                                              AppointmentResponse* response) override;
  grpc::ServerUnaryReactor* CancelAppointment(grpc::CallbackServerContext* call,
                                              const CancelAppointmentRequest* request,
                                              AppointmentResponse* response) override;
  grpc::ServerUnaryReactor* GetAppointments(grpc::CallbackServerContext* call, const GetAppointmentsRequest* request,
                                            AppointmentsResponse* response) override;
  grpc::ServerUnaryReactor* ConfirmAppointment(grpc::CallbackServerContext* call,
                                               const ConfirmAppointmentRequest* request,
                                               AppointmentResponse* response) override;
  grpc::ServerUnaryReactor* GetAppointment(grpc::CallbackServerContext* call, const GetAppointmentRequest* request,
                                           AppointmentResponse* response) override;
  grpc::ServerUnaryReactor* GetAppointmentHistory(grpc::CallbackServerContext* call,
                                                  const GetAppointmentHistoryRequest* request,
                                                  AppointmentHistoryResponse* response) override;
  /// Raw bytes in and out: a schedule the list cache keeps goes out as the bytes last
  /// answered.  The request is a GetBarberScheduleRequest, the answer a
  /// BarberScheduleResponse.
  grpc::ServerUnaryReactor* GetBarberSchedule(grpc::CallbackServerContext* call, const grpc::ByteBuffer* request,
                                              grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListBarbers(grpc::CallbackServerContext* call, const ListBarbersRequest* request,
                                        ListBarbersResponse* response) override;
  grpc::ServerUnaryReactor* CompleteAppointment(grpc::CallbackServerContext* call,
                                                const CompleteAppointmentRequest* request,
                                                AppointmentResponse* response) override;
  grpc::ServerUnaryReactor* MarkNoShow(grpc::CallbackServerContext* call, const MarkNoShowRequest* request,
                                       AppointmentResponse* response) override;
  grpc::ServerUnaryReactor* GetAvailableSlots(grpc::CallbackServerContext* call,
                                              const GetAvailableSlotsRequest* request,
                                              GetAvailableSlotsResponse* response) override;
  grpc::ServerUnaryReactor* SaveService(grpc::CallbackServerContext* call, const SaveServiceRequest* request,
                                        ServiceResponse* response) override;
  grpc::ServerUnaryReactor* RemoveService(grpc::CallbackServerContext* call, const RemoveServiceRequest* request,
                                          ServiceResponse* response) override;
  grpc::ServerUnaryReactor* AddTimeOff(grpc::CallbackServerContext* call, const AddTimeOffRequest* request,
                                       TimeOffResponse* response) override;
  grpc::ServerUnaryReactor* RemoveTimeOff(grpc::CallbackServerContext* call, const RemoveTimeOffRequest* request,
                                          TimeOffResponse* response) override;
  grpc::ServerUnaryReactor* ListTimeOff(grpc::CallbackServerContext* call, const ListTimeOffRequest* request,
                                        ListTimeOffResponse* response) override;
  grpc::ServerUnaryReactor* SaveBarber(grpc::CallbackServerContext* call, const SaveBarberRequest* request,
                                       SaveBarberResponse* response) override;
  grpc::ServerUnaryReactor* UpdateProfile(grpc::CallbackServerContext* call, const UpdateProfileRequest* request,
                                          UserProfile* response) override;
  grpc::ServerUnaryReactor* SetAccountActive(grpc::CallbackServerContext* call, const SetAccountActiveRequest* request,
                                             AccountResponse* response) override;
  grpc::ServerUnaryReactor* ChangePassword(grpc::CallbackServerContext* call, const ChangePasswordRequest* request,
                                           AccountResponse* response) override;
  grpc::ServerUnaryReactor* DeleteAccount(grpc::CallbackServerContext* call, const DeleteAccountRequest* request,
                                          AccountResponse* response) override;
  grpc::ServerUnaryReactor* RefreshSession(grpc::CallbackServerContext* call, const RefreshSessionRequest* request,
                                           LoginResponse* response) override;
  grpc::ServerUnaryReactor* Logout(grpc::CallbackServerContext* call, const LogoutRequest* request,
                                   AccountResponse* response) override;
  grpc::ServerUnaryReactor* ResetCalendarLink(grpc::CallbackServerContext* call,
                                              const ResetCalendarLinkRequest* request,
                                              CalendarLinkResponse* response) override;
  grpc::ServerUnaryReactor* GetCalendarFeed(grpc::CallbackServerContext* call, const GetCalendarFeedRequest* request,
                                            CalendarFeedResponse* response) override;
  grpc::ServerUnaryReactor* JoinWaitlist(grpc::CallbackServerContext* call, const JoinWaitlistRequest* request,
                                         WaitlistEntryResponse* response) override;
  grpc::ServerUnaryReactor* ListWaitlist(grpc::CallbackServerContext* call, const ListWaitlistRequest* request,
                                         ListWaitlistResponse* response) override;
  grpc::ServerUnaryReactor* LeaveWaitlist(grpc::CallbackServerContext* call, const LeaveWaitlistRequest* request,
                                          WaitlistEntryResponse* response) override;
  grpc::ServerUnaryReactor* ClaimHold(grpc::CallbackServerContext* call, const ClaimHoldRequest* request,
                                      AppointmentResponse* response) override;
  grpc::ServerUnaryReactor* PassHold(grpc::CallbackServerContext* call, const PassHoldRequest* request,
                                     WaitlistEntryResponse* response) override;

  /// Offers the times a change freed of `barber_id`'s to the waitlist (WaitlistService::
  /// OfferFreed) on the call's connection; a failure is logged, never the call's: the
  /// change itself is made.
  void OfferFreed(domain::UnitOfWork& work, const std::string& barber_id, const domain::TimeRange& freed) const;

 private:
  /// GetBarberSchedule's answer from `days`, serialised into `response`: the one the list
  /// cache keeps for the barber, range and caller's view, or one built and then kept.
  /// `from_memory`: `days` is KeptDays, and what it lacks gives nullopt (for the database).
  Outcome ScheduleAnswer(domain::DaySource& days, const domain::Caller* caller, const GetBarberScheduleRequest& request,
                         grpc::ByteBuffer* response, bool from_memory);
  grpc::Status AppointmentCall(Call& call, const char* verb,
                               const std::function<common::Result<domain::Appointment>(domain::BookingService&)>& op,
                               AppointmentResponse* response);
  /// CompleteAppointment and MarkNoShow: the barber's verdict `outcome` on the appointment.
  grpc::ServerUnaryReactor* CloseCall(grpc::CallbackServerContext* call, const char* method,
                                      const std::string& appointment_id, domain::AppointmentStatus outcome,
                                      AppointmentResponse* response);
  /// SignUp's steps after its address was counted: hash the password, then insert.
  void HashAndCreateAccount(const Started& started, const SignUpRequest* request, SignUpResponse* response);
  /// A password that was not right: counted against `keys` (as a failed login), then the
  /// call is answered with `failure`.
  void CountFailure(const Started& started, const std::vector<std::pair<std::string, domain::AttemptLimit>>& keys,
                    const common::Error& failure);
  /// Runs `then` on a hashing thread with the caller's account once `password` proved to
  /// be its current one.  The account is read first and must pass `allowed`; past the
  /// limits of failed logins of its e-mail or the call's address it is refused, and a
  /// wrong password counts toward both, as a failed login does.  `then` also hears the
  /// caller's session.
  using WithUser = std::function<Outcome(const Started&, const domain::User&, const std::string& session_id)>;
  grpc::ServerUnaryReactor* PasswordCall(grpc::CallbackServerContext* call, const char* method,
                                         const std::string& password,
                                         const std::function<common::Status(const domain::User&)>& allowed,
                                         const WithUser& then);
  /// Login's steps after the password checked out, on the hashing thread: signs the
  /// session's first access token, then stores the session (and forgets the failed
  /// logins of `email_key`).
  Outcome StartSession(const Started& started, const domain::User& user, LoginResponse* response,
                       const std::string& email_key);
  /// A login's or a refresh's answer: the access token, the refresh token, the account.
  void FillLogin(const domain::User& user, const common::TokenSigner::Issued& access, const std::string& session_id,
                 const std::string& refresh_token, domain::TimePoint refresh_expires_at, LoginResponse* response) const;
  /// A profile as UserProfile shows it (without appointments): a barber's name too.
  static void FillProfile(domain::UnitOfWork& work, const domain::User& user, UserProfile* profile);

  ServiceContext ctx_;
  CallRunner calls_;
  common::Counter& lists_kept_;
  common::Counter& lists_read_;
  common::Counter& throttled_logins_;
  common::Counter& throttled_signups_;
};

}  // namespace barbershop::core::api
