// Building launch plans (plan.hpp) from a ContainerSpec: everything that can
// fail for a reason the user can fix fails here, in the parent, with a
// sentence; what is left for the child are system calls.
#pragma once

#include "plan.hpp"

#include "kayak/runtime/launch.hpp"
#include "kayak/runtime/spec.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fd.hpp"

#include <string>
#include <vector>

namespace kayak::runtime::detail {

// Fds the plan's steps refer to; they stay open in the parent until the
// child has been started (it inherits them, all close-on-exec).
struct PlanFds {
  std::vector<UniqueFd> fds;
  UniqueFd program_output;  // what fuse-overlayfs said, for the error message
};

// The container's mount namespace: the rootfs mounted, /proc, /dev, /sys,
// spec.mounts, masks and read-only paths, pivot_root, hostname.
void plan_container_setup(Plan& plan, PlanFds& fds, const ContainerSpec& spec);

struct ProcessContext {
  Stdio stdio;
  int tty_socket = -1;     // with process.tty: where the master goes
  int bind_notify_socket = -1;  // ContainerSpec::bind_notify_socket
  bool may_setgroups = true;  // false in a single-id user namespace (setgroups denied)
  bool create_cwd = true;  // the init creates a missing working directory; exec does not
};

// Credentials, terminal, limits, security and execve of process.
void plan_process(Plan& plan, const ProcessSpec& process, const ProcessContext& context);

// The sentence (and exit code) for a failure the child reported.
Error explain_failure(const Plan& plan, const Report& report, int program_output);

}  // namespace kayak::runtime::detail
