// The pure decisions of pull: platform flags, --pull policies, sources.
#include <doctest/doctest.h>

#include "kayak/commands/image_pull.hpp"
#include "kayak/util/error.hpp"

#include <string>

using namespace kayak;
using namespace kayak::commands;

namespace {

PlatformFlags flags(std::string platform, std::string os = "", std::string arch = "", std::string variant = "") {
  PlatformFlags f;
  f.platform = std::move(platform);
  f.os = std::move(os);
  f.arch = std::move(arch);
  f.variant = std::move(variant);
  return f;
}

std::string error_of(const PlatformFlags& flags) {
  try {
    requested_platform(flags);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("pull: the platform asked for") {
  image::Platform host = image::host_platform();
  CHECK(requested_platform(PlatformFlags{}) == image::normalize_platform(host));
  CHECK(requested_platform(flags("linux/arm64")).str() == "linux/arm64");
  CHECK(requested_platform(flags("linux/arm/v7")).str() == "linux/arm/v7");
  // --arch alone: the host OS, the new architecture without the host's variant.
  CHECK(requested_platform(flags("", "", "arm")).str() == "linux/arm/v7");
  CHECK(requested_platform(flags("", "", "aarch64")).architecture == "arm64");
  CHECK(requested_platform(flags("", "", "s390x")).str() == "linux/s390x");
  CHECK(requested_platform(flags("", "", "arm", "v6")).str() == "linux/arm/v6");
  CHECK(requested_platform(flags("", "windows", "amd64")).str() == "windows/amd64");
  CHECK(error_of(flags("linux/amd64", "", "arm64")) ==
        "--platform option can not be specified with --variant, --arch or --os");
  CHECK(error_of(flags("linux/a b")).find("invalid component") != std::string::npos);
  CHECK(error_of(flags("a/b/c/d")).find("cannot parse platform") != std::string::npos);
}

TEST_CASE("pull: --pull policies") {
  CHECK(parse_pull_policy("missing") == PullPolicy::Missing);
  CHECK(parse_pull_policy("always") == PullPolicy::Always);
  CHECK(parse_pull_policy("never") == PullPolicy::Never);
  CHECK(parse_pull_policy("newer") == PullPolicy::Newer);
  CHECK(parse_pull_policy("IfNotPresent") == PullPolicy::Missing);
  CHECK_THROWS_WITH(parse_pull_policy("sometimes"),
                    "invalid pull policy \"sometimes\": must be missing, always, never or newer");

  CHECK(decide_pull(PullPolicy::Missing, true) == PullAction::UseLocal);
  CHECK(decide_pull(PullPolicy::Missing, false) == PullAction::Pull);
  CHECK(decide_pull(PullPolicy::Always, true) == PullAction::Pull);
  CHECK(decide_pull(PullPolicy::Always, false) == PullAction::Pull);
  CHECK(decide_pull(PullPolicy::Never, true) == PullAction::UseLocal);
  CHECK(decide_pull(PullPolicy::Never, false) == PullAction::NoSuchImage);
  CHECK(decide_pull(PullPolicy::Newer, true) == PullAction::CompareDigests);
  CHECK(decide_pull(PullPolicy::Newer, false) == PullAction::Pull);
}

TEST_CASE("pull: --pull newer compares the registry's digest with RepoDigests") {
  const std::string a = "sha256:" + std::string(64, 'a'), b = "sha256:" + std::string(64, 'b');
  std::vector<std::string> local = {"docker.io/library/nginx@" + a, "quay.io/x/nginx@" + b};
  CHECK_FALSE(registry_has_newer(local, "docker.io/library/nginx", a));
  // Same digest, but recorded for another repository: not proof of anything.
  CHECK(registry_has_newer(local, "docker.io/library/nginx", b));
  CHECK_FALSE(registry_has_newer(local, "quay.io/x/nginx", b));
  // The tag is gone from the registry: keep what we have.
  CHECK_FALSE(registry_has_newer(local, "docker.io/library/nginx", std::nullopt));
  // Loaded from an archive (no RepoDigests): anything the registry has is newer.
  CHECK(registry_has_newer({}, "docker.io/library/nginx", a));
}

TEST_CASE("pull: which sources go to a registry") {
  CHECK(is_registry_source("nginx"));
  CHECK(is_registry_source("docker://nginx:latest"));
  CHECK(is_registry_source("127.0.0.1:5000/library/nginx@sha256:" + std::string(64, 'a')));
  CHECK(is_registry_source("localhost:5000/x"));
  CHECK_FALSE(is_registry_source("oci:/dir:ref"));
  CHECK_FALSE(is_registry_source("oci-archive:/f.tar"));
  CHECK_FALSE(is_registry_source("docker-archive:/f.tar:busybox:latest"));
}
