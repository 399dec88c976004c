// Running a stored container under a monitor (DESIGN "Process model"):
//   - run_monitored(): this process becomes the container's monitor: builds
//     the spec, launches, records state.json, loops until the container
//     will not run again, records the exit, does --rm. Used by the hidden
//     `kayak monitor <id>` and by foreground `run` (the CLI is the monitor).
//   - spawn_monitor(): starts `kayak monitor <id>` detached (re-exec of
//     /proc/self/exe, setsid, stdio on /dev/null) and returns once the
//     container has started, or throws its start error.
#pragma once

#include "kayak/monitor/monitor.hpp"
#include "kayak/store/paths.hpp"
#include "kayak/util/fd.hpp"

#include <optional>
#include <string>
#include <vector>

namespace kayak::monitor {

struct MonitorRequest {
  store::StorePaths paths;
  std::string id;  // full container ID
  // Where to report the start: "S" once the container runs, or
  // "E<exit code> <message>" when it failed. -1: nowhere.
  int ready_fd = -1;
  std::vector<UniqueFd> attach_clients;  // connected before the start
  std::optional<LocalStdio> local;       // foreground run
  bool sig_proxy = true;
};

// Returns the container's exit code. A start failure is recorded in
// state.json (Created, exit code 125/126/127, Error) — and the container
// removed with --rm — then thrown with its exit code.
int run_monitored(MonitorRequest request);

struct SpawnOptions {
  std::string log_level;      // passed on to the monitor
  int attach_fd = -1;         // handed to the monitor as its first attach client
};

struct SpawnedMonitor {
  pid_t pid = 0;  // our child until we exit; reap it with wait_monitor
};

// Starts the detached monitor and waits for its start report; throws the
// start error with its exit code (the monitor has exited then).
SpawnedMonitor spawn_monitor(const store::StorePaths& paths, const std::string& id, const SpawnOptions& options);
// Reaps a spawned monitor (non-blocking when it still runs: it is setsid and
// outlives us).
void reap_monitor(const SpawnedMonitor& monitor, bool wait);

// A stop the user asked for (stop, kill, restart, rm -f): the monitor
// does not apply the restart policy to the exit that follows. Written to
// the container's run dir before the signal is sent; the monitor removes it.
void mark_stop_requested(const std::string& run_dir);

// The report protocol on the ready pipe.
std::string encode_start_report(int exit_code, const std::string& error);  // exit_code 0: started
// nullopt error: started. Throws on a malformed report.
std::optional<std::pair<int, std::string>> decode_start_report(const std::string& report);

}  // namespace kayak::monitor
