// Checks Docker's daemon makes on every mount, whichever flag gave it.
#include "mount_rules.hpp"

#include "kayak/commands/mount_flags.hpp"
#include "kayak/store/volume.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"

#include <set>

namespace kayak::commands {

bool is_propagation(std::string_view word) {
  static const std::set<std::string_view> modes = {"shared", "slave", "private", "rshared", "rslave", "rprivate"};
  return modes.count(word) > 0;
}

bool is_consistency(std::string_view word) {
  static const std::set<std::string_view> modes = {"consistent", "cached", "delegated"};
  return modes.count(word) > 0;
}

void config_error(const store::MountSpec& mount, std::string_view why) {
  fail("invalid mount config for type \"{}\": {}", mount.type, why);
}

std::string resolve_dot_source(const std::string& source) {
  if (source == "." || source.starts_with("./")) return clean_path(fs::absolute(source));
  return source;
}

void validate_mount(const store::MountSpec& mount, bool volume_options, bool bind_options) {
  if (mount.destination.empty()) config_error(mount, "field Target must not be empty");
  if (clean_path(mount.destination) == "/") {
    config_error(mount, "invalid specification: destination can't be '/'");
  }
  if (!mount.destination.starts_with('/')) {
    config_error(mount, fmt::format("invalid mount path: '{}' mount path must be absolute", mount.destination));
  }
  if (mount.type == "bind") {
    if (mount.source.empty()) config_error(mount, "field Source must not be empty");
    if (volume_options) config_error(mount, "field VolumeOptions must not be specified");
    if (!mount.source.starts_with('/')) {
      config_error(mount, fmt::format("invalid mount path: '{}' mount path must be absolute", mount.source));
    }
  } else if (mount.type == "volume") {
    if (bind_options) config_error(mount, "field BindOptions must not be specified");
    if (mount.read_only && mount.source.empty()) {
      config_error(mount, "must not set ReadOnly mode when using anonymous volumes");
    }
    if (!mount.source.empty()) store::validate_volume_name(mount.source);
  } else if (mount.type == "tmpfs") {
    if (bind_options) config_error(mount, "field BindOptions must not be specified");
    if (!mount.source.empty()) config_error(mount, "field Source must not be specified");
  } else {
    config_error(mount, "mount type unknown");
  }
}

}  // namespace kayak::commands
