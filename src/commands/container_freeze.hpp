// Holding a running container still while commit reads its file system.
//
// HOOK: pause/unpause (cgroup freezer where delegated) belongs to the
// monitor work; until it lands, commit freezes by sending SIGSTOP to every
// process of the container's pid namespace and SIGCONT afterwards. The
// signals are sent from a forked child that joins the container's user
// namespace (rootless), where it may signal and inspect every container
// process whatever container user it runs as; processes are found by
// comparing /proc/<pid>/ns/pid with the init's. The scan repeats until a
// pass finds nothing new, so a process forked during the first pass is
// stopped by the next. Replace with the monitor's pause when it lands.
#pragma once

#include "kayak/util/idmap.hpp"

#include <sys/types.h>

namespace kayak::commands {

class FrozenContainer {
public:
  // Stops every process of the pid namespace of `init`; no-op for pid 0.
  FrozenContainer(const Identity& id, pid_t init);
  ~FrozenContainer();  // SIGCONT to the same namespace
  FrozenContainer(const FrozenContainer&) = delete;
  FrozenContainer& operator=(const FrozenContainer&) = delete;

private:
  const Identity& id_;
  pid_t init_;
};

// Sends sig to every process in the pid namespace of init (see above).
void signal_pid_namespace(const Identity& id, pid_t init, int sig);

}  // namespace kayak::commands
