#include "kayak/commands/resource_flags.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/log.hpp"

#include <fmt/format.h>

namespace kayak::commands {

namespace {

std::string why(const runtime::CgroupSupport& s) {
  switch (s.mode) {
  case runtime::CgroupMode::Hybrid: return "this host runs hybrid cgroups (v1 controllers), not a delegated v2 subtree";
  case runtime::CgroupMode::V1: return "this host runs cgroup v1, not a delegated v2 subtree";
  case runtime::CgroupMode::Unified: return "no writable cgroup v2 subtree with controllers is delegated to this user";
  case runtime::CgroupMode::None: break;
  }
  return "no cgroup hierarchy is mounted";
}

}  // namespace

std::vector<std::string> resource_flag_warnings(const store::ContainerConfig& config,
                                                const runtime::CgroupSupport& support) {
  struct Flag {
    const char* name;
    const char* controller;
    bool given;
  };
  const Flag flags[] = {
    {"--memory", "memory", config.memory > 0},
    {"--pids-limit", "pids", config.pids_limit != 0},
    {"--cpus", "cpu", config.nano_cpus > 0},
  };
  std::vector<std::string> warnings;
  for (const auto& f : flags) {
    if (!f.given) continue;
    if (!support.delegated()) {
      warnings.push_back(fmt::format("{} is ignored: {}; the container runs without this limit", f.name, why(support)));
    } else if (!support.has(f.controller)) {
      fail("{} needs the {} controller, which is not enabled in {}/cgroup.subtree_control", f.name, f.controller,
           support.delegated_dir);
    }
  }
  return warnings;
}

void check_resource_flags(const store::ContainerConfig& config, const runtime::CgroupSupport& support) {
  for (const auto& w : resource_flag_warnings(config, support)) log::warn("{}", w);
}

}  // namespace kayak::commands
