#include "forwarder_process.hpp"

#include "bind_redirect.hpp"
#include "event_loop.hpp"
#include "host_socket_maker.hpp"
#include "tcp_relay.hpp"
#include "udp_relay.hpp"

#include "kayak/util/error.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>
#include <string>

namespace kayak::network {

namespace {

// The monitor's handlers write to its signal pipe; here every signal is
// back to its default (and SIGPIPE ignored: a peer may vanish mid-write).
void reset_signals() {
  sigset_t all;
  sigfillset(&all);
  ::sigprocmask(SIG_UNBLOCK, &all, nullptr);
  for (int signo = 1; signo < NSIG; ++signo) {
    if (signo == SIGKILL || signo == SIGSTOP) continue;
    ::signal(signo, SIG_DFL);
  }
  ::signal(SIGPIPE, SIG_IGN);
}

// Everything the monitor had open (log, pty, attach socket, client pipes)
// would otherwise stay open as long as we run.
void close_other_fds(const std::set<int>& keep) {
  std::vector<int> open;
  if (DIR* dir = ::opendir("/proc/self/fd")) {
    while (dirent* entry = ::readdir(dir)) {
      if (entry->d_name[0] == '.') continue;
      open.push_back(std::atoi(entry->d_name));
    }
    ::closedir(dir);
  }
  for (int fd : open)
    if (fd > 2 && !keep.contains(fd)) ::close(fd);
  int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null >= 0) {
    for (int fd = 0; fd <= 2; ++fd) ::dup2(null, fd);
    if (null > 2) ::close(null);
  }
}

// Each connection holds two sockets and four pipe ends.
void raise_open_files() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

void report_and_exit(int fd, const std::string& text) {
  (void)::write(fd, text.data(), text.size());
  ::_exit(1);
}

}  // namespace

void run_forwarder_process(ForwarderPlan& plan) {
  try {
    // Dies with the monitor, so no host port outlives it.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::prctl(PR_SET_NAME, "kayak-ports");
    reset_signals();
    std::set<int> keep{plan.report.get(), plan.net_ns.get()};
    if (plan.user_ns) keep.insert(plan.user_ns.get());
    if (plan.bind_notify) keep.insert(plan.bind_notify.get());
    for (const auto& listener : plan.listeners) keep.insert(listener.fd.get());
    close_other_fds(keep);
    raise_open_files();

    if (plan.user_ns && ::setns(plan.user_ns.get(), CLONE_NEWUSER) != 0)
      report_and_exit(plan.report.get(), std::string("setns user namespace: ") + std::strerror(errno));
    // Single-threaded until here (joining a user namespace requires it);
    // the maker's thread stays in the host's network namespace.
    std::unique_ptr<HostSocketMaker> host;
    if (plan.bind_notify) host = std::make_unique<HostSocketMaker>();
    if (::setns(plan.net_ns.get(), CLONE_NEWNET) != 0)
      report_and_exit(plan.report.get(), std::string("setns network namespace: ") + std::strerror(errno));
    plan.user_ns.reset();
    plan.net_ns.reset();

    EventLoop loop;
    std::vector<std::unique_ptr<TcpPort>> tcp;
    std::vector<std::unique_ptr<UdpRelay>> udp;
    for (auto& listener : plan.listeners) {
      if (listener.binding.proto == "udp") {
        udp.push_back(std::make_unique<UdpRelay>(loop, std::move(listener.fd), listener.binding.container_port));
        continue;
      }
      auto port = std::make_unique<TcpPort>();
      port->binding = listener.binding;
      port->host_listeners.push_back(
        std::make_unique<TcpListener>(loop, std::move(listener.fd), connector_for(*port, host.get())));
      tcp.push_back(std::move(port));
    }
    std::unique_ptr<BindRedirector> redirector;
    if (host) redirector = std::make_unique<BindRedirector>(loop, std::move(plan.bind_notify), tcp, *host);
    if (!udp.empty())
      loop.every_second([&udp] {
        for (auto& relay : udp) relay->sweep();
      });
    plan.report.reset();  // EOF without a word: serving
    loop.run();
  } catch (const std::exception& e) {
    if (plan.report) report_and_exit(plan.report.get(), e.what());
  }
  ::_exit(1);
}

}  // namespace kayak::network
