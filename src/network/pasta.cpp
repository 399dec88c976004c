// pasta (package passt) connects the container's network namespace through
// a tap device and forwards published ports itself. It daemonizes once its
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
  bool forwards_ports() const override { return true; }

private:
  UniqueFd pidfd_;
};

// -t/-u specs for the published ports: "[ADDR/]HOSTPORT:CTRPORT".
void add_port_options(std::vector<std::string>& argv, const std::vector<PortBinding>& ports,
                      const std::vector<std::string>& user_options) {
  bool user_tcp = std::any_of(user_options.begin(), user_options.end(),
                              [](const std::string& o) { return o == "-t" || o.starts_with("--tcp-ports"); });
  bool user_udp = std::any_of(user_options.begin(), user_options.end(),
                              [](const std::string& o) { return o == "-u" || o.starts_with("--udp-ports"); });
  bool tcp = false, udp = false;
  for (const auto& port : ports) {
    if (port.proto != "tcp" && port.proto != "udp") fail("pasta cannot publish {} ports", port.proto);
    // Not chosen yet (the caller picks free ports before attaching).
    if (port.host_port == 0) continue;
    std::string spec = port.host_ip.empty() ? "" : port.host_ip + "/";
    spec += fmt::format("{}:{}", port.host_port, port.container_port);
    argv.push_back(port.proto == "tcp" ? "-t" : "-u");
    argv.push_back(spec);
    (port.proto == "tcp" ? tcp : udp) = true;
  }
  // pasta's default is to forward every port the container binds, and
  // every port bound on the host into the container: neither is wanted.
  if (!tcp && !user_tcp) argv.insert(argv.end(), {"-t", "none"});
  if (!udp && !user_udp) argv.insert(argv.end(), {"-u", "none"});
  bool user_tcp_ns = std::any_of(user_options.begin(), user_options.end(),
                                 [](const std::string& o) { return o == "-T" || o.starts_with("--tcp-ns"); });
  bool user_udp_ns = std::any_of(user_options.begin(), user_options.end(),
                                 [](const std::string& o) { return o == "-U" || o.starts_with("--udp-ns"); });
  if (!user_tcp_ns) argv.insert(argv.end(), {"-T", "none"});
  if (!user_udp_ns) argv.insert(argv.end(), {"-U", "none"});
}

}  // namespace

std::unique_ptr<UserModeNetwork> start_pasta(const UserModePlan& plan, const NetworkRequest& request, pid_t init_pid) {
  UniqueFd netns = open_namespace(init_pid, "net");
  UniqueFd userns;
  std::vector<FdPlacement> fds = {{netns.get(), kNetnsFd}};
  std::vector<std::string> argv = {plan.program, "--quiet", "--config-net"};
  if (std::find(plan.options.begin(), plan.options.end(), "--dns-forward") == plan.options.end())
    argv.insert(argv.end(), {"--dns-forward", plan.dns_forwarder});
  add_port_options(argv, request.ports, plan.options);
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
