#include "pg_unit_of_work.hpp"

namespace barbershop::core::storage {

PgUnitOfWork::PgUnitOfWork(Database& db, const PgWiring& wiring)
    : db_(db),
      accounts_(db),
      barbers_(db),
      time_off_(db),
      appointments_(db, wiring.cap_refusals),
      attempts_(db),
      sessions_(db),
      calendars_(db),
      waitlist_(db) {
  if (wiring.lists != nullptr) {
    accounts_in_use_ = &accounts_cached_.emplace(accounts_, *wiring.lists);
    barbers_in_use_ = &barbers_cached_.emplace(barbers_, *wiring.lists);
    appointments_in_use_ = &appointments_cached_.emplace(appointments_, *wiring.lists);
    time_off_in_use_ = &time_off_cached_.emplace(time_off_, *wiring.lists);
    waitlist_in_use_ = &waitlist_cached_.emplace(waitlist_, *wiring.lists);
  }
}

void PgUnitOfWork::ReadFromStore() {
  accounts_in_use_ = &accounts_;
  barbers_in_use_ = &barbers_;
  appointments_in_use_ = &appointments_;
  time_off_in_use_ = &time_off_;
  waitlist_in_use_ = &waitlist_;
}

bool PgWorkQueue::Submit(Task task) {
  return executor_.Submit([this, task = std::move(task)](Database& db) {
    db.BeginWork();
    PgUnitOfWork work(db, wiring_);
    task(work);
  });
}

}  // namespace barbershop::core::storage
