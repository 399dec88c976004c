#include "kayak/util/process.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/strings.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

namespace kayak::proc {

std::optional<ProcessStat> read_stat(pid_t pid) {
  if (pid <= 0) return std::nullopt;
  std::string text;
  try {
    if (!fs::read_file_if_exists("/proc/" + std::to_string(pid) + "/stat", text)) return std::nullopt;
  } catch (const Error&) {
    return std::nullopt;  // vanished between open and read (ESRCH)
  }
  // The command name (field 2) is in parentheses and may hold spaces and
  // ')': the fields we want follow the LAST ')'.
  auto close = text.rfind(')');
  if (close == std::string::npos || close + 2 >= text.size()) return std::nullopt;
  std::vector<std::string> fields = str::split(std::string_view(text).substr(close + 2), ' ');
  // fields[0] is field 3 (state); field 22 is fields[19].
  if (fields.size() < 20 || fields[0].empty()) return std::nullopt;
  ProcessStat stat;
  stat.state = fields[0][0];
  stat.start_time = str::parse_uint(fields[19]).value_or(0);
  return stat;
}

bool is_alive(pid_t pid, uint64_t start_time) {
  auto stat = read_stat(pid);
  if (!stat || stat->state == 'Z' || stat->state == 'X' || stat->state == 'x') return false;
  return start_time == 0 || stat->start_time == start_time;
}

std::string boot_id() {
  std::string text;
  try {
    if (!fs::read_file_if_exists("/proc/sys/kernel/random/boot_id", text)) return {};
  } catch (const Error&) {
    return {};
  }
  return std::string(str::trim(text));
}

int64_t boot_time_ns() {
  std::string text;
  try {
    text = fs::read_file("/proc/stat");
  } catch (const Error&) {
    return 0;
  }
  auto at = text.find("\nbtime ");
  if (at == std::string::npos) return 0;
  auto end = text.find('\n', at + 1);
  auto secs = str::parse_int(str::trim(std::string_view(text).substr(at + 7, end - at - 7)));
  return secs ? *secs * 1000000000LL : 0;
}

UniqueFd open_pidfd(pid_t pid, uint64_t start_time) {
  if (pid <= 0) return {};
  UniqueFd fd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  if (!fd) {
    if (errno == ESRCH) return {};
    fail_errno("pidfd_open {}", pid);
  }
  // The pidfd pins the process it was opened for; if the pid still shows
  // the recorded start time now, that process is the one we meant.
  if (!is_alive(pid, start_time)) return {};
  return fd;
}

bool send_signal(int pidfd, int signal) {
  if (::syscall(SYS_pidfd_send_signal, pidfd, signal, nullptr, 0) == 0) return true;
  if (errno == ESRCH) return false;
  fail_errno("send signal {}", signal);
}

bool wait_exit(int pidfd, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    int left = -1;
    if (timeout_ms >= 0) {
      auto rest = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      left = rest.count() > 0 ? static_cast<int>(rest.count()) : 0;
    }
    struct pollfd p{pidfd, POLLIN, 0};
    int n = ::poll(&p, 1, left);
    if (n > 0) return true;
    if (n == 0) return false;
    if (errno != EINTR) fail_errno("poll pidfd");
  }
}

}  // namespace kayak::proc
