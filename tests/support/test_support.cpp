// The ratio recorder of test_support.hpp.
#include "test_support.hpp"

#include <algorithm>
#include <cstdio>

namespace stela::test {

void RatioLog::record(const std::string& check, double value) {
  Entry& e = entries_[check];
  e.max = std::max(e.max, value);
  e.sum += value;
  e.count += 1;
}

void RatioLog::print(const char* type) const {
  for (const auto& [check, e] : entries_)
    std::printf("[ ratios ] %-6s %-46s max %10.3g  mean %10.3g  (%ld cases)\n", type, check.c_str(), e.max,
                e.sum / static_cast<double>(std::max(e.count, 1L)), e.count);
}

}  // namespace stela::test
