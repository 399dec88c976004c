// pause / unpause: the cgroup freezer (cgroup.freeze) when the container
// has a cgroup of its own in a delegated v2 subtree, else SIGSTOP / SIGCONT
// to every process of the container's pid namespace (container_freeze).
// The state (Paused) is written to state.json under the container's lock.
#pragma once

#include "kayak/commands/container_signal.hpp"
#include "kayak/store/context.hpp"

#include <string>
#include <vector>

namespace kayak::commands {

// Docker's errors: "container ID is not running", "container ID is already
// paused", "container ID is not paused". line = the target as typed.
std::vector<ContainerItem> pause_containers(store::Context& ctx, const std::vector<std::string>& targets);
std::vector<ContainerItem> unpause_containers(store::Context& ctx, const std::vector<std::string>& targets);

// Resumes a paused container (thaw or SIGCONT to its whole pid namespace)
// and records it as running; no-op when it is not paused. kill and stop
// call it after sending their signal, so the processes act on it.
void resume_if_paused(store::Context& ctx, const std::string& id);

}  // namespace kayak::commands
