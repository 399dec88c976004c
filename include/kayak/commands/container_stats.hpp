// stats: Docker's columns per running container. Source: the container's
// cgroup (memory.current / memory.max, cpu.stat, pids.current) when it has
// one in a delegated v2 subtree; else /proc: RSS summed over the processes
// of its pid namespace (limit: the host's MemTotal), CPU % from utime+stime
// deltas over the sampling interval, pids counted, NET I/O from
// /proc/<init>/net/dev (all interfaces but lo), BLOCK I/O from
// /proc/<pid>/io read_bytes/write_bytes ("--" when unreadable).
#pragma once

#include "kayak/store/container.hpp"
#include "kayak/store/context.hpp"
#include "kayak/util/json.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace kayak::commands {

struct StatsSample {
  std::string id, name;
  int64_t when_ns = 0;
  uint64_t cpu_ns = 0;    // CPU time used so far
  uint64_t mem = 0, mem_limit = 0;
  uint64_t pids = 0;
  uint64_t net_rx = 0, net_tx = 0;
  bool block_known = false;
  uint64_t block_read = 0, block_write = 0;
  std::string source;     // "cgroup" | "proc"
};

// Samples of the named containers (all running ones when empty). A named
// container that is not running is an error, as with Docker.
std::vector<StatsSample> sample_stats(store::Context& ctx, const std::vector<std::string>& targets);

// One Docker stats row (fields Container, ID, Name, CPUPerc, MemUsage,
// MemPerc, NetIO, BlockIO, PIDs) from two samples of the same container.
json::Value stats_row(const StatsSample& before, const StatsSample& after);

}  // namespace kayak::commands
