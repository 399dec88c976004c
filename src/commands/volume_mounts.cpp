// Volumes for container create and rm: made on demand, filled from the
// image once, and removed with the container when anonymous.
#include "kayak/commands/volume.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/log.hpp"

#include <algorithm>

namespace kayak::commands {

void prepare_volumes(store::Context& ctx, std::vector<store::MountSpec>& mounts,
                     const std::vector<std::string>& layer_dirs) {
  store::VolumeStore volumes(ctx.store().root());
  for (auto& mount : mounts) {
    if (mount.type != "volume") continue;
    if (mount.source.empty() || !volumes.exists(mount.source)) {
      store::VolumeStore::CreateOptions create;
      create.name = mount.source;
      create.anonymous = mount.anonymous;
      mount.source = volumes.create(create).name;
    }
    bool nocopy = std::find(mount.options.begin(), mount.options.end(), "nocopy") != mount.options.end();
    if (!nocopy) volumes.populate(ctx, mount.source, layer_dirs, mount.destination);
  }
}

void remove_anonymous_volumes(store::Context& ctx, const std::vector<store::MountSpec>& mounts) {
  store::VolumeStore volumes(ctx.store().root());
  for (const auto& mount : mounts) {
    if (mount.type != "volume" || !mount.anonymous || mount.source.empty()) continue;
    try {
      volumes.remove(ctx, mount.source);
    } catch (const Error& e) {
      log::warn("{}", e.what());
    }
  }
}

}  // namespace kayak::commands
