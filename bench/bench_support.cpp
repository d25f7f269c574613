#include "bench_support.hpp"

#include <stdexcept>

#include "barbershop/common/ids.hpp"
#include "barbershop/common/passwords.hpp"
#include "domain/accounts.hpp"
#include "storage/pg_accounts.hpp"
#include "storage/pg_barbers.hpp"

namespace barbershop::bench {

std::vector<std::string> NewBarbers(const std::string& database_url, int count, bool shop_week) {
  core::storage::Database db(database_url);
  core::storage::PgAccountRepository accounts(db);
  core::storage::PgBarberRepository barbers(db);
  common::PasswordHasher hasher;
  core::domain::AccountService service(accounts, barbers, hasher);
  std::vector<core::domain::WorkingHours> hours;
  for (unsigned day = 1; day <= (shop_week ? 6 : 7); ++day) {
    hours.push_back(shop_week ? core::domain::WorkingHours{day, 9 * 60, 19 * 60}
                              : core::domain::WorkingHours{day, 0, 24 * 60});
  }
  std::vector<std::string> names;
  for (int i = 0; i < count; ++i) {
    const auto name = "benchbarber_" + common::NewUuid().substr(0, 12);
    const auto saved = service.SaveBarber(name, name + "@bench.test", kBarberPassword, name, hours, false);
    if (!saved) throw std::runtime_error("cannot create a barber: " + saved.error().message);
    names.push_back(name);
  }
  return names;
}

void SettleDatabase(const std::string& database_url) {
  core::storage::Database db(database_url);
  pqxx::nontransaction tx(db.Connection());
  tx.exec("VACUUM (ANALYZE) appointments, outbox");
  tx.exec("CHECKPOINT");
}

}  // namespace barbershop::bench
