// `kill`, `stop`, `wait`: signals to a container's init through a pidfd
// verified by start time (state.json has the pid); the monitor records the
// exit, these commands only wait for it.
#pragma once

#include "kayak/commands/container_item.hpp"
#include "kayak/store/container.hpp"
#include "kayak/store/context.hpp"

#include <optional>
#include <string>
#include <vector>

namespace kayak::commands {

// kill [-s SIG]: "KILL" by default. Fails for a container that is not
// running with Docker's text.
std::vector<ContainerItem> kill_containers(store::Context& ctx, const std::vector<std::string>& targets,
                                           const std::string& signal);

// stop [-t N] [-s SIG]: SIG, else the container's StopSignal, then SIGKILL
// after the timeout (-t, else --stop-timeout at create, else 10 s; -1
// waits for ever). A container that is not running is left as it is
// (success, as Docker).
std::vector<ContainerItem> stop_containers(store::Context& ctx, const std::vector<std::string>& targets,
                                           std::optional<int> timeout, const std::string& signal = "");

// wait: blocks until each container is not running; line = exit code.
std::vector<ContainerItem> wait_containers(store::Context& ctx, const std::vector<std::string>& targets);

// Stops one running container: signal, then SIGKILL after timeout_s
// (< 0: no SIGKILL), and waits until its init and monitor are gone and
// its state is no longer running. Returns the reconciled state.
store::ContainerState stop_container(store::ContainerStore& containers, const std::string& id, int signal,
                                     int timeout_s);

// Blocks until the container is not running; its reconciled state.
store::ContainerState wait_not_running(store::ContainerStore& containers, const std::string& id);

}  // namespace kayak::commands
