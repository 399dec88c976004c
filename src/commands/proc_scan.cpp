#include "proc_scan.hpp"

#include "kayak/util/fs.hpp"
#include "kayak/util/strings.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>

namespace kayak::commands {

using str::split;
using str::trim;

namespace {

std::string ns_of(const std::string& pid) {
  std::string path = "/proc/" + pid + "/ns/pid";
  char buf[64];
  ssize_t n = ::readlink(path.c_str(), buf, sizeof buf);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

}  // namespace

std::vector<pid_t> namespace_pids(pid_t init) {
  std::vector<pid_t> out;
  std::string target = ns_of(std::to_string(init));
  if (target.empty()) return out;
  for (const auto& name : fs::list_dir("/proc")) {
    if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0]))) continue;
    if (ns_of(name) == target) out.push_back(static_cast<pid_t>(std::stol(name)));
  }
  std::sort(out.begin(), out.end());
  auto it = std::find(out.begin(), out.end(), init);
  if (it != out.end()) std::rotate(out.begin(), it, it + 1);
  return out;
}

std::optional<ProcInfo> parse_proc_stat(const std::string& text) {
  auto open = text.find('(');
  auto close = text.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) return std::nullopt;
  ProcInfo p;
  p.pid = static_cast<pid_t>(std::stol(text.substr(0, open)));
  p.comm = text.substr(open + 1, close - open - 1);
  std::vector<std::string> f;
  for (auto& w : split(trim(std::string_view(text).substr(close + 1)), ' ')) {
    if (!w.empty()) f.push_back(w);
  }
  // f[0] is field 3 (state).
  if (f.size() < 22) return std::nullopt;
  p.state = f[0].empty() ? '?' : f[0][0];
  p.ppid = static_cast<pid_t>(std::stol(f[1]));
  p.tty_nr = std::stoi(f[4]);
  p.utime = std::stoull(f[11]);
  p.stime = std::stoull(f[12]);
  p.start_time = std::stoull(f[19]);
  p.rss_bytes = std::stoull(f[21]) * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  return p;
}

std::optional<ProcInfo> read_proc(pid_t pid) {
  std::string dir = "/proc/" + std::to_string(pid);
  std::string stat, status, cmdline;
  if (!fs::read_file_if_exists(dir + "/stat", stat)) return std::nullopt;
  auto p = parse_proc_stat(stat);
  if (!p || p->state == 'Z' || p->state == 'X') return std::nullopt;
  if (fs::read_file_if_exists(dir + "/status", status)) {
    for (const auto& line : split(status, '\n')) {
      if (line.starts_with("Uid:")) {
        std::string rest(trim(std::string_view(line).substr(4)));
        p->uid = static_cast<uid_t>(std::stoul(rest.substr(0, rest.find_first_of(" \t"))));
      }
    }
  }
  if (fs::read_file_if_exists(dir + "/cmdline", cmdline)) {
    if (!cmdline.empty() && cmdline.back() == '\0') cmdline.pop_back();
    if (!cmdline.empty()) p->args = split(cmdline, '\0');
  }
  return p;
}

}  // namespace kayak::commands
