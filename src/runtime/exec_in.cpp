#include "kayak/runtime/launch.hpp"

#include "child_process.hpp"
#include "planner.hpp"

#include "kayak/util/error.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>

#include <cerrno>

namespace kayak::runtime {

using namespace detail;

namespace {

struct Namespace {
  const char* name;
  int type;
};

// The user namespace first: it grants the capabilities the other setns
// calls need. The pid namespace last: it only applies to children, hence
// the fork that follows it.
constexpr Namespace kNamespaces[] = {{"user", CLONE_NEWUSER}, {"mnt", CLONE_NEWNS},    {"uts", CLONE_NEWUTS},
                                     {"ipc", CLONE_NEWIPC},   {"net", CLONE_NEWNET},   {"cgroup", CLONE_NEWCGROUP},
                                     {"pid", CLONE_NEWPID}};

}  // namespace

Launched exec_in(pid_t init_pid, const ContainerSpec& spec, const ProcessSpec& process, const Stdio& stdio) {
  Plan plan;
  std::vector<UniqueFd> ns_fds;
  for (const auto& ns : kNamespaces) {
    std::string path = fmt::format("/proc/{}/ns/{}", init_pid, ns.name);
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
      if (errno == ENOENT || errno == ESRCH) fail("container process {} is not running", init_pid);
      fail_errno("open {}", path);
    }
    // A namespace we already share is skipped: joining it again would need
    // privileges over it (the host's network, for a container using it).
    struct stat theirs, ours;
    if (::fstat(fd.get(), &theirs) < 0) fail_errno("stat {}", path);
    std::string own = fmt::format("/proc/self/ns/{}", ns.name);
    if (::stat(own.c_str(), &ours) == 0 && ours.st_ino == theirs.st_ino && ours.st_dev == theirs.st_dev) continue;
    Step& s = plan.add(Op::SetNs, fmt::format("join the {} namespace of process {}", ns.name, init_pid));
    s.fd = fd.get();
    s.kind = ns.type;
    ns_fds.push_back(std::move(fd));
  }
  Pipe report = make_pipe();
  Pipe pid_pipe = make_pipe();
  SocketPair tty;
  if (process.tty) tty = make_socketpair();
  {
    Step& s = plan.add(Op::ForkIntoPidNs, "fork into the container's pid namespace");
    s.fd = pid_pipe.write.get();
  }
  ProcessContext context;
  context.stdio = stdio;
  context.tty_socket = tty.child.get();
  context.may_setgroups = spec.identity.mode != IdentityMode::SingleId;
  context.create_cwd = false;
  plan_process(plan, process, context);

  UniqueFd intermediate_pidfd;
  // Into the container's cgroup (when it has one) from the start, so limits
  // and the freezer cover the exec'd process too.
  pid_t intermediate = clone_child(0, plan, report.write.get(), intermediate_pidfd, spec.cgroup_fd);
  ChildGuard intermediate_guard(intermediate);
  report.write.reset();
  pid_pipe.write.reset();
  tty.child.reset();

  int32_t value = 0;
  ssize_t n;
  while ((n = ::read(pid_pipe.read.get(), &value, sizeof value)) < 0 && errno == EINTR) {
  }
  intermediate_guard.reap();
  pid_t pid = n == sizeof value ? static_cast<pid_t>(value) : -1;
  // CLONE_PARENT made it our child: killed and reaped by us on failure.
  ChildGuard guard(pid);
  if (auto failure = read_report(report.read.get())) {
    guard.reap();
    throw explain_failure(plan, *failure, -1);
  }
  if (pid <= 0) fail("exec: the process in the container was not started");
  Launched launched;
  launched.pid = pid;
  launched.pidfd = open_pidfd(pid);
  launched.start_time = read_start_time(pid);
  if (process.tty) launched.pty_master = receive_fd(tty.parent.get());
  guard.release();
  return launched;
}

}  // namespace kayak::runtime
