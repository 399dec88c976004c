#include "kayak/commands/container_signal.hpp"

#include "kayak/commands/container_pause.hpp"
#include "kayak/monitor/container_monitor.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/process.hpp"
#include "kayak/util/signals.hpp"

#include <csignal>
#include <ctime>

namespace kayak::commands {

namespace {

bool is_running(const store::ContainerState& s) {
  return s.status == store::ContainerStatus::Running || s.status == store::ContainerStatus::Paused;
}

void sleep_ms(int ms) {
  struct timespec ts{0, ms * 1000000L};
  ::nanosleep(&ts, nullptr);
}

// A stop the user asked for, marked under the container's lock: a
// concurrent rm holds it while it removes, and the marker must never bring
// back the run dir of a container that is gone.
void mark_stop(store::ContainerStore& containers, const std::string& id) {
  FileLock held;
  try {
    held = containers.lock(id);
  } catch (const Error&) {
    if (!containers.exists(id)) return;  // removed: its dir, and the lock file, are gone
    throw;
  }
  if (containers.exists(id)) monitor::mark_stop_requested(containers.run_dir(id));
}

}  // namespace

store::ContainerState wait_not_running(store::ContainerStore& containers, const std::string& id) {
  for (int round = 0;; ++round) {
    store::ContainerState state = containers.state(id);
    if (!is_running(state)) return state;
    // Sleep on the init's pidfd while it lives; once it is gone, the
    // monitor records the exit (or reconciliation does when it is gone too).
    UniqueFd pidfd = proc::open_pidfd(state.pid, state.pid_start_time);
    if (pidfd) {
      proc::wait_exit(pidfd.get(), -1);
    } else {
      sleep_ms(round < 100 ? 5 : 50);
    }
  }
}

store::ContainerState stop_container(store::ContainerStore& containers, const std::string& id, int signal,
                                     int timeout_s) {
  store::ContainerState state = containers.state(id);
  if (!is_running(state)) {
    // Exited, its monitor waiting out a --restart delay: the stop still
    // counts, as with Docker; the monitor reads the mark before restarting.
    if (proc::open_pidfd(state.monitor_pid, state.monitor_start_time)) mark_stop(containers, id);
    return state;
  }
  UniqueFd init = proc::open_pidfd(state.pid, state.pid_start_time);
  // A stop the user asked for: the monitor must not apply --restart to it.
  if (init) mark_stop(containers, id);
  if (init) {
    // A paused (stopped) init only acts on the signal once continued.
    if (state.status == store::ContainerStatus::Paused) proc::send_signal(init.get(), SIGCONT);
    proc::send_signal(init.get(), signal);
    if (signal != SIGKILL && !proc::wait_exit(init.get(), timeout_s < 0 ? -1 : timeout_s * 1000)) {
      proc::send_signal(init.get(), SIGKILL);
    }
    proc::wait_exit(init.get(), -1);
  }
  // The monitor records the exit and leaves; one that does not within a
  // few seconds is stuck, and reconciliation ends its container.
  UniqueFd monitor = proc::open_pidfd(state.monitor_pid, state.monitor_start_time);
  if (monitor && !proc::wait_exit(monitor.get(), 5000)) proc::send_signal(monitor.get(), SIGKILL);
  return wait_not_running(containers, id);
}

std::vector<ContainerItem> kill_containers(store::Context& ctx, const std::vector<std::string>& targets,
                                           const std::string& signal_text) {
  auto signal = sig::parse(signal_text);
  if (!signal) fail("Invalid signal: {}", signal_text);
  store::ContainerStore containers(ctx.store());
  return for_each_target(targets, [&](const std::string& target) {
    std::string id = containers.resolve(target);
    store::ContainerState state = containers.state(id);
    UniqueFd init = is_running(state) ? proc::open_pidfd(state.pid, state.pid_start_time) : UniqueFd();
    if (init) mark_stop(containers, id);
    if (!init || !proc::send_signal(init.get(), *signal)) {
      fail("Cannot kill container: {}: Container {} is not running", target, id);
    }
    // A paused container's processes act on the signal once continued.
    if (state.status == store::ContainerStatus::Paused && *signal != SIGSTOP) resume_if_paused(ctx, id);
    return target;
  });
}

std::vector<ContainerItem> stop_containers(store::Context& ctx, const std::vector<std::string>& targets,
                                           std::optional<int> timeout, const std::string& signal_text) {
  std::optional<int> chosen;
  if (!signal_text.empty()) {
    chosen = sig::parse(signal_text);
    if (!chosen) fail("Invalid signal: {}", signal_text);
  }
  store::ContainerStore containers(ctx.store());
  return for_each_target(targets, [&](const std::string& target) {
    std::string id = containers.resolve(target);
    store::ContainerConfig config = containers.config(id);
    int seconds = timeout ? *timeout : config.stop_timeout.value_or(10);
    int signal = chosen ? *chosen : sig::parse(config.stop_signal).value_or(SIGTERM);
    // Every process of a paused container must see the signal, not only
    // the init stop_container continues.
    resume_if_paused(ctx, id);
    stop_container(containers, id, signal, seconds);
    return target;
  });
}

std::vector<ContainerItem> wait_containers(store::Context& ctx, const std::vector<std::string>& targets) {
  store::ContainerStore containers(ctx.store());
  return for_each_target(targets, [&](const std::string& target) {
    std::string id = containers.resolve(target);
    return std::to_string(wait_not_running(containers, id).exit_code);
  });
}

}  // namespace kayak::commands
