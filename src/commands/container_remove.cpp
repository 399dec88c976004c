#include "kayak/commands/container_remove.hpp"

#include "kayak/runtime/cgroup.hpp"

#include "kayak/store/volume.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/log.hpp"

#include <csignal>

namespace kayak::commands {

namespace {

void remove_one(store::Context& ctx, store::ContainerStore& containers, const std::string& target,
                const ContainerRemoveOptions& options) {
  std::string id = containers.resolve(target);
  store::ContainerState state = containers.state(id);
  bool running = state.status == store::ContainerStatus::Running || state.status == store::ContainerStatus::Paused;
  if (running) {
    if (!options.force) {
      fail("cannot remove container \"/{}\": container is running: stop the container before removing or force remove",
           containers.config(id).name);
    }
    stop_container(containers, id, SIGKILL, -1);
  }
  if (!containers.exists(id)) return;  // the monitor's --rm got there first
  store::ContainerConfig config = containers.config(id);
  {
    FileLock held = containers.lock(id);
    if (!containers.exists(id)) return;
    store::ContainerState now = containers.state(id);
    if (now.status == store::ContainerStatus::Running || now.status == store::ContainerStatus::Paused) {
      fail("cannot remove container \"/{}\": it was started again meanwhile", config.name);
    }
    // Removing marks the container for readers while files go.
    now.status = store::ContainerStatus::Removing;
    containers.write_state(id, now);
    // Its cgroup, when it had one in a delegated subtree (processes are gone).
    runtime::remove_container_cgroup(runtime::detect_cgroups(), id);
    store::remove_container(ctx, id);
  }
  if (options.volumes) store::remove_anonymous_volumes(ctx, config.mounts);
}

}  // namespace

std::vector<ContainerItem> remove_containers(store::Context& ctx, const ContainerRemoveOptions& options) {
  store::ContainerStore containers(ctx.store());
  std::vector<std::string> targets = options.containers;
  if (options.all) {
    for (const auto& id : containers.list_ids()) targets.push_back(id);
  }
  std::vector<ContainerItem> items;
  for (const auto& target : targets) {
    ContainerItem item;
    item.target = target;
    try {
      remove_one(ctx, containers, target, options);
      item.line = target;
    } catch (const Error& e) {
      item.error = e.what();
      item.exit_code = e.exit_code();
    }
    items.push_back(std::move(item));
  }
  return items;
}

void rename_container(store::Context& ctx, const std::string& target, const std::string& new_name) {
  store::ContainerStore containers(ctx.store());
  containers.rename(containers.resolve(target), new_name);
}

}  // namespace kayak::commands
