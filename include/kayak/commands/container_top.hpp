// top CONTAINER [DESCRIPTORS]: the container's processes with host pids,
// read from /proc (no exec of ps). Default: Docker's `ps -ef` columns
// UID PID PPID C STIME TTY TIME CMD. Otherwise podman's descriptors
// user pid ppid pcpu etime tty time args comm, as separate arguments or
// comma-separated.
#pragma once

#include "kayak/store/container.hpp"
#include "kayak/store/context.hpp"

#include <string>
#include <vector>

namespace kayak::commands {

struct TopTable {
  std::vector<std::string> titles;
  std::vector<std::vector<std::string>> rows;
};

// The descriptors asked for ("-ef" or nothing: the default set); throws
// for anything else, listing what is supported.
std::vector<std::string> parse_top_descriptors(const std::vector<std::string>& args);
std::string top_title(const std::string& descriptor);

// Time columns, pure: cumulative CPU "HH:MM:SS" ([DD-]HH:MM:SS past a day),
// elapsed "[[DD-]HH:]MM:SS" as ps prints them.
std::string ps_cpu_time(uint64_t seconds);
std::string ps_elapsed(uint64_t seconds);

TopTable top(store::Context& ctx, const std::string& container, const std::vector<std::string>& descriptors);

}  // namespace kayak::commands
