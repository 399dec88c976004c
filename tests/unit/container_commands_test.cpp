// create's config building (Docker's merge rules), ps's COMMAND and STATUS
// texts, signal names.
#include "kayak/commands/container_create.hpp"
#include "kayak/commands/container_list.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/signals.hpp"
#include "kayak/util/time.hpp"

#include <doctest/doctest.h>

#include <csignal>

using namespace kayak;

namespace {

const std::string kId = "0123456789ab" + std::string(52, 'c');

store::ImageRecord image_record() {
  store::ImageRecord r;
  r.id = std::string(64, 'e');
  r.layers = {std::string(64, '1')};
  return r;
}

image::ImageConfig image_config(const std::string& config_member) {
  return image::parse_config(R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"config":)" +
                             config_member + "}");
}

const image::ImageConfig kNginx = image_config(R"({
  "Env": ["PATH=/usr/bin:/bin", "NGINX_VERSION=1.25"],
  "Entrypoint": ["/docker-entrypoint.sh"],
  "Cmd": ["nginx", "-g", "daemon off;"],
  "WorkingDir": "/srv", "User": "www", "StopSignal": "SIGQUIT",
  "ExposedPorts": {"80/tcp": {}}, "Volumes": {"/cache": {}},
  "Labels": {"maintainer": "someone", "keep": "image"}})");

std::optional<std::string> fake_env(const std::string& name) {
  if (name == "FROM_CALLER") return "caller-value";
  return std::nullopt;
}

store::ContainerConfig build(const commands::CreateOptions& o, const image::ImageConfig& ic = kNginx) {
  return commands::build_container_config(o, kId, image_record(), ic, fake_env);
}

commands::CreateOptions with_image() {
  commands::CreateOptions o;
  o.image = "nginx";
  return o;
}

}  // namespace

TEST_CASE("create: image Entrypoint and Cmd combine as Docker does") {
  auto o = with_image();
  auto c = build(o);
  CHECK(c.path == "/docker-entrypoint.sh");
  CHECK(c.args == std::vector<std::string>{"nginx", "-g", "daemon off;"});

  o.command = {"sh", "-c", "echo hi"};
  c = build(o);
  CHECK(c.entrypoint == std::vector<std::string>{"/docker-entrypoint.sh"});
  CHECK(c.cmd == o.command);
  CHECK(c.args == std::vector<std::string>{"sh", "-c", "echo hi"});

  // --entrypoint resets the image's Cmd.
  o = with_image();
  o.entrypoint = "/bin/true";
  c = build(o);
  CHECK(c.path == "/bin/true");
  CHECK(c.args.empty());
  CHECK(c.cmd.empty());

  // --entrypoint '' clears the Entrypoint; the image's Cmd runs.
  o.entrypoint = "";
  c = build(o);
  CHECK(c.entrypoint.empty());
  CHECK(c.path == "nginx");
  CHECK(c.args == std::vector<std::string>{"-g", "daemon off;"});

  o.command = {"echo", "x"};
  c = build(o);
  CHECK(c.path == "echo");

  // Nothing to run at all.
  auto bare = with_image();
  CHECK_THROWS_WITH_AS(build(bare, image_config("{}")), "no command specified", Error);
}

TEST_CASE("create: env is the image's, then --env-file, then -e; -e K takes the caller's value") {
  fs::TempDir dir;
  fs::write_file_atomic(dir.path() + "/env", "# comment\n\n  FILE_ONLY=f\nNGINX_VERSION=from-file\nFROM_CALLER\nUNSET_IN_FILE\n");
  auto o = with_image();
  o.env_files = {dir.path() + "/env"};
  o.env = {"NGINX_VERSION=from-flag", "FROM_CALLER", "NOT_SET_ANYWHERE", "EMPTY="};
  auto c = build(o);
  CHECK(c.env == std::vector<std::string>{"PATH=/usr/bin:/bin", "NGINX_VERSION=from-flag", "FILE_ONLY=f",
                                          "FROM_CALLER=caller-value", "EMPTY="});
  fs::write_file_atomic(dir.path() + "/bad", "A B=1\n");
  o.env_files = {dir.path() + "/bad"};
  CHECK_THROWS_WITH_AS(build(o), "variable 'A B' contains whitespaces", Error);
}

TEST_CASE("create: defaults from the image and the ID") {
  auto o = with_image();
  auto c = build(o);
  CHECK(c.working_dir == "/srv");
  CHECK(c.user == "www");
  CHECK(c.stop_signal == "SIGQUIT");
  CHECK(c.hostname == "0123456789ab");
  CHECK(c.exposed_ports == std::vector<std::string>{"80/tcp"});
  CHECK(c.volumes == std::vector<std::string>{"/cache"});
  REQUIRE(c.mounts.size() == 1);
  CHECK(c.mounts[0].anonymous);
  CHECK(c.mounts[0].destination == "/cache");
  CHECK(c.attach_stdout);
  CHECK_FALSE(c.attach_stdin);

  o.workdir = "/w";
  o.user = "1000:1000";
  o.stop_signal = "USR1";
  o.hostname = "box";
  o.expose = {"8000-8001/udp"};
  o.publish = {"127.0.0.1:8080:80", "53/udp"};
  o.labels = {"keep=user", "new"};
  o.interactive = true;
  o.volumes = {"/host:/cache:ro"};
  c = build(o);
  CHECK(c.working_dir == "/w");
  CHECK(c.user == "1000:1000");
  CHECK(c.stop_signal == "USR1");
  CHECK(c.hostname == "box");
  CHECK(c.exposed_ports == std::vector<std::string>{"53/udp", "80/tcp", "8000/udp", "8001/udp"});
  CHECK(c.labels == std::vector<std::pair<std::string, std::string>>{{"maintainer", "someone"}, {"keep", "user"}, {"new", ""}});
  CHECK(c.attach_stdin);
  CHECK(c.stdin_once);
  // The bind covers the image VOLUME: no anonymous volume for it.
  REQUIRE(c.mounts.size() == 1);
  CHECK(c.mounts[0].type == "bind");
  CHECK(c.mounts[0].read_only);
}

