// Cgroup detection (from fake /proc text), the resource-flag rule, top's
// descriptors and time columns, stats rows; and, as root, the container
// cgroup life cycle (create, freeze, thaw, remove) in this host's real
// cgroup v2 hierarchy, which has no controllers here but a freezer.
#include "kayak/commands/container_stats.hpp"
#include "kayak/commands/container_top.hpp"
#include "kayak/commands/resource_flags.hpp"
#include "kayak/runtime/cgroup.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"

#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace kayak;

namespace {

const char* hybrid_mountinfo =
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime shared:9 - cgroup cgroup rw,memory\n"
    "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate\n"
    "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n";
const char* unified_mountinfo =
    "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
    "30 22 0:27 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate\n";
const char* user_cgroup = "0::/user.slice/user-1000.slice/user@1000.service/app.slice/term.scope\n";

}  // namespace

TEST_CASE("cgroups: detection from mountinfo and /proc/self/cgroup") {
  auto hybrid = runtime::parse_cgroup_setup(hybrid_mountinfo, "4:memory:/x\n0::/\n");
  CHECK(hybrid.mode == runtime::CgroupMode::Hybrid);
  CHECK(runtime::cgroup_mode_name(hybrid.mode) == "hybrid");
  CHECK(hybrid.version() == 1);
  CHECK(hybrid.unified_mount == "/sys/fs/cgroup/unified");
  CHECK(hybrid.v1_controllers == std::vector<std::string>{"cpu", "memory"});
  CHECK(hybrid.own_cgroup == "/");
  // Hybrid: no delegation, whoever asks.
  CHECK(runtime::delegation_candidate(hybrid, 0) == "");
  CHECK(runtime::delegation_candidate(hybrid, 1000) == "");

  auto v1 = runtime::parse_cgroup_setup("32 31 0:29 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n", "");
  CHECK(v1.mode == runtime::CgroupMode::V1);
  CHECK(runtime::parse_cgroup_setup("22 1 8:1 / / rw - ext4 /dev/sda1 rw\n", "").mode == runtime::CgroupMode::None);

  auto unified = runtime::parse_cgroup_setup(unified_mountinfo, user_cgroup);
  CHECK(unified.mode == runtime::CgroupMode::Unified);
  CHECK(unified.version() == 2);
  CHECK(unified.unified_mount == "/sys/fs/cgroup");
  CHECK(runtime::delegation_candidate(unified, 0) == "/sys/fs/cgroup");
  CHECK(runtime::delegation_candidate(unified, 1000) ==
        "/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service");
  // Another user's subtree, or a session outside systemd's user manager: none.
  CHECK(runtime::delegation_candidate(unified, 1001) == "");
  auto session = runtime::parse_cgroup_setup(unified_mountinfo, "0::/user.slice/user-1000.slice/session-3.scope\n");
  CHECK(runtime::delegation_candidate(session, 1000) == "");
}

TEST_CASE("cgroups: detect_cgroups on this host matches /proc") {
  auto s = runtime::detect_cgroups();
  std::string mountinfo = fs::read_file("/proc/self/mountinfo");
  bool v1 = mountinfo.find(" - cgroup cgroup ") != std::string::npos;
  bool v2 = mountinfo.find(" - cgroup2 ") != std::string::npos;
  CHECK(s.mode == (v1 ? (v2 ? runtime::CgroupMode::Hybrid : runtime::CgroupMode::V1)
                      : (v2 ? runtime::CgroupMode::Unified : runtime::CgroupMode::None)));
  if (s.mode != runtime::CgroupMode::Unified) {
    CHECK_FALSE(s.delegated());
    CHECK(s.controllers.empty());
  }
}

TEST_CASE("cgroups: cpu.max from --cpus") {
  CHECK(runtime::cpu_max_value(500000000) == "50000 100000");
  CHECK(runtime::cpu_max_value(2000000000) == "200000 100000");
  CHECK(runtime::cpu_max_value(1000) == "1000 100000");  // the kernel's minimum quota
}

TEST_CASE("cgroups: resource flags are warned about once each, by name, without delegation") {
  store::ContainerConfig c;
  runtime::CgroupSupport none = runtime::parse_cgroup_setup(hybrid_mountinfo, "0::/\n");
  CHECK(commands::resource_flag_warnings(c, none).empty());
  c.memory = 10 << 20;
  c.pids_limit = 5;
  c.nano_cpus = 500000000;
  auto w = commands::resource_flag_warnings(c, none);
  REQUIRE(w.size() == 3);
  CHECK(w[0].starts_with("--memory is ignored: this host runs hybrid cgroups"));
  CHECK(w[1].starts_with("--pids-limit is ignored"));
  CHECK(w[2].starts_with("--cpus is ignored"));

  runtime::CgroupSupport delegated = runtime::parse_cgroup_setup(unified_mountinfo, user_cgroup);
  delegated.delegated_dir = "/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service";
  delegated.controllers = {"memory", "pids", "cpu", "freezer"};
  CHECK(commands::resource_flag_warnings(c, delegated).empty());
  delegated.controllers = {"memory", "pids", "freezer"};
  CHECK_THROWS_WITH(commands::resource_flag_warnings(c, delegated),
                    doctest::Contains("--cpus needs the cpu controller"));
}

