// Running stored containers: `run` after create, `start`, `attach`,
// `restart`. Who is the monitor (DESIGN "Process model"):
//   - run -d, start:      a detached `kayak monitor <id>`;
//   - run (foreground):   this process, attached to the caller's stdio, so
//                         under systemd the unit's main PID is the monitor;
//   - run -it, start -a:  a detached monitor and this process as its attach
//                         client (over a socketpair handed over at spawn, so
//                         no output is missed), so the detach keys leave the
//                         container running under its monitor.
#pragma once

#include "kayak/store/container.hpp"
#include "kayak/store/paths.hpp"

#include <optional>
#include <string>

namespace kayak::commands {

struct AttachFlags {
  bool sig_proxy = true;
  std::string detach_keys = "ctrl-p,ctrl-q";
  std::string log_level;  // passed on to a spawned monitor
};

struct RunOptions {
  bool detach = false;
  AttachFlags attach;
};

// Starts the created container `id` as `run` does. Detached: returns 0 once
// it runs. Otherwise returns the container's exit code (0 when detached by
// the keys). A start failure is thrown with Docker's exit code (125, 126,
// 127) and recorded on the container.
int run_container(const store::StorePaths& paths, const std::string& id, const RunOptions& options);

struct StartOptions {
  bool attach = false;       // -a
  bool interactive = false;  // -i
  AttachFlags flags;
};

// `start` for one container: nothing to do when it runs already. With -a,
// returns the container's exit code.
int start_container(const store::StorePaths& paths, const std::string& id, const StartOptions& options);

struct AttachOptions {
  bool no_stdin = false;
  AttachFlags flags;
};

// `attach`: the container must be running.
int attach_container(const store::StorePaths& paths, const std::string& id, const AttachOptions& options);

// `restart`: stops a running container (its stop signal, SIGKILL after the
// timeout: --time, else its --stop-timeout, else 10 s), then starts it.
void restart_container(const store::StorePaths& paths, const std::string& id, std::optional<int> timeout,
                       const std::string& log_level);

}  // namespace kayak::commands
