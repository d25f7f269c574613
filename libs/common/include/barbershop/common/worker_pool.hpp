#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "barbershop/common/metrics.hpp"

namespace barbershop::common {

/// A fixed set of threads fed from one bounded queue, first in first out.  Each task is
/// told which worker runs it, so a caller can keep one resource per worker (a database
/// connection, say).  Thread-safe.
class WorkerPool {
 public:
  using Task = std::function<void(std::size_t worker)>;

  /// A task that throws is stopped at the worker (RunContained) and counted in `failures`.
  WorkerPool(std::size_t threads, std::size_t max_queue, Counter* failures = nullptr);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  /// False (and the task is dropped) when `max_queue` tasks already wait or the pool stopped.
  bool Submit(Task task);
  /// Runs the tasks already queued, then joins the workers.  Later submissions are refused.
  void Stop();

  /// Tasks running now.
  std::size_t busy() const;

 private:
  void Run(std::size_t worker);

  std::size_t max_queue_;
  Counter* failures_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Task> queue_;
  std::size_t busy_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace barbershop::common
