// The processes of a container, read from the host's /proc: every process
// whose /proc/<pid>/ns/pid is the init's. Rootless, the caller owns the
// container's user namespace and so may read these entries whatever
// container user a process runs as.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kayak::commands {

struct ProcInfo {
  pid_t pid = 0;
  pid_t ppid = 0;
  uid_t uid = 0;          // real uid on the host
  char state = '?';
  int tty_nr = 0;
  uint64_t utime = 0, stime = 0;  // clock ticks
  uint64_t start_time = 0;        // clock ticks after boot
  uint64_t rss_bytes = 0;
  std::string comm;
  std::vector<std::string> args;  // empty for kernel threads / zombies
};

// Host pids of every live process in init's pid namespace, init first.
std::vector<pid_t> namespace_pids(pid_t init);
std::optional<ProcInfo> read_proc(pid_t pid);
// Parses /proc/<pid>/stat text (pure, for tests).
std::optional<ProcInfo> parse_proc_stat(const std::string& text);

}  // namespace kayak::commands