TEST_CASE("create: flag values are checked") {
  auto o = with_image();
  o.workdir = "relative";
  CHECK_THROWS_WITH_AS(build(o), "the working directory 'relative' is invalid, it needs to be an absolute path", Error);
  o = with_image();
  o.restart = "sometimes";
  CHECK_THROWS_AS(build(o), Error);
  o.restart = "on-failure:5";
  CHECK(build(o).restart.max_retries == 5);
  o.auto_remove = true;
  CHECK_THROWS_WITH_AS(build(o), "Conflicting options: --restart and --rm", Error);
  o = with_image();
  o.ulimits = {"nofile=1024:2048", "core=unlimited"};
  auto c = build(o);
  CHECK(c.ulimits[0].soft == 1024);
  CHECK(c.ulimits[0].hard == 2048);
  CHECK(c.ulimits[1].soft == -1);
  o.ulimits = {"nofile=10:5"};
  CHECK_THROWS_AS(build(o), Error);
  o = with_image();
  o.cap_add = {"net_admin", "CAP_SYS_TIME", "all"};
  CHECK(build(o).cap_add == std::vector<std::string>{"CAP_NET_ADMIN", "CAP_SYS_TIME", "ALL"});
  o.cap_add = {"FLY"};
  CHECK_THROWS_WITH_AS(build(o), "unknown capability: \"CAP_FLY\"", Error);
  o = with_image();
  o.security_opt = {"no-new-privileges", "seccomp=unconfined"};
  c = build(o);
  CHECK(c.no_new_privileges);
  CHECK(c.seccomp_profile == "unconfined");
  o.security_opt = {"bogus"};
  CHECK_THROWS_WITH_AS(build(o), "Invalid --security-opt: \"bogus\"", Error);
  o = with_image();
  o.memory = "512m";
  o.cpus = "1.5";
  o.pids_limit = "100";
  c = build(o);
  CHECK(c.memory == 512LL * 1024 * 1024);
  CHECK(c.nano_cpus == 1'500'000'000);
  CHECK(c.pids_limit == 100);
  o.stop_signal = "SIGNOPE";
  CHECK_THROWS_WITH_AS(build(o), "invalid signal: SIGNOPE", Error);
  o = with_image();
  o.network = "host";
  CHECK(build(o).hostname != "0123456789ab");
  o.network = "moon";
  CHECK_THROWS_AS(build(o), Error);
  CHECK(commands::parse_memory_size("1g") == 1024LL * 1024 * 1024);
  CHECK(commands::parse_memory_size("100") == 100);
  CHECK_THROWS_AS(commands::parse_memory_size("lots"), Error);
}

TEST_CASE("ps COMMAND: Docker's summary and quoting") {
  CHECK(commands::summary_command("nginx", {"-g", "daemon off;"}) == "nginx -g 'daemon off;'");
  CHECK(commands::summary_command("sh", {}) == "sh");
  CHECK(commands::command_column("nginx -g 'daemon off;'", true) == "\"nginx -g 'daemon off;'\"");
  CHECK(commands::command_column("nginx -g 'daemon off;'", false) == "\"nginx -g 'daemon of…\"");
  CHECK(commands::command_column("docker-entrypoint.sh postgres", false) == "\"docker-entrypoint.s…\"");
  CHECK(commands::command_column("exactly twenty chars", false) == "\"exactly twenty chars\"");
  CHECK(commands::command_column("say \"hi\"\\", true) == "\"say \\\"hi\\\"\\\\\"");
  CHECK(commands::ellipsis("héllo wörld ünïcode longer", 5) == "héll…");
}

TEST_CASE("ps STATUS texts") {
  int64_t now = timeutil::parse_rfc3339("2024-01-01T01:00:00Z").value();
  store::ContainerState s;
  CHECK(commands::status_text(s, now) == "Created");
  s.status = store::ContainerStatus::Running;
  s.started_at = "2024-01-01T00:48:00Z";
  CHECK(commands::status_text(s, now) == "Up 12 minutes");
  s.status = store::ContainerStatus::Paused;
  s.started_at = "2024-01-01T00:58:00Z";
  CHECK(commands::status_text(s, now) == "Up 2 minutes (Paused)");
  s.status = store::ContainerStatus::Exited;
  s.finished_at = "2024-01-01T00:59:57Z";
  s.exit_code = 0;
  CHECK(commands::status_text(s, now) == "Exited (0) 3 seconds ago");
  s.exit_code = 137;
  CHECK(commands::status_text(s, now) == "Exited (137) 3 seconds ago");
}

TEST_CASE("signal names and numbers") {
  CHECK(sig::parse("KILL") == SIGKILL);
  CHECK(sig::parse("sigterm") == SIGTERM);
  CHECK(sig::parse("9") == 9);
  CHECK(sig::parse("SIGRTMIN+2") == SIGRTMIN + 2);
  CHECK_FALSE(sig::parse("NOPE"));
  CHECK_FALSE(sig::parse("0"));
  CHECK(sig::name(SIGQUIT) == "SIGQUIT");
}
