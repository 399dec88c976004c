// The pure parts of starting a container: userdata files, rlimit clamping,
// mount translation, detach keys, the start report.
#include "kayak/monitor/attach_client.hpp"
#include "kayak/monitor/container_monitor.hpp"
#include "kayak/monitor/container_spec.hpp"
#include "kayak/util/error.hpp"

#include <doctest/doctest.h>
#include <sys/mount.h>
#include <sys/resource.h>

using namespace kayak;
using namespace kayak::monitor;

TEST_CASE("hosts: localhost, the hostname and --add-host; the host's file with --network host") {
  store::ContainerConfig config;
  config.hostname = "abc123";
  config.add_hosts = {"db:10.0.0.5"};
  std::string hosts = make_hosts(config, "1.2.3.4 hosty\n");
  CHECK(hosts.starts_with("127.0.0.1\tlocalhost\n"));
  CHECK(hosts.find("127.0.1.1\tabc123\n") != std::string::npos);
  CHECK(hosts.ends_with("10.0.0.5\tdb\n"));
  CHECK(hosts.find("hosty") == std::string::npos);
  config.network_mode = "host";
  CHECK(make_hosts(config, "1.2.3.4 hosty") == "1.2.3.4 hosty\n10.0.0.5\tdb\n");
}

TEST_CASE("resolv.conf: the host's without loopback nameservers, or --dns") {
  store::ContainerConfig config;
  std::string host = "# comment\nnameserver 127.0.0.53\nnameserver 192.168.1.1\nsearch lan\noptions edns0\n";
  CHECK(make_resolv_conf(config, host) == "search lan\nnameserver 192.168.1.1\noptions edns0\n");
  CHECK(make_resolv_conf(config, "nameserver 127.0.0.1\n") == "nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
  config.dns = {"9.9.9.9"};
  config.dns_search = {"example.com"};
  CHECK(make_resolv_conf(config, host) == "search example.com\nnameserver 9.9.9.9\noptions edns0\n");
  store::ContainerConfig host_net;
  host_net.network_mode = "host";
  CHECK(make_resolv_conf(host_net, "nameserver 127.0.0.53\n") == "nameserver 127.0.0.53\n");
}

TEST_CASE("ulimits: never above the caller's hard limit") {
  auto hard = [](int resource) -> uint64_t { return resource == RLIMIT_NOFILE ? 20000 : RLIM_INFINITY; };
  auto limits = clamp_ulimits({{"nofile", 1024, 65536}, {"nproc", -1, -1}, {"core", 0, 0}}, hard);
  REQUIRE(limits.size() == 3);
  CHECK(limits[0].resource == RLIMIT_NOFILE);
  CHECK(limits[0].soft == 1024);
  CHECK(limits[0].hard == 20000);
  CHECK(limits[1].hard == RLIM_INFINITY);
  CHECK(limits[2].hard == 0);
  // A soft limit above the clamped hard one comes down with it.
  auto high = clamp_ulimits({{"nofile", 50000, 50000}}, hard);
  CHECK(high[0].soft == 20000);
  CHECK_THROWS_WITH_AS(clamp_ulimits({{"bogus", 1, 1}}, hard), "invalid ulimit type: bogus", Error);
}

TEST_CASE("mounts: binds, tmpfs with Docker's defaults, volumes by name") {
  store::ContainerConfig config;
  config.mounts = {
    {.type = "bind", .source = "/src", .destination = "/dst", .read_only = false, .anonymous = false,
     .options = {"ro", "z", "nosuid"}},
    {.type = "tmpfs", .source = "", .destination = "/scratch", .read_only = false, .anonymous = false,
     .options = {"size=64m", "mode=1777"}},
    {.type = "volume", .source = "data", .destination = "/data", .read_only = false, .anonymous = false,
     .options = {}},
  };
  auto mounts = runtime_mounts(config, [](const std::string& name) { return "/vols/" + name; });
  REQUIRE(mounts.size() == 3);
  CHECK(mounts[0].type == "bind");
  CHECK(mounts[0].read_only);
  CHECK(mounts[0].recursive);
  CHECK(mounts[0].flags == MS_NOSUID);
  CHECK(mounts[1].type == "tmpfs");
  CHECK(mounts[1].data == "size=64m,mode=1777");
  CHECK(mounts[1].flags == (MS_NOSUID | MS_NODEV | MS_NOEXEC));
  CHECK(mounts[2].source == "/vols/data");
  CHECK(mounts[2].type == "bind");
}

TEST_CASE("mounts: exec, suid and dev clear tmpfs defaults; the last word wins") {
  store::ContainerConfig config;
  config.mounts = {
    {.type = "tmpfs", .source = "", .destination = "/a", .read_only = false, .anonymous = false,
     .options = {"exec", "size=1m"}},
    {.type = "tmpfs", .source = "", .destination = "/b", .read_only = false, .anonymous = false,
     .options = {"suid", "dev", "exec", "noexec"}},
  };
  auto mounts = runtime_mounts(config, [](const std::string& name) { return name; });
  REQUIRE(mounts.size() == 2);
  CHECK(mounts[0].flags == (MS_NOSUID | MS_NODEV));
  CHECK(mounts[0].data == "size=1m");
  CHECK(mounts[1].flags == MS_NOEXEC);
}

TEST_CASE("detach keys: Docker's syntax, found across reads, false starts passed on") {
  CHECK(parse_detach_keys("ctrl-p,ctrl-q") == "\x10\x11");
  CHECK(parse_detach_keys("a,ctrl-@") == std::string("a\0", 2));
  CHECK(parse_detach_keys("") == "");
  CHECK_THROWS_AS(parse_detach_keys("ctrl-1"), Error);
  CHECK_THROWS_AS(parse_detach_keys("abc"), Error);

  DetachMatcher matcher("\x10\x11");
  bool detached = false;
  CHECK(matcher.feed("ls\x10", detached) == "ls");
  CHECK_FALSE(detached);
  CHECK(matcher.feed("x", detached) == "\x10x");  // ctrl-p then something else: both go through
  CHECK(matcher.feed("\x10\x10", detached) == "\x10");
  CHECK(matcher.feed("\x11rest", detached).empty());
  CHECK(detached);
}

TEST_CASE("start report: started, or an exit code and the error") {
  CHECK_FALSE(decode_start_report(encode_start_report(0, "")));
  auto failure = decode_start_report(encode_start_report(127, "executable file `x` not found"));
  REQUIRE(failure);
  CHECK(failure->first == 127);
  CHECK(failure->second == "executable file `x` not found");
  CHECK_THROWS_WITH_AS(decode_start_report(""), doctest::Contains("exited before starting"), Error);
  CHECK_THROWS_AS(decode_start_report("garbage"), Error);
}
