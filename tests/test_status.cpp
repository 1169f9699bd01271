// status.hpp: Status names and Result.
#include <utility>

#include "stela/status.hpp"
#include "test_support.hpp"

namespace stela::test {
namespace {

TEST(Status, NamesAreTheEnumerators) {
  const std::pair<Status, const char*> names[] = {
      {Status::ok, "ok"},
      {Status::dimension_mismatch, "dimension_mismatch"},
      {Status::invalid_argument, "invalid_argument"},
      {Status::not_finite, "not_finite"},
      {Status::not_positive_definite, "not_positive_definite"},
      {Status::singular, "singular"},
      {Status::rank_deficient, "rank_deficient"},
      {Status::no_convergence, "no_convergence"},
      {Status::workspace_too_small, "workspace_too_small"},
  };
  for (const auto& [status, name] : names) EXPECT_STREQ(to_string(status), name);
  Result<int> failed(Status::singular);
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(failed.status(), Status::singular);
  Result<int> good(3);
  EXPECT_TRUE(good);
  EXPECT_EQ(*good, 3);
}

}  // namespace
}  // namespace stela::test
