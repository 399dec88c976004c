#include "kayak/commands/container_stats.hpp"

#include "proc_scan.hpp"

#include "kayak/format/units.hpp"
#include "kayak/runtime/cgroup.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/strings.hpp"
#include "kayak/util/time.hpp"

#include <unistd.h>

#include <fmt/format.h>

namespace kayak::commands {

using str::split;
using str::trim;

namespace {

uint64_t host_mem_total() {
  std::string text;
  if (!fs::read_file_if_exists("/proc/meminfo", text)) return 0;
  for (const auto& line : split(text, '\n')) {
    if (line.starts_with("MemTotal:")) return std::stoull(std::string(trim(line.substr(9)))) * 1024;
  }
  return 0;
}

uint64_t number_in(const std::string& text, const std::string& key) {
  for (const auto& line : split(text, '\n')) {
    if (line.starts_with(key)) return std::stoull(std::string(trim(std::string_view(line).substr(key.size()))));
  }
  return 0;
}

void read_net(pid_t init, StatsSample& s) {
  std::string text;
  if (!fs::read_file_if_exists("/proc/" + std::to_string(init) + "/net/dev", text)) return;
  for (const auto& line : split(text, '\n')) {
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    if (trim(std::string_view(line).substr(0, colon)) == "lo") continue;
    std::vector<std::string> f;
    for (auto& w : split(line.substr(colon + 1), ' ')) {
      if (!w.empty()) f.push_back(w);
    }
    if (f.size() < 9) continue;
    s.net_rx += std::stoull(f[0]);
    s.net_tx += std::stoull(f[8]);
  }
}

void read_from_proc(pid_t init, StatsSample& s) {
  const uint64_t ticks = static_cast<uint64_t>(::sysconf(_SC_CLK_TCK));
  s.source = "proc";
  s.mem_limit = host_mem_total();
  s.block_known = true;
  for (pid_t pid : namespace_pids(init)) {
    auto p = read_proc(pid);
    if (!p) continue;
    ++s.pids;
    s.mem += p->rss_bytes;
    s.cpu_ns += (p->utime + p->stime) * 1000000000ULL / ticks;
    std::string io;
    if (fs::read_file_if_exists("/proc/" + std::to_string(pid) + "/io", io) && !io.empty()) {
      s.block_read += number_in(io, "read_bytes:");
      s.block_write += number_in(io, "write_bytes:");
    } else {
      s.block_known = false;
    }
  }
}

bool read_from_cgroup(const std::string& dir, StatsSample& s) {
  std::string cur, max, cpu, pids, io;
  if (!fs::read_file_if_exists(dir + "/memory.current", cur)) return false;
  s.source = "cgroup";
  s.mem = std::stoull(std::string(trim(cur)));
  fs::read_file_if_exists(dir + "/memory.max", max);
  s.mem_limit = trim(max) == "max" || max.empty() ? host_mem_total() : std::stoull(std::string(trim(max)));
  if (fs::read_file_if_exists(dir + "/cpu.stat", cpu)) s.cpu_ns = number_in(cpu, "usage_usec ") * 1000;
  if (fs::read_file_if_exists(dir + "/pids.current", pids)) s.pids = std::stoull(std::string(trim(pids)));
  if (fs::read_file_if_exists(dir + "/io.stat", io)) {
    s.block_known = true;
    for (const auto& line : split(io, '\n')) {
      for (auto& kv : split(line, ' ')) {
        if (kv.starts_with("rbytes=")) s.block_read += std::stoull(kv.substr(7));
        if (kv.starts_with("wbytes=")) s.block_write += std::stoull(kv.substr(7));
      }
    }
  }
  return true;
}

bool up(const store::ContainerState& s) {
  return s.status == store::ContainerStatus::Running || s.status == store::ContainerStatus::Paused;
}

}  // namespace

std::vector<StatsSample> sample_stats(store::Context& ctx, const std::vector<std::string>& targets) {
  store::ContainerStore containers(ctx.store());
  std::vector<std::string> ids;
  if (targets.empty()) {
    for (const auto& id : containers.list_ids()) {
      try {
        if (up(containers.state(id))) ids.push_back(id);
      } catch (const Error&) {
        // Removed meanwhile.
      }
    }
  } else {
    for (const auto& t : targets) ids.push_back(containers.resolve(t));
  }
  runtime::CgroupSupport cgroups = runtime::detect_cgroups();
  std::vector<StatsSample> out;
  for (const auto& id : ids) {
    store::ContainerState state = containers.state(id);
    if (!up(state)) {
      if (targets.empty()) continue;
      fail("container {} is not running", id);
    }
    StatsSample s;
    s.id = id;
    s.name = containers.config(id).name;
    s.when_ns = timeutil::now_ns();
    std::string dir = runtime::container_cgroup_path(cgroups, id);
    if (dir.empty() || !read_from_cgroup(dir, s)) read_from_proc(state.pid, s);
    read_net(state.pid, s);
    out.push_back(std::move(s));
  }
  return out;
}

json::Value stats_row(const StatsSample& before, const StatsSample& after) {
  double interval = static_cast<double>(after.when_ns - before.when_ns);
  double cpu = interval > 0 && after.cpu_ns >= before.cpu_ns
                 ? 100.0 * static_cast<double>(after.cpu_ns - before.cpu_ns) / interval
                 : 0.0;
  double mem_perc = after.mem_limit ? 100.0 * static_cast<double>(after.mem) / static_cast<double>(after.mem_limit) : 0.0;
  json::Value row = json::Value::object();
  row.set("BlockIO", after.block_known ? format::human_size(static_cast<int64_t>(after.block_read)) + " / " +
                                              format::human_size(static_cast<int64_t>(after.block_write))
                                        : std::string("--"));
  row.set("CPUPerc", fmt::format("{:.2f}%", cpu));
  row.set("Container", after.id.substr(0, 12));
  row.set("ID", after.id.substr(0, 12));
  row.set("MemPerc", fmt::format("{:.2f}%", mem_perc));
  row.set("MemUsage", format::bytes_size(static_cast<int64_t>(after.mem)) + " / " +
                          format::bytes_size(static_cast<int64_t>(after.mem_limit)));
  row.set("Name", after.name);
  row.set("NetIO", format::human_size(static_cast<int64_t>(after.net_rx)) + " / " +
                       format::human_size(static_cast<int64_t>(after.net_tx)));
  row.set("PIDs", std::to_string(after.pids));
  return row;
}

}  // namespace kayak::commands
