// The volume commands (create, ls, inspect, rm, prune) and what container
// create/rm need from volumes.
#pragma once

#include "kayak/store/container.hpp"
#include "kayak/store/context.hpp"
#include "kayak/store/volume.hpp"
#include "kayak/util/json.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace kayak::commands {

struct VolumeCreateOptions {
  std::string name;                 // "" -> 64 random hex
  std::string driver = "local";     // only "local" exists
  std::vector<std::string> labels;  // K=V or K
  std::vector<std::string> opts;    // K=V: type, device, o (Docker's local driver)
  // --ignore: a volume of that name already there is fine (its settings
  // are left as they are), so a unit can run create on every start.
  bool ignore_existing = false;
};
// Returns the volume's name.
std::string create_volume(store::Context& ctx, const VolumeCreateOptions& options);

// Rows for `volume ls` (fields: Availability, Driver, Group, Labels, Links,
// Mountpoint, Name, Scope, Size, Status), sorted by name. Filters:
// name=REGEX, label=KEY[=VALUE], dangling=true|false, driver=NAME.
std::vector<json::Value> list_volumes(const store::Store& store, const std::vector<std::string>& filters);

// Docker's `volume inspect` object: CreatedAt, Driver, Labels, Mountpoint,
// Name, Options, Scope.
json::Value volume_inspect_object(const store::VolumeRecord& record);

// One result per name, so one failure does not hide the others.
struct VolumeItem {
  std::string name;
  json::Value object;  // inspect only
  std::string error;   // "" on success
  int exit_code = 0;
};
std::vector<VolumeItem> inspect_volumes(const store::Store& store, const std::vector<std::string>& names);
// -f/--force: a missing volume is not an error (a volume in use still is).
std::vector<VolumeItem> remove_volumes(store::Context& ctx, const std::vector<std::string>& names, bool force);

struct VolumePruneOptions {
  bool all = false;                  // also named volumes (Docker >= 23: anonymous only by default)
  std::vector<std::string> filters;  // label=K[=V], label!=K[=V]
};
struct VolumePruneReport {
  std::vector<std::string> deleted;
  uint64_t reclaimed = 0;
};
VolumePruneReport prune_volumes(store::Context& ctx, const VolumePruneOptions& options);

// For container create, after parse_mount_flags/add_image_volumes: creates
// the named volumes that do not exist yet (as `-v data:/data` does in
// Docker), creates the anonymous ones and writes their names into
// mount.source, and copies the image's content at each volume's destination
// into volumes that are new or still empty (unless "nocopy"). layer_dirs:
// the image's layer diff dirs, base first (Store::layer_dir(chain) + "/diff").
// Call it before ContainerStore::create; if create fails, remove the
// anonymous volumes again with store::remove_anonymous_volumes.
void prepare_volumes(store::Context& ctx, std::vector<store::MountSpec>& mounts,
                     const std::vector<std::string>& layer_dirs);

}  // namespace kayak::commands
