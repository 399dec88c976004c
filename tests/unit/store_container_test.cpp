// Container records: JSON round trips, names, resolution, reconciliation
// against real processes (dead, zombie, pid with another start time).
#include "kayak/store/container.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/process.hpp"
#include "kayak/util/time.hpp"

#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

using namespace kayak;

namespace {

std::string hex_id(char c) { return std::string(64, c); }

store::ContainerConfig sample_config(const std::string& id, const std::string& name) {
  store::ContainerConfig c;
  c.id = id;
  c.name = name;
  c.created = timeutil::format_rfc3339_nano(timeutil::now_ns());
  c.image_id = hex_id('e');
  c.image_name = "busybox";
  c.layers = {hex_id('1'), hex_id('2')};
  c.driver = "overlay";
  c.path = "nginx";
  c.args = {"-g", "daemon off;"};
  c.cmd = {"nginx", "-g", "daemon off;"};
  c.env = {"PATH=/bin", "A=1"};
  c.hostname = id.substr(0, 12);
  c.stop_timeout = 3;
  c.labels = {{"b", "2"}, {"a", "1"}};
  c.mounts.push_back(store::MountSpec{"bind", "/src", "/dst", true, false, {"z"}});
  c.ulimits.push_back(store::Ulimit{"nofile", 1024, 2048});
  c.restart = {"on-failure", 3};
  c.log_options = {{"max-size", "1m"}};
  c.memory = 1 << 20;
  return c;
}

struct StoreFixture {
  fs::TempDir dir;
  store::Store store{store::StorePaths{dir.path() + "/root", dir.path() + "/run"}};
  store::ContainerStore containers{store};
};

// A child that exits at once and is reaped: its pid is gone.
pid_t dead_pid() {
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  ::waitpid(pid, nullptr, 0);
  return pid;
}

}  // namespace

TEST_CASE("container config and state survive a JSON round trip") {
  store::ContainerConfig c = sample_config(hex_id('a'), "web");
  store::ContainerConfig back = store::ContainerConfig::from_json(json::parse(json::dump(c.to_json())));
  CHECK(json::dump(back.to_json()) == json::dump(c.to_json()));
  CHECK(back.labels.front().first == "b");  // order kept
  CHECK(back.stop_timeout == 3);
  CHECK(back.mounts.at(0).read_only);

  store::ContainerState s;
  s.status = store::ContainerStatus::Exited;
  s.pid = 42;
  s.pid_start_time = 1234567890123ULL;
  s.exit_code = 137;
  s.finished_at = "2024-01-02T03:04:05Z";
  store::ContainerState sback = store::ContainerState::from_json(json::parse(json::dump(s.to_json())));
  CHECK(sback.status == store::ContainerStatus::Exited);
  CHECK(sback.pid_start_time == 1234567890123ULL);
  CHECK(sback.exit_code == 137);
  CHECK_THROWS_AS(store::ContainerState::from_json(json::parse(R"({"status":"sleeping"})")), Error);
}

TEST_CASE("container names follow Docker's rule") {
  CHECK(store::validate_container_name("/web") == "web");
  CHECK(store::validate_container_name("a.b-c_d9") == "a.b-c_d9");
  CHECK_THROWS_WITH_AS(store::validate_container_name("-x"),
                       "Invalid container name (-x), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", Error);
  CHECK_THROWS_AS(store::validate_container_name("a"), Error);
  CHECK_THROWS_AS(store::validate_container_name("a/b"), Error);
  for (int i = 0; i < 50; ++i) {
    std::string name = store::random_container_name(i % 2);
    CHECK(store::validate_container_name(name) == name);
    CHECK(name.find('_') != std::string::npos);
  }
}

TEST_CASE("a name is reserved once; the loser gets Docker's conflict text and leaves nothing") {
  StoreFixture f;
  f.containers.create(sample_config(hex_id('a'), "web"));
  CHECK_THROWS_WITH_AS(f.containers.create(sample_config(hex_id('b'), "web")),
                       ("Conflict. The container name \"/web\" is already in use by container \"" + hex_id('a') +
                        "\". You have to remove (or rename) that container to be able to reuse that name.")
                         .c_str(),
                       Error);
  CHECK_FALSE(fs::exists(f.containers.dir(hex_id('b'))));
  CHECK(f.containers.list_ids() == std::vector<std::string>{hex_id('a')});
  // A crashed creator's link (its container never got a config) is taken over.
  ::symlink(hex_id('c').c_str(), (f.store.root() + "/containers/names/stale").c_str());
  f.containers.create(sample_config(hex_id('d'), "stale"));
  CHECK(f.containers.resolve("stale") == hex_id('d'));
}

TEST_CASE("containers resolve by full ID, name, then unique prefix") {
  StoreFixture f;
  std::string a = "abc" + std::string(61, '1'), b = "abd" + std::string(61, '2');
  f.containers.create(sample_config(a, "first"));
  f.containers.create(sample_config(b, "second"));
  CHECK(f.containers.resolve(a) == a);
  CHECK(f.containers.resolve("first") == a);
  CHECK(f.containers.resolve("/second") == b);
  CHECK(f.containers.resolve("abc") == a);
  CHECK_THROWS_WITH_AS(f.containers.resolve("ab"), "multiple IDs found with provided prefix: ab", Error);
  // Only a missing container is a NotFoundError (rm exits 1 for it).
  CHECK_THROWS_WITH_AS(f.containers.resolve("nope"), "No such container: nope", NotFoundError);
  bool not_found = false;
  try {
    f.containers.resolve("ab");
  } catch (const NotFoundError&) {
    not_found = true;
  } catch (const Error&) {
  }
  CHECK_FALSE(not_found);
  // A name that looks like another container's ID prefix wins over it.
  f.containers.rename(b, "abc");
  CHECK(f.containers.resolve("abc") == b);
  CHECK_THROWS_AS(f.containers.resolve("second"), Error);
  CHECK_THROWS_WITH_AS(f.containers.rename(b, "first"), doctest::Contains("is already in use by container"), Error);
  CHECK_THROWS_WITH_AS(f.containers.rename(b, "abc"), "Renaming a container with the same name as its current name", Error);
  f.containers.remove(a);
  CHECK_THROWS_AS(f.containers.resolve("first"), Error);
  CHECK_FALSE(fs::exists(f.containers.dir(a)));
  CHECK_FALSE(fs::exists(f.store.root() + "/containers/names/first"));
}