TEST_CASE("top: descriptors and time columns") {
  using V = std::vector<std::string>;
  V defaults = {"uid", "pid", "ppid", "c", "stime", "tty", "time", "cmd"};
  CHECK(commands::parse_top_descriptors({}) == defaults);
  CHECK(commands::parse_top_descriptors({"-ef"}) == defaults);
  CHECK(commands::parse_top_descriptors({"pid,user", "args"}) == V{"pid", "user", "args"});
  CHECK_THROWS_WITH(commands::parse_top_descriptors({"pid,rss"}), doctest::Contains("unsupported top descriptor \"rss\""));
  CHECK_THROWS_WITH(commands::parse_top_descriptors({"aux"}), doctest::Contains("\"aux\""));
  CHECK(commands::top_title("pcpu") == "%CPU");
  CHECK(commands::top_title("etime") == "ELAPSED");
  CHECK(commands::top_title("args") == "COMMAND");
  CHECK(commands::top_title("user") == "USER");
  CHECK(commands::ps_cpu_time(0) == "00:00:00");
  CHECK(commands::ps_cpu_time(3725) == "01:02:05");
  CHECK(commands::ps_cpu_time(90061) == "1-01:01:01");
  CHECK(commands::ps_elapsed(65) == "01:05");
  CHECK(commands::ps_elapsed(3725) == "01:02:05");
  CHECK(commands::ps_elapsed(90061) == "1-01:01:01");
}

TEST_CASE("stats: a row from two samples, Docker's units") {
  commands::StatsSample a, b;
  a.id = b.id = std::string(64, 'a');
  b.name = "web";
  a.when_ns = 1000000000;
  b.when_ns = 2000000000;  // one second later
  a.cpu_ns = 100000000;
  b.cpu_ns = 350000000;    // 0.25 s of CPU in 1 s
  b.mem = 3 << 20;
  b.mem_limit = 1ULL << 30;
  b.pids = 2;
  b.net_rx = 1500;
  b.net_tx = 0;
  auto row = commands::stats_row(a, b);
  CHECK(row["ID"].as_string() == "aaaaaaaaaaaa");
  CHECK(row["Name"].as_string() == "web");
  CHECK(row["CPUPerc"].as_string() == "25.00%");
  CHECK(row["MemUsage"].as_string() == "3MiB / 1GiB");
  CHECK(row["MemPerc"].as_string() == "0.29%");
  CHECK(row["NetIO"].as_string() == "1.5kB / 0B");
  CHECK(row["BlockIO"].as_string() == "--");
  CHECK(row["PIDs"].as_string() == "2");
  b.block_known = true;
  b.block_write = 4096;
  CHECK(commands::stats_row(a, b)["BlockIO"].as_string() == "0B / 4.1kB");
}

TEST_CASE("cgroups: a container cgroup in the real v2 hierarchy: create, freeze, thaw, remove (root)") {
  auto host = runtime::detect_cgroups();
  if (::geteuid() != 0 || host.unified_mount.empty() || ::access(host.unified_mount.c_str(), W_OK) != 0) {
    MESSAGE("skipped: needs root and a writable cgroup v2 mount");
    return;
  }
  // Pretend the v2 mount is delegated. On a hybrid host it has no
  // resource controllers, but cgroup.freeze and cgroup.procs are core.
  runtime::CgroupSupport s = host;
  s.delegated_dir = host.unified_mount;
  s.controllers = {"freezer"};
  std::string id = "unit-test-" + std::to_string(::getpid());
  CHECK_THROWS_WITH(runtime::create_container_cgroup(s, id, {.memory = 1 << 20}),
                    doctest::Contains("the memory controller is not delegated"));
  CHECK_FALSE(fs::exists(runtime::container_cgroup_path(s, id)));  // nothing left behind

  auto cg = runtime::create_container_cgroup(s, id, {});
  CHECK(cg.path == host.unified_mount + "/kayak-" + id);
  CHECK(cg.fd.get() >= 0);
  pid_t child = ::fork();
  if (child == 0) {
    for (;;) ::pause();
  }
  REQUIRE(child > 0);
  std::string procs = cg.path + "/cgroup.procs";
  struct Reaper {
    pid_t pid;
    ~Reaper() {
      if (pid <= 0) return;
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  } reaper{child};
  {
    FILE* f = std::fopen(procs.c_str(), "w");
    REQUIRE(f);
    std::fprintf(f, "%d\n", child);
    std::fclose(f);
  }
  CHECK(fs::read_file(procs).find(std::to_string(child)) != std::string::npos);
  runtime::freeze_cgroup(cg.path, true);
  CHECK(fs::read_file(cg.path + "/cgroup.events").find("frozen 1") != std::string::npos);
  runtime::freeze_cgroup(cg.path, false);
  CHECK(fs::read_file(cg.path + "/cgroup.events").find("frozen 0") != std::string::npos);
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  reaper.pid = -1;
  runtime::remove_container_cgroup(s, id);
  CHECK_FALSE(fs::exists(cg.path));
  runtime::remove_container_cgroup(s, id);  // already gone: no error
}
