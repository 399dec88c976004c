// From a stored container (ContainerConfig) to what the runtime starts
// (runtime::ContainerSpec): rootfs from the store's layers and the
// container's upper dir, the userdata files (/etc/hosts, /etc/hostname,
// /etc/resolv.conf) written into containers/<id>/userdata and bound as
// files, the user's mounts, masked and read-only paths, rlimits clamped to
// the caller's hard limits, and the process.
#pragma once

#include "kayak/runtime/spec.hpp"
#include "kayak/store/container.hpp"
#include "kayak/util/idmap.hpp"

#include <functional>
#include <string>
#include <vector>

namespace kayak::monitor {

// /etc/hosts: localhost, the container's hostname and --add-host entries;
// with --network host the host's file plus --add-host entries.
std::string make_hosts(const store::ContainerConfig& config, const std::string& host_hosts);
// /etc/resolv.conf: --dns/--dns-search/--dns-option when given, else the
// host's file without loopback nameservers (they mean nothing in a private
// network namespace; with --network host they are kept). With no
// nameserver left, Docker's fallback (8.8.8.8, 8.8.4.4).
std::string make_resolv_conf(const store::ContainerConfig& config, const std::string& host_resolv);

// RLIMIT_* for Docker's --ulimit names ("nofile", "nproc", ...); -1 unknown.
int rlimit_resource(const std::string& name);
// --ulimit values as rlimits, never above the caller's hard limit (a
// process cannot raise it, and failing the start over it helps nobody).
// hard_limit_of(resource) gives the caller's hard limit.
std::vector<runtime::Rlimit> clamp_ulimits(const std::vector<store::Ulimit>& ulimits,
                                           const std::function<uint64_t(int)>& hard_limit_of);

// The container's mounts in the runtime's terms. volume_path(name) is the
// host directory of a named volume.
std::vector<runtime::Mount> runtime_mounts(const store::ContainerConfig& config,
                                           const std::function<std::string(const std::string&)>& volume_path);

struct SpecContext {
  const store::Store& store;
  store::ContainerStore& containers;
  Identity identity;
};

// Writes the userdata files (atomically) and returns the full spec.
runtime::ContainerSpec build_container_spec(SpecContext& context, const store::ContainerConfig& config);

}  // namespace kayak::monitor
