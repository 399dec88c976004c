// Starting `kayak monitor <id>` detached: a re-exec of our own binary in a
// new session, stdio on /dev/null, and two inherited fds only: the write end
// of the start-report pipe (fd 3) and, for run -it / start -a, the first
// attach connection (fd 4).
#include "kayak/monitor/container_monitor.hpp"

#include "io.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace kayak::monitor {

namespace {

constexpr int kReadyFd = 3;
constexpr int kAttachFd = 4;

// In the forked child: only async-signal-safe calls, then exec.
[[noreturn]] void exec_monitor(const std::vector<std::string>& args, int ready_fd, int attach_fd) {
  std::vector<char*> argv;
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  ::setsid();
  // The monitor lives long: it must not keep the caller's directory busy.
  if (::chdir("/") != 0) ::_exit(125);
  // Whatever the caller ignored must not reach the monitor (and through it
  // the container) as ignored.
  ::signal(SIGPIPE, SIG_DFL);
  int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null >= 0) {
    ::dup2(null, 0);
    ::dup2(null, 1);
    ::dup2(null, 2);
  }
  // Move the two fds into place; dup2 leaves the copies without CLOEXEC, so
  // they (and only they, besides stdio) survive the exec.
  if (attach_fd >= 0 && attach_fd == kReadyFd) attach_fd = ::fcntl(attach_fd, F_DUPFD_CLOEXEC, 10);
  if (ready_fd != kReadyFd) {
    ::dup2(ready_fd, kReadyFd);
  } else {
    ::fcntl(kReadyFd, F_SETFD, 0);
  }
  if (attach_fd >= 0) {
    if (attach_fd != kAttachFd) {
      ::dup2(attach_fd, kAttachFd);
    } else {
      ::fcntl(kAttachFd, F_SETFD, 0);
    }
  }
  ::execv("/proc/self/exe", argv.data());
  const char failed[] = "E125 cannot re-execute kayak for the container monitor";
  ssize_t ignored = ::write(kReadyFd, failed, sizeof failed - 1);
  (void)ignored;
  ::_exit(125);
}

}  // namespace

SpawnedMonitor spawn_monitor(const store::StorePaths& paths, const std::string& id, const SpawnOptions& options) {
  std::vector<std::string> args = {"kayak"};
  if (!options.log_level.empty()) args.insert(args.end(), {"--log-level", options.log_level});
  // Absolute, as the monitor runs in "/".
  args.insert(args.end(), {"--root", fs::absolute(paths.root), "--runroot", fs::absolute(paths.runroot), "monitor", "--ready-fd",
                           std::to_string(kReadyFd)});
  if (options.attach_fd >= 0) args.insert(args.end(), {"--attach-fd", std::to_string(kAttachFd)});
  args.push_back(id);

  auto [ready_read, ready_write] = make_pipe();
  pid_t pid = ::fork();
  if (pid < 0) fail_errno("fork");
  if (pid == 0) exec_monitor(args, ready_write.get(), options.attach_fd);
  ready_write.reset();

  std::string text;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(ready_read.get(), buf, sizeof buf);
    if (n > 0) {
      text.append(buf, static_cast<size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      break;
    }
  }
  SpawnedMonitor spawned{pid};
  std::optional<std::pair<int, std::string>> failure;
  try {
    failure = decode_start_report(text);
  } catch (...) {
    reap_monitor(spawned, true);
    throw;
  }
  if (failure) {
    reap_monitor(spawned, true);
    throw Error(failure->second, failure->first);
  }
  return spawned;
}

void reap_monitor(const SpawnedMonitor& monitor, bool wait) {
  if (monitor.pid <= 0) return;
  int status;
  while (::waitpid(monitor.pid, &status, wait ? 0 : WNOHANG) < 0 && errno == EINTR) {
  }
}

}  // namespace kayak::monitor
