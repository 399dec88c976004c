#include "kayak/monitor/signal_pipe.hpp"

#include "kayak/util/error.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace kayak::monitor {

namespace {

// One pipe per process: handlers cannot carry state.
int g_write_fd = -1;

void on_signal(int signo) {
  int saved = errno;
  unsigned char byte = static_cast<unsigned char>(signo);
  ssize_t ignored = ::write(g_write_fd, &byte, 1);  // full pipe: the loop wakes anyway
  (void)ignored;
  errno = saved;
}

void ignore_signal(int) {}

}  // namespace

void survive_sigpipe() {
  struct sigaction action {};
  action.sa_handler = ignore_signal;
  action.sa_flags = SA_RESTART;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGPIPE, &action, nullptr);
}

SignalPipe::SignalPipe(const std::vector<int>& signals) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) fail_errno("pipe");
  read_.reset(fds[0]);
  write_.reset(fds[1]);
  g_write_fd = write_.get();
  for (int signo : signals) {
    struct sigaction action {};
    action.sa_handler = on_signal;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    struct sigaction old {};
    if (::sigaction(signo, &action, &old) != 0) fail_errno("sigaction {}", signo);
    saved_.emplace_back(signo, old);
  }
}

SignalPipe::~SignalPipe() {
  for (auto& [signo, old] : saved_) ::sigaction(signo, &old, nullptr);
  g_write_fd = -1;
}

std::vector<int> SignalPipe::drain() {
  std::vector<int> out;
  unsigned char buf[64];
  for (;;) {
    ssize_t n = ::read(read_.get(), buf, sizeof buf);
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; ++i) out.push_back(buf[i]);
  }
  return out;
}

}  // namespace kayak::monitor
