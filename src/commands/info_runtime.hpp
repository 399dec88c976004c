// The runtime part of `info` (issue 3): cgroups, namespaces, seccomp, the
// built-in runtime, and container counts, with Docker's system.Info field
// names (CgroupVersion, CgroupDriver, Containers, ContainersRunning,
// ContainersPaused, ContainersStopped, SecurityOptions, DefaultRuntime).
#pragma once

#include "kayak/store/context.hpp"
#include "kayak/util/json.hpp"

#include <string>

namespace kayak::commands {

void add_runtime_info(store::Context& ctx, json::Value& info);
// Lines for the human report: Docker prints these under the server section.
std::string render_runtime_info(const json::Value& info);

}  // namespace kayak::commands
