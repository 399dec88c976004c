// `exec`: runs a command in a running container (DESIGN "Process model":
// setns into its namespaces, fork into its pid namespace, the container's
// own security setup, execve), through runtime::exec_in.
//   - without -t: the process gets our fds 0/1/2 (stdin /dev/null without
//     -i); we wait for it, forwarding signals, and return its exit code;
//   - with -t: a pty in the container, relayed to our terminal (raw mode,
//     window size) by the monitor's loop, this process being the monitor;
//   - -d: started from a short-lived child, so the process is reparented at
//     once and never waits as our zombie; returns 0.
#pragma once

#include "kayak/monitor/container_spec.hpp"
#include "kayak/store/paths.hpp"

#include <string>
#include <vector>

namespace kayak::commands {

struct ExecOptions {
  monitor::ExecProcessOptions process;  // env: the K=V list from user_env()
  bool interactive = false;             // -i
  bool detach = false;                  // -d
  std::string detach_keys = "ctrl-p,ctrl-q";
};

// Returns the process's exit code (128+N when killed by signal N). A
// container that is not running is an error (exit 125); a command not found
// 127, not executable 126.
int exec_in_container(const store::StorePaths& paths, const std::string& container, const ExecOptions& options);

}  // namespace kayak::commands
