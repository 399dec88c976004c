#include "kayak/commands/container_run.hpp"

#include "kayak/monitor/attach_client.hpp"
#include "kayak/monitor/container_monitor.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fd.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/strings.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <map>

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

int64_t monotonic_ms() {
  struct timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

// Polls until the container's monitor has recorded its end (or limit_ms).
bool wait_not_running(store::ContainerStore& containers, const std::string& id, int64_t limit_ms) {
  int64_t deadline = monotonic_ms() + limit_ms;
  for (;;) {
    store::ContainerState state = containers.state(id);
    if (!is_running(state.status) && state.monitor_pid == 0) return true;
    if (!is_running(state.status) && ::kill(state.monitor_pid, 0) != 0) return true;
    if (monotonic_ms() >= deadline) return false;
    ::usleep(20000);
  }
}

}  // namespace

int parse_signal(const std::string& text) {
  static const std::map<std::string, int, std::less<>> names = {
    {"HUP", SIGHUP}, {"INT", SIGINT}, {"QUIT", SIGQUIT}, {"ILL", SIGILL}, {"TRAP", SIGTRAP},
    {"ABRT", SIGABRT}, {"IOT", SIGIOT}, {"BUS", SIGBUS}, {"FPE", SIGFPE}, {"KILL", SIGKILL},
    {"USR1", SIGUSR1}, {"SEGV", SIGSEGV}, {"USR2", SIGUSR2}, {"PIPE", SIGPIPE}, {"ALRM", SIGALRM},
    {"TERM", SIGTERM}, {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT}, {"STOP", SIGSTOP},
    {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU}, {"URG", SIGURG}, {"XCPU", SIGXCPU},
    {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF}, {"WINCH", SIGWINCH}, {"IO", SIGIO},
    {"PWR", SIGPWR}, {"SYS", SIGSYS},
  };
  if (auto n = str::parse_int(text); n && *n > 0 && *n < 65) return static_cast<int>(*n);
  std::string upper;
  for (char c : text) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string_view name = upper;
  if (name.starts_with("SIG")) name.remove_prefix(3);
  if (auto it = names.find(name); it != names.end()) return it->second;
  fail("invalid signal: {}", text);
}

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
  store::ContainerState state = containers.state(id);
  if (is_running(state.status) && state.pid > 0) {
    int seconds = timeout.value_or(config.stop_timeout.value_or(10));
    int signo = parse_signal(config.stop_signal.empty() ? "SIGTERM" : config.stop_signal);
    // Through a pidfd: the pid was checked against its start time by state().
    UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, state.pid, 0)));
    auto send = [&](int sig) {
      if (pidfd) ::syscall(SYS_pidfd_send_signal, pidfd.get(), sig, nullptr, 0);
    };
    monitor::mark_stop_requested(containers.run_dir(id));
    if (state.status == store::ContainerStatus::Paused) send(SIGCONT);
    send(signo);
    if (!wait_not_running(containers, id, static_cast<int64_t>(seconds) * 1000)) {
      send(SIGKILL);
      if (!wait_not_running(containers, id, 10000)) fail("container {} did not stop", id.substr(0, 12));
    }
  }
  monitor::spawn_monitor(paths, id, {.log_level = log_level, .attach_fd = -1});
}

}  // namespace kayak::commands