TEST_CASE("reconcile: the pure rules") {
  store::ContainerState s;
  s.status = store::ContainerStatus::Running;
  s.started_at = "2024-01-01T00:00:00Z";
  bool kill = false;
  store::Liveness alive{true, true, true, 2'000'000'000'000'000'000, 0};
  CHECK_FALSE(store::reconcile(s, alive, kill));

  store::ContainerState other_boot = s;
  store::Liveness rebooted{false, false, false, 1'800'000'000'000'000'000, 1'750'000'000'000'000'000};
  CHECK(store::reconcile(other_boot, rebooted, kill));
  CHECK(other_boot.status == store::ContainerStatus::Exited);
  CHECK(other_boot.exit_code == 255);
  CHECK(other_boot.finished_at == timeutil::format_rfc3339_nano(1'750'000'000'000'000'000));

  store::ContainerState orphan = s;
  store::Liveness no_monitor{true, true, false, 1'800'000'000'000'000'000, 0};
  CHECK(store::reconcile(orphan, no_monitor, kill));
  CHECK(kill);
  CHECK(orphan.exit_code == 137);

  store::ContainerState created;
  CHECK_FALSE(store::reconcile(created, rebooted, kill));
}

TEST_CASE("reconcile: a running state whose init is dead, a zombie or a reused pid reads as exited") {
  StoreFixture f;
  std::string id = hex_id('a');
  f.containers.create(sample_config(id, "web"));
  auto running_state = [&](pid_t pid, uint64_t start) {
    store::ContainerState s;
    s.status = store::ContainerStatus::Running;
    s.pid = pid;
    s.pid_start_time = start;
    s.boot_id = proc::boot_id();
    s.started_at = timeutil::format_rfc3339_nano(timeutil::now_ns() - 1'000'000'000);
    return s;
  };

  SUBCASE("alive: left alone") {
    pid_t self = ::getpid();
    f.containers.write_state(id, running_state(self, proc::read_stat(self)->start_time));
    CHECK(f.containers.state(id).status == store::ContainerStatus::Running);
  }
  SUBCASE("dead pid") {
    f.containers.write_state(id, running_state(dead_pid(), 1));
    store::ContainerState s = f.containers.state(id);
    CHECK(s.status == store::ContainerStatus::Exited);
    CHECK(s.exit_code == 255);
    CHECK_FALSE(s.finished_at.empty());
    // Written back.
    CHECK(f.containers.stored_state(id).status == store::ContainerStatus::Exited);
  }
  SUBCASE("zombie") {
    pid_t child = ::fork();
    if (child == 0) ::_exit(3);
    // Not reaped: wait until it is a zombie.
    for (int i = 0; i < 1000 && proc::read_stat(child)->state != 'Z'; ++i) ::usleep(1000);
    uint64_t start = proc::read_stat(child)->start_time;
    f.containers.write_state(id, running_state(child, start));
    CHECK(f.containers.state(id).status == store::ContainerStatus::Exited);
    ::waitpid(child, nullptr, 0);
  }
  SUBCASE("pid reused by another process") {
    pid_t self = ::getpid();
    f.containers.write_state(id, running_state(self, proc::read_stat(self)->start_time + 1));
    CHECK(f.containers.state(id).status == store::ContainerStatus::Exited);
  }
  SUBCASE("another boot") {
    store::ContainerState s = running_state(::getpid(), proc::read_stat(::getpid())->start_time);
    s.boot_id = "00000000-0000-0000-0000-000000000000";
    f.containers.write_state(id, s);
    store::ContainerState now = f.containers.state(id);
    CHECK(now.status == store::ContainerStatus::Exited);
    CHECK(now.pid == 0);
  }
  SUBCASE("monitor gone, init alive: the orphan is killed") {
    pid_t child = ::fork();
    if (child == 0) {
      ::pause();
      ::_exit(0);
    }
    store::ContainerState s = running_state(child, proc::read_stat(child)->start_time);
    s.monitor_pid = dead_pid();
    s.monitor_start_time = 1;
    f.containers.write_state(id, s);
    store::ContainerState now = f.containers.state(id);
    CHECK(now.status == store::ContainerStatus::Exited);
    CHECK(now.exit_code == 137);
    int status = 0;
    ::waitpid(child, &status, 0);
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGKILL);
  }
}

TEST_CASE("containers_using_image finds the containers of an image") {
  StoreFixture f;
  f.containers.create(sample_config(hex_id('a'), "one"));
  store::ContainerConfig other = sample_config(hex_id('b'), "two");
  other.image_id = hex_id('f');
  f.containers.create(other);
  CHECK(store::containers_using_image(f.containers, hex_id('e')) == std::vector<std::string>{hex_id('a')});
  CHECK(store::containers_using_image(f.containers, hex_id('0')).empty());
}
