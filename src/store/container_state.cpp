// Reading a container's state reconciles it with the processes that are
// really there (container.hpp): nobody else is left to notice that a
// monitor was killed or the machine rebooted.
#include "kayak/store/container.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/log.hpp"
#include "kayak/util/process.hpp"
#include "kayak/util/strings.hpp"
#include "kayak/util/time.hpp"

#include <signal.h>

#include <algorithm>
#include <csignal>

namespace kayak::store {

bool reconcile(ContainerState& state, const Liveness& live, bool& kill_orphan) {
  kill_orphan = false;
  if (state.status != ContainerStatus::Running && state.status != ContainerStatus::Paused) return false;
  auto exited = [&](int code, int64_t finished_ns) {
    state.status = ContainerStatus::Exited;
    state.exit_code = code;
    // Never before it started.
    auto started = timeutil::parse_rfc3339(state.started_at);
    if (started && finished_ns < *started) finished_ns = *started;
    state.finished_at = timeutil::format_rfc3339_nano(finished_ns);
    state.pid = 0;
    state.pid_start_time = 0;
    state.monitor_pid = 0;
    state.monitor_start_time = 0;
  };
  if (!live.same_boot) {
    // The container died with the last boot; that boot ended before this
    // one started.
    exited(255, live.boot_time_ns ? live.boot_time_ns : live.now_ns);
    return true;
  }
  if (live.monitor_alive) return false;  // the monitor will record the exit
  if (live.init_alive) {
    // Nobody will ever record this container's exit: end it (SIGKILL).
    kill_orphan = true;
    exited(137, live.now_ns);
    return true;
  }
  exited(255, live.now_ns);
  return true;
}

namespace {

Liveness observe(const ContainerState& state) {
  Liveness live;
  std::string boot = proc::boot_id();
  live.same_boot = state.boot_id.empty() || boot.empty() || state.boot_id == boot;
  live.now_ns = timeutil::now_ns();
  live.boot_time_ns = proc::boot_time_ns();
  if (live.same_boot) {
    live.init_alive = proc::is_alive(state.pid, state.pid_start_time);
    // A state without a monitor pid (a foreground run that did not record
    // one) is judged by its init alone.
    live.monitor_alive = state.monitor_pid > 0 ? proc::is_alive(state.monitor_pid, state.monitor_start_time)
                                               : live.init_alive;
  }
  return live;
}

// A monitor that died without its cleanup (SIGKILL) leaves the network
// helper it started (pasta daemonizes and does not notice the namespace
// go). Helpers write NAME.pid into the container's run dir, and their
// command line names that file, which guards against a recycled pid.
void kill_left_helpers(const std::string& run_dir) {
  std::vector<std::string> names;
  try {
    names = fs::list_dir(run_dir);
  } catch (const Error&) {
    return;  // no run dir (another boot): nothing of ours runs
  }
  for (const auto& name : names) {
    if (!name.ends_with(".pid")) continue;
    std::string pid_file = fs::join(run_dir, name);
    std::string text, cmdline;
    if (!fs::read_file_if_exists(pid_file, text)) continue;
    auto pid = str::parse_int(std::string(str::trim(text)));
    if (!pid || *pid <= 1) continue;
    if (!fs::read_file_if_exists(fmt::format("/proc/{}/cmdline", *pid), cmdline)) continue;
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    if (!str::contains(cmdline, pid_file)) continue;
    ::kill(static_cast<pid_t>(*pid), SIGKILL);
  }
}

}  // namespace

ContainerState ContainerStore::state(const std::string& id) {
  ContainerState state = stored_state(id);
  // Only a running or paused container can be out of date: skip /proc.
  if (state.status != ContainerStatus::Running && state.status != ContainerStatus::Paused) return state;
  ContainerState fixed = state;
  bool kill_orphan = false;
  if (!reconcile(fixed, observe(state), kill_orphan)) return state;
  // Write the correction back under the container's lock, from a state read
  // again under it: the monitor may have recorded the real exit meanwhile.
  // Readers never wait: when someone else holds the lock, they report the
  // corrected state and leave the writing to a later reader.
  FileLock held;
  if (!FileLock::try_lock(fs::join(dir(id), "lock"), FileLock::Mode::Exclusive, held)) return fixed;
  if (!exists(id)) return fixed;
  state = stored_state(id);
  fixed = state;
  if (!reconcile(fixed, observe(state), kill_orphan)) return state;
  if (kill_orphan) {
    UniqueFd pidfd = proc::open_pidfd(state.pid, state.pid_start_time);
    if (pidfd) {
      proc::send_signal(pidfd.get(), SIGKILL);
      proc::wait_exit(pidfd.get(), 5000);
    }
  }
  // The monitor is gone: so must be what it started besides the init.
  kill_left_helpers(run_dir(id));
  write_state(id, fixed);
  return fixed;
}

}  // namespace kayak::store
