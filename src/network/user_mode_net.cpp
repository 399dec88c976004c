#include "kayak/network/user_mode_net.hpp"

#include "kayak/util/error.hpp"

#include "user_mode_helpers.hpp"

#include <fcntl.h>

namespace kayak::network {

UniqueFd open_namespace(pid_t pid, const char* name) {
  std::string path = fmt::format("/proc/{}/ns/{}", pid, name);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) fail_errno("open {}", path);
  return fd;
}

std::unique_ptr<UserModeNetwork> start_user_mode_network(const NetworkRequest& request, pid_t init_pid) {
  const UserModePlan& plan = request.plan;
  if (plan.helper == "pasta") return start_pasta(plan, request, init_pid);
  if (plan.helper == "slirp4netns") return start_slirp4netns(plan, request, init_pid);
  return nullptr;
}

}  // namespace kayak::network
