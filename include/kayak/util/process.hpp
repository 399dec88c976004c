// Processes tracked by pid plus start time (DESIGN "Threads, the child and
// the hot path"): a pid alone may have been recycled by the time we look, so
// every check compares /proc/<pid>/stat's start time with the one recorded
// when the process was started, and signals go through a pidfd opened and
// then verified, so they can never reach a stranger.
#pragma once

#include "kayak/util/fd.hpp"

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

namespace kayak::proc {

struct ProcessStat {
  char state = '?';         // field 3: R, S, D, Z, X, T, ...
  uint64_t start_time = 0;  // field 22, clock ticks after boot
};

// /proc/<pid>/stat of a process; nullopt when there is no such pid.
std::optional<ProcessStat> read_stat(pid_t pid);

// True when pid is a live process (not a zombie, not dead) started at
// start_time; start_time 0 skips the start-time comparison.
bool is_alive(pid_t pid, uint64_t start_time);

// This boot's /proc/sys/kernel/random/boot_id ("" if unreadable).
std::string boot_id();

// Boot time of this machine in ns since the epoch (/proc/stat btime).
int64_t boot_time_ns();

// A pidfd for the live process pid started at start_time, or an invalid fd
// when it is gone (dead, zombie or the pid reused). The start time is
// checked after pidfd_open, so the fd refers to that very process.
UniqueFd open_pidfd(pid_t pid, uint64_t start_time);

// pidfd_send_signal; false when the process is gone (ESRCH), throws on
// other errors.
bool send_signal(int pidfd, int signal);

// Waits until the process behind pidfd exits or timeout_ms passes (-1:
// forever). True when it exited. Works for processes that are not our
// children (poll on the pidfd).
bool wait_exit(int pidfd, int timeout_ms);

}  // namespace kayak::proc
