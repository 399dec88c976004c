// Volumes for container create and rm: made on demand, filled from the
// image once (store::remove_anonymous_volumes removes them with the
// container).
#include "kayak/commands/volume.hpp"

#include "kayak/util/error.hpp"

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

}  // namespace kayak::commands
