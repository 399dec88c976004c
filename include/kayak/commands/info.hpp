// `info`: the host, who kayak runs as, the store and its driver.
#pragma once

#include "kayak/store/context.hpp"
#include "kayak/util/json.hpp"

namespace kayak::commands {

// Docker-style field names where Docker has one (Images, Driver,
// DriverStatus, KernelVersion, OperatingSystem, OSType, Architecture, NCPU,
// MemTotal, Name, ServerVersion), plus Rootless, IDMappings, StoreRoot,
// RunRoot.
json::Value system_info(store::Context& ctx);

// The human-readable report printed without --format.
std::string render_info(const json::Value& info);

}  // namespace kayak::commands
