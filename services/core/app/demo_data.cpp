#include "demo_data.hpp"

#include <spdlog/spdlog.h>

#include "domain/accounts.hpp"
#include "storage/pg_accounts.hpp"
#include "storage/pg_barbers.hpp"

namespace barbershop::core::app {

common::Status EnsureDemoData(storage::Database& db, const common::PasswordHasher& hasher) {
  storage::PgAccountRepository accounts(db);
  storage::PgBarberRepository barbers(db);
  domain::AccountService service(accounts, barbers, hasher);

  std::vector<domain::WorkingHours> week;
  for (unsigned day = 1; day <= 6; ++day) week.push_back({day, 9 * 60, 18 * 60});
  struct DemoBarber {
    const char* username;
    const char* name;
  };
  for (const auto& barber : {DemoBarber{"ana", "Ana"}, DemoBarber{"ion", "Ion"}, DemoBarber{"elena", "Elena"}}) {
    const std::string email = std::string(barber.username) + "@barbershop.test";
    auto existing = accounts.FindUserByEmail(email);
    if (!existing) return existing.error();
    std::string id = existing->has_value() ? (*existing)->id : std::string();
    if (id.empty()) {
      auto saved = service.SaveBarber(barber.username, email, kDemoPassword, barber.name, week, false);
      if (!saved) return saved.error();
      id = saved->id;
      spdlog::info("created demo barber {}", barber.name);
    }
    // A price list for a demo barber who has none (one made before services existed).
    auto chair = barbers.FindBarberById(id);
    if (!chair) return chair.error();
    if (!chair->has_value() || !(*chair)->services.empty()) continue;
    using std::chrono::minutes;
    for (const auto& offer :
         {domain::BarberService{"Haircut", minutes(30), 2500}, domain::BarberService{"Beard trim", minutes(15), 1200},
          domain::BarberService{"Haircut and beard", minutes(45), 3500}}) {
      if (auto ok = barbers.SaveService(id, offer, std::nullopt); !ok) return ok.error();
    }
  }
  auto customer = accounts.FindUserByEmail(kDemoCustomerEmail);
  if (!customer) return customer.error();
  if (!customer->has_value()) {
    auto created = service.SignUp("demo", kDemoCustomerEmail, kDemoPassword);
    if (!created) return created.error();
  }
  auto admin = accounts.FindUserByEmail(kDemoAdminEmail);
  if (!admin) return admin.error();
  if (!admin->has_value()) {
    auto hash = hasher.Hash(kDemoPassword);
    if (!hash) return hash.error();
    auto created = accounts.CreateUser("admin", kDemoAdminEmail, *hash, domain::Role::kAdmin);
    if (!created) return created.error();
  }
  return common::Ok{};
}

}  // namespace barbershop::core::app
