// Starting a container's init process and exec'ing into a running one
// (DESIGN "Process model"). The caller (the monitor) owns what comes back:
// the pidfd to wait on, and the stdio ends to relay.
#pragma once

#include "kayak/runtime/spec.hpp"
#include "kayak/util/fd.hpp"

#include <sys/types.h>

#include <cstdint>

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
  UniqueFd pty_master;          // with tty: the pty master (already in raw, non-blocking off)
};

// Clones the container init with new user (unless root), mount, pid, uts, ipc
// and (per spec.network) net namespaces, maps IDs (newuidmap/newgidmap or the
// single mapping), mounts the rootfs and the standard file systems, applies
// the security setup and execs spec.process. Returns once execve succeeded.
// Failures in the child come back as (step, errno) and are thrown here as
// kayak::Error with a sentence ("mount /src on /dst: No such file or
// directory"), exit code 125; a missing executable is exit 127, a
// non-executable one 126. Never leaves a process behind on failure.
//
// The caller must be single-threaded. The new process is a child of the
// caller (the caller reaps it).
Launched launch(const ContainerSpec& spec, const Stdio& stdio);

// Runs process in the namespaces of the running container whose init is
// init_pid (setns into user, mount, pid, uts, ipc, net, cgroup), with the
// same security setup, as a child of the caller. Same error contract as
// launch(); "container is not running" is the caller's check.
Launched exec_in(pid_t init_pid, const ContainerSpec& spec, const ProcessSpec& process,
                 const Stdio& stdio);

}  // namespace kayak::runtime
