// Starting a container's init process and exec'ing into a running one
// (DESIGN "Process model"). The caller (the monitor) owns what comes back:
// the pidfd to wait on, and the stdio ends to relay.
#pragma once

#include "kayak/runtime/spec.hpp"
#include "kayak/util/fd.hpp"

#include <sys/types.h>

#include <cstdint>
#include <functional>

namespace kayak::runtime {

// The container side of stdio. Without a tty, each valid fd becomes the
// process's fd 0/1/2 (an invalid one is /dev/null). With ProcessSpec::tty the
// runtime opens a pty in the container's devpts and returns its master;
// stdin/stdout/stderr here are then ignored.
struct Stdio {
  int in = -1;
  int out = -1;
  int err = -1;
};

struct Launched {
  pid_t pid = 0;                // host pid of the process
  UniqueFd pidfd;               // pidfd_open(pid): poll it for exit
  uint64_t start_time = 0;      // /proc/<pid>/stat field 22
  UniqueFd pty_master;          // with tty: the pty master (blocking, close-on-exec); putting the
                                // caller's terminal in raw mode and sizing the pty are the caller's
};

// Clones the container init with new user (unless root), mount, pid, uts, ipc
// and (per spec.network) net namespaces, maps IDs (newuidmap/newgidmap or the
// single mapping), mounts the rootfs and the standard file systems, applies
// the security setup and execs spec.process. Returns once execve succeeded.
// Failures in the child come back as (step, errno) and are thrown here as
// kayak::Error with a sentence ("mount /src on /dst: No such file or
// directory"), exit code 125; a missing executable is exit 127 ("exec foo:
// executable file not found in $PATH"), a non-executable one 126. Never
// leaves a process behind on failure. Mounts exist only in the container's
// mount namespace: nothing is left mounted on the host when it exits.
//
// Joining a network namespace (NetworkNamespace::Path) rootless, the init
// gets no user namespace of its own: it runs in the one that owns the
// network namespace (another container's), whose ID maps are already set.
//
// The init is pid 1 of its pid namespace and a child of the caller (the
// caller reaps it). With fuse-overlayfs the daemon runs inside the
// container's pid namespace (a child of the init) and dies with it.
// The caller must be single-threaded. Requires Linux >= 5.12 (clone3,
// openat2, mount_setattr).
//
// namespaces_ready, when given, runs in the caller once the init's
// namespaces exist and its ID maps are written, before the init goes on to
// mount and exec: the network module attaches pasta or slirp4netns and the
// port forwarder there, so the container's first instruction already sees
// its network. If it throws, the init is killed and the error is thrown.
using NamespacesReady = std::function<void(pid_t init_pid)>;
Launched launch(const ContainerSpec& spec, const Stdio& stdio, const NamespacesReady& namespaces_ready = {});

// Runs process in the namespaces of the running container whose init is
// init_pid (setns into user - when it is not ours -, mount, uts, ipc, net,
// cgroup, pid; namespaces the caller already shares are skipped), with the
// same security setup, cwd, user and tty handling (cwd is not created). An
// intermediate child joins the namespaces and forks with CLONE_PARENT, so
// the process is the caller's child, in the container's pid namespace.
// Same error contract as launch(); a vanished init_pid gives "container
// process N is not running", but whether the container is running is the
// caller's check (init_pid may have been recycled).
Launched exec_in(pid_t init_pid, const ContainerSpec& spec, const ProcessSpec& process,
                 const Stdio& stdio);

}  // namespace kayak::runtime
