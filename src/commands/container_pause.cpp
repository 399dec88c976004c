#include "kayak/commands/container_pause.hpp"

#include "container_freeze.hpp"

#include "kayak/runtime/cgroup.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"

#include <csignal>

namespace kayak::commands {

namespace {

bool is_up(store::ContainerStatus s) {
  return s == store::ContainerStatus::Running || s == store::ContainerStatus::Paused;
}

// Freezes (or thaws) the whole container: its own cgroup when it has one,
// else signals to its pid namespace.
void set_frozen(store::Context& ctx, const std::string& id, pid_t init, bool frozen) {
  std::string cgroup = runtime::container_cgroup_path(runtime::detect_cgroups(), id);
  if (!cgroup.empty() && fs::is_dir(cgroup)) {
    runtime::freeze_cgroup(cgroup, frozen);
  } else {
    signal_pid_namespace(ctx.identity(), init, frozen ? SIGSTOP : SIGCONT);
  }
}

// Changes one container from `from` to `to` under its lock.
void transition(store::Context& ctx, const std::string& target, bool pause) {
  store::ContainerStore containers(ctx.store());
  std::string id = containers.resolve(target);
  // state() reconciles (and may write under the lock): read it first.
  store::ContainerState state = containers.state(id);
  FileLock lock = containers.lock(id);
  state = containers.stored_state(id);
  if (!is_up(state.status)) fail("container {} is not running", id);
  if (pause && state.status == store::ContainerStatus::Paused) fail("container {} is already paused", id);
  if (!pause && state.status != store::ContainerStatus::Paused) fail("container {} is not paused", id);
  set_frozen(ctx, id, state.pid, pause);
  state.status = pause ? store::ContainerStatus::Paused : store::ContainerStatus::Running;
  containers.write_state(id, state);
}

}  // namespace

std::vector<ContainerItem> pause_containers(store::Context& ctx, const std::vector<std::string>& targets) {
  return for_each_target(targets, [&](const std::string& target) {
    transition(ctx, target, true);
    return target;
  });
}

std::vector<ContainerItem> unpause_containers(store::Context& ctx, const std::vector<std::string>& targets) {
  return for_each_target(targets, [&](const std::string& target) {
    transition(ctx, target, false);
    return target;
  });
}

void resume_if_paused(store::Context& ctx, const std::string& id) {
  store::ContainerStore containers(ctx.store());
  FileLock lock = containers.lock(id);
  store::ContainerState state = containers.stored_state(id);
  if (state.status != store::ContainerStatus::Paused) return;
  try {
    set_frozen(ctx, id, state.pid, false);
  } catch (const Error&) {
    // The container may have ended meanwhile (its namespace is gone).
  }
  state.status = store::ContainerStatus::Running;
  containers.write_state(id, state);
}

}  // namespace kayak::commands
