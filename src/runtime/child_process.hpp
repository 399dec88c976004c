// The parent's side of a child it is setting up: pipes, the report, the
// terminal master coming back, and a guard that never leaves it behind.
#pragma once

#include "plan.hpp"

#include "kayak/util/fd.hpp"

#include <sys/types.h>

#include <cstdint>
#include <optional>

namespace kayak::runtime::detail {

struct Pipe {
  UniqueFd read;
  UniqueFd write;
};
Pipe make_pipe();  // close-on-exec

struct SocketPair {
  UniqueFd parent;
  UniqueFd child;
};
SocketPair make_socketpair();  // close-on-exec, SOCK_SEQPACKET

// Starts a child running the plan with clone3 (flags | CLONE_PIDFD); returns
// its pid and stores the pidfd. The child never returns.
// cgroup_fd >= 0: the child starts in that cgroup v2 directory.
pid_t clone_child(uint64_t flags, const Plan& plan, int report_fd, UniqueFd& pidfd, int cgroup_fd = -1);

// The same, with the child inside an existing user namespace (userns_fd)
// instead of the caller's: a short-lived forked go-between enters it and
// clones the child with CLONE_PARENT, so the child is still the caller's
// own. flags must not hold CLONE_NEWUSER. A rootless container joining
// another's network namespace needs this: setns into a network namespace
// takes CAP_SYS_ADMIN over the user namespace that owns it, which a
// container in a user namespace of its own never has.
pid_t clone_child_in_user_namespace(int userns_fd, uint64_t flags, const Plan& plan, int report_fd,
                                    UniqueFd& pidfd, int cgroup_fd = -1);

// Reads the child's report until the pipe closes: nothing means execve
// succeeded (the pipe is close-on-exec).
std::optional<Report> read_report(int fd);

// The fd the child sent with SCM_RIGHTS (already queued when this is called).
UniqueFd receive_fd(int socket);

UniqueFd open_pidfd(pid_t pid);

// /proc/<pid>/stat field 22: the start time in clock ticks since boot.
uint64_t read_start_time(pid_t pid);

void wait_for_exit(pid_t pid);

// Kills and reaps the child unless released: a failed start leaves nothing.
class ChildGuard {
public:
  explicit ChildGuard(pid_t pid) : pid_(pid) {}
  ~ChildGuard();
  ChildGuard(const ChildGuard&) = delete;
  ChildGuard& operator=(const ChildGuard&) = delete;
  void release() { pid_ = -1; }
  // Waits for a child that exits by itself (it reported a failure).
  void reap();

private:
  pid_t pid_;
};

}  // namespace kayak::runtime::detail
