// slirp4netns connects the container's network namespace through a tap
// device (10.0.2.0/24: gateway .2, DNS .3, the container .100). It says
// it is ready on --ready-fd and quits when --exit-fd closes, so it cannot
// outlive the monitor that holds the other end. It does not forward
// published ports here: kayak's forwarder does.
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/process.hpp"

#include "helper_process.hpp"
#include "user_mode_helpers.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace kayak::network {

namespace {

constexpr int kReadyFd = 3;
constexpr int kExitFd = 4;
constexpr int kNetnsFd = 5;
constexpr int kUsernsFd = 6;
constexpr int kReadyTimeoutMs = 15000;

class Slirp4netns : public UserModeNetwork {
public:
  Slirp4netns(UniqueFd pidfd, UniqueFd exit_fd) : pidfd_(std::move(pidfd)), exit_fd_(std::move(exit_fd)) {}
  ~Slirp4netns() override {
    exit_fd_.reset();  // its cue to quit
    stop_helper(pidfd_);
  }
  std::string name() const override { return "slirp4netns"; }

private:
  UniqueFd pidfd_;
  UniqueFd exit_fd_;
};

struct Pipe {
  UniqueFd read, write;
  Pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) fail_errno("pipe");
    read.reset(fds[0]);
    write.reset(fds[1]);
  }
};

// True when slirp4netns wrote its ready byte; false when it exited or the
// time ran out first.
bool wait_ready(int ready_fd, int pidfd) {
  pollfd fds[2] = {{ready_fd, POLLIN, 0}, {pidfd, POLLIN, 0}};
  for (;;) {
    int n = ::poll(fds, 2, kReadyTimeoutMs);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    if (fds[0].revents) {
      char byte = 0;
      return ::read(ready_fd, &byte, 1) == 1;
    }
    return false;
  }
}

}  // namespace

std::unique_ptr<UserModeNetwork> start_slirp4netns(const UserModePlan& plan, const NetworkRequest& request,
                                                   pid_t init_pid) {
  UniqueFd netns = open_namespace(init_pid, "net");
  UniqueFd userns;
  Pipe ready, exit;
  std::vector<FdPlacement> fds = {{ready.write.get(), kReadyFd}, {exit.read.get(), kExitFd}, {netns.get(), kNetnsFd}};
  std::vector<std::string> argv = {plan.program,
                                   "--configure",
                                   fmt::format("--mtu={}", plan.mtu),
                                   fmt::format("--ready-fd={}", kReadyFd),
                                   fmt::format("--exit-fd={}", kExitFd),
                                   "--netns-type=path"};
  if (!plan.allow_host_loopback) argv.push_back("--disable-host-loopback");
  if (!plan.cidr.empty()) argv.push_back("--cidr=" + plan.cidr);
  if (request.user_namespace) {
    userns = open_namespace(init_pid, "user");
    fds.push_back({userns.get(), kUsernsFd});
    argv.push_back(fmt::format("--userns-path=/proc/self/fd/{}", kUsernsFd));
  }
  argv.push_back(fmt::format("/proc/self/fd/{}", kNetnsFd));
  argv.push_back("tap0");

  std::string log_path = fs::join(request.run_dir, "slirp4netns.log");
  UniqueFd log(::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!log) fail_errno("open {}", log_path);
  pid_t pid = spawn_helper(argv, fds, log.get());
  UniqueFd pidfd = proc::open_pidfd(pid, 0);
  ready.write.reset();
  exit.read.reset();
  if (!pidfd || !wait_ready(ready.read.get(), pidfd.get())) {
    bool exited = !pidfd || proc::wait_exit(pidfd.get(), 0);
    int status = exited ? wait_child(pid, -1, 0) : -1;
    if (!exited) {
      exit.write.reset();
      stop_helper(pidfd);
    }
    std::string details = helper_log(log_path);
    if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 127) fail("cannot run {}", plan.program);
    if (!exited) fail("slirp4netns did not configure the container's network in {} s: {}", kReadyTimeoutMs / 1000,
                      details.empty() ? "no message" : details);
    fail("slirp4netns failed: {}", details.empty() ? "no message" : details);
  }
  return std::make_unique<Slirp4netns>(std::move(pidfd), std::move(exit.write));
}

}  // namespace kayak::network
