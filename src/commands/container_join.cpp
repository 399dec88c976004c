#include "container_join.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fd.hpp"
#include "kayak/util/fs.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <exception>

namespace kayak::commands {

namespace {

UniqueFd open_ns(pid_t pid, const char* name) {
  std::string path = fmt::format("/proc/{}/ns/{}", pid, name);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) fail_errno("open {} (is the container still running?)", path);
  return fd;
}

}  // namespace

void run_in_container(const Identity& id, pid_t init, bool join_mount_ns, const std::function<void()>& fn) {
  // Opened by the parent, so a vanished container is reported plainly.
  UniqueFd user_ns = id.mode == IdentityMode::Root ? UniqueFd() : open_ns(init, "user");
  UniqueFd mount_ns = join_mount_ns ? open_ns(init, "mnt") : UniqueFd();
  UniqueFd report(::memfd_create("kayak-join", MFD_CLOEXEC));
  if (!report) fail_errno("memfd_create");
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) fail_errno("fork");
  if (pid == 0) {
    int code = 0;
    std::string message;
    try {
      if (user_ns && ::setns(user_ns.get(), CLONE_NEWUSER) != 0) fail_errno("join the container's user namespace");
      if (mount_ns) {
        if (::setns(mount_ns.get(), CLONE_NEWNS) != 0) fail_errno("join the container's mount namespace");
        if (::chdir("/") != 0) fail_errno("chdir /");
      }
      fn();
    } catch (const Error& e) {
      code = e.exit_code() ? e.exit_code() : 125;
      message = e.what();
    } catch (const std::exception& e) {
      code = 125;
      message = e.what();
    }
    std::fflush(nullptr);
    if (code) {
      write_all(report.get(), message.data(), message.size(), "report");
      _exit(code);
    }
    _exit(0);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) fail_errno("wait for the container helper");
  }
  if (WIFSIGNALED(status)) fail("the container helper was killed by signal {}", WTERMSIG(status));
  int code = WEXITSTATUS(status);
  if (code == 0) return;
  std::string message = fs::read_fd_from_start(report.get(), "report");
  throw Error(message.empty() ? "the container helper failed" : message, code);
}

}  // namespace kayak::commands
