// --memory, --pids-limit, --cpus where cgroups cannot apply them.
//
// Choice (documented in man/kayak-create): without a delegated cgroup v2
// subtree kayak WARNS once per flag, naming it, and creates the container
// without the limit. That is what Docker does when the kernel lacks a
// controller ("Limitation discarded") and what podman does rootless on
// cgroup v1 ("Resource limits are not supported and ignored on cgroups V1
// rootless systems", one warning for all flags). Refusing would make every
// script written for a cgroup host fail here, where nothing else can work.
// With delegation, a flag whose controller is not enabled is an error:
// the user's subtree could give it, so silently running unlimited would
// hide a fixable setup problem.
#pragma once

#include "kayak/runtime/cgroup.hpp"
#include "kayak/store/container.hpp"

#include <string>
#include <vector>

namespace kayak::commands {

// The warnings for config's resource flags under `support` (one per flag,
// empty when all apply); throws when delegated but a controller is missing.
std::vector<std::string> resource_flag_warnings(const store::ContainerConfig& config,
                                                const runtime::CgroupSupport& support);

// resource_flag_warnings, each printed through log::warn. Called once, by
// create (and so by run, which creates), never again at start.
void check_resource_flags(const store::ContainerConfig& config, const runtime::CgroupSupport& support);

}  // namespace kayak::commands
