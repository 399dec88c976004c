// The process half of a container's spec, shared by its init (monitor) and
// `exec`, so both get the same environment and the same security setup.
#include "kayak/monitor/container_spec.hpp"

#include "kayak/runtime/capabilities.hpp"
#include "kayak/runtime/seccomp.hpp"
#include "kayak/util/env_list.hpp"
#include "kayak/util/fs.hpp"

#include <sys/resource.h>

#include <algorithm>

namespace kayak::monitor {

namespace {

uint64_t caller_hard_limit(int resource) {
  struct rlimit limit {};
  if (::getrlimit(resource, &limit) != 0) return RLIM_INFINITY;
  return limit.rlim_max;
}

// What Docker adds to every container's (and exec's) environment.
void add_default_env(std::vector<std::string>& env, const store::ContainerConfig& config, bool tty) {
  if (!env_list::has(env, "PATH")) env.push_back("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  if (!env_list::has(env, "HOSTNAME")) env.push_back("HOSTNAME=" + config.hostname);
  if (tty && !env_list::has(env, "TERM")) env.push_back("TERM=xterm");
}

void apply_security(runtime::ProcessSpec& process, const store::ContainerConfig& config, bool exec_privileged,
                    const std::string& store_root) {
  bool privileged = config.privileged || exec_privileged;
  process.no_new_privileges = config.no_new_privileges;
  process.caps = runtime::effective_capabilities(config.cap_add, config.cap_drop, privileged);
  // Compiled once per profile, capability set, libseccomp and kernel, then
  // read from the cache (DESIGN "Threads, the child and the hot path").
  // As Docker: --privileged drops the default profile, not one given; an
  // exec --privileged runs without a filter.
  bool wants_filter = !exec_privileged &&
                      (config.seccomp_profile.empty() ? !config.privileged : config.seccomp_profile != "unconfined");
  process.seccomp_bpf.clear();
  if (wants_filter) {
    process.seccomp_bpf = runtime::compile_seccomp_cached(
      config.seccomp_profile, process.caps, fs::join(store_root, "cache/seccomp"),
      config.seccomp_profile.empty() ? "the default seccomp profile" : "the seccomp profile of the container");
  }
  process.rlimits = clamp_ulimits(config.ulimits, caller_hard_limit);
}

}  // namespace

runtime::ProcessSpec container_process(const store::ContainerConfig& config, const std::string& store_root) {
  runtime::ProcessSpec process;
  process.args.push_back(config.path);
  process.args.insert(process.args.end(), config.args.begin(), config.args.end());
  process.env = config.env;
  add_default_env(process.env, config, config.tty);
  process.cwd = config.working_dir.empty() ? "/" : config.working_dir;
  process.user = config.user;
  process.tty = config.tty;
  apply_security(process, config, false, store_root);
  return process;
}

runtime::ProcessSpec exec_process(const store::ContainerConfig& config, const ExecProcessOptions& exec,
                                  const std::string& store_root) {
  runtime::ProcessSpec process;
  process.args = exec.args;
  process.env = config.env;
  for (const auto& entry : exec.env) env_list::set(process.env, entry);
  add_default_env(process.env, config, exec.tty);
  std::string cwd = exec.cwd.value_or(config.working_dir);
  process.cwd = cwd.empty() ? "/" : cwd;
  process.user = exec.user.value_or(config.user);
  process.tty = exec.tty;
  apply_security(process, config, exec.privileged, store_root);
  return process;
}

}  // namespace kayak::monitor
