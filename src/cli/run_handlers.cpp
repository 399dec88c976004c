// Handlers for run, start, attach, restart, logs and the hidden monitor:
// flags -> options -> commands module.
#include "run_handlers.hpp"

#include "run_flags.hpp"

#include "kayak/commands/container_create.hpp"
#include "kayak/commands/container_logs.hpp"
#include "kayak/commands/container_run.hpp"
#include "kayak/monitor/container_monitor.hpp"
#include "kayak/monitor/log_time.hpp"
#include "kayak/store/container.hpp"
#include "kayak/store/context.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/strings.hpp"
#include "kayak/util/time.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace kayak::cli {

namespace {

store::StorePaths paths_of(const Invocation& inv) {
  return store::resolve_paths(inv.global().root, inv.global().runroot);
}

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
    id = commands::create_container(ctx, create_options_from(inv)).id;
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
  if (options.attach && inv.args().size() > 1) fail("you cannot start and attach multiple containers at once");
  store::Store store(paths);
  store::ContainerStore containers(store);
  int status = 0;
  // One report per container, so one failure does not hide the others.
  for (const auto& name : inv.args()) {
    try {
      std::string id = containers.resolve(name);
      int code = commands::start_container(paths, id, options);
      if (options.attach) return code;
      fmt::print("{}\n", name);
      std::fflush(stdout);
    } catch (const Error& e) {
      std::fflush(stdout);
      fmt::print(stderr, "Error: {}\n", e.what());
      status = e.exit_code() ? e.exit_code() : 125;
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
      status = e.exit_code() ? e.exit_code() : 125;
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
