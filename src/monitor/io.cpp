#include "io.hpp"

#include "kayak/util/error.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kayak::monitor {

void set_nonblocking(int fd, bool on) {
  int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0) fail_errno("fcntl");
  flags = on ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
  if (::fcntl(fd, F_SETFL, flags) != 0) fail_errno("fcntl");
}

bool write_fully(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && errno == EAGAIN) {
      struct pollfd p {fd, POLLOUT, 0};
      ::poll(&p, 1, -1);
    } else {
      return false;
    }
  }
  return true;
}

bool write_some(int fd, std::string& buffer) {
  while (!buffer.empty()) {
    ssize_t n = ::write(fd, buffer.data(), buffer.size());
    if (n > 0) {
      buffer.erase(0, static_cast<size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && errno == EAGAIN) {
      return true;
    } else {
      return false;
    }
  }
  return true;
}

std::pair<UniqueFd, UniqueFd> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) fail_errno("pipe");
  return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

namespace {

// A socket address for path. sun_path holds only 107 bytes, and a runroot
// in a deep temp dir makes longer paths; those go through the directory's
// O_PATH fd (/proc/self/fd/N/name), which dir_fd keeps open for the call.
sockaddr_un unix_address(const std::string& path, UniqueFd& dir_fd) {
  sockaddr_un addr {};
  addr.sun_family = AF_UNIX;
  std::string usable = path;
  if (usable.size() >= sizeof addr.sun_path) {
    size_t slash = path.rfind('/');
    std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
    dir_fd.reset(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!dir_fd) fail_errno("open {}", dir);
    usable = fmt::format("/proc/self/fd/{}/{}", dir_fd.get(), path.substr(slash + 1));
    if (usable.size() >= sizeof addr.sun_path) fail("socket path too long: {}", path);
  }
  std::memcpy(addr.sun_path, usable.c_str(), usable.size() + 1);
  return addr;
}

}  // namespace

UniqueFd listen_unix(const std::string& path) {
  UniqueFd dir_fd;
  sockaddr_un addr = unix_address(path, dir_fd);
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd) fail_errno("socket");
  ::unlink(path.c_str());
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) fail_errno("bind {}", path);
  if (::listen(fd.get(), 16) != 0) fail_errno("listen {}", path);
  return fd;
}

UniqueFd connect_unix(const std::string& path) {
  UniqueFd dir_fd;
  sockaddr_un addr = unix_address(path, dir_fd);
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) fail_errno("socket");
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) fail_errno("connect {}", path);
  return fd;
}

void send_signal(int pidfd, pid_t pid, int signo) {
  if (pidfd >= 0) {
    ::syscall(SYS_pidfd_send_signal, pidfd, signo, nullptr, 0);
  } else if (pid > 0) {
    ::kill(pid, signo);
  }
}

}  // namespace kayak::monitor
