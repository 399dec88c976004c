#include "kayak/commands/container_top.hpp"

#include "proc_scan.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/process.hpp"
#include "kayak/util/strings.hpp"
#include "kayak/util/time.hpp"

#include <pwd.h>
#include <unistd.h>

#include <ctime>
#include <fmt/format.h>

namespace kayak::commands {

using str::split;
using str::trim;

namespace {

const std::vector<std::string> default_set = {"uid", "pid", "ppid", "c", "stime", "tty", "time", "cmd"};

bool known(const std::string& d) {
  for (auto k : {"user", "pid", "ppid", "pcpu", "etime", "tty", "time", "args", "comm"}) {
    if (d == k) return true;
  }
  return false;
}

std::string user_name(uid_t uid) {
  struct passwd* pw = ::getpwuid(uid);
  return pw ? pw->pw_name : std::to_string(uid);
}

std::string tty_name(int tty_nr) {
  if (tty_nr == 0) return "?";
  unsigned major = (static_cast<unsigned>(tty_nr) >> 8) & 0xfff;
  unsigned minor = (static_cast<unsigned>(tty_nr) & 0xff) | ((static_cast<unsigned>(tty_nr) >> 12) & 0xfff00);
  if (major >= 136 && major <= 143) return fmt::format("pts/{}", (major - 136) * 256 + minor);
  if (major == 4 && minor < 64) return fmt::format("tty{}", minor);
  return fmt::format("{}:{}", major, minor);
}

std::string start_clock(int64_t start_epoch_s, int64_t now_s) {
  time_t t = static_cast<time_t>(start_epoch_s), n = static_cast<time_t>(now_s);
  struct tm st, nt;
  ::localtime_r(&t, &st);
  ::localtime_r(&n, &nt);
  char buf[32];
  if (st.tm_yday == nt.tm_yday && st.tm_year == nt.tm_year) std::strftime(buf, sizeof buf, "%H:%M", &st);
  else if (st.tm_year == nt.tm_year) std::strftime(buf, sizeof buf, "%b%d", &st);
  else std::strftime(buf, sizeof buf, "%Y", &st);
  return buf;
}

}  // namespace

std::string ps_cpu_time(uint64_t s) {
  if (s >= 86400) return fmt::format("{}-{:02}:{:02}:{:02}", s / 86400, s % 86400 / 3600, s % 3600 / 60, s % 60);
  return fmt::format("{:02}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60);
}

std::string ps_elapsed(uint64_t s) {
  if (s >= 86400) return fmt::format("{}-{:02}:{:02}:{:02}", s / 86400, s % 86400 / 3600, s % 3600 / 60, s % 60);
  if (s >= 3600) return fmt::format("{:02}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60);
  return fmt::format("{:02}:{:02}", s / 60, s % 60);
}

std::vector<std::string> parse_top_descriptors(const std::vector<std::string>& args) {
  if (args.empty() || (args.size() == 1 && args[0] == "-ef")) return default_set;
  std::vector<std::string> out;
  for (const auto& arg : args) {
    for (auto& d : split(arg, ',')) {
      if (d.empty()) continue;
      if (!known(d)) {
        fail("unsupported top descriptor \"{}\": kayak top reads /proc and accepts -ef (the default) or the "
             "descriptors user, pid, ppid, pcpu, etime, tty, time, args, comm",
             d);
      }
      out.push_back(d);
    }
  }
  if (out.empty()) return default_set;
  return out;
}

std::string top_title(const std::string& d) {
  if (d == "pcpu") return "%CPU";
  if (d == "etime") return "ELAPSED";
  if (d == "args" || d == "comm") return "COMMAND";
  if (d == "c") return "C";
  std::string up = d;
  for (auto& ch : up) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return up;
}

TopTable top(store::Context& ctx, const std::string& container, const std::vector<std::string>& descriptors) {
  store::ContainerStore containers(ctx.store());
  std::string id = containers.resolve(container);
  store::ContainerState state = containers.state(id);
  if (state.status != store::ContainerStatus::Running && state.status != store::ContainerStatus::Paused) {
    fail("container {} is not running", id);
  }
  TopTable table;
  for (const auto& d : descriptors) table.titles.push_back(top_title(d));
  const int64_t ticks = ::sysconf(_SC_CLK_TCK);
  const int64_t now_ns = timeutil::now_ns();
  const int64_t boot_s = proc::boot_time_ns() / 1000000000;
  for (pid_t pid : namespace_pids(state.pid)) {
    auto p = read_proc(pid);
    if (!p) continue;
    int64_t start_s = boot_s + static_cast<int64_t>(p->start_time) / ticks;
    int64_t elapsed = std::max<int64_t>(0, now_ns / 1000000000 - start_s);
    uint64_t cpu_ticks = p->utime + p->stime;
    double pcpu = elapsed > 0 ? 100.0 * static_cast<double>(cpu_ticks) / static_cast<double>(ticks) / static_cast<double>(elapsed) : 0.0;
    std::string args = p->args.empty() ? "[" + p->comm + "]" : str::join(p->args, " ");
    std::vector<std::string> row;
    for (const auto& d : descriptors) {
      if (d == "uid" || d == "user") row.push_back(user_name(p->uid));
      else if (d == "pid") row.push_back(std::to_string(p->pid));
      else if (d == "ppid") row.push_back(std::to_string(p->ppid));
      else if (d == "c") row.push_back(std::to_string(static_cast<int>(pcpu)));
      else if (d == "pcpu") row.push_back(fmt::format("{:.1f}", pcpu));
      else if (d == "stime") row.push_back(start_clock(start_s, now_ns / 1000000000));
      else if (d == "tty") row.push_back(tty_name(p->tty_nr));
      else if (d == "time") row.push_back(ps_cpu_time(cpu_ticks / static_cast<uint64_t>(ticks)));
      else if (d == "etime") row.push_back(ps_elapsed(static_cast<uint64_t>(elapsed)));
      else if (d == "cmd" || d == "args") row.push_back(args);
      else if (d == "comm") row.push_back(p->comm);
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

}  // namespace kayak::commands
