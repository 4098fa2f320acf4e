#pragma once
// A console reporter that also remembers each benchmark's CPU time per
// iteration, so a benchmark program can print "ours vs. library" ratios
// after the run.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace zt::bench {

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& run : runs)
      if (run.run_type == Run::RT_Iteration) ns_[run.benchmark_name()] = run.GetAdjustedCPUTime();
    ConsoleReporter::ReportRuns(runs);
  }

  // Prints one line per (ours, reference) pair present in the results.
  void print_ratios(const std::vector<std::pair<std::string, std::string>>& pairs) const {
    std::printf("\n%-44s %12s %12s %8s\n", "ours vs. direct library call", "ours ns", "direct ns",
                "ratio");
    for (const auto& [ours, ref] : pairs) {
      auto a = ns_.find(ours), b = ns_.find(ref);
      if (a == ns_.end() || b == ns_.end() || b->second <= 0) continue;
      std::printf("%-44s %12.1f %12.1f %8.2f\n", ours.c_str(), a->second, b->second,
                  a->second / b->second);
    }
  }

 private:
  std::map<std::string, double> ns_;
};

}  // namespace zt::bench
