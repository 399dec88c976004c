#include "kayak/network/port_forwarder.hpp"

#include "forwarder_process.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace kayak::network {

namespace {

// The running forwarder; killing and reaping it closes every host socket,
// so the ports are free when the destructor returns.
class ForwarderProcess : public PortForwarder {
public:
  ForwarderProcess(pid_t pid, UniqueFd pidfd) : pid_(pid), pidfd_(std::move(pidfd)) {}
  ~ForwarderProcess() override {
    try {
      if (pidfd_ && proc::send_signal(pidfd_.get(), SIGKILL)) proc::wait_exit(pidfd_.get(), -1);
    } catch (const Error&) {
    }
    if (!pidfd_) ::kill(pid_, SIGKILL);
    // The monitor's own reaper (waitpid(-1)) may have got it first: ECHILD.
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }

private:
  pid_t pid_;
  UniqueFd pidfd_;
};

UniqueFd open_namespace(pid_t pid, const char* kind) {
  std::string path = "/proc/" + std::to_string(pid) + "/ns/" + kind;
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) fail_errno("open {}", path);
  return fd;
}

std::string read_report(int fd) {
  std::string text;
  char buffer[512];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) {
      text.append(buffer, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      return text;
    }
  }
}

}  // namespace

std::unique_ptr<PortForwarder> start_port_forwarder(std::vector<HostListener> listeners, const NetworkRequest& request,
                                                    pid_t init_pid, UniqueFd bind_notify) {
  ForwarderPlan plan;
  plan.listeners = std::move(listeners);
  plan.bind_notify = std::move(bind_notify);
  if (request.user_namespace) plan.user_ns = open_namespace(init_pid, "user");
  plan.net_ns = open_namespace(init_pid, "net");
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) fail_errno("pipe");
  UniqueFd report_read(pipe_fds[0]);
  plan.report.reset(pipe_fds[1]);

  pid_t pid = ::fork();
  if (pid < 0) fail_errno("fork the port forwarder");
  if (pid == 0) run_forwarder_process(plan);
  UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  auto forwarder = std::make_unique<ForwarderProcess>(pid, std::move(pidfd));
  // Ours are closed, the child's stay: the ports live exactly as long as it.
  plan = ForwarderPlan{};
  std::string error = read_report(report_read.get());
  if (!error.empty()) fail("port forwarder: {}", error);
  return forwarder;
}

}  // namespace kayak::network
