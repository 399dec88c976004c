#include "proc_stat.hpp"

#include "kayak/util/fs.hpp"
#include "kayak/util/strings.hpp"

#include <fmt/format.h>

namespace kayak::monitor {

uint64_t process_start_time(pid_t pid) {
  std::string stat;
  if (!fs::read_file_if_exists(fmt::format("/proc/{}/stat", pid), stat)) return 0;
  // The command name (field 2) may hold spaces and parentheses: count from
  // the last ')'.
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  auto fields = str::split(std::string_view(stat).substr(close + 2), ' ');
  // fields[0] is field 3 (state); field 22 is fields[19].
  if (fields.size() < 20) return 0;
  return str::parse_uint(fields[19]).value_or(0);
}

std::string boot_id() {
  std::string id;
  fs::read_file_if_exists("/proc/sys/kernel/random/boot_id", id);
  return std::string(str::trim(id));
}

}  // namespace kayak::monitor
