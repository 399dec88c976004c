#include "kayak/network/helper_plan.hpp"
#include "kayak/util/error.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

using namespace kayak;
using namespace kayak::network;

namespace {

// PATH for one test case, restored afterwards.
struct PathOverride {
  std::string saved;
  explicit PathOverride(const char* path) {
    if (const char* old = ::getenv("PATH")) saved = old;
    ::setenv("PATH", path, 1);
  }
  ~PathOverride() { ::setenv("PATH", saved.c_str(), 1); }
};

}  // namespace

TEST_CASE("helper plan: which modes get a helper") {
  for (const char* mode : {"", "private", "bridge", "default", "pasta", "pasta:-4", "slirp4netns", "slirp4netns:mtu=1500"})
    CHECK(is_private_mode(mode));
  for (const char* mode : {"none", "host", "container:web1", "ns:/proc/1/ns/net", "pastas", "slirp"})
    CHECK_FALSE(is_private_mode(mode));
  CHECK(plan_user_mode_network("none").helper.empty());
  CHECK(plan_user_mode_network("host").warning.empty());
}

TEST_CASE("helper plan: without a helper on PATH the default warns and an explicit one fails") {
  PathOverride path("/nonexistent");
  UserModePlan plan = plan_user_mode_network("");
  CHECK(plan.helper.empty());
  CHECK(plan.warning.find("install the package passt, or slirp4netns") != std::string::npos);
  CHECK(default_network_helper() == "none");
  CHECK_THROWS_WITH(plan_user_mode_network("pasta"), "pasta not found in PATH (install the package passt)");
  CHECK_THROWS_WITH(plan_user_mode_network("slirp4netns"),
                    "slirp4netns not found in PATH (install the package slirp4netns)");
}
