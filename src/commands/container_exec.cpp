#include "kayak/commands/container_exec.hpp"

#include "kayak/monitor/attach_client.hpp"
#include "kayak/monitor/monitor.hpp"
#include "kayak/monitor/signal_pipe.hpp"
#include "kayak/monitor/terminal.hpp"
#include "kayak/runtime/cgroup.hpp"
#include "kayak/runtime/launch.hpp"
#include "kayak/store/container.hpp"
#include "kayak/store/context.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <optional>

namespace kayak::commands {

namespace {

// What a foreground exec forwards to its process (as run's --sig-proxy).
const std::vector<int> kForwarded = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 255;
}

// The process is our child (exec_in forks it with CLONE_PARENT): wait for
// it on its pidfd, passing on the signals we get.
int wait_forwarding(runtime::Launched& launched, monitor::SignalPipe& signals) {
  for (;;) {
    pollfd fds[] = {{signals.fd(), POLLIN, 0}, {launched.pidfd.get(), POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      fail_errno("poll");
    }
    if (fds[0].revents) {
      for (int signo : signals.drain()) proc::send_signal(launched.pidfd.get(), signo);
    }
    if (fds[1].revents) {
      int status = 0;
      while (::waitpid(launched.pid, &status, 0) < 0) {
        if (errno != EINTR) fail_errno("wait for the exec'd process");
      }
      return exit_code_of(status);
    }
  }
}

int exec_plain(const runtime::ContainerSpec& spec, pid_t init, bool interactive) {
  // Installed before the start, so a ^C that comes early still reaches the process.
  monitor::SignalPipe signals(kForwarded);
  runtime::Stdio stdio{.in = interactive ? STDIN_FILENO : -1, .out = STDOUT_FILENO, .err = STDERR_FILENO};
  std::fflush(nullptr);
  runtime::Launched launched = runtime::exec_in(init, spec, spec.process, stdio);
  return wait_forwarding(launched, signals);
}

class NoRestart : public monitor::MonitorEvents {
public:
  void started(const runtime::Launched&) override {}
  int exited(int) override { return -1; }
  void restart_failed(const std::string&) override {}
};

// With a pty: this process is the exec session's monitor (the monitor's
// loop relays the pty, follows the window size and forwards signals).
int exec_tty(const runtime::ContainerSpec& spec, pid_t init, bool interactive) {
  monitor::MonitorOptions options;
  options.tty = true;
  options.open_stdin = interactive;
  monitor::LocalStdio local;
  local.in = interactive ? STDIN_FILENO : -1;
  local.out = STDOUT_FILENO;
  local.err = STDERR_FILENO;
  local.terminal = ::isatty(STDOUT_FILENO) ? STDOUT_FILENO : (::isatty(STDIN_FILENO) ? STDIN_FILENO : -1);
  options.local = local;
  options.sig_proxy = true;
  std::optional<monitor::RawTerminal> raw;
  if (interactive) raw.emplace(STDIN_FILENO);
  NoRestart events;
  std::fflush(nullptr);
  monitor::Monitor session(
    std::move(options), [&](const runtime::Stdio& io) { return runtime::exec_in(init, spec, spec.process, io); },
    events);
  session.start();
  return session.run();
}

// -d: a child starts the process and exits, so the process is reparented at
// once (to init or a subreaper) and reaped there, not left as our zombie.
// The child reports a start error (message, exit code) through a memfd.
void exec_detached(const runtime::ContainerSpec& spec, pid_t init) {
  UniqueFd report(::memfd_create("kayak-exec", MFD_CLOEXEC));
  if (!report) fail_errno("memfd_create");
  std::fflush(nullptr);
  pid_t child = ::fork();
  if (child < 0) fail_errno("fork");
  if (child == 0) {
    int code = 0;
    try {
      runtime::exec_in(init, spec, spec.process, runtime::Stdio{});
    } catch (const Error& e) {
      code = e.exit_code() ? e.exit_code() : 125;
      std::string message = e.what();
      if (::write(report.get(), message.data(), message.size()) < 0) code = 125;
    } catch (...) {
      code = 125;
    }
    _exit(code);
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) fail_errno("wait for the exec starter");
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
  std::string message = fs::read_fd_from_start(report.get(), "exec report");
  throw Error(message.empty() ? "exec: the process could not be started" : message,
              WIFEXITED(status) ? WEXITSTATUS(status) : 125);
}

}  // namespace

int exec_in_container(const store::StorePaths& paths, const std::string& container, const ExecOptions& options) {
  // Checked before anything else is prepared, as Docker does.
  if (!options.detach) monitor::parse_detach_keys(options.detach_keys);
  store::Context ctx(paths);
  store::ContainerStore containers(ctx.store());
  std::string id = containers.resolve(container);
  store::ContainerConfig config = containers.config(id);
  store::ContainerState state = containers.state(id);
  if (state.status == store::ContainerStatus::Paused)
    fail("container {} is paused, unpause the container before exec", id);
  if (state.status != store::ContainerStatus::Running || state.pid <= 0) fail("container {} is not running", id);

  runtime::ContainerSpec spec;
  spec.identity = ctx.identity();
  spec.privileged = config.privileged || options.process.privileged;
  monitor::ExecProcessOptions process = options.process;
  // A detached process has no terminal to talk to: its stdio is /dev/null.
  if (options.detach) process.tty = false;
  spec.process = monitor::exec_process(config, process, ctx.store().root());
  // The container's cgroup, where the monitor made one (delegated subtree).
  UniqueFd cgroup;
  if (runtime::CgroupSupport cgroups = runtime::detect_cgroups(); cgroups.delegated()) {
    std::string path = runtime::container_cgroup_path(cgroups, id);
    cgroup.reset(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    spec.cgroup_fd = cgroup.get();
  }

  if (options.detach) {
    exec_detached(spec, state.pid);
    return 0;
  }
  if (spec.process.tty) return exec_tty(spec, state.pid, options.interactive);
  return exec_plain(spec, state.pid, options.interactive);
}

}  // namespace kayak::commands
