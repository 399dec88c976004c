// A user-mode helper's process, as the monitor runs it: started with the
// fds it needs at fixed numbers, its stderr kept in a file for error
// messages, stopped (TERM, then KILL) and reaped when the container's
// network goes away.
#pragma once

#include "kayak/util/fd.hpp"

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

namespace kayak::network {

struct FdPlacement {
  int fd;      // in the monitor
  int target;  // its number in the helper
};

// fork + execv(argv[0]) with stdin on /dev/null, stdout and stderr on
// log_fd, the placements made and every other fd closed, signals reset, in
// a session of its own (a ^C at the terminal is for the container, not
// for it), killed when the monitor dies (PR_SET_PDEATHSIG). Returns the pid.
pid_t spawn_helper(const std::vector<std::string>& argv, const std::vector<FdPlacement>& fds, int log_fd);

// The helper's diagnostics from log_path, trimmed (for error messages).
std::string helper_log(const std::string& log_path);

// Waits up to timeout_ms for the child pid (ours) to exit and reaps it.
// Returns its exit status as waitpid gives it, or -1 on timeout.
int wait_child(pid_t pid, int pidfd, int timeout_ms);

// Stops a helper: SIGTERM, a moment to go, then SIGKILL; reaps it when it
// is our child (or was reparented to us, the monitor being a subreaper).
void stop_helper(UniqueFd& pidfd);

}  // namespace kayak::network
