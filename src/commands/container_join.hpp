// Working inside a running container from a command process: a forked
// child joins the user namespace of the container's init (rootless; real
// root runs containers without one) and, when asked, its mount namespace,
// so it sees the container's root as "/" with the container's mounts.
//
// The runtime module will own exec-style joining (exec_in); this is the
// small piece commit (freeze) and cp need, kept in one place so it can
// move there.
#pragma once

#include "kayak/util/idmap.hpp"

#include <sys/types.h>

#include <functional>

namespace kayak::commands {

// Runs fn in the child and waits. A kayak::Error thrown by fn is re-thrown
// here with its message and exit code. fn must not rely on memory changes
// reaching the caller (it is another process).
void run_in_container(const Identity& id, pid_t init, bool join_mount_ns, const std::function<void()>& fn);

}  // namespace kayak::commands
