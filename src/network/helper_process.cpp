#include "helper_process.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/process.hpp"
#include "kayak/util/strings.hpp"

#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace kayak::network {

namespace {

// Only async-signal-safe calls between fork and exec (DESIGN: the child
// does not allocate or throw).
[[noreturn]] void exec_child(char* const* argv, const std::vector<FdPlacement>& fds, int log_fd, int null_fd) {
  sigset_t all;
  ::sigemptyset(&all);
  ::sigprocmask(SIG_SETMASK, &all, nullptr);
  for (int sig = 1; sig < NSIG; ++sig) ::signal(sig, SIG_DFL);
  ::setsid();
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  // Move every source above the targets first, so that placing one cannot
  // overwrite another that has not been placed yet.
  int moved[8];
  size_t count = fds.size() < 8 ? fds.size() : 8;
  for (size_t i = 0; i < count; ++i) moved[i] = ::fcntl(fds[i].fd, F_DUPFD_CLOEXEC, 100);
  int log_moved = ::fcntl(log_fd, F_DUPFD_CLOEXEC, 100);
  int null_moved = ::fcntl(null_fd, F_DUPFD_CLOEXEC, 100);
  if (::dup2(null_moved, 0) < 0 || ::dup2(log_moved, 1) < 0 || ::dup2(log_moved, 2) < 0) ::_exit(127);
  int highest = 2;
  for (size_t i = 0; i < count; ++i) {
    if (moved[i] < 0 || ::dup2(moved[i], fds[i].target) < 0) ::_exit(127);
    if (fds[i].target > highest) highest = fds[i].target;
  }
  ::syscall(SYS_close_range, highest + 1, ~0U, 0);
  ::execv(argv[0], argv);
  ::_exit(127);
}

}  // namespace

pid_t spawn_helper(const std::vector<std::string>& argv, const std::vector<FdPlacement>& fds, int log_fd) {
  if (fds.size() > 8) fail("spawn {}: too many fds", argv.at(0));
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  UniqueFd null_fd(::open("/dev/null", O_RDWR | O_CLOEXEC));
  if (!null_fd) fail_errno("open /dev/null");
  pid_t pid = ::fork();
  if (pid < 0) fail_errno("fork for {}", argv[0]);
  if (pid == 0) exec_child(args.data(), fds, log_fd, null_fd.get());
  return pid;
}

std::string helper_log(const std::string& log_path) {
  std::string text;
  if (!fs::read_file_if_exists(log_path, text)) return {};
  std::vector<std::string> kept;
  for (const auto& line : str::split(text, '\n')) {
    // pasta also tries the system logger, which a container host may lack.
    if (str::trim(line).empty() || str::contains(line, "to syslog")) continue;
    kept.push_back(std::string(str::trim(line)));
  }
  std::string out = str::join(kept, "; ");
  if (out.size() > 2000) out = "..." + out.substr(out.size() - 2000);
  return out;
}

int wait_child(pid_t pid, int pidfd, int timeout_ms) {
  if (pidfd >= 0 && !proc::wait_exit(pidfd, timeout_ms)) return -1;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return status;
}

void stop_helper(UniqueFd& pidfd) {
  if (!pidfd) return;
  try {
    if (!proc::wait_exit(pidfd.get(), 0)) {
      proc::send_signal(pidfd.get(), SIGTERM);
      if (!proc::wait_exit(pidfd.get(), 2000)) {
        proc::send_signal(pidfd.get(), SIGKILL);
        proc::wait_exit(pidfd.get(), 5000);
      }
    }
  } catch (const Error&) {
    // Runs from destructors: a helper that cannot be signalled is gone
    // or not ours to stop.
  }
  // No zombie left behind: reaps it when it is ours (a child, or pasta's
  // daemon reparented to the monitor); the monitor's own reaping may have
  // been first, then there is nothing to do.
  siginfo_t info{};
  ::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(pidfd.get()), &info, WEXITED | WNOHANG);
  pidfd.reset();
}

}  // namespace kayak::network
