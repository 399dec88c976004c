#include "child_process.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fd_passing.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/strings.hpp"

#include <fcntl.h>
#include <linux/sched.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

namespace kayak::runtime::detail {

Pipe make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) < 0) fail_errno("pipe");
  return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

SocketPair make_socketpair() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0) fail_errno("socketpair");
  return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

namespace {

// clone3 with a pidfd (stored in *pidfd) and, when cgroup_fd >= 0, born in
// that cgroup v2 directory: no window where it runs unlimited
// (CLONE_INTO_CGROUP). Returns what the syscall returns.
long raw_clone3(uint64_t flags, int cgroup_fd, int* pidfd) {
  struct clone_args args;
  std::memset(&args, 0, sizeof args);
  args.flags = flags | CLONE_PIDFD;
  args.pidfd = reinterpret_cast<uint64_t>(pidfd);
  // With CLONE_PARENT clone3 takes no exit signal: the child inherits the
  // caller's own (SIGCHLD, from fork), which goes to the shared parent.
  args.exit_signal = (flags & CLONE_PARENT) ? 0 : SIGCHLD;
  if (cgroup_fd >= 0) {
    args.flags |= CLONE_INTO_CGROUP;
    args.cgroup = static_cast<uint64_t>(cgroup_fd);
  }
  return ::syscall(SYS_clone3, &args, sizeof args);
}

[[noreturn]] void throw_clone_error(int err, uint64_t flags) {
  std::string hint;
  if ((flags & CLONE_NEWUSER) && (err == EPERM || err == ENOSPC || err == EACCES)) {
    hint = " (user namespaces may be disabled: check the sysctls user.max_user_namespaces and "
           "kernel.unprivileged_userns_clone)";
  } else if (err == EINVAL && (flags & CLONE_NEWUSER)) {
    hint = " (the process has more than one thread)";
  }
  throw Error(fmt::format("clone the container process: {}{}", std::strerror(err), hint));
}

// What the short-lived go-between of clone_child_in_user_namespace sends
// back: the init's pid, or the step that failed and its errno.
struct GoBetweenAnswer {
  pid_t pid = 0;
  int failed_setns = 0;  // 1: setns into the user namespace failed
  int err = 0;
};

}  // namespace

pid_t clone_child(uint64_t flags, const Plan& plan, int report_fd, UniqueFd& pidfd, int cgroup_fd) {
  int fd = -1;
  long pid = raw_clone3(flags, cgroup_fd, &fd);
  if (pid < 0) throw_clone_error(errno, flags);
  if (pid == 0) run_child(plan.steps.data(), plan.steps.size(), report_fd);
  pidfd.reset(fd);
  return static_cast<pid_t>(pid);
}

pid_t clone_child_in_user_namespace(int userns_fd, uint64_t flags, const Plan& plan, int report_fd,
                                    UniqueFd& pidfd, int cgroup_fd) {
  Pipe answer_pipe = make_pipe();
  pid_t go_between = ::fork();
  if (go_between < 0) fail_errno("fork");
  if (go_between == 0) {
    // Only raw syscalls from here, and _exit: this is a copy of the caller.
    GoBetweenAnswer answer;
    if (::setns(userns_fd, CLONE_NEWUSER) < 0) {
      answer.failed_setns = 1;
      answer.err = errno;
    } else {
      int unused = -1;
      long pid = raw_clone3(flags | CLONE_PARENT, cgroup_fd, &unused);
      if (pid == 0) run_child(plan.steps.data(), plan.steps.size(), report_fd);
      if (pid < 0) answer.err = errno;
      else answer.pid = static_cast<pid_t>(pid);
    }
    ssize_t ignored = ::write(answer_pipe.write.get(), &answer, sizeof answer);
    (void)ignored;
    ::_exit(0);
  }
  answer_pipe.write.reset();
  GoBetweenAnswer answer;
  ssize_t n;
  while ((n = ::read(answer_pipe.read.get(), &answer, sizeof answer)) < 0 && errno == EINTR) {
  }
  wait_for_exit(go_between);
  if (n != static_cast<ssize_t>(sizeof answer)) fail("start the container process: its go-between died");
  if (answer.failed_setns)
    throw Error(fmt::format("join the user namespace that owns the network namespace: {}", std::strerror(answer.err)));
  if (answer.pid <= 0) throw_clone_error(answer.err, flags);
  // The init is our child (CLONE_PARENT): its pid cannot be reused before
  // we reap it, so opening the pidfd here is race-free.
  pidfd = open_pidfd(answer.pid);
  return answer.pid;
}

std::optional<Report> read_report(int fd) {
  Report report;
  char* p = reinterpret_cast<char*>(&report);
  size_t got = 0;
  while (got < sizeof report) {
    ssize_t n = ::read(fd, p + got, sizeof report - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail_errno("read the container setup's report");
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  if (got == 0) return std::nullopt;
  if (got < sizeof report) fail("the container setup's report was cut short");
  return report;
}

UniqueFd receive_fd(int socket) {
  UniqueFd fd;
  if (!kayak::receive_fd(socket, fd)) fail_errno("receive the terminal from the container");
  if (!fd) fail("the container did not pass its terminal back");
  return fd;
}

UniqueFd open_pidfd(pid_t pid) {
  UniqueFd fd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  if (!fd) fail_errno("pidfd_open {}", pid);
  return fd;
}

uint64_t read_start_time(pid_t pid) {
  std::string text = fs::read_file(fmt::format("/proc/{}/stat", pid));
  // The command name (field 2) may hold spaces and parentheses: count from
  // the last ')'. Field 3 follows it; field 22 is 19 fields further.
  auto close = text.rfind(')');
  if (close == std::string::npos) fail("/proc/{}/stat: unexpected format", pid);
  auto fields = str::split(text.substr(close + 2), ' ');
  if (fields.size() < 20) fail("/proc/{}/stat: unexpected format", pid);
  return std::stoull(fields[19]);
}

void wait_for_exit(pid_t pid) {
  int status;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return;
  }
}

ChildGuard::~ChildGuard() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  wait_for_exit(pid_);
}

void ChildGuard::reap() {
  if (pid_ <= 0) return;
  wait_for_exit(pid_);
  pid_ = -1;
}

}  // namespace kayak::runtime::detail
