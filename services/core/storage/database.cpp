#include "database.hpp"

#include <spdlog/spdlog.h>

#include "statements.hpp"

namespace barbershop::core::storage {

pqxx::connection& Database::Connection() {
  if (connection_ && !connection_->is_open()) connection_.reset();
  if (!connection_) {
    connection_ = std::make_unique<pqxx::connection>(url_);
    PrepareStatements(*connection_);
  }
  return *connection_;
}

void LogDatabaseError(const char* what, const std::exception& error) {
  spdlog::error("database error in {}: {}", what, error.what());
}

DbExecutor::DbExecutor(const std::string& url, std::size_t threads, std::size_t max_queue,
                       common::MetricsRegistry& metrics)
    : max_queue_(max_queue) {
  for (std::size_t i = 0; i < threads; ++i) databases_.push_back(std::make_unique<Database>(url));
  for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this, i] { Run(i); });
  metrics.AddCallbackGauge("barbershop_db_connections_in_use", "Database connections running a query now.",
                           [this] { return static_cast<double>(busy()); });
  metrics.AddCallbackGauge("barbershop_db_connections_max", "Database connections in the pool.",
                           [threads] { return static_cast<double>(threads); });
}

DbExecutor::~DbExecutor() { Stop(); }

bool DbExecutor::Submit(Task task) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= max_queue_) return false;
    queue_.push_back(std::move(task));
  }
  ready_.notify_one();
  return true;
}

void DbExecutor::Stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  ready_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

std::size_t DbExecutor::busy() const {
  std::lock_guard lock(mutex_);
  return busy_;
}

void DbExecutor::Run(std::size_t index) {
  Database& db = *databases_[index];
  for (;;) {
    Task task;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      task = std::move(queue_.front());
      queue_.pop_front();
      ++busy_;
    }
    try {
      task(db);
    } catch (const std::exception& e) {
      spdlog::error("unhandled error in a database task: {}", e.what());
    }
    std::lock_guard lock(mutex_);
    --busy_;
  }
}

}  // namespace barbershop::core::storage
