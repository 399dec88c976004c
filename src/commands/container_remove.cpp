#include "kayak/commands/container_remove.hpp"

#include "kayak/runtime/cgroup.hpp"

#include "kayak/store/volume.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/log.hpp"

#include <csignal>

namespace kayak::commands {

namespace {

bool is_running(store::ContainerStatus status) {
  return status == store::ContainerStatus::Running || status == store::ContainerStatus::Paused;
}

// A start that raced with this rm can finish (it holds the container's
// lock until the container runs); rm -f then ends that run too, a bounded
// number of times.
constexpr int kForceAttempts = 5;

// podman rm's exit codes: 1 when a container does not exist, 2 when one is
// running (and no other failure), 125 for anything else.
constexpr int kExitMissing = 1;
constexpr int kExitWrongState = 2;

// Returns the mounts of the container it removed (none when someone else
// removed it first).
std::vector<store::MountSpec> remove_id(store::Context& ctx, store::ContainerStore& containers, const std::string& id,
                                        const ContainerRemoveOptions& options) {
  for (int attempt = 1;; ++attempt) {
    store::ContainerState state = containers.state(id);
    if (is_running(state.status)) {
      if (!options.force) {
        // Docker's text; podman's exit code for a container in the wrong state.
        throw Error(fmt::format("cannot remove container \"/{}\": container is running: stop the container before "
                                "removing or force remove", containers.config(id).name),
                    kExitWrongState);
      }
      stop_container(containers, id, SIGKILL, -1);
    }
    if (!containers.exists(id)) return {};  // the monitor's --rm (or another rm) got there first
    store::ContainerConfig config = containers.config(id);
    {
      FileLock held = containers.lock(id);
      if (!containers.exists(id)) return {};
      store::ContainerState now = containers.state(id);
      if (is_running(now.status)) {
        if (options.force && attempt < kForceAttempts) continue;
        throw Error(fmt::format("cannot remove container \"/{}\": it was started again meanwhile", config.name),
                    kExitWrongState);
      }
      // Removing marks the container for readers while files go.
      now.status = store::ContainerStatus::Removing;
      containers.write_state(id, now);
      // Its cgroup, when it had one in a delegated subtree (processes are gone).
      runtime::remove_container_cgroup(runtime::detect_cgroups(), id);
      store::remove_container(ctx, id);
    }
    return config.mounts;
  }
}

void remove_one(store::Context& ctx, store::ContainerStore& containers, const std::string& target,
                const ContainerRemoveOptions& options) {
  std::string id = containers.resolve(target);
  std::vector<store::MountSpec> mounts;
  try {
    mounts = remove_id(ctx, containers, id, options);
  } catch (const Error&) {
    // Removed under us (its monitor's --rm after rm -f killed it, another
    // rm): gone is what was asked for.
    if (!containers.exists(id)) return;
    throw;
  }
  if (options.volumes) store::remove_anonymous_volumes(ctx, mounts);
}

}  // namespace

std::vector<ContainerItem> remove_containers(store::Context& ctx, const ContainerRemoveOptions& options) {
  store::ContainerStore containers(ctx.store());
  std::vector<std::string> targets = options.containers;
  if (options.all) {
    for (const auto& id : containers.list_ids()) targets.push_back(id);
  }
  std::vector<ContainerItem> items = for_each_target(targets, [&](const std::string& target) {
    remove_one(ctx, containers, target, options);
    return target;
  });
  for (auto& item : items) {
    if (item.missing) item.exit_code = kExitMissing;
  }
  return items;
}

void rename_container(store::Context& ctx, const std::string& target, const std::string& new_name) {
  store::ContainerStore containers(ctx.store());
  containers.rename(containers.resolve(target), new_name);
}

}  // namespace kayak::commands
