// Facts about processes from /proc: the start time that tells a process
// from a later one with a recycled pid, and the boot ID that tells this
// boot from the last.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace kayak::monitor {

// /proc/<pid>/stat field 22 (clock ticks since boot); 0 when unreadable.
uint64_t process_start_time(pid_t pid);
std::string boot_id();

}  // namespace kayak::monitor
