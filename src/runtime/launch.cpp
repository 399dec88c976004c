#include "kayak/runtime/launch.hpp"

#include "child_process.hpp"
#include "planner.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/idmap_write.hpp"

#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <optional>

namespace kayak::runtime {

using namespace detail;

namespace {

// The user namespace that owns the network namespace netns (path: for
// messages), for a rootless container to enter before it joins netns; a
// namespace owned by the host's user namespace cannot be joined rootless.
UniqueFd owner_of_network_namespace(int netns, const std::string& path) {
  UniqueFd owner(::ioctl(netns, NS_GET_USERNS));
  if (!owner) fail_errno("find the user namespace that owns the network namespace {}", path);
  struct stat owner_stat, ours;
  if (::fstat(owner.get(), &owner_stat) == 0 && ::stat("/proc/self/ns/user", &ours) == 0 &&
      owner_stat.st_ino == ours.st_ino && owner_stat.st_dev == ours.st_dev) {
    fail("cannot join the network namespace {}: it belongs to the host's user namespace, which a rootless "
         "container cannot enter; join one made by your own containers (--network container:NAME)",
         path);
  }
  return owner;
}

}  // namespace

Launched launch(const ContainerSpec& spec, const Stdio& stdio, const NamespacesReady& namespaces_ready) {
  const bool rootless = spec.identity.mode != IdentityMode::Root;
  UniqueFd netns;
  if (spec.network == NetworkNamespace::Path) {
    netns.reset(::open(spec.net_path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!netns) fail_errno("open the network namespace {}", spec.net_path);
  }
  // Rootless and joining a network namespace: the init lives in the user
  // namespace that owns it (the other container's), with its ID maps,
  // instead of a new one.
  UniqueFd joined_userns;
  if (rootless && netns) joined_userns = owner_of_network_namespace(netns.get(), spec.net_path);
  const bool new_userns = rootless && !joined_userns;
  Pipe report = make_pipe();
  // The init waits on this pipe for its ID maps and for namespaces_ready.
  std::optional<Pipe> maps;
  if (new_userns || namespaces_ready) maps = make_pipe();
  SocketPair tty;
  if (spec.process.tty) tty = make_socketpair();

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
  context.bind_notify_socket = spec.bind_notify_socket;
  context.may_setgroups = spec.identity.mode != IdentityMode::SingleId;
  context.create_cwd = true;
  plan_process(plan, spec.process, context);

  uint64_t flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC;
  if (new_userns) flags |= CLONE_NEWUSER;
  if (spec.network == NetworkNamespace::New) flags |= CLONE_NEWNET;
  UniqueFd pidfd;
  pid_t pid = joined_userns ? clone_child_in_user_namespace(joined_userns.get(), flags, plan, report.write.get(),
                                                            pidfd, spec.cgroup_fd)
                            : clone_child(flags, plan, report.write.get(), pidfd, spec.cgroup_fd);
  ChildGuard guard(pid);
  report.write.reset();
  tty.child.reset();
  if (maps) {
    maps->read.reset();
    if (new_userns) write_id_maps(pid, spec.identity);
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
