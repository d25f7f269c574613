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
    EachCacheLayer([&lists = *wiring.lists](auto& layer) { layer.Wire(lists); });
  }
}

void PgUnitOfWork::ReadFromStore() {
  EachCacheLayer([](auto& layer) { layer.Bypass(); });
}

bool PgWorkQueue::Submit(Task task) {
  return executor_.Submit([this, task = std::move(task)](Database& db) {
    db.BeginWork();
    PgUnitOfWork work(db, wiring_);
    task(work);
  });
}

}  // namespace barbershop::core::storage
