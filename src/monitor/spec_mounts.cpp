// The user's mounts (-v, --mount, --tmpfs, volumes) in the runtime's terms.
#include "kayak/monitor/container_spec.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/strings.hpp"

#include <sys/mount.h>

#include <map>

namespace kayak::monitor {

namespace {

unsigned long flag_of(const std::string& option) {
  static const std::map<std::string, unsigned long, std::less<>> flags = {
    {"nosuid", MS_NOSUID}, {"nodev", MS_NODEV}, {"noexec", MS_NOEXEC},
  };
  auto it = flags.find(option);
  return it == flags.end() ? 0 : it->second;
}

// "exec", "suid", "dev": the opposite of a default flag, which they clear.
unsigned long cleared_flag_of(const std::string& option) {
  static const std::map<std::string, unsigned long, std::less<>> flags = {
    {"suid", MS_NOSUID}, {"dev", MS_NODEV}, {"exec", MS_NOEXEC},
  };
  auto it = flags.find(option);
  return it == flags.end() ? 0 : it->second;
}

}  // namespace

std::vector<runtime::Mount> runtime_mounts(const store::ContainerConfig& config,
                                           const std::function<std::string(const std::string&)>& volume_path) {
  std::vector<runtime::Mount> out;
  for (const auto& spec : config.mounts) {
    runtime::Mount mount;
    mount.destination = spec.destination;
    mount.read_only = spec.read_only;
    std::vector<std::string> data;
    unsigned long cleared = 0;
    for (const auto& option : spec.options) {
      if (option == "ro" || option == "readonly") {
        mount.read_only = true;
      } else if (option == "bind" || option == "norbind") {
        mount.recursive = false;
      } else if (unsigned long flag = flag_of(option)) {
        mount.flags |= flag;
        cleared &= ~flag;
      } else if (unsigned long flag = cleared_flag_of(option)) {
        mount.flags &= ~flag;
        cleared |= flag;
      } else if (option.starts_with("size=") || option.starts_with("mode=") || option.starts_with("uid=") ||
                 option.starts_with("gid=") || option.starts_with("nr_inodes=")) {
        data.push_back(option);
      }
      // rw, rbind, z, Z, U, propagation modes: nothing to do here (no SELinux on this host).
    }
    if (spec.type == "tmpfs") {
      mount.type = "tmpfs";
      mount.source = "tmpfs";
      // Docker's tmpfs defaults, unless the user said exec, suid or dev
      // (the last word for a flag wins, as Docker merges them).
      mount.flags |= (MS_NOSUID | MS_NODEV | MS_NOEXEC) & ~cleared;
      mount.data = str::join(data, ",");
    } else if (spec.type == "volume") {
      mount.type = "bind";
      mount.source = volume_path(spec.source);
    } else if (spec.type == "bind") {
      mount.type = "bind";
      mount.source = spec.source;
    } else {
      fail("unsupported mount type \"{}\" for {}", spec.type, spec.destination);
    }
    out.push_back(std::move(mount));
  }
  return out;
}

}  // namespace kayak::monitor
