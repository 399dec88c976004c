// Docker's defaults for an unprivileged container: the paths it hides or
// makes read-only under /proc and /sys, and its 14 default capabilities.
#pragma once

#include <string>
#include <vector>

namespace kayak::runtime {

// Hidden: a file is covered by /dev/null, a directory by an empty read-only
// tmpfs. Paths missing on this kernel are skipped.
std::vector<std::string> default_masked_paths();
// Bound onto themselves read-only.
std::vector<std::string> default_readonly_paths();
// CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FSETID, CAP_FOWNER, CAP_MKNOD,
// CAP_NET_RAW, CAP_SETGID, CAP_SETUID, CAP_SETFCAP, CAP_SETPCAP,
// CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT, CAP_KILL, CAP_AUDIT_WRITE.
std::vector<int> default_capabilities();

}  // namespace kayak::runtime
