// Handlers for run, start, attach, restart, logs and the hidden monitor:
// flags -> options -> commands module.
#include "run_handlers.hpp"

#include "item_report.hpp"
#include "run_flags.hpp"
#include "store_paths_of.hpp"

#include "kayak/commands/container_create.hpp"
#include "kayak/commands/container_list.hpp"
#include "kayak/commands/container_logs.hpp"
#include "kayak/commands/container_run.hpp"
#include "kayak/monitor/container_monitor.hpp"
#include "kayak/monitor/log_time.hpp"
#include "kayak/store/container.hpp"
#include "kayak/store/context.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/log.hpp"
#include "kayak/util/strings.hpp"
#include "kayak/util/time.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace kayak::cli {

namespace {

commands::AttachFlags attach_flags(const Invocation& inv) {
  commands::AttachFlags flags;
  flags.sig_proxy = inv.flag("sig-proxy");
  flags.detach_keys = inv.value_or("detach-keys", "ctrl-p,ctrl-q");
  flags.log_level = inv.global().log_level;
  return flags;
}

// An inherited fd number from the spawner; made close-on-exec at once so
// the container never inherits it.
int inherited_fd(const Invocation& inv, std::string_view flag) {
  auto text = inv.value(flag);
  if (!text) return -1;
  auto fd = str::parse_int(*text);
  if (!fd || *fd < 3) fail("invalid --{} {}", flag, *text);
  if (::fcntl(static_cast<int>(*fd), F_SETFD, FD_CLOEXEC) != 0) fail_errno("--{} {}", flag, *text);
  return static_cast<int>(*fd);
}

void write_out(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t n = ::write(fd, text.data(), text.size());
    if (n <= 0) fail_errno("write log output");
    text.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

namespace {

// A rootless container with --restart always|unless-stopped comes back
// after a reboot only through the kayak-restart.service user unit, and a
// user's units run at boot only when lingering is on: say so once.
void warn_without_linger(const commands::CreateOptions& create) {
  uid_t uid = ::geteuid();
  if (uid == 0 || (create.restart != "always" && create.restart != "unless-stopped")) return;
  const passwd* pw = ::getpwuid(uid);
  std::string user = pw ? pw->pw_name : std::to_string(uid);
  if (::access(("/var/lib/systemd/linger/" + user).c_str(), F_OK) == 0) return;
  log::warn("--restart {}: after a reboot the container is started again only by the kayak-restart.service user "
            "unit, which runs at boot when lingering is enabled: loginctl enable-linger {}",
            create.restart, user);
}

}  // namespace

int handle_run(Invocation& inv) {
  store::StorePaths paths = paths_of(inv);
  commands::RunOptions options;
  options.detach = inv.flag("detach");
  options.attach = attach_flags(inv);
  std::string id;
  {
    // create's own code path; the context (and its store handle) is not
    // needed once the record exists.
    store::Context ctx(paths);
    commands::CreateOptions create = create_options_from(inv);
    id = commands::create_container(ctx, create).id;
    if (options.detach) warn_without_linger(create);
  }
  int code = commands::run_container(paths, id, options);
  // -d prints the ID only once the container runs (a failed start has
  // thrown above, with the container left Created and its error recorded).
  if (options.detach) fmt::print("{}\n", id);
  return code;
}

int handle_start(Invocation& inv) {
  store::StorePaths paths = paths_of(inv);
  commands::StartOptions options;
  options.attach = inv.flag("attach");
  options.interactive = inv.flag("interactive");
  options.flags = attach_flags(inv);
  std::vector<std::string> targets = inv.args();
  bool all = inv.flag("all");
  if (all && !targets.empty()) fail("--all does not take container names or IDs");
  if (!all && inv.is_set("filter")) fail("--filter takes effect only with --all");
  if (!all && targets.empty()) fail("\"kayak {}\" requires at least 1 argument", inv.invoked_path());
  if (all) {
    // Every container that is not running, as podman's start --all (the
    // restart unit: --filter restart-policy=always).
    store::Context ctx(paths);
    commands::ContainerListOptions list;
    list.all = true;
    list.no_trunc = true;
    list.filters = inv.values("filter");
    for (const auto& row : commands::list_containers(ctx, list)) {
      std::string state = row.string_or("State");
      if (state != "running" && state != "paused") targets.push_back(row.string_or("ID"));
    }
  }
  if (options.attach && targets.size() > 1) fail("you cannot start and attach multiple containers at once");
  store::Store store(paths);
  store::ContainerStore containers(store);
  int status = 0;
  // One report per container, so one failure does not hide the others.
  for (const auto& name : targets) {
    try {
      std::string id = containers.resolve(name);
      int code = commands::start_container(paths, id, options);
      if (options.attach) return code;
      fmt::print("{}\n", name);
      std::fflush(stdout);
    } catch (const Error& e) {
      std::fflush(stdout);
      fmt::print(stderr, "Error: {}\n", e.what());
      status = add_failure(status, e.exit_code());
    }
  }
  return status;
}

int handle_attach(Invocation& inv) {
  store::StorePaths paths = paths_of(inv);
  store::Store store(paths);
  store::ContainerStore containers(store);
  std::string id = containers.resolve(inv.args()[0]);
  commands::AttachOptions options;
  options.no_stdin = inv.flag("no-stdin");
  options.flags = attach_flags(inv);
  return commands::attach_container(paths, id, options);
}

int handle_restart(Invocation& inv) {
  store::StorePaths paths = paths_of(inv);
  std::optional<int> timeout;
  if (auto text = inv.value("time")) {
    auto n = str::parse_int(*text);
    if (!n) fail("invalid argument \"{}\" for \"-t, --time\" flag", *text);
    timeout = static_cast<int>(*n);
  }
  store::Store store(paths);
  store::ContainerStore containers(store);
  int status = 0;
  for (const auto& name : inv.args()) {
    try {
      commands::restart_container(paths, containers.resolve(name), timeout, inv.global().log_level);
      fmt::print("{}\n", name);
      std::fflush(stdout);
    } catch (const Error& e) {
      std::fflush(stdout);
      fmt::print(stderr, "Error: {}\n", e.what());
      status = add_failure(status, e.exit_code());
    }
  }
  return status;
}

int handle_logs(Invocation& inv) {
  store::StorePaths paths = paths_of(inv);
  store::Store store(paths);
  store::ContainerStore containers(store);
  std::string id = containers.resolve(inv.args()[0]);
  commands::LogsOptions options;
  options.follow = inv.flag("follow");
  options.timestamps = inv.flag("timestamps");
  options.tail = commands::parse_tail(inv.value_or("tail", "all"));
  int64_t now = timeutil::now_ns();
  if (auto since = inv.value("since")) options.since_ns = monitor::parse_log_time_filter(*since, now);
  if (auto until = inv.value("until")) options.until_ns = monitor::parse_log_time_filter(*until, now);
  std::fflush(stdout);
  commands::write_logs(
    containers, id, options, [](std::string_view text) { write_out(STDOUT_FILENO, text); },
    [](std::string_view text) { write_out(STDERR_FILENO, text); });
  return 0;
}

int handle_monitor(Invocation& inv) {
  monitor::MonitorRequest request;
  request.paths = paths_of(inv);
  request.id = inv.args()[0];
  request.ready_fd = inherited_fd(inv, "ready-fd");
  int attach_fd = inherited_fd(inv, "attach-fd");
  if (attach_fd >= 0) request.attach_clients.emplace_back(attach_fd);
  try {
    return monitor::run_monitored(std::move(request));
  } catch (const Error& e) {
    // Already reported to the spawner (and nobody reads our stderr).
    return e.exit_code() ? e.exit_code() : 125;
  }
}

}  // namespace kayak::cli
