// Cgroups, optional (issue 3): kayak uses cgroup v2 only, and only where
// the caller may write a subtree with controllers enabled ("delegated"):
// real root on a pure v2 host (the root cgroup), or a rootless user's own
// systemd subtree (user@UID.service). v1 and hybrid hosts, and v2 hosts
// without delegation, run containers without a cgroup of their own:
// resource flags are then warned about once, by name, at create
// (check_resource_flags), and pause falls back to signals.
#pragma once

#include "kayak/util/fd.hpp"

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kayak::runtime {

enum class CgroupMode { None, V1, Hybrid, Unified };
std::string_view cgroup_mode_name(CgroupMode mode);  // "none", "v1", "hybrid", "v2"

struct CgroupSupport {
  CgroupMode mode = CgroupMode::None;
  std::string unified_mount;     // where the v2 hierarchy is mounted, "" none
  std::string own_cgroup;        // this process's v2 path ("0::/..."), "" none
  std::vector<std::string> v1_controllers;  // controllers of v1 mounts (info)
  // The writable v2 directory containers' cgroups are made in, "" when
  // there is none; and the controllers its cgroup.subtree_control enables
  // ("cpu", "memory", "pids", ...), plus "freezer" when cgroup.freeze exists.
  std::string delegated_dir;
  std::vector<std::string> controllers;

  int version() const { return mode == CgroupMode::Unified ? 2 : mode == CgroupMode::None ? 0 : 1; }
  bool delegated() const { return !delegated_dir.empty(); }
  bool has(std::string_view controller) const;
};

// The pure part of detection: the mode and mounts from /proc/self/mountinfo
// text, this process's v2 path from /proc/self/cgroup text.
CgroupSupport parse_cgroup_setup(std::string_view mountinfo, std::string_view self_cgroup);

// The delegation candidate for a v2 setup: the root cgroup for uid 0, else
// the user@UID.service ancestor of own_cgroup ("" when there is none).
std::string delegation_candidate(const CgroupSupport& setup, uid_t euid);

// Reads /proc/self/{mountinfo,cgroup} and checks the candidate is writable
// with controllers enabled in its subtree.
CgroupSupport detect_cgroups();

struct CgroupLimits {
  int64_t memory = 0;      // bytes, 0: unset
  int64_t pids_limit = 0;  // 0: unset; -1: unlimited
  int64_t nano_cpus = 0;   // 0: unset
};

// "quota period" for cpu.max from --cpus in nano CPUs (period 100 ms).
std::string cpu_max_value(int64_t nano_cpus);

// A container's cgroup: <delegated_dir>/kayak-<id>, with the limits
// written. fd is an O_DIRECTORY fd for clone3's CLONE_INTO_CGROUP
// (runtime::ContainerSpec::cgroup_fd).
struct ContainerCgroup {
  std::string path;
  UniqueFd fd;
};
ContainerCgroup create_container_cgroup(const CgroupSupport& support, const std::string& id,
                                        const CgroupLimits& limits);
// The directory create_container_cgroup makes ("" without delegation).
std::string container_cgroup_path(const CgroupSupport& support, const std::string& id);
// Removes the container's cgroup if it exists (processes must be gone).
void remove_container_cgroup(const CgroupSupport& support, const std::string& id);
// cgroup.freeze: writes 1/0 and waits until cgroup.events says so.
void freeze_cgroup(const std::string& path, bool frozen);

}  // namespace kayak::runtime
