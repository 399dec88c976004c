// The two user-mode helpers behind start_user_mode_network.
#pragma once

#include "kayak/network/helper_plan.hpp"
#include "kayak/network/user_mode_net.hpp"
#include "kayak/util/fd.hpp"

namespace kayak::network {

std::unique_ptr<UserModeNetwork> start_pasta(const UserModePlan& plan, const NetworkRequest& request, pid_t init_pid);
std::unique_ptr<UserModeNetwork> start_slirp4netns(const UserModePlan& plan, const NetworkRequest& request,
                                                   pid_t init_pid);

// /proc/<pid>/ns/<name>, opened by the monitor: the helper gets the fd
// (/proc/self/fd/N). As root the init still holds every capability while
// it waits, and a helper that dropped its own may not open the init's
// namespaces by path; its own fd it may.
UniqueFd open_namespace(pid_t pid, const char* name);

}  // namespace kayak::network
