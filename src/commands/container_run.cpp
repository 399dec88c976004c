#include "kayak/commands/container_run.hpp"

#include "kayak/commands/container_signal.hpp"

#include "kayak/monitor/attach_client.hpp"
#include "kayak/monitor/container_monitor.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fd.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/signals.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

namespace kayak::commands {

namespace {

std::pair<UniqueFd, UniqueFd> socket_pair() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) fail_errno("socketpair");
  return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

monitor::AttachOptions client_options(const store::ContainerConfig& config, bool attach_stdin,
                                      const AttachFlags& flags) {
  monitor::AttachOptions options;
  options.tty = config.tty;
  options.attach_stdin = attach_stdin;
  options.sig_proxy = flags.sig_proxy;
  options.detach_keys = monitor::parse_detach_keys(flags.detach_keys);
  return options;
}

// A detached monitor with this process attached from the start.
int spawn_attached(const store::StorePaths& paths, const store::ContainerConfig& config, bool attach_stdin,
                   const AttachFlags& flags) {
  monitor::AttachOptions options = client_options(config, attach_stdin, flags);
  auto [mine, theirs] = socket_pair();
  monitor::SpawnedMonitor spawned =
    monitor::spawn_monitor(paths, config.id, {.log_level = flags.log_level, .attach_fd = theirs.get()});
  theirs.reset();
  std::fflush(stdout);
  monitor::AttachResult result = monitor::attach_session(std::move(mine), options);
  // After the exit frame the monitor still records the exit and does --rm:
  // wait for it, so the next command sees the container as it ends up.
  monitor::reap_monitor(spawned, !result.detached);
  return result.exit_code;
}

bool is_running(store::ContainerStatus status) {
  return status == store::ContainerStatus::Running || status == store::ContainerStatus::Paused;
}

}  // namespace

int run_container(const store::StorePaths& paths, const std::string& id, const RunOptions& options) {
  store::Store store(paths);
  store::ContainerStore containers(store);
  store::ContainerConfig config = containers.config(id);
  if (options.detach) {
    monitor::spawn_monitor(paths, id, {.log_level = options.attach.log_level, .attach_fd = -1});
    return 0;
  }
  if (config.open_stdin && config.tty) return spawn_attached(paths, config, true, options.attach);

  // Foreground: this process is the monitor.
  std::fflush(stdout);
  monitor::MonitorRequest request;
  request.paths = paths;
  request.id = id;
  request.sig_proxy = options.attach.sig_proxy;
  monitor::LocalStdio local;
  local.in = config.open_stdin ? STDIN_FILENO : -1;
  local.out = STDOUT_FILENO;
  local.err = STDERR_FILENO;
  if (config.tty) local.terminal = ::isatty(STDOUT_FILENO) ? STDOUT_FILENO : (::isatty(STDIN_FILENO) ? STDIN_FILENO : -1);
  request.local = local;
  return monitor::run_monitored(std::move(request));
}

int start_container(const store::StorePaths& paths, const std::string& id, const StartOptions& options) {
  store::Store store(paths);
  store::ContainerStore containers(store);
  store::ContainerConfig config = containers.config(id);
  if (is_running(containers.state(id).status)) {
    if (!options.attach) return 0;
    return attach_container(paths, id, {.no_stdin = !options.interactive, .flags = options.flags});
  }
  if (options.attach) return spawn_attached(paths, config, options.interactive && config.open_stdin, options.flags);
  monitor::spawn_monitor(paths, id, {.log_level = options.flags.log_level, .attach_fd = -1});
  return 0;
}

int attach_container(const store::StorePaths& paths, const std::string& id, const AttachOptions& options) {
  store::Store store(paths);
  store::ContainerStore containers(store);
  store::ContainerConfig config = containers.config(id);
  if (!is_running(containers.state(id).status)) fail("you cannot attach to a stopped container, start it first");
  UniqueFd connection = monitor::connect_attach_socket(fs::join(containers.run_dir(id), "attach"));
  std::fflush(stdout);
  monitor::AttachResult result = monitor::attach_session(
    std::move(connection), client_options(config, !options.no_stdin && config.open_stdin, options.flags));
  return result.exit_code;
}

void restart_container(const store::StorePaths& paths, const std::string& id, std::optional<int> timeout,
                       const std::string& log_level) {
  store::Store store(paths);
  store::ContainerStore containers(store);
  store::ContainerConfig config = containers.config(id);
  int seconds = timeout.value_or(config.stop_timeout.value_or(10));
  int signo = sig::parse(config.stop_signal).value_or(SIGTERM);
  stop_container(containers, id, signo, seconds);
  monitor::spawn_monitor(paths, id, {.log_level = log_level, .attach_fd = -1});
}

}  // namespace kayak::commands
