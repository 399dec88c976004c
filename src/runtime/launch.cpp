#include "kayak/runtime/launch.hpp"

#include "child_process.hpp"
#include "planner.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/idmap_write.hpp"

#include <fcntl.h>
#include <sched.h>

#include <optional>

namespace kayak::runtime {

using namespace detail;

Launched launch(const ContainerSpec& spec, const Stdio& stdio, const NamespacesReady& namespaces_ready) {
  const bool userns = spec.identity.mode != IdentityMode::Root;
  Pipe report = make_pipe();
  // The init waits on this pipe for its ID maps and for namespaces_ready.
  std::optional<Pipe> maps;
  if (userns || namespaces_ready) maps = make_pipe();
  SocketPair tty;
  if (spec.process.tty) tty = make_socketpair();
  UniqueFd netns;
  if (spec.network == NetworkNamespace::Path) {
    netns.reset(::open(spec.net_path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!netns) fail_errno("open the network namespace {}", spec.net_path);
  }

  Plan plan;
  PlanFds fds;
  if (maps) {
    Step& s = plan.add(Op::WaitForMaps, "wait for the ID maps");
    s.fd = maps->read.get();
    s.kind = maps->write.get();
  }
  if (netns) {
    Step& s = plan.add(Op::SetNs, fmt::format("join the network namespace {}", spec.net_path));
    s.fd = netns.get();
    s.kind = CLONE_NEWNET;
  }
  plan_container_setup(plan, fds, spec);
  ProcessContext context;
  context.stdio = stdio;
  context.tty_socket = tty.child.get();
  context.may_setgroups = spec.identity.mode != IdentityMode::SingleId;
  context.create_cwd = true;
  plan_process(plan, spec.process, context);

  uint64_t flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC;
  if (userns) flags |= CLONE_NEWUSER;
  if (spec.network == NetworkNamespace::New) flags |= CLONE_NEWNET;
  UniqueFd pidfd;
  pid_t pid = clone_child(flags, plan, report.write.get(), pidfd, spec.cgroup_fd);
  ChildGuard guard(pid);
  report.write.reset();
  tty.child.reset();
  if (maps) {
    maps->read.reset();
    if (userns) write_id_maps(pid, spec.identity);
    if (namespaces_ready) namespaces_ready(pid);
    if (::write(maps->write.get(), "m", 1) != 1) fail_errno("start the container process");
    maps->write.reset();
  }
  if (auto failure = read_report(report.read.get())) {
    guard.reap();
    throw explain_failure(plan, *failure, fds.program_output.get());
  }
  Launched launched;
  launched.pid = pid;
  launched.pidfd = std::move(pidfd);
  launched.start_time = read_start_time(pid);
  if (spec.process.tty) launched.pty_master = receive_fd(tty.parent.get());
  guard.release();
  return launched;
}

}  // namespace kayak::runtime
