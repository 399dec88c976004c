// The filter behind ContainerSpec::bind_notify_socket: every bind(2) of
// the native architecture goes to a supervisor (SECCOMP_RET_USER_NOTIF),
// everything else is allowed. A filter of its own, beside the container's
// seccomp profile: the kernel takes the strictest answer of all filters, so
// a profile that denies bind still denies it.
#pragma once

#include <linux/filter.h>

namespace kayak::runtime::detail {

// Null where this build knows no native audit architecture (then binds go
// straight to the kernel and published ports stay relayed).
const sock_fprog* bind_notify_program();

}  // namespace kayak::runtime::detail
