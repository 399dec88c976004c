// `diff` and `export`, and where a container's files are.
#include "kayak/commands/container_fs.hpp"

#include "kayak/archive/rootfs_tar.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fd.hpp"
#include "kayak/util/fs.hpp"

#include <unistd.h>

namespace kayak::commands {

store::ContainerRootfs container_rootfs(store::Context& ctx, const store::ContainerStore& containers,
                                        const store::ContainerConfig& config) {
  const store::DriverInfo& driver = ctx.driver();
  store::ContainerRootfs rootfs;
  rootfs.driver = config.driver.empty() ? driver.name : config.driver;
  bool vfs = rootfs.driver == "vfs";
  rootfs.dir = fs::join(containers.dir(config.id), vfs ? "rootfs" : "upper");
  rootfs.lowers = store::image_lower_dirs(ctx.store(), config.layers);
  bool rootless = ctx.identity().mode != IdentityMode::Root;
  if (rootfs.driver == "overlay") {
    // The runtime mounts with userxattr whenever it runs rootless.
    rootfs.opaque_xattr = driver.userxattr || rootless ? "user.overlay.opaque" : "trusted.overlay.opaque";
  } else if (rootfs.driver == "fuse-overlayfs") {
    // fuse-overlayfs falls back to its own user.* name where it may not
    // write trusted.* attributes (rootless).
    rootfs.opaque_xattr = rootless ? "user.fuseoverlayfs.opaque" : "trusted.overlay.opaque";
  }
  return rootfs;
}

std::vector<store::Change> diff(store::Context& ctx, const std::string& container) {
  store::ContainerStore containers(ctx.store());
  std::string id = containers.resolve(container);
  store::ContainerRootfs rootfs = container_rootfs(ctx, containers, containers.config(id));
  // Read inside the store's user namespace: the files belong to container users.
  json::Value result = ctx.write([&] {
    std::vector<store::Change> changes = store::container_changes(rootfs);
    json::Value list = json::Value::array();
    for (const auto& change : changes) {
      list.push_back(json::Value(std::string(1, store::change_letter(change.kind)) + change.path));
    }
    return list;
  });
  std::vector<store::Change> changes;
  for (const auto& item : result.as_array()) {
    const std::string& text = item.as_string();
    store::ChangeKind kind = text[0] == 'A' ? store::ChangeKind::Added
                           : text[0] == 'D' ? store::ChangeKind::Deleted
                                            : store::ChangeKind::Changed;
    changes.push_back({text.substr(1), kind});
  }
  return changes;
}

void export_container(store::Context& ctx, const ExportOptions& options) {
  if (options.output.empty() && ::isatty(STDOUT_FILENO)) {
    fail("cowardly refusing to export to a terminal. Use the -o flag or redirect");
  }
  store::ContainerStore containers(ctx.store());
  std::string id = containers.resolve(options.container);
  store::ContainerRootfs rootfs = container_rootfs(ctx, containers, containers.config(id));
  // overlay: the upper dir over the image's layers, merged by walking them
  // (no mount needed, works the same for a running or stopped container);
  // vfs: the copy is the whole file system.
  std::vector<std::string> layers{rootfs.dir};
  if (rootfs.driver != "vfs") layers.insert(layers.end(), rootfs.lowers.begin(), rootfs.lowers.end());

  std::optional<fs::AtomicFile> file;
  if (!options.output.empty()) file.emplace(options.output, 0644);
  int fd = file ? file->fd() : STDOUT_FILENO;
  ctx.write([&] {
    FdWriter out(fd, options.output.empty() ? "stdout" : options.output);
    archive::write_merged_tar(layers, out);
    return json::Value();
  });
  if (file) file->commit();
}

}  // namespace kayak::commands
