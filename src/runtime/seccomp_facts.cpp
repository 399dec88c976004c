// What `info` reports about seccomp on this host.
#include "kayak/runtime/seccomp.hpp"

#include "kayak/util/fs.hpp"
#include "kayak/util/strings.hpp"

#include "seccomp_arch.hpp"

#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>

namespace kayak::runtime {
namespace {

// seccomp(SECCOMP_GET_ACTION_AVAIL) asks the kernel itself, which is what
// matters when installing (the /proc list can be absent in a container).
bool action_available(uint32_t action) {
  return ::syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0;
}

int current_mode() {
  std::string status;
  if (!fs::read_file_if_exists("/proc/self/status", status)) return -1;
  for (const auto& line : str::split(status, '\n')) {
    if (line.starts_with("Seccomp:")) {
      auto n = str::parse_int(str::trim(std::string_view(line).substr(8)));
      return n ? static_cast<int>(*n) : -1;
    }
  }
  return -1;
}

}  // namespace

SeccompFacts seccomp_facts() {
  SeccompFacts f;
  const scmp_version* v = seccomp_version();
  f.libseccomp_version = fmt::format("{}.{}.{}", v->major, v->minor, v->micro);
  f.api_level = seccomp_api_get();
  // PR_GET_SECCOMP fails with EINVAL on a kernel built without seccomp;
  // filter mode additionally needs the seccomp() syscall (3.17+).
  f.filter_supported = ::prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0 && action_available(SECCOMP_RET_ALLOW);
  std::string avail;
  if (fs::read_file_if_exists("/proc/sys/kernel/seccomp/actions_avail", avail)) {
    for (const auto& word : str::split(str::trim(avail), ' ')) {
      if (!word.empty()) f.actions_avail.push_back(word);
    }
  }
  f.ret_log = action_available(SECCOMP_RET_LOG);
  f.ret_user_notif = action_available(SECCOMP_RET_USER_NOTIF);
  f.native_arch = seccomp_arch::go_name(seccomp_arch_native());
  f.current_mode = current_mode();
  return f;
}

}  // namespace kayak::runtime
