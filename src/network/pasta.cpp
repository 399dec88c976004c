// pasta (package passt) connects the container's network namespace through
// a tap device. Published ports go through kayak's forwarder, not pasta's
// own: measured with bench/port-bench.sh, pasta's forwarding served about
// two thirds of the requests per second kayak's did (34k vs 50k), at no
// better throughput. A user who wants pasta's (it keeps the client's
// address) passes -t/-u in --network pasta:OPTIONS. It daemonizes once its
// interface is configured, so the exit of the process we start is the
// "ready" signal, and the daemon's pid comes from its pid file. pasta does
// not quit when the container's init does (it holds the namespace itself),
// so it is stopped when the network is detached.
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/process.hpp"
#include "kayak/util/strings.hpp"

#include "helper_process.hpp"
#include "user_mode_helpers.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

namespace kayak::network {

namespace {

constexpr int kNetnsFd = 3;
constexpr int kUsernsFd = 4;
constexpr int kReadyTimeoutMs = 15000;

class Pasta : public UserModeNetwork {
public:
  explicit Pasta(UniqueFd pidfd) : pidfd_(std::move(pidfd)) {}
  ~Pasta() override { stop_helper(pidfd_); }
  std::string name() const override { return "pasta"; }

private:
  UniqueFd pidfd_;
};

bool has_option(const std::vector<std::string>& options, const char* short_name, const char* long_name) {
  return std::any_of(options.begin(), options.end(),
                     [&](const std::string& o) { return o == short_name || o.starts_with(long_name); });
}

// pasta's default is to forward every port the container binds, and every
// port bound on the host into the container: neither is wanted unless the
// user's own options ask for it.
void add_no_forwarding(std::vector<std::string>& argv, const std::vector<std::string>& user_options) {
  const char* options[][2] = {{"-t", "--tcp-ports"}, {"-u", "--udp-ports"}, {"-T", "--tcp-ns"}, {"-U", "--udp-ns"}};
  for (const auto& option : options) {
    if (!has_option(user_options, option[0], option[1])) argv.insert(argv.end(), {option[0], "none"});
  }
}

}  // namespace

std::unique_ptr<UserModeNetwork> start_pasta(const UserModePlan& plan, const NetworkRequest& request, pid_t init_pid) {
  UniqueFd netns = open_namespace(init_pid, "net");
  UniqueFd userns;
  std::vector<FdPlacement> fds = {{netns.get(), kNetnsFd}};
  std::vector<std::string> argv = {plan.program, "--quiet", "--config-net"};
  if (std::find(plan.options.begin(), plan.options.end(), "--dns-forward") == plan.options.end())
    argv.insert(argv.end(), {"--dns-forward", plan.dns_forwarder});
  add_no_forwarding(argv, plan.options);
  argv.insert(argv.end(), {"--netns", fmt::format("/proc/self/fd/{}", kNetnsFd)});
  if (request.user_namespace) {
    userns = open_namespace(init_pid, "user");
    fds.push_back({userns.get(), kUsernsFd});
    argv.insert(argv.end(), {"--userns", fmt::format("/proc/self/fd/{}", kUsernsFd)});
  }
  // As root pasta would switch to "nobody", who may not enter the
  // container's network namespace.
  if (::geteuid() == 0) argv.insert(argv.end(), {"--runas", "0:0"});
  std::string pid_file = fs::join(request.run_dir, "pasta.pid");
  ::unlink(pid_file.c_str());
  argv.insert(argv.end(), {"--pid", pid_file});
  argv.insert(argv.end(), plan.options.begin(), plan.options.end());

  std::string log_path = fs::join(request.run_dir, "pasta.log");
  UniqueFd log(::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!log) fail_errno("open {}", log_path);
  pid_t pid = spawn_helper(argv, fds, log.get());
  UniqueFd starter = proc::open_pidfd(pid, 0);
  int status = wait_child(pid, starter.get(), kReadyTimeoutMs);
  if (status == -1) {
    UniqueFd killing = std::move(starter);
    stop_helper(killing);
    fail("pasta did not configure the container's network in {} s: {}", kReadyTimeoutMs / 1000,
         helper_log(log_path));
  }
  std::string details = helper_log(log_path);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127) fail("cannot run {}", plan.program);
    fail("pasta failed ({}): {}", WIFEXITED(status) ? fmt::format("exit code {}", WEXITSTATUS(status)) : "killed",
         details.empty() ? "no message" : details);
  }
  std::string pid_text;
  auto daemon_pid = fs::read_file_if_exists(pid_file, pid_text) ? str::parse_uint(str::trim(pid_text)) : std::nullopt;
  if (!daemon_pid || *daemon_pid == 0) fail("pasta started but wrote no pid to {}", pid_file);
  UniqueFd pidfd = proc::open_pidfd(static_cast<pid_t>(*daemon_pid), 0);
  if (!pidfd) fail("pasta exited right after starting: {}", details.empty() ? "no message" : details);
  return std::make_unique<Pasta>(std::move(pidfd));
}

}  // namespace kayak::network
