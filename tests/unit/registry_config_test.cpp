// registries.conf: every rule of config.hpp, with files in temp dirs.
#include "kayak/registry/config.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"

#include "registry_test_env.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

using namespace kayak;
using namespace kayak::registry;
using kayak::test::ScopedEnv;
using kayak::test::write_file;

namespace {

RegistriesConf conf_of(const std::string& text) { return RegistriesConf::parse(text, "/test/registries.conf"); }

image::Reference ref(const char* text) { return image::parse_reference(text); }

std::string error_of(const std::string& text) {
  try {
    conf_of(text);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("no configuration: the registry itself, secure unless loopback") {
  RegistriesConf conf;
  PullPlan plan = conf.pull_plan(ref("quay.io/ns/app:1"));
  REQUIRE(plan.sources.size() == 1);
  CHECK(plan.sources[0].endpoint == "quay.io");
  CHECK(plan.sources[0].repository == "ns/app");
  CHECK(plan.sources[0].reference.str() == "quay.io/ns/app:1");
  CHECK_FALSE(plan.sources[0].insecure);
  CHECK_FALSE(plan.sources[0].mirror);
  CHECK(plan.file.empty());
  CHECK(conf.pull_plan(ref("127.0.0.1:5000/a")).sources[0].insecure);
  CHECK(conf.pull_plan(ref("quay.io/a"), false).sources[0].insecure);
}

TEST_CASE("mirrors come first, in order, then the registry") {
  auto conf = conf_of(R"(
[[registry]]
location = "docker.io"

[[registry.mirror]]
location = "mirror-a.example:5000/hub"
insecure = true

[[registry.mirror]]
location = "mirror-b.example/"
)");
  PullPlan plan = conf.pull_plan(ref("nginx"));
  REQUIRE(plan.sources.size() == 3);
  CHECK(plan.sources[0].endpoint == "mirror-a.example:5000");
  CHECK(plan.sources[0].repository == "hub/library/nginx");
  CHECK(plan.sources[0].reference.tag == "latest");
  CHECK(plan.sources[0].insecure);
  CHECK(plan.sources[0].mirror);
  CHECK(plan.sources[1].endpoint == "mirror-b.example");
  CHECK(plan.sources[1].repository == "library/nginx");
  CHECK_FALSE(plan.sources[1].insecure);
  CHECK(plan.sources[2].endpoint == "docker.io");
  CHECK_FALSE(plan.sources[2].mirror);
  CHECK(plan.file == "/test/registries.conf");
  // Pushing never goes to a mirror.
  CHECK(conf.push_target(ref("nginx")).endpoint == "docker.io");
}

TEST_CASE("prefix -> location rewriting, longest prefix, whole path components") {
  auto conf = conf_of(R"(
[[registry]]
prefix = "example.com"
location = "plain.example.net"

[[registry]]
prefix = "example.com/foo"
location = "internal.example.net:8443/mirror/foo"
)");
  PullSource source = conf.pull_plan(ref("example.com/foo/bar:1")).sources.back();
  CHECK(source.endpoint == "internal.example.net:8443");
  CHECK(source.repository == "mirror/foo/bar");
  CHECK(source.reference.str() == "internal.example.net:8443/mirror/foo/bar:1");
  // "foobar" is not under "foo".
  CHECK(conf.pull_plan(ref("example.com/foobar/x")).sources.back().reference.name() == "plain.example.net/foobar/x");
  CHECK(conf.find("example.com/foo")->prefix == "example.com/foo");
  CHECK(conf.find("example.com:5000/foo") == nullptr);  // another host
  CHECK(conf.find("other.com/foo") == nullptr);
  std::string digest = "sha256:" + std::string(64, 'a');
  auto by_digest = conf.pull_plan(image::parse_reference("example.com/foo/bar@" + digest)).sources.back();
  CHECK(by_digest.reference.digest == digest);
  CHECK(by_digest.reference.tag.empty());
}

TEST_CASE("wildcard prefixes match subdomains only; an empty location keeps the reference") {
  auto conf = conf_of(R"(
[[registry]]
prefix = "*.example.com"
insecure = true

[[registry]]
prefix = "*.mirrored.example"
location = "mirror.local"
)");
  CHECK(conf.find("a.example.com/x") != nullptr);
  CHECK(conf.find("b.a.example.com:5000/x") != nullptr);
  CHECK(conf.find("example.com/x") == nullptr);
  CHECK(conf.find("aexample.com/x") == nullptr);
  PullSource kept = conf.pull_plan(ref("a.example.com:5000/ns/x:2")).sources.at(0);
  CHECK(kept.reference.str() == "a.example.com:5000/ns/x:2");
  CHECK(kept.insecure);
  CHECK(conf.is_insecure("reg.example.com"));
  CHECK_FALSE(conf.is_insecure("example.com"));
  PullSource moved = conf.pull_plan(ref("x.mirrored.example:5000/ns/x")).sources.at(0);
  CHECK(moved.reference.name() == "mirror.local:5000/ns/x");
}

TEST_CASE("blocked registries say which file blocks them") {
  auto conf = conf_of(R"(
[[registry]]
location = "blocked.example"
blocked = true
)");
  PullPlan plan = conf.pull_plan(ref("blocked.example/x"));
  CHECK(plan.blocked);
  CHECK(plan.sources.empty());
  CHECK(plan.blocked_error == "registry blocked.example is blocked in /test/registries.conf");
  CHECK_THROWS_WITH_AS(plan.check_not_blocked(), "registry blocked.example is blocked in /test/registries.conf",
                       Error);
  CHECK_THROWS_AS(conf.push_target(ref("blocked.example/x")), Error);
  CHECK_NOTHROW(conf.pull_plan(ref("open.example/x")).check_not_blocked());
}

TEST_CASE("mirror-by-digest-only and pull-from-mirror choose mirrors by digest or tag") {
  auto conf = conf_of(R"(
[[registry]]
location = "a.example"
mirror-by-digest-only = true
[[registry.mirror]]
location = "m.example"

[[registry]]
location = "b.example"
[[registry.mirror]]
location = "digests.example"
pull-from-mirror = "digest-only"
[[registry.mirror]]
location = "tags.example"
pull-from-mirror = "tag-only"
[[registry.mirror]]
location = "all.example"
pull-from-mirror = "all"
)");
  std::string digest = "@sha256:" + std::string(64, 'b');
  auto endpoints = [&](const std::string& text) {
    std::vector<std::string> out;
    for (const auto& s : conf.pull_plan(image::parse_reference(text)).sources) out.push_back(s.endpoint);
    return out;
  };
  CHECK(endpoints("a.example/x:1") == std::vector<std::string>{"a.example"});
  CHECK(endpoints("a.example/x" + digest) == std::vector<std::string>{"m.example", "a.example"});
  CHECK(endpoints("b.example/x:1") == std::vector<std::string>{"tags.example", "all.example", "b.example"});
  CHECK(endpoints("b.example/x:1" + digest) == std::vector<std::string>{"digests.example", "all.example", "b.example"});
}

TEST_CASE("insecure: loopback always, then --tls-verify, then insecure = true") {
  auto conf = conf_of(R"(
[[registry]]
location = "insecure.example:5000"
insecure = true
)");
  CHECK(conf.is_insecure("insecure.example:5000"));
  CHECK_FALSE(conf.is_insecure("insecure.example:5000", true));
  CHECK_FALSE(conf.is_insecure("secure.example"));
  CHECK(conf.is_insecure("secure.example", false));
  for (const char* host : {"127.0.0.1", "127.0.0.1:5000", "127.1.2.3:80", "[::1]:5000", "::1", "localhost:5000",
                           "localhost"}) {
    CHECK_MESSAGE(conf.is_insecure(host, true), host);
  }
  CHECK_FALSE(is_loopback_host("128.0.0.1"));
  CHECK_FALSE(is_loopback_host("[::2]:5000"));
  CHECK_FALSE(is_loopback_host("localhost.example.com"));
  CHECK(conf.pull_plan(ref("insecure.example:5000/x")).sources[0].insecure);
  CHECK_FALSE(conf.pull_plan(ref("insecure.example:5000/x"), true).sources[0].insecure);
}

TEST_CASE("aliases and unqualified-search-registries (only as an opt-in)") {
  auto conf = conf_of(R"(
unqualified-search-registries = ["docker.io", "quay.io"]
[aliases]
"centos" = "quay.io/centos/centos"
"ns/tool" = "registry.example/tools/tool"
)");
  CHECK(conf.resolve("centos")[0].str() == "quay.io/centos/centos:latest");
  CHECK(conf.resolve("centos:8")[0].str() == "quay.io/centos/centos:8");
  CHECK(conf.resolve("ns/tool:1")[0].str() == "registry.example/tools/tool:1");
  // docker.io first: Docker's normalization, nothing else.
  auto plain = conf.resolve("nginx:1");
  REQUIRE(plain.size() == 1);
  CHECK(plain[0].str() == "docker.io/library/nginx:1");
  CHECK(conf.resolve("quay.io/x/y")[0].str() == "quay.io/x/y:latest");

  auto opted = conf_of(R"(unqualified-search-registries = ["registry.local:5000", "docker.io"])");
  auto candidates = opted.resolve("nginx");
  REQUIRE(candidates.size() == 2);
  CHECK(candidates[0].str() == "registry.local:5000/nginx:latest");
  CHECK(candidates[1].str() == "docker.io/library/nginx:latest");
  CHECK(opted.unqualified_search_registries().size() == 2);

  CHECK(is_short_name("nginx"));
  CHECK(is_short_name("library/nginx:1"));
  CHECK_FALSE(is_short_name("localhost/x"));
  CHECK_FALSE(is_short_name("host:5000/x"));
  CHECK_FALSE(is_short_name("quay.io/x"));
}

TEST_CASE("malformed TOML and wrong types name the file and the line") {
  CHECK(error_of("[[registry]]\nlocation = \"a\"\ninsecure = tru\n").starts_with("/test/registries.conf:3:"));
  std::string type = error_of("[[registry]]\nlocation = \"a\"\ninsecure = \"yes\"\n");
  CHECK(type.starts_with("/test/registries.conf:3:"));
  CHECK(type.find("insecure must be a boolean") != std::string::npos);
  CHECK(error_of("[registry]\nlocation = \"a\"\n").find("array of tables") != std::string::npos);
  CHECK(error_of("unqualified-search-registries = \"quay.io\"\n").find("an array of strings") != std::string::npos);
}

TEST_CASE("invalid tables are refused with podman's reasons") {
  CHECK(error_of("[[registry]]\nlocation = \"https://a.example\"\n").find("URI schemes are not supported") !=
        std::string::npos);
  CHECK(error_of("[[registry]]\ninsecure = true\n").find("both location and prefix are unset") != std::string::npos);
  CHECK(error_of("[[registry]]\nprefix = \"a.example/x\"\n").find("location is unset") != std::string::npos);
  CHECK(error_of("[[registry]]\nprefix = \"*.a.example/x\"\n").find("*.example.com") != std::string::npos);
  CHECK(error_of("[[registry]]\nlocation = \"a\"\n[[registry.mirror]]\nlocation = \"m\"\npull-from-mirror = \"x\"\n")
          .find("unsupported pull-from-mirror value") != std::string::npos);
  CHECK(error_of("[[registry]]\nlocation = \"a\"\nmirror-by-digest-only = true\n[[registry.mirror]]\n"
                 "location = \"m\"\npull-from-mirror = \"all\"\n")
          .find("at the same time") != std::string::npos);
  CHECK(error_of("[[registry]]\nlocation = \"a\"\npull-from-mirror = \"all\"\n").find("non-mirror") !=
        std::string::npos);
  CHECK(error_of("[[registry]]\nlocation = \"a\"\n[[registry.mirror]]\ninsecure = true\n")
          .find("mirror location is unset") != std::string::npos);
  CHECK(error_of("[aliases]\n\"quay.io/x\" = \"quay.io/y\"\n").find("short name") != std::string::npos);
  CHECK(error_of("[aliases]\n\"x\" = \"y\"\n").find("fully qualified") != std::string::npos);
  CHECK(error_of("[aliases]\n\"x\" = \"quay.io/y:1\"\n").find("tag or digest") != std::string::npos);
  CHECK(error_of("unqualified-search-registries = [\"quay.io/ns\"]\n").find("unqualified-search-registries") !=
        std::string::npos);
}

TEST_CASE("version 1 tables are converted; mixing versions is an error") {
  auto conf = conf_of(R"(
[registries.search]
registries = ["quay.io", "docker.io"]
[registries.insecure]
registries = ["insecure.example"]
[registries.block]
registries = ["blocked.example"]
)");
  CHECK(conf.unqualified_search_registries() == std::vector<std::string>{"quay.io", "docker.io"});
  CHECK(conf.is_insecure("insecure.example"));
  CHECK(conf.pull_plan(ref("blocked.example/x")).blocked);
  CHECK(error_of("[registries.search]\nregistries = [\"a\"]\n[[registry]]\nlocation = \"b\"\n")
          .find("mixing sysregistry v1/v2") != std::string::npos);
}

TEST_CASE("drop-ins: *.conf in name order; prefixes replaced, search replaced, aliases per key") {
  fs::TempDir tmp;
  ScopedEnv no_env("CONTAINERS_REGISTRIES_CONF", std::nullopt);
  ScopedEnv home("HOME", fs::join(tmp.path(), "home"));
  std::string etc = fs::join(tmp.path(), "etc");
  write_file(etc, "registries.conf", R"(
unqualified-search-registries = ["quay.io"]
[aliases]
"a" = "quay.io/a/a"
"b" = "quay.io/b/b"
[[registry]]
location = "one.example"
insecure = true
[[registry]]
location = "two.example"
)");
  write_file(etc, "registries.conf.d/20-second.conf", R"(
unqualified-search-registries = ["registry.local"]
[aliases]
"b" = ""
[[registry]]
location = "one.example"
blocked = true
)");
  write_file(etc, "registries.conf.d/10-first.conf", R"(
[aliases]
"a" = "registry.local/a"
"c" = "registry.local/c"
)");
  write_file(etc, "registries.conf.d/notes.txt", "this is not TOML [");

  ConfigLocations locations = default_config_locations(etc);
  CHECK(locations.main_file == fs::join(etc, "registries.conf"));
  CHECK_FALSE(locations.main_required);
  REQUIRE_FALSE(locations.dropin_dirs.empty());
  CHECK(locations.dropin_dirs[0] == fs::join(etc, "registries.conf.d"));

  RegistriesConf conf = RegistriesConf::load(locations);
  CHECK(conf.files() == std::vector<std::string>{fs::join(etc, "registries.conf"),
                                                 fs::join(etc, "registries.conf.d/10-first.conf"),
                                                 fs::join(etc, "registries.conf.d/20-second.conf")});
  CHECK(conf.unqualified_search_registries() == std::vector<std::string>{"registry.local"});
  CHECK(conf.alias("a") == "registry.local/a");
  CHECK_FALSE(conf.alias("b").has_value());
  CHECK(conf.alias("c") == "registry.local/c");
  // The drop-in's table replaced the whole entry: blocked, no longer insecure.
  const RegistryEntry* one = conf.find("one.example/x");
  REQUIRE(one);
  CHECK(one->blocked);
  CHECK_FALSE(one->insecure);
  CHECK(one->file == fs::join(etc, "registries.conf.d/20-second.conf"));
  CHECK(conf.pull_plan(ref("one.example/x")).blocked_error ==
        "registry one.example is blocked in " + fs::join(etc, "registries.conf.d/20-second.conf"));
  CHECK(conf.find("two.example/x") != nullptr);

  // A broken drop-in names itself.
  write_file(etc, "registries.conf.d/30-broken.conf", "[[registry]\n");
  try {
    RegistriesConf::load(locations);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).starts_with(fs::join(etc, "registries.conf.d/30-broken.conf") + ":1:"));
  }
}

TEST_CASE("one location under several prefixes must agree on insecure and blocked") {
  fs::TempDir tmp;
  write_file(tmp.path(), "registries.conf", "[[registry]]\nprefix = \"x.example/a\"\nlocation = \"m.example\"\n");
  write_file(tmp.path(), "registries.conf.d/1.conf",
             "[[registry]]\nprefix = \"x.example/b\"\nlocation = \"m.example\"\ninsecure = true\n");
  ConfigLocations locations{fs::join(tmp.path(), "registries.conf"), false, {fs::join(tmp.path(), "registries.conf.d")}};
  CHECK_THROWS_WITH_AS(RegistriesConf::load(locations), doctest::Contains("conflicting 'insecure' setting"), Error);
}

TEST_CASE("$CONTAINERS_REGISTRIES_CONF: that file only, and it must exist") {
  fs::TempDir tmp;
  std::string file = write_file(tmp.path(), "only.conf", "[[registry]]\nlocation = \"only.example\"\nblocked = true\n");
  write_file(tmp.path(), "only.conf.d/1.conf", "[[registry]]\nlocation = \"ignored.example\"\nblocked = true\n");
  {
    ScopedEnv env("CONTAINERS_REGISTRIES_CONF", file);
    ConfigLocations locations = default_config_locations(fs::join(tmp.path(), "etc"));
    CHECK(locations.main_file == file);
    CHECK(locations.main_required);
    CHECK(locations.dropin_dirs.empty());
    RegistriesConf conf = RegistriesConf::load_default();
    CHECK(conf.pull_plan(ref("only.example/x")).blocked);
    CHECK_FALSE(conf.pull_plan(ref("ignored.example/x")).blocked);
  }
  {
    ScopedEnv env("CONTAINERS_REGISTRIES_CONF", fs::join(tmp.path(), "missing.conf"));
    CHECK_THROWS_WITH_AS(RegistriesConf::load_default(), doctest::Contains("missing.conf"), Error);
  }
}

TEST_CASE("a user's registries.conf replaces the system files (non-root)") {
  fs::TempDir tmp;
  ScopedEnv no_env("CONTAINERS_REGISTRIES_CONF", std::nullopt);
  ScopedEnv home("HOME", fs::join(tmp.path(), "home"));
  std::string etc = fs::join(tmp.path(), "etc");
  write_file(etc, "registries.conf", "");
  std::string user = write_file(fs::join(tmp.path(), "home"), ".config/containers/registries.conf", "");
  ConfigLocations locations = default_config_locations(etc);
  if (::geteuid() == 0) {
    // root reads the system files only
    CHECK(locations.main_file == fs::join(etc, "registries.conf"));
    CHECK(locations.dropin_dirs == std::vector<std::string>{fs::join(etc, "registries.conf.d")});
  } else {
    CHECK(locations.main_file == user);
    CHECK(locations.dropin_dirs == std::vector<std::string>{user + ".d"});
    fs::remove_tree(user);
    locations = default_config_locations(etc);
    CHECK(locations.main_file == fs::join(etc, "registries.conf"));
    CHECK(locations.dropin_dirs == std::vector<std::string>{fs::join(etc, "registries.conf.d"), user + ".d"});
  }
}

TEST_CASE("certs.d: the user's directory first, then /etc/containers, then /etc/docker") {
  fs::TempDir tmp;
  ScopedEnv home("HOME", tmp.path());
  auto dirs = certs_dirs();
  REQUIRE(dirs.size() == 3);
  CHECK(dirs[0] == fs::join(tmp.path(), ".config/containers/certs.d"));
  CHECK(dirs[1] == "/etc/containers/certs.d");
  CHECK(dirs[2] == "/etc/docker/certs.d");
  fs::mkdir_p(fs::join(dirs[0], "reg.example:5000"));
  CHECK(certs_dir_for_host("reg.example:5000", dirs) == fs::join(dirs[0], "reg.example:5000"));
  CHECK(certs_dir_for_host("other.example", {dirs[0]}).empty());
}
