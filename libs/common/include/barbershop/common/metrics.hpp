#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace barbershop::common {

using Labels = std::vector<std::pair<std::string, std::string>>;

/// A monotonically increasing count.  Thread-safe.
class Counter {
 public:
  void Inc(double by = 1.0);
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

/// A value that goes up and down.  Thread-safe.
class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double by);
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

/// Cumulative buckets of observed values (seconds, for latency).  Thread-safe.
class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void Observe(double value);
  void Render(const std::string& name, const std::string& labels, std::string& out) const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // bounds_.size() + 1 (the +Inf bucket)
  std::atomic<double> sum_{0.0};
};

/// Named metric families rendered in the Prometheus text format.  Thread-safe; the
/// returned references stay valid for the registry's lifetime.
class MetricsRegistry {
 public:
  Counter& GetCounter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge& GetGauge(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& GetHistogram(const std::string& name, const std::string& help, const Labels& labels = {});
  /// A gauge read when rendering, e.g. a pool's current use.
  void AddCallbackGauge(const std::string& name, const std::string& help, std::function<double()> read);

  std::string Render() const;

  static const std::vector<double>& LatencyBuckets();

 private:
  struct Family {
    std::string type;
    std::string help;
    std::map<std::string, std::unique_ptr<Counter>> counters;
    std::map<std::string, std::unique_ptr<Gauge>> gauges;
    std::map<std::string, std::unique_ptr<Histogram>> histograms;
    std::function<double()> callback;
  };
  Family& FamilyFor(const std::string& name, const std::string& type, const std::string& help);

  mutable std::mutex mutex_;
  std::map<std::string, Family> families_;
};

/// Renders labels as {a="x",b="y"} with values escaped; empty for no labels.
std::string RenderLabels(const Labels& labels);

}  // namespace barbershop::common
