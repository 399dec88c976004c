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
#include <optional>
#include <string>
#include <vector>

namespace kayak::monitor {

// /etc/hosts: localhost, the container's hostname and --add-host entries;
// with --network host the host's file plus --add-host entries.
// host_address: what host.containers.internal and host.docker.internal
// name ("" leaves them out).
std::string make_hosts(const store::ContainerConfig& config, const std::string& host_hosts,
                       const std::string& host_address = "");
// /etc/resolv.conf: --dns/--dns-search/--dns-option when given, else the
// host's file without loopback nameservers (they mean nothing in a private
// network namespace; with --network host they are kept). With no
// nameserver left, Docker's fallback (8.8.8.8, 8.8.4.4).
// dns_forwarder: the network helper's DNS forwarder, which replaces the
// host's nameservers (not --dns).
std::string make_resolv_conf(const store::ContainerConfig& config, const std::string& host_resolv,
                             const std::string& dns_forwarder = "");

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
  // From the network helper's plan (network/helper_plan.hpp): what
  // host.containers.internal names ("" left out) and the nameserver that
  // replaces the host's ("" none).
  std::string host_address = {};
  std::string dns_forwarder = {};
};

// The container's own process (its init): Path + Args, env with what
// Docker adds (PATH, HOSTNAME, TERM with -t), WorkingDir, User, and the
// security setup (capabilities, seccomp compiled through the cache under
// store_root, no_new_privs, rlimits).
runtime::ProcessSpec container_process(const store::ContainerConfig& config, const std::string& store_root);

// What `exec` changes in it.
struct ExecProcessOptions {
  std::vector<std::string> args;   // the command, args[0] looked up in PATH
  std::vector<std::string> env;    // K=V over the container's env, in order (--env-file, then -e)
  std::optional<std::string> user; // -u; else the container's
  std::optional<std::string> cwd;  // -w; else the container's WorkingDir
  bool tty = false;                // -t
  bool privileged = false;         // --privileged: every capability, no seccomp
};

// An exec'd process: the container's process (same functions, so the same
// security setup) with exec's changes.
runtime::ProcessSpec exec_process(const store::ContainerConfig& config, const ExecProcessOptions& exec,
                                  const std::string& store_root);

// Writes the userdata files (atomically) and returns the full spec.
runtime::ContainerSpec build_container_spec(SpecContext& context, const store::ContainerConfig& config);

}  // namespace kayak::monitor
