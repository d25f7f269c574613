#include "barbershop/common/worker_pool.hpp"

#include "barbershop/common/contained.hpp"

namespace barbershop::common {

WorkerPool::WorkerPool(std::size_t threads, std::size_t max_queue, Counter* failures)
    : max_queue_(max_queue), failures_(failures) {
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this, i] { Run(i); });
}

WorkerPool::~WorkerPool() { Stop(); }

bool WorkerPool::Submit(Task task) {
  {
    const std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= max_queue_) return false;
    queue_.push_back(std::move(task));
  }
  ready_.notify_one();
  return true;
}

void WorkerPool::Stop() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

std::size_t WorkerPool::busy() const {
  const std::lock_guard lock(mutex_);
  return busy_;
}

void WorkerPool::Run(std::size_t worker) {
  for (;;) {
    Task task;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to run
      task = std::move(queue_.front());
      queue_.pop_front();
      ++busy_;
    }
    RunContained("a worker task", failures_, [&] { task(worker); });
    const std::lock_guard lock(mutex_);
    --busy_;
  }
}

}  // namespace barbershop::common
